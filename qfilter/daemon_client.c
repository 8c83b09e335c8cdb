/* daemon_client.c: see daemon_client.h.
 * Interim: qfilterd is not written yet, so it is always "cannot serve"
 * and daemon-fail decides. */
#include "daemon_client.h"
#include "exitcodes.h"
#include "log.h"

int qf_daemon_client(const struct qf_config *cfg, const struct qf_spool *s,
		     struct qf_envelope *env, const struct qf_client *c,
		     char ***argvs, int nargvs)
{
	qf_log("warning: qfilterd at %s cannot serve: not available in this build", cfg->daemon);
	if (cfg->daemon_fail_tempfail)
		return QF_EXIT_TEMPFAIL;
	return -1;
}
