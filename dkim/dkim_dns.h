/* dkim_dns.h: public key look-ups for DKIM and DomainKeys: the TXT
 * record at <selector>._domainkey.<domain>, from the dkim-keys file or
 * from DNS through libunbound (the dns servers of qfilter.conf, else the
 * system's).
 *
 * The resolver (struct dkim_resolver) is per process: a qfilterd worker
 * makes it when it starts (the dkim filter's start hook) and keeps it,
 * with libunbound's cache and our key cache (dkim/dkim_keycache.h), for
 * every message it serves; a single-message process makes it for the
 * first signed message. It may not cross a fork: libunbound's pipes and
 * thread are its process's. The look-up budget (struct dkim_keys) is per
 * message. */
#ifndef DKIM_DNS_H
#define DKIM_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <openssl/evp.h>
#include "config.h"
#include "dkim_keycache.h"

/* found / absent / error, never "absent" for an error */
enum dkim_key_status {
	DKIM_KEY_FOUND = 0,
	DKIM_KEY_ABSENT,       /* NXDOMAIN, no TXT record, not in the file: permanent */
	DKIM_KEY_TEMPFAIL,     /* SERVFAIL, timeout, unreadable file: try later */
	DKIM_KEY_TOOBIG,       /* the record does not fit the caller's buffer */
	DKIM_KEY_NOMEM,        /* out of memory (the message: exit 51) */
};

#define DKIM_DNS_LOOKUP_MS 10000   /* at most this per look-up */
#define DKIM_DNS_BUDGET_MS 20000   /* at most this for all look-ups of a message */
#define DKIM_DNS_MAX_LOOKUPS 16    /* per message; more is abuse */
#define DKIM_KEY_TTL_MAX 3600      /* a key is kept at most this many seconds */

struct ub_ctx;

struct dkim_resolver {
	const struct qf_config *cfg;
	struct ub_ctx *ub;        /* NULL with a dkim-keys file (unless SPF or DMARC is on) */
	bool thread_checked;      /* a thread for libunbound's worker can be made */
	bool set_up;              /* libunbound set up its caches (first query) */
	bool file_known;          /* the key file's identity below is set */
	unsigned long long file_id[4]; /* dev, inode, size, mtime (ns) the cache came from */
	unsigned long queries;    /* sent to libunbound (tests) */
	struct dkim_keycache cache;
};

/* A resolver for cfg (which must outlive it). 0, or -1 with err (errno
 * ENOMEM when for want of memory). */
int dkim_resolver_new(const struct qf_config *cfg, struct dkim_resolver **out,
		      char *err, size_t errlen);
void dkim_resolver_free(struct dkim_resolver *r);

/* one message's look-ups */
struct dkim_keys {
	struct dkim_resolver *r;
	unsigned lookups;
	unsigned max_lookups;     /* 0: DKIM_DNS_MAX_LOOKUPS */
	int spent_ms;             /* waiting for DNS, this message */
};

void dkim_keys_begin(struct dkim_keys *k, struct dkim_resolver *r);
/* Looks up the key record; timeout_ms bounds a DNS query. On FOUND, buf
 * holds the TXT value (its strings joined), NUL-terminated. err gets a
 * short reason otherwise. */
enum dkim_key_status dkim_keys_lookup(struct dkim_keys *k, const char *selector,
				      const char *domain, int timeout_ms,
				      char *buf, size_t len, char *err, size_t errlen);
/* The key decoded from der (the p= of the record just looked up for
 * selector and domain), from the cache when it was decoded before, else
 * by decode() and kept. A new reference (EVP_PKEY_free it), or NULL when
 * decode() gives none. */
/* Any query (rrtype: 1 A, 28 AAAA, 15 MX, 12 PTR, 16 TXT) through the
 * resolver, counted in k like a key look-up and within its time. FOUND
 * with *out, whatever its rcode (ub_resolve_free it); TEMPFAIL when no
 * answer came (timeout, budget, no DNS resolver), NOMEM. SPF and DMARC
 * (auth/) ask through this. */
struct ub_result;
enum dkim_key_status dkim_dns_query(struct dkim_keys *k, const char *name, int rrtype,
				    int timeout_ms, struct ub_result **out, char *err, size_t errlen);

/* joins the character-strings of one TXT rdata into buf: FOUND, TOOBIG */
enum dkim_key_status dkim_dns_txt_join(const unsigned char *rd, size_t rdlen, char *buf, size_t len);

EVP_PKEY *dkim_keys_pkey(struct dkim_keys *k, const char *selector, const char *domain,
			 const unsigned char *der, size_t derlen,
			 EVP_PKEY *(*decode)(const unsigned char *der, size_t derlen));

#endif
