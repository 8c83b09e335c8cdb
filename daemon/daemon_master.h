/* daemon_master.h: qfilterd's master process: keeps a bounded pool of
 * pre-forked workers on the current engine, replaces the ones that die,
 * reloads on SIGHUP and stops on SIGTERM (qfilterd(8)). */
#ifndef QF_DAEMON_MASTER_H
#define QF_DAEMON_MASTER_H

#include <sys/types.h>
#include "engine.h"

struct qf_daemon_setup {
	const char *confpath;     /* read again on SIGHUP */
	struct qf_engine *engine; /* loaded and initialised; the master owns it (malloc'd) */
	int listen_fd;            /* from qf_daemon_listen */
	ino_t socket_ino;
};

/* Loads the configuration and rules of confpath and initialises every
 * filter now (rules, libmagic, OpenSSL, libclamav...): the work done once
 * for all messages. A filter whose set-up failed is logged; its messages
 * will be refused temporarily, as in single-process qfilter. Returns the
 * engine (malloc'd), or NULL with err (the configuration or the rules). */
struct qf_engine *qf_daemon_engine_load(const char *confpath, char *err, size_t errlen);
void qf_daemon_engine_free(struct qf_engine *e);

/* Runs until SIGTERM or SIGINT: then stops accepting (the socket is
 * removed), lets every worker finish its message, and returns 0.
 * SIGCHLD, SIGHUP, SIGTERM and SIGINT must be blocked by the caller: the
 * master takes them with sigtimedwait, so no signal is ever lost
 * between two checks. */
int qf_daemon_master_run(struct qf_daemon_setup *s);

#endif
