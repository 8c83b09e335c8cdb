/* exe.c: the exe filter. A decoded part, a uuencoded block or an archive
 * member (the chain hands members to every part hook, archive_walk.h)
 * whose content starts with an MZ executable header (exe_header.c) is a
 * finding of the policy's exe= action:
 *   we don't accept email with executable content (#5.3.4)
 * A part or member that could not be read whole (p->unchecked: encrypted,
 * damaged, truncated, lying sizes, an unsupported method, over a limit)
 * is the ban that could not be checked: a finding of the policy's
 * unchecked= action,
 *   attachment could not be checked for executable content (#5.7.1)
 * An executable found is the stronger reason: it replaces an unchecked
 * finding of the same action, so the reply names what was found. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include "exe_header.h"
#include "filter.h"
#include "part_report.h"

#define EXE_DSN "5.3.4"
#define EXE_TEXT "we don't accept email with executable content"
#define UNCHECKED_TEXT "attachment could not be checked for executable content"

static bool exe_wanted(const struct qf_msg *m)
{
	return m->policy.exe != QF_ACT_OFF;
}

static void *exe_init(const struct qf_config *cfg, char *err, size_t errlen)
{
	static const char stateless;

	(void)cfg;
	(void)err;
	(void)errlen;
	return (void *)&stateless;
}

static bool standing_unchecked(const struct qf_result *r)
{
	return r && r->reason && r->text && !strncmp(r->text, UNCHECKED_TEXT, strlen(UNCHECKED_TEXT));
}

static void found(struct qf_msg *m, const struct qf_part *p, enum qf_exe_kind k)
{
	struct qf_result *r = qf_part_report_result(m);
	bool first = r && (!r->reason || standing_unchecked(r));
	char reason[QF_PART_NAME_BUF + 64], buf[QF_PART_NAME_BUF];

	if (standing_unchecked(r) && r->action <= m->policy.exe)
		qf_msg_finding_drop(m);
	snprintf(reason, sizeof reason, "%s executable %s (part %u)",
		 qf_exe_header_name(k), qf_part_report_name(p, buf, sizeof buf), p->index);
	qf_msg_finding(m, m->policy.exe, EXE_DSN, reason, EXE_TEXT);
	if (first && r->reason && !standing_unchecked(r))
		qf_msg_result(m, "%s:%.*s", k == QF_EXE_PE ? "pe" : "mz", QF_NAME_LOGGED,
			      p->filename ? p->filename : buf);
}

static void unchecked(struct qf_msg *m, const struct qf_part *p)
{
	struct qf_result *r = qf_part_report_result(m);
	enum qf_action a = m->policy.unchecked;
	char reason[QF_PART_NAME_BUF + 400], buf[QF_PART_NAME_BUF];
	const char *where = p->container ? p->container : qf_part_report_name(p, buf, sizeof buf);

	snprintf(reason, sizeof reason, "unchecked: %s: %s", where, p->unchecked);
	qf_msg_finding(m, a, "5.7.1", reason, UNCHECKED_TEXT); /* 4.7.1 when held back: decide.c */
	if (r && !r->result)
		qf_msg_result(m, "unchecked:%.*s", QF_NAME_LOGGED, where);
}

static void exe_part(struct qf_msg *m, void *state, const struct qf_part *p)
{
	enum qf_exe_kind k = qf_exe_header_kind(p->head, p->head_len, p->size, p->fd);

	(void)state;
	if (k != QF_EXE_NONE)
		found(m, p, k);
	if (p->unchecked)
		unchecked(m, p);
}

const struct qf_filter qf_filter_exe = {
	.name = "exe",
	.wanted = exe_wanted,
	.init = exe_init,
	.part = exe_part,
	.message = qf_part_report_clean,
};
