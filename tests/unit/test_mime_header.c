/* test_mime_header.c: Content-Type and Content-Disposition values read
 * plainly (no GMime) give what GMime gives, and only plain ones are read
 * that way; RFC 2231 and RFC 2047 values still go through GMime. */
#include "mime_header.h"
#include "unit.h"

struct ex {
	const char *ctype, *disp;
	unsigned plain;              /* fields read without GMime */
	const char *type, *boundary, *filename;
};

static const struct ex cases[] = {
	{ "multipart/mixed; boundary=\"=_bench_boundary\"", NULL, 1, "multipart/mixed", "=_bench_boundary", NULL },
	{ "application/pdf; name=\"report.pdf\"", "attachment; filename=\"r.pdf\"", 2, "application/pdf", NULL, "r.pdf" },
	{ "application/pdf; name=\"report.pdf\"", "attachment", 2, "application/pdf", NULL, "report.pdf" },
	{ "TEXT/Plain ; Charset=\"utf-8\" ; NAME=a.txt ;", "inline ;FILENAME=b.txt", 2, "text/plain", NULL, "b.txt" },
	{ "multipart/alternative;\tboundary=----=_Part_1_2.3", NULL, 0, "multipart/alternative", "----=_Part_1_2.3", NULL },
	{ "multipart/alternative; boundary=\"----=_Part_1_2.3\"", NULL, 1, "multipart/alternative", "----=_Part_1_2.3", NULL },
	{ "image/png; name=\"a b; c=d.png\"", NULL, 1, "image/png", NULL, "a b; c=d.png" },
	{ "application/vnd.ms-excel+xml", NULL, 1, "application/vnd.ms-excel+xml", NULL, NULL },
	/* not plain: GMime reads them */
	{ "application/octet-stream; name=\"=?UTF-8?B?w6kuZXhl?=\"", NULL, 0, "application/octet-stream", NULL, "\xc3\xa9.exe" },
	{ "application/octet-stream", "attachment; filename*=UTF-8''%C3%A9.exe", 1, "application/octet-stream", NULL, "\xc3\xa9.exe" },
	{ "application/x-msdownload; name*0=\"a\"; name*1=\"b.exe\"", NULL, 0, "application/x-msdownload", NULL, "ab.exe" },
	{ "text/plain; name=\"x\\\"y.txt\"", NULL, 0, "text/plain", NULL, "x\"y.txt" },
	{ "text/plain; name=a; name=b", NULL, 0, NULL, NULL, NULL },
	{ "text/plain (a comment)", NULL, 0, "text/plain", NULL, NULL },
	{ "nonsense", NULL, 0, "text/plain", NULL, NULL },
	{ "text/plain; name=\"\"", NULL, 0, "text/plain", NULL, "" },
};

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Values built from the pieces plain reading has to get right or leave
 * to GMime: spaces and tabs about ';' and '=', quotes, tspecials and
 * "=?" in quoted text, case, empty and repeated parameters. */
static void random_value(char *v, size_t size, unsigned *seed)
{
	static const char *const heads[] = { "text/plain", "TEXT/HTML", "application/pdf",
		"multipart/mixed", "x/y", "attachment", "inline", "text", "a/b/c", "" };
	static const char *const names[] = { "name", "NAME", "filename", "boundary", "charset",
		"x", "name*", "name*0", "" };
	static const char *const vals[] = { "a.exe", "\"a b.exe\"", "\"a;b=c\"", "\"\"", "\"=?x?q?a?=\"",
		"\"a\\\"b\"", "=_x", "a=b", "\"tab\there\"", "\"\xc3\xa9\"", "\"q", "a(b)", "" };
	static const char *const gaps[] = { "", " ", "\t", "  ", " \t" };
	static const char *const before_eq[] = { "", "", "", " " };   /* mostly none */
	size_t n = 0;
	unsigned k, np;

#define PICK(arr) arr[(*seed = *seed * 1103515245 + 12345, (*seed >> 16) % (sizeof arr / sizeof arr[0]))]
#define ADD(str) n += (size_t)snprintf(v + n, size - n, "%s", str)
	ADD(PICK(gaps));
	ADD(PICK(heads));
	*seed = *seed * 1103515245 + 12345;
	np = (*seed >> 16) % 4;
	for (k = 0; k < np && n < size - 64; k++) {
		ADD(PICK(gaps));
		ADD(";");
		ADD(PICK(gaps));
		ADD(PICK(names));
		ADD(PICK(before_eq));
		ADD("=");
		ADD(PICK(vals));
	}
	ADD(PICK(gaps));
#undef PICK
#undef ADD
}

static void random_values(void)
{
	unsigned seed = 11, i, mismatches = 0, plain_seen = 0;
	char ct[512], cd[512];

	for (i = 0; i < 20000; i++) {
		struct qf_mime_fields fast, slow;
		unsigned plain;
		int a, b;

		random_value(ct, sizeof ct, &seed);
		random_value(cd, sizeof cd, &seed);
		a = qf_mime_fields_parse_with(ct, cd, NULL, &fast, false, &plain);
		b = qf_mime_fields_parse_with(ct, cd, NULL, &slow, true, NULL);
		plain_seen += plain;
		if (a || b || !same(fast.content_type, slow.content_type) || !same(fast.boundary, slow.boundary) ||
		    !same(fast.filename, slow.filename) || fast.invalid != slow.invalid) {
			if (!mismatches++)
				printf("# [%s] [%s]: plain %s|%s|%s, GMime %s|%s|%s\n", ct, cd,
				       fast.content_type, fast.boundary, fast.filename,
				       slow.content_type, slow.boundary, slow.filename);
		}
		if (!a)
			qf_mime_fields_free(&fast);
		if (!b)
			qf_mime_fields_free(&slow);
	}
	CHECK_INT(mismatches, 0, "20,000 built values: plain reading gives GMime's fields");
	CHECK(plain_seen > 3000, "and many of them were read plainly (%u fields)", plain_seen);
}

int main(void)
{
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct ex *e = &cases[i];
		struct qf_mime_fields fast, slow;
		unsigned plain;
		int a = qf_mime_fields_parse_with(e->ctype, e->disp, NULL, &fast, false, &plain);
		int b = qf_mime_fields_parse_with(e->ctype, e->disp, NULL, &slow, true, NULL);

		CHECK(a == 0 && b == 0, "%s: parsed", e->ctype);
		CHECK_INT(plain, e->plain, "%s: %u field(s) read without GMime", e->ctype, e->plain);
		CHECK(same(fast.content_type, slow.content_type) && same(fast.boundary, slow.boundary) &&
		      same(fast.filename, slow.filename) && fast.invalid == slow.invalid,
		      "%s: the same fields as GMime's", e->ctype);
		if (e->type) {
			CHECK_STR(fast.content_type, e->type, "%s: type", e->ctype);
			CHECK_STR(fast.boundary, e->boundary, "%s: boundary", e->ctype);
			CHECK_STR(fast.filename, e->filename, "%s: file name", e->ctype);
		}
		qf_mime_fields_free(&fast);
		qf_mime_fields_free(&slow);
	}
	random_values();
	return unit_done();
}
