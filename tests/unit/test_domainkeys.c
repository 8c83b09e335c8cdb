/* test_domainkeys.c: the RFC 4870 pieces of domainkeys.c (and what they
 * rely on: the author addresses of dkim/dkim_author.c, through GMime, the
 * names of dkim/dkim_name.c, the strict base64 of dkim/dkim_base64.c),
 * each on its own, then an RSA-SHA1 round trip with a key made here. */
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include "unit.h"
#include "domainkeys.h"
#include "dkim_author.h"
#include "dkim_base64.h"
#include "dkim_name.h"

#define SIG "a=rsa-sha1; q=dns; c=nofws; s=sel; d=example.net;\n\th=From:To ; b=AAEC\n AwQ=;"

static int parse(const char *v, struct dk_signature *sig, const char **why)
{
	*why = NULL;
	return dk_signature_parse(v, strlen(v), sig, why);
}

static void test_signature(void)
{
	struct dk_signature sig;
	const char *why;
	static const struct { const char *v, *what; } bad[] = {
		{ "a=rsa-sha1; q=dns; d=example.net; s=sel", "no b=" },
		{ "b=AAEC; q=dns; s=sel", "no d=" },
		{ "b=AAEC; q=dns; d=example.net", "no s=" },
		{ "b=AAEC; d=example.net; s=sel; c=relaxed", "an unknown c=" },
		{ "b=AAEC; d=example.net; s=sel; a=rsa-sha256", "an algorithm other than rsa-sha1" },
		{ "b=AAEC; d=example.net; s=sel; q=http", "a query method other than dns" },
		{ "b=AAEC; d=example.net; d=example.org; s=sel", "a duplicate tag" },
		{ "b=AAEC; d=legitimate.com(.attacker.com; s=sel", "a d= that is not LDH" },
		{ "b=AAEC; d=example.net; s=se l", "an s= that is not LDH" },
		{ "b=AA!C; d=example.net; s=sel", "bad base64 in b=" },
		{ "b=AAEC; d=example.net; s=sel; h=from::to", "an empty name in h=" },
		{ "b=AAEC; ; d=example.net; s=sel", "an empty element inside the list" },
		{ "b=AAEC; d=example.net; s=sel; novalue", "an element without =" },
		{ "", "an empty value" },
	};
	size_t i;

	CHECK(parse(SIG, &sig, &why) == 0, "a good signature parses (%s)", why ? why : "");
	CHECK_STR(sig.d, "example.net", "d=");
	CHECK_STR(sig.s, "sel", "s=");
	CHECK_INT(sig.method, DK_NOFWS, "c=nofws");
	CHECK(sig.siglen == 5 && !memcmp(sig.sig, "\0\1\2\3\4", 5), "b= decoded across a fold");
	CHECK(sig.nh == 2 && !strcmp(sig.hnames[0], "from") && !strcmp(sig.hnames[1], "to"),
	      "h= split and lowercased");
	dk_signature_free(&sig);

	CHECK(parse("d=example.net; s=sel; b=AAEC", &sig, &why) == 0 && sig.method == DK_SIMPLE && sig.nh == 0,
	      "c= defaults to simple, q= and h= optional");
	dk_signature_free(&sig);
	CHECK(parse("d=example.net; s=sel; b=AAEC; x=unknown; Z9=ok", &sig, &why) == 0, "unknown tags are ignored");
	dk_signature_free(&sig);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK(parse(bad[i].v, &sig, &why) < 0 && why, "refused: %s (%s)", bad[i].what, why ? why : "-");
		dk_signature_free(&sig);
	}
}

