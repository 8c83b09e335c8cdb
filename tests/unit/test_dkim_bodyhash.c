/* test_dkim_bodyhash.c: our DKIM body hash (dkim/dkim_bodyhash.c)
 * against libopendkim's, for chosen bodies and for random ones fed in
 * random pieces; and the cases it must leave to the library. */
#include <stdint.h>
#include <stdlib.h>
#include "unit.h"
#include "dkim_oracle.h"
#include "dkim_bodyhash.h"

static const char *kind_name(bool relaxed, bool sha1)
{
	return relaxed ? (sha1 ? "relaxed/sha1" : "relaxed/sha256") : (sha1 ? "simple/sha1" : "simple/sha256");
}

/* our digest of body fed in pieces cut at the offsets in cuts (ascending),
 * as base64; "" when unsure */
static void ours(const char *body, size_t n, const size_t *cuts, size_t ncuts, bool relaxed, bool sha1,
		 char *b64)
{
	struct dkim_bodyhash *h = malloc(sizeof *h);
	size_t i, at = 0;

	*b64 = 0;
	if (!h || qf_bodyhash_init(h, relaxed, sha1) < 0) {
		free(h);
		return;
	}
	for (i = 0; i <= ncuts; i++) {
		size_t to = i < ncuts && cuts[i] <= n ? cuts[i] : n;
		if (to < at)
			to = at;
		qf_bodyhash_feed(h, body + at, to - at);
		at = to;
	}
	if (qf_bodyhash_final(h))
		oracle_b64(h->md, h->mdlen, b64);
	qf_bodyhash_free(h);
	free(h);
}

static void same(struct dkim_oracle *o, const char *what, const char *body, size_t n)
{
	size_t cut[1] = { n / 2 };
	int k;

	for (k = 0; k < 4; k++) {
		bool relaxed = k & 1, sha1 = k & 2;
		char want[128] = "", got[128];
		ours(body, n, cut, 1, relaxed, sha1, got);
		CHECK(oracle_bh(o, body, n, relaxed, sha1, want, sizeof want) && !strcmp(got, want),
		      "%s, %s: the library's body hash", what, kind_name(relaxed, sha1));
		if (strcmp(got, want))
			printf("#   ours %s, the library's %s\n", got, want);
	}
}

static void unsure(const char *what, const char *body)
{
	char got[128];
	int k;

	for (k = 0; k < 4; k++) {
		ours(body, strlen(body), NULL, 0, k & 1, k & 2, got);
		CHECK(!*got, "%s, %s: left to the library", what, kind_name(k & 1, k & 2));
	}
}

static uint32_t rnd_state = 12345;
static uint32_t rnd(void)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return rnd_state >> 8;
}

/* random bodies of lines built from letters, SP, HTAB, VT, FF, NUL and
 * 8-bit bytes, LF or CRLF ended, with runs of empty and blank lines */
static size_t random_body(char *b, size_t cap)
{
	static const char alphabet[] = "ab  \t\t\v\f\0\xe9";
	size_t n = 0, lines = rnd() % 12, i;

	for (i = 0; i < lines && n + 200 < cap; i++) {
		size_t len = rnd() % 5 == 0 ? 0 : rnd() % 40, j;
		for (j = 0; j < len; j++)
			b[n++] = alphabet[rnd() % (sizeof alphabet - 1)];
		if (rnd() % 2)
			b[n++] = '\r';
		b[n++] = '\n';
	}
	return n;
}

static void random_bodies(struct dkim_oracle *o, int count)
{
	static char body[4096];
	int t, k, bad = 0, compared = 0;

	for (t = 0; t < count; t++) {
		size_t n = random_body(body, sizeof body), cuts[3], c;
		for (c = 0; c < 3; c++)
			cuts[c] = n ? rnd() % (n + 1) : 0;
		if (cuts[0] > cuts[1]) { size_t x = cuts[0]; cuts[0] = cuts[1]; cuts[1] = x; }
		if (cuts[1] > cuts[2]) { size_t x = cuts[1]; cuts[1] = cuts[2]; cuts[2] = x; }
		if (cuts[0] > cuts[1]) { size_t x = cuts[0]; cuts[0] = cuts[1]; cuts[1] = x; }
		for (k = 0; k < 4; k++) {
			char want[128], got[128];
			ours(body, n, cuts, 3, k & 1, k & 2, got);
			if (!oracle_bh(o, body, n, k & 1, k & 2, want, sizeof want))
				continue;
			compared++;
			if (strcmp(got, want) && bad++ < 3) {
				printf("#   random body %d (%zu bytes), %s: ours %s, the library's %s\n", t, n,
				       kind_name(k & 1, k & 2), got, want);
			}
		}
	}
	CHECK(compared == 4 * count, "%d random bodies in random pieces, all four kinds: all compared (%d)",
	      count, compared);
	CHECK(bad == 0, "%d random bodies: the library's body hash every time (%d differ)", count, bad);
}

