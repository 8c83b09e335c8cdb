/* auth_dmarc.h: DMARC (RFC 7489) with libopendmarc: the record of the
 * From: domain (or of its organizational domain, by the public suffix
 * list), the alignment of the DKIM d= and the SPF domain with the From:
 * domain (relaxed or strict, adkim= and aspf=), the policy that applies
 * (p=, or sp= for a subdomain) and pct= sampling. The record is looked up
 * through our resolver (dkim_dns_query), never libopendmarc's own
 * res_query: the message's deadline and budget hold. */
#ifndef AUTH_DMARC_H
#define AUTH_DMARC_H

#include <stdbool.h>
#include <stddef.h>
#include "dkim_dns.h"

enum auth_dmarc_result {
	AUTH_DMARC_NONE = 0, AUTH_DMARC_PASS, AUTH_DMARC_FAIL,
	AUTH_DMARC_TEMPERROR, AUTH_DMARC_PERMERROR
};
const char *auth_dmarc_result_name(enum auth_dmarc_result r);

/* what the domain asks for: p=, sp=, and after pct= (RFC 7489 §6.6.4) */
enum auth_dmarc_policy {
	AUTH_DMARC_P_UNSET = 0, AUTH_DMARC_P_NONE, AUTH_DMARC_P_QUARANTINE, AUTH_DMARC_P_REJECT
};
const char *auth_dmarc_policy_name(enum auth_dmarc_policy p);   /* "none", ... */

/* Names the public suffix list, once per process (libopendmarc keeps it
 * in a global table), and checks that it is there; now: loads it at once
 * (a qfilterd worker's start), else the first message that needs an
 * organizational domain does. 0, or -1 with err. */
int auth_dmarc_open(const char *psl, bool now, char *err, size_t errlen);

struct auth_dmarc_dkim {
	const char *d, *s;
	int result;               /* enum authres_result of that signature */
};

struct auth_dmarc_in {
	const char *from_domain;  /* the From: domain, ASCII (NULL: none usable) */
	const struct auth_dmarc_dkim *dkim;
	size_t ndkim;
	int spf;                  /* enum auth_spf_result, -1: not checked */
	const char *spf_domain;
	bool spf_helo;
	const char *ip;
};

struct auth_dmarc_check {
	enum auth_dmarc_result result;
	enum auth_dmarc_policy policy;      /* published: p= or sp= */
	enum auth_dmarc_policy disposition; /* for this message, after pct= */
	int pct;
	bool subdomain;           /* the record came from the organizational domain */
	char record_domain[256];  /* where the record was found */
	bool dkim_aligned, spf_aligned;
	char comment[160];
	bool nomem;
};

/* timeout_ms: the time the message has left. pick: a number 0..99 for
 * pct= sampling (random in production, fixed in tests). */
void auth_dmarc_run(struct dkim_keys *keys, int timeout_ms, const struct auth_dmarc_in *in,
		    unsigned pick, struct auth_dmarc_check *out);

#endif