static void test_select(void)
{
	/* fields below the signature */
	const char *names[] = { "Received", "From", "To", "from", "Subject" };
	size_t len[5], order[5], n, i;
	struct dk_signature sig;
	const char *why;

	for (i = 0; i < 5; i++)
		len[i] = strlen(names[i]);
	parse("d=example.net; s=sel; b=AAEC", &sig, &why);
	n = dk_select(&sig, names, len, 5, order);
	CHECK(n == 5 && order[0] == 0 && order[4] == 4, "without h=: every field below the signature, in order");
	dk_signature_free(&sig);

	parse("d=example.net; s=sel; b=AAEC; h=from:to", &sig, &why);
	n = dk_select(&sig, names, len, 5, order);
	CHECK(n == 3 && order[0] == 1 && order[1] == 3 && order[2] == 2,
	      "h=from:to: both From fields, then To (h= order)");
	dk_signature_free(&sig);

	parse("d=example.net; s=sel; b=AAEC; h=from:to:from", &sig, &why);
	n = dk_select(&sig, names, len, 5, order);
	CHECK(n == 3 && order[0] == 1 && order[1] == 2 && order[2] == 3,
	      "h=from:to:from: the last From takes the last field");
	dk_signature_free(&sig);

	parse("d=example.net; s=sel; b=AAEC; h=x-missing:subject", &sig, &why);
	n = dk_select(&sig, names, len, 5, order);
	CHECK(n == 1 && order[0] == 4, "names that are not there are skipped");
	dk_signature_free(&sig);
}

struct out {
	char s[512];
	size_t n;
};

static void sink(void *arg, const char *p, size_t n)
{
	struct out *o = arg;

	if (o->n + n < sizeof o->s) {
		memcpy(o->s + o->n, p, n);
		o->n += n;
		o->s[o->n] = 0;
	}
}

/* canonical bytes of one header field and a body, fed in pieces of step */
static const char *canon(enum dk_method m, const char *field, const char *body, size_t step)
{
	static struct out o;
	struct dk_canon c;
	size_t i, n;

	memset(&o, 0, sizeof o);
	dk_canon_init(&c, m, sink, &o);
	if (field) {
		for (i = 0; i < strlen(field); i += n) {
			n = strlen(field) - i < step ? strlen(field) - i : step;
			dk_canon_header(&c, field + i, n);
		}
		dk_canon_header_end(&c);
	}
	for (i = 0; i < strlen(body); i += n) {
		n = strlen(body) - i < step ? strlen(body) - i : step;
		dk_canon_body(&c, body + i, n);
	}
	dk_canon_end(&c);
	return o.s;
}

static void test_canon(void)
{
	static const struct {
		enum dk_method m;
		const char *field, *body, *want, *what;
	} cases[] = {
		{ DK_SIMPLE, "Subject: a  b\n\tc", "", "Subject: a  b\r\n\tc\r\n",
		  "simple header: as it is, CRLF line ends; empty body drops the separator" },
		{ DK_NOFWS, "Subject : a  b\r\n\tc ", "", "Subject:abc\r\n", "nofws header: unwrapped, no white space" },
		{ DK_SIMPLE, NULL, "a\n\nb\n\n\n", "\r\na\r\n\r\nb\r\n", "simple body: trailing empty lines dropped" },
		{ DK_SIMPLE, NULL, "\n\n", "", "simple body of empty lines only: nothing, not even the separator" },
		{ DK_SIMPLE, NULL, "a \n \nb", "\r\na \r\n \r\nb\r\n", "simple body: spaces kept, a last line without LF" },
		{ DK_SIMPLE, NULL, "a\r\nb\rc\r\r\n", "\r\na\r\nb\rc\r\r\n", "simple body: CRLF ends a line, a lone CR is content" },
		{ DK_NOFWS, NULL, " a b \n \t\nc\n\n", "\r\nab\r\n\r\nc\r\n", "nofws body: SP and HTAB gone, blank lines empty" },
		{ DK_NOFWS, NULL, "a\rb\r\n \n", "\r\nab\r\n", "nofws body: lone CR dropped; a line of spaces is trailing" },
		{ DK_NOFWS, NULL, "", "", "nofws empty body" },
	};
	size_t i, step;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		bool same = true;
		const char *got = canon(cases[i].m, cases[i].field, cases[i].body, 1 << 20);
		CHECK_STR(got, cases[i].want, "%s", cases[i].what);
		for (step = 1; step < 8; step++)
			same = same && !strcmp(canon(cases[i].m, cases[i].field, cases[i].body, step), cases[i].want);
		CHECK(same, "... and the same when fed in small pieces");
	}
}

