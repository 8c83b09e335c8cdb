/* test_authres.c: the Authentication-Results writer and reader, and the
 * header scanner that finds fields to remove (authres.c, dkim_hdr.c). */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "unit.h"
#include "authres.h"
#include "dkim_hdr.h"

static bool ours(const char *field, const char *id)
{
	return authres_is_ours(field, strlen(field), false, id);
}

static size_t longest_line(const char *s)
{
	size_t best = 0, cur = sizeof "Authentication-Results: " - 1;

	for (; *s; s++) {
		if (*s == '\n') {
			best = cur > best ? cur : best;
			cur = 0;
		} else {
			cur += *s == '\t' ? 8 : 1;
		}
	}
	return cur > best ? cur : best;
}

static void test_format(void)
{
	struct authres_sig dkim[2], dk[1];
	char *s;

	s = authres_format("mx.example.org", NULL, 0, NULL, 0);
	CHECK_STR(s, "mx.example.org;\n\tdkim=none;\n\tdomainkeys=none", "unsigned: dkim=none and domainkeys=none");
	free(s);

	memset(dkim, 0, sizeof dkim);
	memset(dk, 0, sizeof dk);
	dkim[0].result = AUTHRES_PASS;
	strcpy(dkim[0].comment, "2048-bit key");
	strcpy(dkim[0].d, "example.org");
	strcpy(dkim[0].i, "@example.org");
	strcpy(dkim[0].s, "sel1");
	strcpy(dkim[0].a, "rsa-sha256");
	strcpy(dkim[0].b, "Ph/EV+b=");
	dkim[1].result = AUTHRES_PERMERROR;
	strcpy(dkim[1].comment, "invalid d= (test)");
	strcpy(dkim[1].d, "legitimate.com(.attacker.com");
	strcpy(dkim[1].i, "joe smith@example.org");
	dk[0].result = AUTHRES_FAIL;
	strcpy(dk[0].d, "example.com");
	strcpy(dk[0].from, "joe@example.com");
	s = authres_format("mx.example.net", dkim, 2, dk, 1);
	CHECK(s && strstr(s, "dkim=pass (2048-bit key) header.d=example.org header.i=@example.org"),
	      "pass with comment, header.d and header.i as they are");
	CHECK(s && strstr(s, "header.b=\"Ph/EV+b=\""), "header.b is a quoted-string");
	CHECK(s && strstr(s, "header.d=\"legitimate.com(.attacker.com\""), "a d= with A-R syntax is quoted");
	CHECK(s && strstr(s, "(invalid d= \\(test\\))"), "parentheses in a comment are escaped");
	CHECK(s && strstr(s, "header.i=\"joe smith@example.org\""), "an i= that is no dot-atom is quoted");
	CHECK(s && strstr(s, "domainkeys=fail header.d=example.com header.from=joe@example.com"),
	      "domainkeys with header.from");
	CHECK(s && longest_line(s) <= 78, "folded to 78 columns (longest %zu)", s ? longest_line(s) : 0);
	CHECK(s && !strstr(s, "\n\n") && !strchr(s, '\r'), "folds are \\n\\t only");
	free(s);

	dk[0].sender = true;
	strcpy(dk[0].from, "list@sub.example.com");
	s = authres_format("\"odd id\"", NULL, 0, dk, 1);
	CHECK(s && !strncmp(s, "\"\\\"odd id\\\"\";", 13), "an authserv-id that is no token is quoted");
	CHECK(s && strstr(s, "header.sender=list@sub.example.com"), "header.sender for a Sender: address");
	free(s);
	CHECK_STR(authres_result_name(AUTHRES_TEMPERROR), "temperror", "result names");
	CHECK_STR(authres_result_name(AUTHRES_POLICY), "policy", "result names: policy");
}

static void test_authserv_id(void)
{
	char id[64];
	long n;

	n = authres_authserv_id(" mx.example; dkim=pass", 22, id, sizeof id);
	CHECK(n == 10 && !strcmp(id, "mx.example"), "a plain authserv-id");
	n = authres_authserv_id(" (a (nested) \\) comment)\r\n\tmx.example 1; none", 45, id, sizeof id);
	CHECK(n > 0 && !strcmp(id, "mx.example"), "after CFWS with nested comments, before a version");
	n = authres_authserv_id(" \"mx.\\\"ex\"; none", 16, id, sizeof id);
	CHECK(n > 0 && !strcmp(id, "mx.\"ex"), "a quoted-string with a quoted-pair");
	CHECK(authres_authserv_id(" ; dkim=pass", 12, id, sizeof id) < 0, "none before the semicolon");
	CHECK(authres_authserv_id(" (never closed mx.example;", 26, id, sizeof id) < 0, "an unterminated comment");
	CHECK(authres_authserv_id("", 0, id, sizeof id) < 0, "an empty value");
}

