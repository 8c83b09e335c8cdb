/* daemon_worker.h: one qfilterd worker process. It inherits the engine
 * from the master by fork (copy-on-write: rules, libmagic, OpenSSL,
 * libclamav are loaded once), and filters one message at a time; it
 * keeps the connections whose request has not all arrived meanwhile, each
 * for daemon-request-timeout, so that a silent peer holds no worker. */
#ifndef QF_DAEMON_WORKER_H
#define QF_DAEMON_WORKER_H

#include "engine.h"

/* Messages a worker serves before it exits and the master starts a fresh
 * one: whatever a library leaks or fragments stays bounded. */
#define QF_WORKER_MESSAGES 5000

/* Serves connections on listen_fd (non-blocking) until gen_fd (the read
 * end of its generation's pipe) reports that the master closed the write
 * end (a reload, a stop, or the master is gone), until SIGTERM or SIGINT,
 * or until QF_WORKER_MESSAGES: then it accepts no more, and finishes the
 * connections it has (their requests within the request timeout, then
 * their messages). Never returns. */
void qf_daemon_worker_run(struct qf_engine *e, int listen_fd, int gen_fd)
	__attribute__((noreturn));

#endif
