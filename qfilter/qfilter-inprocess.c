/* qfilter-inprocess: the filter chain in one process (qfilter(8)).
 *
 *   qfilter-inprocess [PROG [ARGS] [-- PROG [ARGS]]...]
 *
 * qfilter execs it with the caller's descriptors untouched when no
 * qfilterd is configured: it reads the message (fd 0) to EOF into the
 * spool, then the envelope (fd 1), runs the built-in filters and then
 * the external ones, and either execs the real qmail-queue or refuses
 * with qmail-queue's exit codes. When qfilterd could not serve, qfilter
 * execs it on the message it already spooled: fd 0 is then that spool
 * file and QFILTER_SPOOLED says what was read (see spooled_input).
 * The decision is carried out as everywhere else (engine/outcome.h). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "deliver.h"
#include "deadline.h"
#include "early.h"
#include "exitcodes.h"
#include "external.h"
#include "io.h"
#include "log.h"
#include "outcome.h"
#include "process.h"
#include "spool.h"
#include "registry.h"

/* Refused before the message could be read: read everything anyway, so
 * that the caller never gets a write error (qmail-smtpd, mailfront). */
static int drain_and_exit(int code)
{
	qf_drain(0);
	qf_drain(1);
	_exit(code);
}

/* QFILTER_SPOOLED="RECEIVED TRUNCATED DEADLINE_MS": fd 0 is the spool
 * file qfilter already wrote, fd 1 the envelope; the deadline is on the
 * CLOCK_MONOTONIC clock. Returns 1 and fills s, 0 when not spooled. */
static int spooled_input(struct qf_spool *s, int64_t *deadline_ms)
{
	const char *v = getenv("QFILTER_SPOOLED");
	unsigned long long received, deadline;
	struct stat st;
	int truncated;

	if (!v)
		return 0;
	if (sscanf(v, "%llu %d %llu", &received, &truncated, &deadline) != 3 ||
	    fstat(0, &st) < 0 || !S_ISREG(st.st_mode)) {
		qf_log("error: QFILTER_SPOOLED is set but fd 0 is not a spool file");
		drain_and_exit(QF_EXIT_BUG);
	}
	unsetenv("QFILTER_SPOOLED");   /* not for external filters or the queue */
	memset(s, 0, sizeof *s);
	s->fd = 0;
	s->size = st.st_size;
	s->received = received;
	s->truncated = truncated != 0;
	*deadline_ms = (int64_t)deadline;
	return 1;
}

int main(int argc, char **argv)
{
	struct qf_engine engine;
	struct qf_config conf;
	struct qf_spool spool;
	struct qf_envelope env;
	struct qf_client client;
	struct qf_msg m;
	struct qf_decision d;
	char err[512], ***argvs = NULL;
	int n = 0, rc;
	int64_t t0 = qf_now_ms(), deadline;

	qf_early_done();   /* GLib aborts were caught before main (early.c) */
	if ((rc = qf_input_fds_check()))
		_exit(rc);
	signal(SIGPIPE, SIG_IGN);
	if (argc > 1 && (n = qf_external_split(argv + 1, argc - 1, &argvs)) < 0) {
		qf_log("error: bad filter command line (an empty program between --)");
		drain_and_exit(QF_EXIT_BUG);
	}
	if (qf_config_load(qf_config_path(), &conf, err, sizeof err) < 0) {
		qf_log("error: %s", err);
		drain_and_exit(QF_EXIT_CONFIG);
	}
	qf_log_mute_for_errfd(&conf);
	deadline = t0 + (int64_t)conf.timeout * 1000;
	if (spooled_input(&spool, &deadline)) {
		int64_t left = deadline - t0;
		qf_deadline_arm(left > 1000 ? (unsigned)((left + 999) / 1000) : 1);
		if ((rc = qf_envelope_read(1, &env)))
			_exit(rc);
	} else {
		qf_deadline_arm(conf.timeout);
		if ((rc = qf_read_input(&conf, &spool, &env)))
			_exit(rc);
	}
	qf_client_from_env(&client, conf.helo_env);
	/* the configuration read above, not a second read that could differ */
	if (qf_engine_open_config(&engine, qf_filters, qf_nfilters, &conf, err, sizeof err) < 0) {
		qf_log("error: %s", err);
		_exit(QF_EXIT_CONFIG);
	}
	qf_process(&engine, &spool, &env, &client, deadline, false, &m, &d);
	{
		struct qf_outcome_log l;
		int msgfd = qf_outcome_compose(&m, &d, n > 0 || m.cfg->nfilters > 0);

		qf_outcome_log_from_msg(&m, &l);
		_exit(qf_outcome_finish(&l, &d, msgfd, -1, argvs, n));
	}
}
