/* dkim_keycache.h: the key records of a process (a qfilterd worker keeps
 * them from message to message), by name ("selector._domainkey.domain",
 * any case): the TXT value, until its DNS TTL runs out, and the RSA key
 * DomainKeys decoded from it. Bounded: past DKIM_KEYCACHE_MAX names the
 * one that expires first makes room. One thread per process uses it
 * (qfilterd's workers are processes): no lock. */
#ifndef DKIM_KEYCACHE_H
#define DKIM_KEYCACHE_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>

#define DKIM_KEYCACHE_MAX 256
#define DKIM_KEYCACHE_FOREVER INT64_MAX

struct dkim_cached_key {
	char *name;               /* lowercase, no final dot */
	char *txt;                /* the record's value */
	int64_t expires;          /* CLOCK_MONOTONIC seconds; FOREVER: until flushed */
	EVP_PKEY *pkey;           /* decoded from der, by the first user that needed it */
	unsigned char *der;
	size_t derlen;
};

struct dkim_keycache {
	struct dkim_cached_key e[DKIM_KEYCACHE_MAX];
	size_t n;
	unsigned long hits, misses;   /* for tests and qfilter-test */
};

void dkim_keycache_init(struct dkim_keycache *c);
/* The entry for name that is still valid at now; NULL otherwise (an
 * expired one is dropped). */
struct dkim_cached_key *dkim_keycache_get(struct dkim_keycache *c, const char *name, int64_t now);
/* Stores a copy of txt for name until expires, replacing what was there.
 * The entry, or NULL when memory is short (nothing is cached then). */
struct dkim_cached_key *dkim_keycache_put(struct dkim_keycache *c, const char *name,
					  const char *txt, int64_t expires);
/* Keeps a reference to pkey, decoded from der, with the entry. */
void dkim_keycache_set_pkey(struct dkim_cached_key *k, EVP_PKEY *pkey,
			    const unsigned char *der, size_t derlen);
void dkim_keycache_flush(struct dkim_keycache *c);

#endif
