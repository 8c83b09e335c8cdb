/* qfilter: the program qmail runs at QMAILQUEUE (qfilter(8)).
 *
 *   qfilter [PROG [ARGS] [-- PROG [ARGS]]...]
 *
 * A small front, linked with no filtering library, because qmail starts
 * it once per message. Without a daemon setting it execs
 * qfilter-inprocess at once, with the caller's descriptors untouched.
 * With one, it spools the message and reads the envelope itself, hands
 * both to qfilterd and carries out its verdict (qf_daemon_client). When
 * qfilterd cannot serve, daemon-fail decides: exec qfilter-inprocess on
 * what was already read, or refuse temporarily. Never an unfiltered pass. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "client_env.h"
#include "daemon_client.h"
#include "deadline.h"
#include "deliver.h"
#include "exitcodes.h"
#include "external.h"
#include "io.h"
#include "log.h"
#include "msg.h"
#include "spool.h"

#ifndef QF_BINDIR
#define QF_BINDIR "/var/qmail/bin"
#endif

/* qfilter-inprocess beside this program (found through /proc/self/exe,
 * so that a relocated installation works), else in QF_BINDIR */
static void inprocess_path(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	char *slash;

	if (n > 0) {
		buf[n] = 0;
		if ((slash = strrchr(buf, '/')) &&
		    (size_t)(slash - buf) + sizeof "/qfilter-inprocess" <= len) {
			strcpy(slash, "/qfilter-inprocess");
			if (access(buf, X_OK) == 0)
				return;
		}
	}
	snprintf(buf, len, "%s/qfilter-inprocess", QF_BINDIR);
}

static void exec_inprocess(char **argv)
{
	char path[PATH_MAX];

	inprocess_path(path, sizeof path);
	argv[0] = path;
	execv(path, argv);
	qf_log("error: cannot exec %s: %s", path, strerror(errno));
}

int main(int argc, char **argv)
{
	struct qf_config conf;
	struct qf_spool spool;
	struct qf_envelope env;
	struct qf_client client;
	char err[512], ***argvs = NULL, spooled[96];
	int n = 0, rc, envfd;
	int64_t t0 = qf_now_ms();

	if ((rc = qf_input_fds_check()))
		_exit(rc);
	if (qf_config_load(qf_config_path(), &conf, err, sizeof err) < 0 || !conf.daemon) {
		/* the whole job, configuration errors included, is the
		 * in-process program's: it reads, drains and answers */
		exec_inprocess(argv);
		qf_drain(0);
		qf_drain(1);
		_exit(QF_EXIT_TEMPFAIL);
	}
	signal(SIGPIPE, SIG_IGN);
	qf_deadline_arm(conf.timeout);
	if (argc > 1 && (n = qf_external_split(argv + 1, argc - 1, &argvs)) < 0) {
		qf_log("error: bad filter command line (an empty program between --)");
		qf_drain(0);
		qf_drain(1);
		_exit(QF_EXIT_BUG);
	}
	if ((rc = qf_read_input(&conf, &spool, &env)))
		_exit(rc);
	qf_log_mute_for_errfd(&conf);
	qf_client_from_env(&client, conf.helo_env);
	rc = qf_daemon_client(&conf, &spool, &env, &client, argvs, n);
	if (rc >= 0)
		_exit(rc);
	/* daemon-fail inprocess: the chain runs on what was read, in the
	 * in-process program, under what is left of the timeout */
	envfd = qf_envelope_fd(&env);
	snprintf(spooled, sizeof spooled, "%llu %d %lld", (unsigned long long)spool.received,
		 spool.truncated ? 1 : 0, (long long)(t0 + (int64_t)conf.timeout * 1000));
	if (envfd < 0 || lseek(spool.fd, 0, SEEK_SET) < 0 || dup2(spool.fd, 0) < 0 ||
	    dup2(envfd, 1) < 0 || setenv("QFILTER_SPOOLED", spooled, 1) < 0) {
		qf_log("error: handing the message to qfilter-inprocess: %s", strerror(errno));
		_exit(QF_EXIT_TEMPFAIL);
	}
	alarm(0);
	signal(SIGPIPE, SIG_DFL);
	exec_inprocess(argv);
	_exit(QF_EXIT_TEMPFAIL);
}
