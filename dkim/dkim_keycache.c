/* dkim_keycache.c: see dkim_keycache.h. A few hundred names at most: a
 * linear search is cheaper than a hash table's upkeep at that size. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "dkim_keycache.h"

void dkim_keycache_init(struct dkim_keycache *c)
{
	memset(c, 0, sizeof *c);
}

static void drop(struct dkim_keycache *c, size_t i)
{
	struct dkim_cached_key *k = &c->e[i];

	free(k->name);
	free(k->txt);
	free(k->der);
	EVP_PKEY_free(k->pkey);
	c->e[i] = c->e[--c->n];
	memset(&c->e[c->n], 0, sizeof c->e[0]);
}

static size_t find(const struct dkim_keycache *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (!strcasecmp(c->e[i].name, name))
			return i;
	return (size_t)-1;
}

struct dkim_cached_key *dkim_keycache_get(struct dkim_keycache *c, const char *name, int64_t now)
{
	size_t i = find(c, name);

	if (i != (size_t)-1 && c->e[i].expires > now) {
		c->hits++;
		return &c->e[i];
	}
	if (i != (size_t)-1)
		drop(c, i);
	c->misses++;
	return NULL;
}

struct dkim_cached_key *dkim_keycache_put(struct dkim_keycache *c, const char *name,
					  const char *txt, int64_t expires)
{
	char *n = strdup(name), *t = strdup(txt), *p;
	struct dkim_cached_key *k;
	size_t i;

	if (!n || !t) {
		free(n);
		free(t);
		return NULL;
	}
	for (p = n; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	if (p > n && p[-1] == '.')
		p[-1] = 0;
	if ((i = find(c, n)) != (size_t)-1)
		drop(c, i);
	if (c->n == DKIM_KEYCACHE_MAX) {
		size_t first = 0;
		/* the one that expires first (an expired one, if any) */
		for (i = 1; i < c->n; i++)
			if (c->e[i].expires < c->e[first].expires)
				first = i;
		drop(c, first);
	}
	k = &c->e[c->n++];
	memset(k, 0, sizeof *k);
	k->name = n;
	k->txt = t;
	k->expires = expires;
	return k;
}

void dkim_keycache_set_pkey(struct dkim_cached_key *k, EVP_PKEY *pkey,
			    const unsigned char *der, size_t derlen)
{
	unsigned char *copy = malloc(derlen ? derlen : 1);

	if (!copy || EVP_PKEY_up_ref(pkey) != 1) {
		free(copy);
		return;            /* not kept: decoded again next time */
	}
	memcpy(copy, der, derlen);
	free(k->der);
	EVP_PKEY_free(k->pkey);
	k->der = copy;
	k->derlen = derlen;
	k->pkey = pkey;
}

void dkim_keycache_flush(struct dkim_keycache *c)
{
	while (c->n)
		drop(c, c->n - 1);
}
