/* process.c: see process.h */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "deliver.h"
#include "exitcodes.h"
#include "external.h"
#include "log.h"
#include "output.h"
#include "process.h"

/* Over max-size, only a prefix was stored: refuse without filtering it. */
static void too_big(const struct qf_msg *m, struct qf_decision *d)
{
	static char reason[96];

	memset(d, 0, sizeof *d);
	d->action = QF_ACT_REJECT;
	d->exit = QF_EXIT_REFUSED;
	d->filter = "size";
	snprintf(reason, sizeof reason, "size: %llu bytes over max-size %llu",
		 (unsigned long long)m->received, (unsigned long long)m->cfg->max_size);
	d->reason = reason;
	snprintf(d->reply, sizeof d->reply, "D" QF_SIZE_TEXT " (#5.3.4)",
		 (unsigned long long)m->cfg->max_size);
}

void qf_process(struct qf_engine *e, const struct qf_spool *s, struct qf_envelope *env,
		const struct qf_client *client, int64_t deadline_ms, bool dry_run,
		struct qf_msg *m, struct qf_decision *d)
{
	int rc;

	rc = qf_msg_open(m, e, s, env, client, dry_run);
	if (deadline_ms)
		m->deadline_ms = deadline_ms;
	if (rc) {
		qf_msg_error(m, rc, "cannot set up the message's policy");
		qf_decide(m, d);
		return;
	}
	if (m->truncated) {
		too_big(m, d);
		return;
	}
	qf_chain_run(m);
	qf_decide(m, d);
}
