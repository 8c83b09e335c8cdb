/* outcome_finish.c: phase 2 of carrying out a decision (outcome.h), in
 * the process qmail started. Light on purpose: the front links it, so it
 * may use the qmail layer and the log, nothing that filters. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "deliver.h"
#include "exitcodes.h"
#include "external.h"
#include "io.h"
#include "log.h"
#include "outcome.h"
#include "spool.h"

int qf_refuse(const struct qf_config *cfg, const struct qf_decision *d)
{
	if (d->reply[0] && qf_errfd_usable(cfg->errfd) &&
	    qf_write_all(cfg->errfd, d->reply, strlen(d->reply)) == 0)
		return QF_EXIT_CUSTOM;
	return d->exit;
}

const char *qf_verdict_word(const struct qf_decision *d)
{
	if (d->exit && d->exit != QF_EXIT_REFUSED && d->exit != QF_EXIT_TEMPFAIL)
		return "error";
	switch (d->action) {
	case QF_ACT_OFF: return "accept";
	case QF_ACT_TAG: return "tag";
	case QF_ACT_TEMPFAIL: return "tempfail";
	case QF_ACT_QUARANTINE: return "quarantine";
	case QF_ACT_REJECT: return "reject";
	case QF_ACT_DROP: return "drop";
	}
	return "?";
}

void qf_outcome_log_line(const struct qf_outcome_log *l, const char *verdict, const char *reason,
			 int exitcode)
{
	char line[4096], num[64], from[QF_ADDR_MAX + 3];
	size_t pos = 0, i;

	line[0] = 0;
	snprintf(num, sizeof num, "%d", (int)getpid());
	qf_log_kv(line, sizeof line, &pos, "pid", num);
	if (l->client && l->client->ppid)
		qf_log_kv(line, sizeof line, &pos, "ppid", l->client->ppid);
	qf_log_kv(line, sizeof line, &pos, "ip",
		  l->client && l->client->remote_ip ? l->client->remote_ip : "-");
	snprintf(from, sizeof from, "<%s>", l->env && l->env->sender ? l->env->sender : "");
	qf_log_kv(line, sizeof line, &pos, "from", from);
	snprintf(num, sizeof num, "%zu", l->env ? l->env->nrcpts : 0);
	qf_log_kv(line, sizeof line, &pos, "rcpts", num);
	if (l->env && l->env->nrcpts)
		qf_log_kv(line, sizeof line, &pos, "to", l->env->rcpts[0]);
	snprintf(num, sizeof num, "%llu", (unsigned long long)l->received);
	qf_log_kv(line, sizeof line, &pos, "size", num);
	qf_log_kv(line, sizeof line, &pos, "verdict", verdict);
	qf_log_kv(line, sizeof line, &pos, "reason", reason && *reason ? reason : "-");
	snprintf(num, sizeof num, "%d", exitcode);
	qf_log_kv(line, sizeof line, &pos, "exit", num);
	snprintf(num, sizeof num, "%lld", (long long)(qf_now_ms() - l->start_ms));
	qf_log_kv(line, sizeof line, &pos, "ms", num);
	/* one field per filter; the size filter's is "limits=", since
	 * "size=" is the message's size */
	for (i = 0; i < l->nfilters; i++)
		qf_log_kv(line, sizeof line, &pos, strcmp(l->filter[i], "size") ? l->filter[i] : "limits",
			  l->result[i]);
	qf_log("%s", line + 1);
}

/* The command line's external filters, then the configuration's. Their
 * input must seek: a pipe from compose or qfilterd is spooled first, as
 * the message itself was. */
static int run_external(const struct qf_outcome_log *l, char ***argvs, size_t nargvs,
			int *msgfd, int *envfd)
{
	const struct qf_config *cfg = l->cfg;
	struct stat st;
	size_t i;
	int rc;

	if (!nargvs && !cfg->nfilters)
		return 0;
	if (fstat(*msgfd, &st) == 0 && S_ISFIFO(st.st_mode)) {
		struct qf_spool copy;
		rc = qf_spool_read(*msgfd, cfg->spool, cfg->spool_memory, 0, &copy);
		close(*msgfd);
		*msgfd = copy.fd;
		if (rc) {
			qf_log("error: copying the message for the external filters (exit %d)", rc);
			return rc;
		}
	}
	if ((rc = qf_external_run(argvs, nargvs, cfg, msgfd, envfd, l->env)) || !cfg->nfilters)
		return rc;
	{
		char **conf[cfg->nfilters];

		for (i = 0; i < cfg->nfilters; i++)
			conf[i] = cfg->filters[i].v;
		return qf_external_run(conf, cfg->nfilters, cfg, msgfd, envfd, l->env);
	}
}

int qf_outcome_finish(const struct qf_outcome_log *l, struct qf_decision *d, int msgfd, int envfd,
		      char ***argvs, size_t nargvs)
{
	int rc;

	if (msgfd >= 0) {   /* an accept, composed */
		if (envfd < 0 && (envfd = qf_envelope_fd(l->env)) < 0) {
			qf_log("error: envelope for the queue: %s", strerror(errno));
			close(msgfd);
			qf_outcome_log_line(l, "error", "envelope for the queue", QF_EXIT_WRITE);
			return QF_EXIT_WRITE;
		}
		rc = run_external(l, argvs, nargvs, &msgfd, &envfd);
		if (rc == 99) {
			qf_outcome_log_line(l, "drop", "external filter asked for a drop", 0);
			return 0;
		}
		if (rc) {
			qf_outcome_log_line(l, rc == QF_EXIT_REFUSED ? "reject" : "error", "external filter", rc);
			return rc;
		}
		qf_outcome_log_line(l, qf_verdict_word(d), d->reason, 0);
		return qf_exec_queue(qf_queue_path(l->cfg), msgfd, envfd);
	}
	if (envfd >= 0)
		close(envfd);
	if (!d->exit) {   /* dropped, or quarantined */
		qf_outcome_log_line(l, qf_verdict_word(d), d->reason, 0);
		return 0;
	}
	rc = d->exit == QF_EXIT_REFUSED || d->exit == QF_EXIT_TEMPFAIL ? qf_refuse(l->cfg, d) : d->exit;
	qf_outcome_log_line(l, qf_verdict_word(d), d->reason, rc);
	return rc;
}