static void test_key(void)
{
	struct dk_key key;
	const char *why;

	CHECK(dk_key_parse("k=rsa; p=AAEC; n=notes", &key, &why) == 0 && key.derlen == 3 && !key.revoked &&
	      !key.testing, "a key record");
	dk_key_free(&key);
	CHECK(dk_key_parse("p=AAEC", &key, &why) == 0, "k= defaults to rsa");
	dk_key_free(&key);
	CHECK(dk_key_parse("k=rsa; p=", &key, &why) == 0 && key.revoked, "an empty p= is a revoked key");
	dk_key_free(&key);
	CHECK(dk_key_parse("t=y; p=AAEC", &key, &why) == 0 && key.testing, "t=y is testing");
	dk_key_free(&key);
	CHECK(dk_key_parse("t=s:y; p=AAEC", &key, &why) == 0 && key.testing, "t= with several flags");
	dk_key_free(&key);
	CHECK(dk_key_parse("k=dsa; p=AAEC", &key, &why) < 0, "k=dsa refused");
	dk_key_free(&key);
	CHECK(dk_key_parse("k=rsa", &key, &why) < 0, "no p= refused");
	dk_key_free(&key);
	CHECK(dk_key_parse("p=A*B", &key, &why) < 0, "bad base64 refused");
	dk_key_free(&key);

	dk_key_parse("g=; p=AAEC", &key, &why);
	CHECK(dk_key_granted(&key, "anyone", 6), "an empty g= is everyone (DomainKeys)");
	dk_key_free(&key);
	dk_key_parse("g=joe; p=AAEC", &key, &why);
	CHECK(dk_key_granted(&key, "joe", 3) && !dk_key_granted(&key, "bob", 3), "g=joe");
	dk_key_free(&key);
	dk_key_parse("g=jo*n; p=AAEC", &key, &why);
	CHECK(dk_key_granted(&key, "john", 4) && dk_key_granted(&key, "jon", 3) && !dk_key_granted(&key, "jo", 2),
	      "g= with a wildcard");
	dk_key_free(&key);
}

static long first(const char *v, char *a, size_t n)
{
	return dkim_author_first(v, strlen(v), a, n);
}

struct all { char got[512]; };

static int collect(const char *addr, void *arg)
{
	struct all *w = arg;
	size_t n = strlen(w->got);

	snprintf(w->got + n, sizeof w->got - n, "%s%s", n ? " " : "", addr);
	return 0;
}

static const char *all(const char *v)
{
	static struct all w;

	w.got[0] = 0;
	dkim_author_each(v, strlen(v), collect, &w);
	return w.got;
}