/* chosen bodies: literals, their NULs included */
#define CASE(what, lit) { what, lit, sizeof lit - 1 }
static const struct { const char *what, *body; size_t len; } cases[] = {
	CASE("an empty body", ""),
	CASE("one empty line", "\n"),
	CASE("only empty and blank lines", "\n \n\t\n\r\n\n"),
	CASE("a line", "hello world\n"),
	CASE("CRLF line ends", "one\r\ntwo\r\n"),
	CASE("empty lines at the end", "text\n\n\n\n"),
	CASE("empty lines inside", "a\n\n\nb\n"),
	CASE("blank lines inside", "a\n  \n\t\nb\n"),
	CASE("WSP runs, leading and trailing", "  a \t b\t \n\tc  d  \n"),
	CASE("VT and FF are not WSP", "a\v\vb \f c\n"),
	CASE("a NUL byte", "a\0b\n"),
	CASE("WSP then empty lines at the end", "x\n \t \n\n  \n"),
};

int main(void)
{
	struct dkim_oracle o;
	static char big[300000];
	size_t i;

	if (!oracle_open(&o)) {
		CHECK(0, "libopendkim and a signing key for the oracle");
		return unit_done();
	}
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		same(&o, cases[i].what, cases[i].body, cases[i].len);
	for (i = 0; i + 77 < sizeof big; i += 77) {   /* base64 lines, as an attachment */
		memset(big + i, 'A' + (int)(i / 77) % 26, 76);
		big[i + 76] = '\n';
	}
	same(&o, "300 KB of 76-byte lines", big, i);
	memset(big, 'x', 100000);
	big[100000] = '\n';
	same(&o, "one 100 KB line", big, 100001);
	for (i = 0; i + 2 < sizeof big; i += 2)   /* every other byte a space */
		memcpy(big + i, i % 3 ? "a " : "b\t", 2);
	big[i] = '\n';
	same(&o, "a 300 KB line of one-letter words", big, i + 1);
	memset(big, ' ', 20000);
	memcpy(big + 20000, "y \n", 3);
	same(&o, "a 20 KB run of spaces", big, 20003);

	unsure("a bare CR", "a\rb\n");
	unsure("a CR at the start of a line", "\rb\n");
	unsure("CR CR LF", "a\r\r\n");
	{   /* no final line end: hashed with the CRLF the RFC adds (3.4.3,
	     * 3.4.4), as the library hashes the body given it with the CRLF */
		static const struct { const char *what, *body, *ended; } nf[] = {
			{ "no final line end", "a\nb", "a\nb\n" },
			{ "no final line end, trailing WSP", "a\nb \t", "a\nb \t\n" },
			{ "no final line end, a blank last line", "a\n\n  ", "a\n\n  \n" },
			{ "no final line end, one line", "xyz", "xyz\n" },
		};
		for (i = 0; i < sizeof nf / sizeof nf[0]; i++) {
			int k;
			for (k = 0; k < 4; k++) {
				char want[128] = "", got[128];
				ours(nf[i].body, strlen(nf[i].body), NULL, 0, k & 1, k & 2, got);
				CHECK(oracle_bh(&o, nf[i].ended, strlen(nf[i].ended), k & 1, k & 2, want, sizeof want) &&
				      !strcmp(got, want), "%s, %s: hashed as if it ended in CRLF", nf[i].what,
				      kind_name(k & 1, k & 2));
			}
		}
	}
	{   /* the canonicalized length, for l= */
		struct dkim_bodyhash *h = malloc(sizeof *h);
		static const struct { const char *body; bool relaxed; unsigned len; } cl[] = {
			{ "a  b \n\n\n", true, 5 },  { "a  b \n\n\n", false, 7 },
			{ "", true, 0 }, { "", false, 2 }, { "\n \n", true, 0 }, { "x", false, 3 },
		};
		for (i = 0; h && i < sizeof cl / sizeof cl[0]; i++) {
			if (qf_bodyhash_init(h, cl[i].relaxed, false) < 0)
				break;
			qf_bodyhash_feed(h, cl[i].body, strlen(cl[i].body));
			qf_bodyhash_final(h);
			CHECK_INT(h->canon_len, cl[i].len, "canonicalized length of body %zu, %s", i,
				  cl[i].relaxed ? "relaxed" : "simple");
			qf_bodyhash_free(h);
		}
		free(h);
	}
	unsure("a final CR without LF", "a\r");
	{   /* a CR at the end of one piece, text at the start of the next */
		size_t cut[1] = { 2 };
		char got[128];
		ours("a\rb\n", 4, cut, 1, true, false, got);
		CHECK(!*got, "a bare CR split across pieces: left to the library");
		ours("a\r\nb\n", 5, cut, 1, true, false, got);
		CHECK(*got, "a CRLF split across pieces: hashed");
	}
	random_bodies(&o, 500);
	oracle_close(&o);
	return unit_done();
}
