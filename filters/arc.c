/* arc.c: the arc filter: verifies an incoming ARC chain (RFC 8617,
 * auth/auth_arc.c), adds arc= to the dkim filter's Authentication-Results
 * and hands the verdict and the newest sealer on to the dmarc filter,
 * which spares a DMARC failure whose chain a trusted sealer made
 * (arc-trusted-sealers). A result only, never a finding of its own. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "auth_arc.h"
#include "auth_resolver.h"
#include "authres.h"
#include "exitcodes.h"
#include "filter.h"

static bool arc_wanted(const struct qf_msg *m)
{
	return m->cfg && m->cfg->arc && auth_wanted(m);
}

static void arc_message(struct qf_msg *m, void *state)
{
	struct auth_arc_check out;
	struct dkim_keys keys;
	struct dkim_resolver *r;
	char comment[200] = "";
	bool nomem;

	(void)state;   /* stateless: the resolver is the dkim filter's */
	if (!m->auth.dkim_done || !m->hdr)
		return;
	r = auth_resolver(m, "arc", &nomem);
	if (nomem) {
		qf_msg_error(m, QF_EXIT_NOMEM, "arc: out of memory");
		return;
	}
	dkim_keys_begin(&keys, r);
	if (m->truncated) {
		memset(&out, 0, sizeof out);
		out.result = AUTH_ARC_FAIL;
		snprintf(out.comment, sizeof out.comment, "message not stored whole");
	} else
		auth_arc_verify(m->fd, m->size, m->hdr, &keys, qf_msg_ms_left(m), &out);
	if (out.nomem) {
		qf_msg_error(m, QF_EXIT_NOMEM, "arc: out of memory");
		return;
	}
	if (out.result == AUTH_ARC_PASS)
		snprintf(comment, sizeof comment, "%u set%s, sealed by %.150s", out.sets, out.sets == 1 ? "" : "s",
			 out.sealer);
	else if (out.result == AUTH_ARC_FAIL)
		snprintf(comment, sizeof comment, "%s", out.comment);
	if (auth_resinfo_add(m, authres_method("arc", auth_arc_result_name(out.result),
					       comment, NULL, 0)) < 0)
		return;
	m->auth.arc_done = true;
	m->auth.arc = (int)out.result;
	if (out.result == AUTH_ARC_PASS)
		snprintf(m->auth.arc_sealer, sizeof m->auth.arc_sealer, "%s", out.sealer);
	qf_msg_result(m, "%s%s%s", auth_arc_result_name(out.result),
		      out.result == AUTH_ARC_PASS ? ":" : "", out.result == AUTH_ARC_PASS ? out.sealer : "");
}

const struct qf_filter qf_filter_arc = {
	.name = "arc",
	.wanted = arc_wanted,
	.message = arc_message,
};
