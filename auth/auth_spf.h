/* auth_spf.h: SPF (RFC 7208) for the envelope sender or the HELO name,
 * evaluated by libspf2 with its DNS answered by our resolver
 * (dkim/dkim_dns.h: libunbound, the message's look-up budget and time).
 *
 * libspf2 rather than our own evaluator: its record compiler, macro
 * expansion and mechanisms are the ones Debian's other SPF users run.
 * What it does not do for us, this file does: its DNS goes through
 * auth_spf_dns.c (never the glibc stub: no deadline there), the void
 * look-up limit (RFC 7208 §4.6.4, which libspf2 1.2.10 does not count)
 * is counted there, and a loopback client gets no free "pass". */
#ifndef AUTH_SPF_H
#define AUTH_SPF_H

#include <stdbool.h>
#include <stddef.h>
#include "dkim_dns.h"

enum auth_spf_result {
	AUTH_SPF_NONE = 0, AUTH_SPF_PASS, AUTH_SPF_FAIL, AUTH_SPF_SOFTFAIL,
	AUTH_SPF_NEUTRAL, AUTH_SPF_TEMPERROR, AUTH_SPF_PERMERROR
};
const char *auth_spf_result_name(enum auth_spf_result r);

#define AUTH_SPF_MAX_VOID 2        /* RFC 7208 §4.6.4 */
#define AUTH_SPF_MAX_DNS_MECH 10   /* RFC 7208 §4.6.4: include a mx ptr exists redirect */
#define AUTH_SPF_MAX_QUERIES 60    /* every query of one check, MX's and PTR's names too */

/* per process: libspf2's server object, made on the first check */
struct auth_spf;
int auth_spf_new(const char *receiver, struct auth_spf **out, char *err, size_t errlen);
void auth_spf_free(struct auth_spf *s);

struct auth_spf_check {
	enum auth_spf_result result;
	char domain[256];          /* the domain checked (of the sender, or the HELO name) */
	char comment[160];         /* why, short: for the header's comment and the log */
	char *received_spf;        /* the Received-SPF: value when asked for (free it) */
	bool nomem;
};

/* Checks ip (TCPREMOTEIP, v4 or v6) against the SPF record of the
 * sender's domain; sender "" (a bounce) checks the HELO name as
 * postmaster@helo, and without a HELO name the result is none. The DNS
 * look-ups are counted and timed in keys (its max_lookups is set here);
 * timeout_ms is the time the message has left. received: fill
 * received_spf too. */
void auth_spf_run(struct auth_spf *s, struct dkim_keys *keys, int timeout_ms,
		  const char *ip, const char *sender, const char *helo, bool received,
		  struct auth_spf_check *out);

#endif