static void test_addresses(void)
{
	char a[128];

	CHECK(first("Joe <joe@Example.NET>", a, sizeof a) > 0 && !strcmp(a, "joe@Example.NET"), "an angle address");
	CHECK(first(" joe@example.net (Joe, the boss)", a, sizeof a) > 0 && !strcmp(a, "joe@example.net"),
	      "a bare address with a comment");
	CHECK(first("\"Doe, <Joe>\" <joe@example.net>, b@x.example", a, sizeof a) > 0 &&
	      !strcmp(a, "joe@example.net"), "a quoted display name with <> and a comma");
	CHECK(first("Team: a@x.example, b@y.example;", a, sizeof a) > 0 && !strcmp(a, "a@x.example"), "a group");
	CHECK(first("<@relay.example:joe@example.net>", a, sizeof a) > 0 && !strcmp(a, "joe@example.net"),
	      "an obsolete source route");
	CHECK(first("undisclosed", a, sizeof a) < 0, "no address");
	CHECK(first("Empty:;, joe@example.net", a, sizeof a) > 0 && !strcmp(a, "joe@example.net"),
	      "an empty group, then a mailbox");
	CHECK(first("Joe\n\t<joe@example.net>", a, sizeof a) > 0 && !strcmp(a, "joe@example.net"), "a folded field");
	CHECK(first("=?utf-8?b?PGV2aWxAYmFkLmV4YW1wbGU+?= <joe@example.net>", a, sizeof a) > 0 &&
	      !strcmp(a, "joe@example.net"), "an encoded word that decodes to <evil@bad.example> is a display name");
	CHECK(first("\"joe@bad.example\" <joe@example.net>", a, sizeof a) > 0 && !strcmp(a, "joe@example.net"),
	      "an address in a quoted display name is a display name");
	CHECK(first("J <joe@b\xc3\xbc" "cher.example>", a, sizeof a) > 0 && !strcmp(a, "joe@xn--bcher-kva.example"),
	      "an IDN domain in its A-label form (as d= has it)");
	CHECK(first("Joe <joe@example.net>", a, 8) < 0, "too long for the buffer: none");
	CHECK_STR(all("a@x.example, \"B\" <b@y.example>"), "a@x.example b@y.example", "several mailboxes, each");
	CHECK_STR(all("Team: a@x.example, b@y.example;, c@z.example"), "a@x.example b@y.example c@z.example",
		  "group members in their place");
	CHECK_STR(all("=?iso-8859-1?q?J=F6e?= <joe@example.net>, =?utf-8?q?x?= <x@y.example>"),
		  "joe@example.net x@y.example", "encoded display names");
	CHECK_STR(dkim_addr_domain("joe@example.net"), "example.net", "the domain");
	CHECK(dk_domain_matches("mail.Example.net", "example.NET") && dk_domain_matches("example.net.", "example.net") &&
	      !dk_domain_matches("badexample.net", "example.net") && !dk_domain_matches("example.net", "mail.example.net"),
	      "sending domain equal to or below d=");
	CHECK(dkim_ldh_domain("sel._domainkey.example-1.net") && dkim_ldh_domain("example.net."), "LDH names");
	CHECK(!dkim_ldh_domain("legitimate.com(.attacker.com") && !dkim_ldh_domain("a..b") &&
	      !dkim_ldh_domain("-a.b") && !dkim_ldh_domain("a-.b") && !dkim_ldh_domain("") &&
	      !dkim_ldh_domain("a b") && !dkim_ldh_domain(".a"), "not LDH names");
}

/* The plain reference of a strict tag-value base64 (what DomainKeys
 * had its own decoder for): bits in, bytes out, nothing skipped but
 * white space, nothing after the padding. */
static long reference_b64(const char *in, size_t len, unsigned char *out, size_t outlen)
{
	unsigned long acc = 0;
	size_t i, n = 0;
	int bits = 0, pad = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		const char *alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", *pos;
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		if (pad || !c || !(pos = strchr(alpha, c)))
			return -1;
		acc = acc << 6 | (unsigned long)(pos - alpha);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n >= outlen)
				return -1;
			out[n++] = (unsigned char)(acc >> bits);
			acc &= (1UL << bits) - 1;
		}
	}
	if (pad > 2 || bits >= 6)
		return -1;
	return (long)n;
}

static void test_base64(void)
{
	unsigned char b[16], want[1200], got[1200];
	char in[1600];
	unsigned seed = 1, round, bad = 0;
	size_t i;

	CHECK_INT(dkim_base64_tag("aGVs\r\n bG8=", 11, b, sizeof b), 5, "base64 with white space and padding");
	CHECK(!memcmp(b, "hello", 5), "... decodes");
	CHECK_INT(dkim_base64_tag("aGVsbG8", 7, b, sizeof b), 5, "without padding");
	CHECK_INT(dkim_base64_tag("aG=Vs", 5, b, sizeof b), -1, "data after padding");
	CHECK_INT(dkim_base64_tag("aGVsbG8===", 10, b, sizeof b), -1, "three pads");
	CHECK_INT(dkim_base64_tag("aGVsb", 5, b, sizeof b), -1, "a lone sextet at the end");
	CHECK_INT(dkim_base64_tag("aGV*bG8=", 8, b, sizeof b), -1, "a byte outside the alphabet");
	CHECK_INT(dkim_base64_tag("aGVsbG8=", 8, b, 2), -1, "too long for the buffer");
	/* random values, long enough for the vector loops, with line ends,
	 * padding and damage: the MIME decoder read strictly must agree with
	 * the plain reference on every one */
	for (round = 0; round < 20000; round++) {
		size_t n = (seed = seed * 1103515245 + 12345) >> 16 & 1023, k;
		const char *set = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
		for (i = 0; i < n; i++) {
			seed = seed * 1103515245 + 12345;
			k = seed >> 16;
			in[i] = k % 97 == 0 ? "\r\n \t=*-\x80"[k / 97 % 8] : set[k % 64];
		}
		if (round % 3 == 0 && n > 2) {   /* proper padding */
			in[n - 1] = '=';
			if (round % 2)
				in[n - 2] = '=';
		}
		long w = reference_b64(in, n, want, sizeof want), g = dkim_base64_tag(in, n, got, sizeof got);
		if (w != g || (w > 0 && memcmp(want, got, (size_t)w)))
			bad++;
	}
	CHECK(bad == 0, "20,000 random values: the same result as the plain reference (%u differ)", bad);
}

