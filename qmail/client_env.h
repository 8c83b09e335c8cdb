/* client_env.h: what qmail's SMTP server tells about its client, from
 * the environment tcpserver and the SMTP server set. */
#ifndef QF_CLIENT_ENV_H
#define QF_CLIENT_ENV_H

#include <stdbool.h>

/* What policy and logs know of the client: from the environment in
 * single-process mode, from the thin client in qfilterd mode. Filters
 * must use this, never getenv(). */
struct qf_client {
	char *remote_ip;     /* TCPREMOTEIP */
	char *remote_host;   /* TCPREMOTEHOST */
	char *auth_user;     /* SMTPAUTHUSER, AUTHINFO or TCPREMOTEINFO */
	char *ppid;          /* QMAILPPID */
	bool relay;          /* RELAYCLIENT set, or auth_user set */
	char *helo;          /* the HELO name, from the variable helo-env names */
};

/* The client from the environment (TCPREMOTEIP, RELAYCLIENT, ...). */
/* helo_env: the variable that holds the HELO name (helo-env), or NULL */
void qf_client_from_env(struct qf_client *c, const char *helo_env);
void qf_client_free(struct qf_client *c);

#endif
