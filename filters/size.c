/* size.c: the size filter. Findings, all refused with 5.3.4 ("message too
 * big for system", RFC 3463) under any policy, since they bound the work
 * the other filters do:
 *   - the message is over the config's max-size (the core stored only a
 *     prefix and refuses before the chain; this is the belt to its braces)
 *     or over the policy's size=;
 *   - a decoded part is over part-size=;
 *   - the MIME walk stopped at max-parts or max-depth.
 * And two of the policy's own actions, judged here because the walk
 * (which runs for every filter, with none current) only records them in
 * m->mime, and this is the filter that judges the MIME structure:
 *   - ambiguous-mime=: mail readers could take the structure two ways
 *     (m->mime.ambiguous names the first such place), 5.6.0;
 *   - message-partial=: a message/partial fragment, whose whole no
 *     filter can see, 5.6.1.
 * Otherwise the result word is "ok", or "broken-mime" when the walk had to
 * guess (a missing boundary, damaged base64): no finding, but worth a look. */
#include <stdio.h>
#include "filter.h"
#include "mime_limits.h"
#include "part_report.h"

#define SIZE_DSN "5.3.4"
#define AMBIGUOUS_DSN "5.6.0"   /* other or undefined media error (RFC 3463) */
#define PARTIAL_DSN "5.6.1"     /* media not supported */

static void *size_init(const struct qf_config *cfg, char *err, size_t errlen)
{
	static const char stateless;

	return (void *)&stateless;
}

static void size_part(struct qf_msg *m, void *state, const struct qf_part *p)
{
	char reason[QF_PART_NAME_BUF + 120], buf[QF_PART_NAME_BUF];

	if (!m->policy.part_size || p->size <= m->policy.part_size)
		return;
	snprintf(reason, sizeof reason, "%s (part %u) is %llu bytes, over part-size %llu",
		 qf_part_report_name(p, buf, sizeof buf), p->index,
		 (unsigned long long)p->size, (unsigned long long)m->policy.part_size);
	qf_msg_finding(m, QF_ACT_REJECT, SIZE_DSN, reason,
		       "an attachment exceeds the size limit of %llu bytes",
		       (unsigned long long)m->policy.part_size);
	qf_msg_result(m, "part-size:%llu", (unsigned long long)p->size);
}

static void too_big(struct qf_msg *m, uint64_t limit, const char *setting)
{
	char reason[160];

	snprintf(reason, sizeof reason, "%llu bytes, over %s %llu",
		 (unsigned long long)m->received, setting, (unsigned long long)limit);
	qf_msg_finding(m, QF_ACT_REJECT, SIZE_DSN, reason,
		       QF_SIZE_TEXT, (unsigned long long)limit);
	qf_msg_result(m, "size:%llu", (unsigned long long)m->received);
}

static void size_message(struct qf_msg *m, void *state)
{
	struct qf_result *r = qf_part_report_result(m);
	char reason[220];

	if (m->truncated && m->cfg && m->cfg->max_size)
		too_big(m, m->cfg->max_size, "max-size");
	else if (m->policy.size && m->received > m->policy.size)
		too_big(m, m->policy.size, "size");
	else if (m->mime.too_deep) {
		snprintf(reason, sizeof reason, "MIME nesting deeper than %u levels",
			 qf_mime_max_depth(m->policy.max_depth));
		qf_msg_finding(m, QF_ACT_REJECT, SIZE_DSN, reason,
			       "MIME structure nested too deeply");
		qf_msg_result(m, "too-deep:%u", m->mime.depth);
	} else if (m->mime.too_many_parts) {
		snprintf(reason, sizeof reason, "more than %u MIME parts",
			 qf_mime_max_parts(m->policy.max_parts));
		qf_msg_finding(m, QF_ACT_REJECT, SIZE_DSN, reason,
			       "too many MIME parts (the limit is %u)",
			       qf_mime_max_parts(m->policy.max_parts));
		qf_msg_result(m, "too-many-parts:%u", m->mime.parts);
	}
	if (m->mime.ambiguous[0]) {
		snprintf(reason, sizeof reason, "ambiguous MIME structure: %s", m->mime.ambiguous);
		qf_msg_finding(m, m->policy.ambiguous, AMBIGUOUS_DSN, reason,
			       "message structure is ambiguous");
		if (r && !r->result)
			qf_msg_result(m, "ambiguous");
	}
	if (m->mime.partial) {
		qf_msg_finding(m, m->policy.partial, PARTIAL_DSN, "message/partial fragment",
			       "we don't accept message fragments (message/partial)");
		if (r && !r->result)
			qf_msg_result(m, "partial");
	}
	if (r && !r->result)
		qf_msg_result(m, m->mime.broken ? "broken-mime" : "ok");
}

const struct qf_filter qf_filter_size = {
	.name = "size",
	.init = size_init,
	.part = size_part,
	.message = size_message,
};
