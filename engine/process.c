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

int qf_finish_accept(struct qf_msg *m, char **const *argvs, size_t nargvs,
		     int *msgfd, int *envfd)
{
	int rc;

	/* external filters seek in it; qmail-queue reads it as a pipe */
	*msgfd = qf_output_fd(m, nargvs > 0 || m->cfg->nfilters > 0);
	if (*msgfd < 0) {
		qf_log("error: writing the message for the queue: %s", strerror(errno));
		return QF_EXIT_WRITE;
	}
	*envfd = qf_envelope_fd(&m->env);
	if (*envfd < 0) {
		qf_log("error: envelope for the queue: %s", strerror(errno));
		return QF_EXIT_WRITE;
	}
	rc = qf_external_run(argvs, nargvs, m->cfg, msgfd, envfd, &m->env);
	if (rc || !m->cfg->nfilters)
		return rc;
	{
		char **conf[m->cfg->nfilters];
		size_t i;

		for (i = 0; i < m->cfg->nfilters; i++)
			conf[i] = m->cfg->filters[i].v;
		return qf_external_run(conf, m->cfg->nfilters, m->cfg, msgfd, envfd, &m->env);
	}
}
