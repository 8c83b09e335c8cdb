/* outcome_compose.c: phase 1 of carrying out a decision (outcome.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "exitcodes.h"
#include "log.h"
#include "outcome.h"
#include "output.h"
#include "quarantine.h"

int qf_outcome_compose(struct qf_msg *m, struct qf_decision *d, bool seekable)
{
	char err[512];
	int fd;

	switch (d->action) {
	case QF_ACT_OFF:
	case QF_ACT_TAG:
		if (d->exit)
			break;   /* an error decided */
		if ((fd = qf_output_fd(m, seekable)) < 0) {
			qf_log("error: writing the message for the queue: %s", strerror(errno));
			d->exit = QF_EXIT_WRITE;
			d->reason = "writing the message for the queue";
			break;
		}
		return fd;
	case QF_ACT_DROP:
		return -1;
	case QF_ACT_QUARANTINE:
		if (qf_quarantine_store(m, d->reason, err, sizeof err) == 0)
			return -1;
		qf_log("error: quarantine: %s", err);
		d->action = QF_ACT_TEMPFAIL;
		d->exit = QF_EXIT_TEMPFAIL;
		snprintf(d->reply, sizeof d->reply,
			 "Zmessage held for review could not be stored, try again later (#4.3.0)");
		break;
	default:
		break;
	}
	if (!d->exit || !qf_exit_lookup(d->exit) || d->exit == QF_EXIT_CUSTOM)
		d->exit = QF_EXIT_BUG;   /* a refusal without its code is a bug */
	return -1;
}

void qf_outcome_log_from_msg(const struct qf_msg *m, struct qf_outcome_log *l)
{
	size_t i;

	memset(l, 0, sizeof *l);
	l->cfg = m->cfg;
	l->env = (struct qf_envelope *)&m->env;
	l->client = &m->client;
	l->received = m->received;
	l->start_ms = m->start_ms;
	for (i = 0; i < m->nresults && l->nfilters < QF_OUTCOME_FILTERS; i++)
		if (m->results[i].ran) {
			l->filter[l->nfilters] = m->results[i].filter;
			l->result[l->nfilters++] = m->results[i].result ? m->results[i].result : "ok";
		}
}
