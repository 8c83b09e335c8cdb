/* qfilterd: the resident engine behind a thin qfilter (qfilterd(8)).
 *
 *   qfilterd [-c CONF]
 *
 * Runs in the foreground (daemontools, systemd), logs to fd 2. Loads the
 * configuration, the rules and every filter's libraries and databases
 * once, listens on the socket of the `daemon` setting, and serves each
 * connection in one of daemon-workers pre-forked workers. SIGHUP reloads,
 * SIGTERM stops after the messages in hand. Exit: 0 after a stop, 100
 * for a usage error, 111 when it cannot start (a filter that cannot
 * start included). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "daemon_master.h"
#include "daemon_socket.h"
#include "engine.h"
#include "filter.h"
#include "log.h"

#define EXIT_USAGE 100
#define EXIT_START 111

static void usage(void)
{
	qf_log("usage: qfilterd [-c CONF]");
	exit(EXIT_USAGE);
}

int main(int argc, char **argv)
{
	struct qf_daemon_setup setup;
	const char *conf = NULL;
	sigset_t set;
	char err[1024];
	int opt;

	qf_log_name = "qfilterd";
	while ((opt = getopt(argc, argv, "c:")) != -1) {
		if (opt != 'c')
			usage();
		conf = optarg;
	}
	if (optind != argc)
		usage();
	if (!conf)
		conf = qf_config_path();
	signal(SIGPIPE, SIG_IGN);
	/* from here on the master takes these signals synchronously, and
	 * none is lost while the engine loads */
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);

	memset(&setup, 0, sizeof setup);
	setup.confpath = conf;
	if (!(setup.engine = qf_daemon_engine_load(conf, err, sizeof err))) {
		qf_log("error: %s", err);
		return EXIT_START;
	}
	/* resident means it works before the first message: a filter that
	 * cannot start (a broken database, a missing library) stops the
	 * start, where every message would otherwise be refused for it */
	for (size_t i = 0; i < setup.engine->nfilters; i++)
		if (setup.engine->init_error[i]) {
			qf_log("error: filter %s cannot start: %s", setup.engine->filters[i]->name,
			       setup.engine->init_error[i]);
			qf_daemon_engine_free(setup.engine);
			return EXIT_START;
		}
	if (!setup.engine->cfg.daemon) {
		qf_log("error: %s: no `daemon unix:/path` setting: nowhere to listen", conf);
		qf_daemon_engine_free(setup.engine);
		return EXIT_START;
	}
	setup.listen_fd = qf_daemon_listen(setup.engine->cfg.daemon, setup.engine->cfg.daemon_mode,
					   setup.engine->cfg.daemon_group, &setup.socket_ino,
					   err, sizeof err);
	if (setup.listen_fd < 0) {
		qf_log("error: %s", err);
		qf_daemon_engine_free(setup.engine);
		return EXIT_START;
	}
	qf_log("listening on %s (mode %04o, group %s), %u workers, configuration %s",
	       setup.engine->cfg.daemon, setup.engine->cfg.daemon_mode,
	       setup.engine->cfg.daemon_group ? setup.engine->cfg.daemon_group : "unchanged",
	       setup.engine->cfg.daemon_workers, conf);
	return qf_daemon_master_run(&setup);
}
