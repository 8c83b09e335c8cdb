/* exitcodes.c: the exit-code table of qfilter; see exitcodes.h. */
#include <stddef.h>
#include "exitcodes.h"

const struct qf_exit_info qf_exit_table[] = {
	{ QF_EXIT_OK, "ok", "the message was queued by the real queue, dropped by policy, or quarantined" },
	{ QF_EXIT_ADDR_LONG, "addr-too-long", "an envelope address of 1003 bytes or more" },
	{ QF_EXIT_REFUSED, "refused", "permanent refusal by policy (virus, executable, size, banned type, DKIM policy)" },
	{ QF_EXIT_NOMEM, "nomem", "out of memory" },
	{ QF_EXIT_TIMEOUT, "timeout", "the message took longer than the timeout setting" },
	{ QF_EXIT_WRITE, "write-error", "write error: the spool is full or unwritable" },
	{ QF_EXIT_READ, "read-error", "unable to read the message or the envelope" },
	{ QF_EXIT_CONFIG, "config-error", "unable to read the configuration or the rules" },
	{ QF_EXIT_TEMPFAIL, "tempfail", "temporary refusal (scanner unreachable, DNS failure under a policy that needs it)" },
	{ QF_EXIT_BUG, "internal-error", "internal error: a bug, or an external filter crashed" },
	{ QF_EXIT_CUSTOM, "custom-error", "refusal whose text was written to the errfd descriptor" },
	{ QF_EXIT_ENVELOPE, "envelope-error", "envelope format error" },
	{ 0, NULL, NULL }
};

const struct qf_exit_info *qf_exit_lookup(int code)
{
	const struct qf_exit_info *e;

	for (e = qf_exit_table; e->name; e++)
		if (e->code == code)
			return e;
	return NULL;
}

int qf_exit_permanent(int code)
{
	return code >= 11 && code <= 40;
}
