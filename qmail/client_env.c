/* client_env.c: what qfilter knows of the SMTP client, from the
 * environment the SMTP server set. Kept apart from the chain so that the
 * thin client (qfilter with qfilterd) links none of it. */
#include <stdlib.h>
#include <string.h>
#include "client_env.h"

static char *envdup(const char *name)
{
	const char *v = getenv(name);

	return v ? strdup(v) : NULL;
}

void qf_client_from_env(struct qf_client *c, const char *helo_env)
{
	memset(c, 0, sizeof *c);
	c->remote_ip = envdup("TCPREMOTEIP");
	c->remote_host = envdup("TCPREMOTEHOST");
	/* the names the common qmail AUTH patches set */
	c->auth_user = envdup("SMTPAUTHUSER");
	if (!c->auth_user)
		c->auth_user = envdup("AUTHINFO");
	if (!c->auth_user)
		c->auth_user = envdup("TCPREMOTEINFO");
	if (c->auth_user && !*c->auth_user) {
		free(c->auth_user);
		c->auth_user = NULL;
	}
	c->ppid = envdup("QMAILPPID");
	c->relay = getenv("RELAYCLIENT") != NULL || c->auth_user != NULL;
	if (helo_env && *helo_env)
		c->helo = envdup(helo_env);
}

void qf_client_free(struct qf_client *c)
{
	free(c->remote_ip);
	free(c->remote_host);
	free(c->auth_user);
	free(c->ppid);
	free(c->helo);
	memset(c, 0, sizeof *c);
}

