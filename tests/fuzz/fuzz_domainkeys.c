/* fuzz_domainkeys.c: the DomainKeys signature tag parser, header choice,
 * key record parser, address parser and both canonicalizations.
 * Input: signature value, NUL, key record, NUL, message (header fields
 * then body, split at the first empty line). Canonicalizing in pieces
 * must give the same bytes as in one go. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "domainkeys.h"
#include "dkim_author.h"
#include "dkim_name.h"

struct acc {
	uint64_t h;     /* a running hash of what was emitted */
	size_t n;
};

static void sink(void *arg, const char *p, size_t n)
{
	struct acc *a = arg;
	size_t i;

	for (i = 0; i < n; i++)
		a->h = (a->h ^ (unsigned char)p[i]) * 1099511628211ULL;
	a->n += n;
}

static struct acc canon(enum dk_method m, const char *hdr, size_t hlen, const char *body, size_t blen, size_t step)
{
	struct acc a = { 14695981039346656037ULL, 0 };
	struct dk_canon c;
	size_t i, n;

	dk_canon_init(&c, m, sink, &a);
	for (i = 0; i < hlen; i += n) {
		n = hlen - i < step ? hlen - i : step;
		dk_canon_header(&c, hdr + i, n);
	}
	dk_canon_header_end(&c);
	for (i = 0; i < blen; i += n) {
		n = blen - i < step ? blen - i : step;
		dk_canon_body(&c, body + i, n);
	}
	dk_canon_end(&c);
	return a;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	const char *z1 = memchr(p, 0, size), *z2 = z1 ? memchr(z1 + 1, 0, (size_t)(end - z1 - 1)) : NULL;
	struct dk_signature sig;
	struct dk_key key;
	const char *why;
	char *txt, addr[256];

	if (!z1 || !z2)
		return 0;
	if (dk_signature_parse(p, (size_t)(z1 - p), &sig, &why) == 0) {
		const char *names[] = { "From", "to", "Subject", "from", "X-Other", "SENDER" };
		size_t len[6], order[6], i, n;
		for (i = 0; i < 6; i++)
			len[i] = strlen(names[i]);
		n = dk_select(&sig, names, len, 6, order);
		if (n > 6)
			abort();
		for (i = 0; i < n; i++)
			if (order[i] >= 6)
				abort();
	}
	dk_signature_free(&sig);

	if ((txt = strndup(z1 + 1, (size_t)(z2 - z1 - 1)))) {
		if (dk_key_parse(txt, &key, &why) == 0)
			(void)dk_key_granted(&key, "joe", 3);
		dk_key_free(&key);
		if (dkim_author_first(txt, strlen(txt), addr, sizeof addr) >= 0) {
			if (!strchr(addr, '@'))
				abort();
			(void)dkim_ldh_domain(dkim_addr_domain(addr));
		}
		free(txt);
	}

	{
		const char *msg = z2 + 1;
		size_t mlen = (size_t)(end - msg);
		const char *sep = memmem(msg, mlen, "\n\n", 2);
		size_t hlen = sep ? (size_t)(sep - msg) : mlen;
		const char *body = sep ? sep + 2 : end;
		size_t blen = (size_t)(end - body), step;
		enum dk_method m;

		for (m = DK_SIMPLE; m <= DK_NOFWS; m++) {
			struct acc whole = canon(m, msg, hlen, body, blen, (size_t)-1);
			for (step = 1; step <= 3; step++) {
				struct acc part = canon(m, msg, hlen, body, blen, step);
				if (part.h != whole.h || part.n != whole.n)
					abort();   /* chunking changed the canonical form */
			}
		}
	}
	return 0;
}