/* base64 of a buffer, for building key records and signatures */
static char *b64(const unsigned char *p, size_t n)
{
	char *s = malloc(4 * ((n + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)s, p, (int)n);
	return s;
}

static void test_rsa(void)
{
	EVP_PKEY *pkey = EVP_RSA_gen(1024);
	unsigned char *der = NULL, sigbuf[512];
	int derlen = i2d_PUBKEY(pkey, &der);
	const char *field = "From: joe@example.net", *body = "hello\n\n";
	char keyrec[1024], sigv[1200], *kb64, *sb64;
	struct dk_signature sig;
	struct dk_key key;
	struct dk_verify v;
	struct out o;
	struct dk_canon c;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	size_t siglen = sizeof sigbuf;
	const char *why;

	/* sign the canonical bytes directly with OpenSSL */
	memset(&o, 0, sizeof o);
	dk_canon_init(&c, DK_SIMPLE, sink, &o);
	dk_canon_header(&c, field, strlen(field));
	dk_canon_header_end(&c);
	dk_canon_body(&c, body, strlen(body));
	dk_canon_end(&c);
	EVP_DigestSignInit(md, NULL, EVP_sha1(), NULL, pkey);
	EVP_DigestSign(md, sigbuf, &siglen, (unsigned char *)o.s, o.n);
	kb64 = b64(der, (size_t)derlen);
	sb64 = b64(sigbuf, siglen);
	snprintf(keyrec, sizeof keyrec, "k=rsa; p=%s", kb64);
	snprintf(sigv, sizeof sigv, "a=rsa-sha1; c=simple; d=example.net; s=sel; q=dns; b=%s", sb64);

	CHECK(parse(sigv, &sig, &why) == 0 && dk_key_parse(keyrec, &key, &why) == 0, "signature and key parse");
	CHECK(dk_verify_begin(&v, &sig, &key, &why) == 0 && v.bits == 1024, "the key loads (1024 bits)");
	dk_canon_header(&v.canon, field, strlen(field));
	dk_canon_header_end(&v.canon);
	dk_canon_body(&v.canon, body, strlen(body));
	CHECK_INT(dk_verify_end(&v, &sig), 1, "RSA-SHA1: good");
	dk_verify_free(&v);

	dk_verify_begin(&v, &sig, &key, &why);
	dk_canon_header(&v.canon, field, strlen(field));
	dk_canon_header_end(&v.canon);
	dk_canon_body(&v.canon, "hellO\n", 6);
	CHECK_INT(dk_verify_end(&v, &sig), 0, "RSA-SHA1: a changed body is bad");
	dk_verify_free(&v);
	dk_key_free(&key);

	dk_key_parse("k=rsa; p=AAEC", &key, &why);
	CHECK(dk_verify_begin(&v, &sig, &key, &why) == -1, "a p= that is no key is refused (%s)", why);
	dk_verify_free(&v);
	dk_key_free(&key);
	dk_signature_free(&sig);

	CHECK_STR(dk_status_name(DK_STATUS_NO_SIGNATURE), "no signature", "status names");
	CHECK_STR(dk_status_name(DK_STATUS_BAD_FORMAT), "bad format", "status names: bad format");
	free(kb64);
	free(sb64);
	OPENSSL_free(der);
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(pkey);
}

int main(void)
{
	test_signature();
	test_select();
	test_canon();
	test_key();
	test_addresses();
	test_base64();
	test_rsa();
	return unit_done();
}
