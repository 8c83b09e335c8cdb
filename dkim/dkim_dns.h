/* dkim_dns.h: public key look-ups for DKIM and DomainKeys: the TXT
 * record at <selector>._domainkey.<domain>, from the dkim-keys file or
 * from DNS through libunbound (the dns servers of qfilter.conf, else the
 * system's). One per message; the resolver is made on first use, so a
 * message that needs no key costs nothing. */
#ifndef DKIM_DNS_H
#define DKIM_DNS_H

#include <stddef.h>
#include "config.h"

/* found / absent / error, never "absent" for an error */
enum dkim_key_status {
	DKIM_KEY_FOUND = 0,
	DKIM_KEY_ABSENT,       /* NXDOMAIN, no TXT record, not in the file: permanent */
	DKIM_KEY_TEMPFAIL,     /* SERVFAIL, timeout, unreadable file: try later */
	DKIM_KEY_TOOBIG,       /* the record does not fit the caller's buffer */
};

#define DKIM_DNS_LOOKUP_MS 10000   /* at most this per look-up */
#define DKIM_DNS_BUDGET_MS 20000   /* at most this for all look-ups of a message */
#define DKIM_DNS_MAX_LOOKUPS 16    /* per message; more is abuse */

struct dkim_keys;

struct dkim_keys *dkim_keys_new(const struct qf_config *cfg);
/* Looks up the key record; timeout_ms bounds a DNS query. On FOUND, buf
 * holds the TXT value (its strings joined), NUL-terminated. err gets a
 * short reason otherwise. */
enum dkim_key_status dkim_keys_lookup(struct dkim_keys *k, const char *selector,
				      const char *domain, int timeout_ms,
				      char *buf, size_t len, char *err, size_t errlen);
void dkim_keys_free(struct dkim_keys *k);

#endif