static void test_is_ours(void)
{
	const char *id = "mx.test.example";

	CHECK(ours("Authentication-Results: mx.test.example; dkim=pass header.d=bank.example", id), "ours");
	CHECK(ours("authentication-results: MX.Test.Example; dkim=pass", id), "case-insensitive name and id");
	CHECK(ours("Authentication-Results : mx.test.example; none", id), "white space before the colon");
	CHECK(ours("Authentication-Results:\n\t(forged)\n mx.test.example\n\t; dkim=pass", id), "folded, with a comment");
	CHECK(ours("Authentication-Results: \"mx.test.example\"; none", id), "quoted");
	CHECK(ours("Authentication-Results: mx.test.example 1; none", id), "with a version");
	CHECK(ours("Authentication-Results: mx.test.example/123; dkim=pass", id), "an OpenDKIM job id suffix still counts");
	CHECK(!ours("Authentication-Results: mx.test.example.evil.com; dkim=pass", id), "no prefix match (longer)");
	CHECK(!ours("Authentication-Results: mx.test.exampl; dkim=pass", id), "no prefix match (shorter)");
	CHECK(!ours("Authentication-Results: other.example; dkim=pass", id), "another authserv-id is kept");
	CHECK(!ours("X-Authentication-Results: mx.test.example; dkim=pass", id), "another field name");
	CHECK(!ours("Authentication-Results-Original: mx.test.example; dkim=pass", id), "a longer field name");
	CHECK(!ours("Authentication-Results: (mx.test.example) other.example; none", id), "our id inside a comment is not ours");
	CHECK(!ours("Authentication-Results: (never closed mx.test.example;", id), "unparseable, whole: kept");
	CHECK(authres_is_ours("Authentication-Results: (cut off by the read limi", 48, true, id),
	      "unparseable because cut short: removed");
	CHECK(authres_is_ours("Authentication-Results: mx.te", 29, true, id),
	      "an id cut short: removed");
	CHECK(!ours("Authentication-Results", id), "no colon");
}

/* the scanner on a buffer fed in pieces of every size */
static void test_scan(void)
{
	const char msg[] =
		"Received: from a\n\tby b\n"
		"Authentication-Results: mx.test.example; dkim=pass\n"
		"From: Joe <joe@example.net>\r\n"
		"X-Long: one\n two\n three\n"
		"DKIM-Signature: v=1\n"
		"domainkey-signature : a=rsa-sha1\n"
		"\n"
		"Body: not a header\n";
	size_t body = strstr(msg, "\n\n") - msg + 2;
	size_t step;
	bool all = true;

	for (step = 1; step <= sizeof msg; step++) {
		struct dkim_hdr h;
		size_t off = 0, used = 0;
		dkim_hdr_init(&h);
		while (off < sizeof msg - 1 && !h.done) {
			size_t n = sizeof msg - 1 - off < step ? sizeof msg - 1 - off : step;
			long r = dkim_hdr_feed(&h, msg + off, n);
			used += (size_t)r;
			off += n;
		}
		dkim_hdr_finish(&h);
		all = all && h.n == 6 && h.body_off == body && used == body &&
		      h.f[0].kind == DKIM_HDR_OTHER && h.f[0].len == 22 && h.f[0].end == 23 &&
		      h.f[1].kind == DKIM_HDR_AUTHRES && h.f[1].off == 23 &&
		      h.f[2].kind == DKIM_HDR_FROM &&
		      msg[h.f[2].off + h.f[2].len] == '\r' && msg[h.f[2].end - 1] == '\n' &&
		      h.f[3].len == strlen("X-Long: one\n two\n three") &&
		      h.f[4].kind == DKIM_HDR_DKIM_SIGNATURE &&
		      h.f[5].kind == DKIM_HDR_DOMAINKEY_SIGNATURE;
		dkim_hdr_free(&h);
	}
	CHECK(all, "fields, kinds, ranges and the body offset, for every chunk size");

	{
		struct dkim_hdr h;
		const char *noend = "From: a@b.example\nSubject: x";
		dkim_hdr_init(&h);
		dkim_hdr_feed(&h, noend, strlen(noend));
		dkim_hdr_finish(&h);
		CHECK(h.n == 2 && h.f[1].len == 10 && h.f[1].end == strlen(noend) && h.body_off == strlen(noend),
		      "a message that is only headers, without a final line end");
		dkim_hdr_free(&h);
	}
	{
		struct dkim_hdr h;
		const char *empty = "\nbody\n";
		dkim_hdr_init(&h);
		dkim_hdr_feed(&h, empty, strlen(empty));
		dkim_hdr_finish(&h);
		CHECK(h.n == 0 && h.body_off == 1, "no headers at all");
		dkim_hdr_free(&h);
	}
}

/* dkim_hdr_scan reads the spool 4 KB first, then 16 KB at a time: fields
 * that straddle both boundaries are found whole, and the body starts
 * where the empty line ends. */
static void test_scan_fd(void)
{
	char *msg = malloc(40000);
	size_t n = 0, qf1 = 0, qf2 = 0, i;
	struct dkim_hdr h;
	bool ok = true;
	int fd = memfd_create("spool", MFD_CLOEXEC);

	n += (size_t)sprintf(msg + n, "From: a@b.example\n");
	while (n < 4090)
		n += (size_t)sprintf(msg + n, "Received: from relay%zu.example\n", n);
	qf1 = n;
	n += (size_t)sprintf(msg + n, "X-Qfilter: forged across the first read\n");
	while (n < 20475)
		n += (size_t)sprintf(msg + n, "Comments: %zu\n", n);
	qf2 = n;
	n += (size_t)sprintf(msg + n, "X-Qfilter-Virus: forged\n across the second\n");
	n += (size_t)sprintf(msg + n, "\nbody\n");
	if (fd < 0 || write(fd, msg, n) != (ssize_t)n)
		ok = false;
	dkim_hdr_init(&h);
	ok = ok && dkim_hdr_scan(&h, fd, n) == 0;
	for (i = 0; ok && i < h.n; i++)
		if ((h.f[i].kind == DKIM_HDR_QFILTER) != (h.f[i].off == qf1 || h.f[i].off == qf2))
			ok = false;
	CHECK(ok && h.n > 100 && h.body_off == n - 5 && h.f[h.n - 1].off == qf2 &&
	      h.f[h.n - 1].end == n - 6, "scanning a %zu-byte header block from the spool: every field whole, "
	      "ours found across both read sizes", n - 5);
	dkim_hdr_free(&h);
	close(fd);
	free(msg);
}

int main(void)
{
	test_format();
	test_authserv_id();
	test_is_ours();
	test_scan();
	test_scan_fd();
	return unit_done();
}
