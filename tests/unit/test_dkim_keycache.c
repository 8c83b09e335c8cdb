/* test_dkim_keycache.c: the per-process key cache (dkim/dkim_keycache.c):
 * names in any case and with a final dot are one, a record lasts until
 * its TTL runs out, the cache stays within DKIM_KEYCACHE_MAX names (the
 * one that expires first goes), and a decoded key is kept with its DER. */
#include <stdlib.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include "unit.h"
#include "dkim_keycache.h"

int main(void)
{
	static struct dkim_keycache c;
	struct dkim_cached_key *k;
	char name[64];
	int i, kept = 0;

	dkim_keycache_init(&c);
	CHECK(!dkim_keycache_get(&c, "s._domainkey.example.net", 100), "empty: a miss");
	CHECK(dkim_keycache_put(&c, "S._domainKey.Example.NET.", "v=DKIM1; p=AA", 200) != NULL, "stored");
	k = dkim_keycache_get(&c, "s._domainkey.example.net", 100);
	CHECK(k && !strcmp(k->txt, "v=DKIM1; p=AA"), "found in another case, without the final dot");
	CHECK(dkim_keycache_get(&c, "s._domainkey.example.net", 199) != NULL, "still there just before its TTL ends");
	CHECK(!dkim_keycache_get(&c, "s._domainkey.example.net", 200), "gone when its TTL has run out");
	CHECK_INT(c.n, 0, "... and dropped");
	dkim_keycache_put(&c, "a._domainkey.example.net", "p=1", 500);
	dkim_keycache_put(&c, "a._domainkey.example.net", "p=2", 500);
	k = dkim_keycache_get(&c, "a._domainkey.example.net", 1);
	CHECK(k && !strcmp(k->txt, "p=2") && c.n == 1, "a second record of a name replaces the first");
	for (i = 0; i < 2 * DKIM_KEYCACHE_MAX; i++) {
		snprintf(name, sizeof name, "s%d._domainkey.example.net", i);
		dkim_keycache_put(&c, name, "p=x", 1000 + i);
	}
	CHECK_INT(c.n, DKIM_KEYCACHE_MAX, "bounded: %d names", DKIM_KEYCACHE_MAX);
	for (i = 0; i < 2 * DKIM_KEYCACHE_MAX; i++) {
		snprintf(name, sizeof name, "s%d._domainkey.example.net", i);
		kept += dkim_keycache_get(&c, name, 1) != NULL;
	}
	CHECK(kept == DKIM_KEYCACHE_MAX && dkim_keycache_get(&c, "s511._domainkey.example.net", 1) &&
	      !dkim_keycache_get(&c, "s0._domainkey.example.net", 1), "the ones that expire first made room");
	{
		EVP_PKEY *p = EVP_RSA_gen(1024);
		unsigned char der[] = { 1, 2, 3 };
		k = dkim_keycache_put(&c, "rsa._domainkey.example.net", "p=AQID", DKIM_KEYCACHE_FOREVER);
		dkim_keycache_set_pkey(k, p, der, sizeof der);
		EVP_PKEY_free(p);   /* the cache holds its own reference */
		k = dkim_keycache_get(&c, "rsa._domainkey.example.net", INT64_MAX - 1);
		CHECK(k && k->pkey && k->derlen == 3 && EVP_PKEY_get_bits(k->pkey) == 1024,
		      "a decoded key is kept with its DER, FOREVER until flushed");
	}
	dkim_keycache_flush(&c);
	CHECK_INT(c.n, 0, "flushed");
	return unit_done();
}
