/* daemon_client.h: qfilter as a thin client of qfilterd (qfilterd(8)).
 * The client spools the message and reads the envelope itself, so that
 * when qfilterd cannot serve (down, refusing, crashed mid-message) the
 * message is still here to be filtered in process: never lost, never
 * passed unfiltered. */
#ifndef QF_DAEMON_CLIENT_H
#define QF_DAEMON_CLIENT_H

#include "config.h"
#include "envelope.h"
#include "msg.h"
#include "spool.h"

/* Hands the message to qfilterd on cfg->daemon and carries out its
 * verdict (exec of the real queue, custom-error text, ...). Returns the
 * exit code to use, or -1 when qfilterd could not serve and the caller
 * must run the chain in process (daemon-fail inprocess); with
 * daemon-fail tempfail it returns 71 itself. */
int qf_daemon_client(const struct qf_config *cfg, const struct qf_spool *s,
		     struct qf_envelope *env, const struct qf_client *c,
		     char ***argvs, int nargvs);

#endif
