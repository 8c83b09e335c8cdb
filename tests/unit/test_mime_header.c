/* test_mime_header.c: Content-* values as GMime reads them (the only
 * parser of their parameters), every file name a reader might use, and
 * what is ambiguous: copies that differ, comments, a boundary given
 * twice or spelled so that readers take it two ways. */
#include "mime_header.h"
#include "unit.h"

struct ex {
	const char *ctype, *disp, *cte;
	const char *type, *boundary, *filename, *encoding;
	const char *names;         /* every name, '|' between them */
	const char *ambiguous;     /* a word of the reason, or NULL: not ambiguous */
};

static const struct ex cases[] = {
	{ "multipart/mixed; boundary=\"=_bench_boundary\"", NULL, NULL, "multipart/mixed", "=_bench_boundary", NULL, NULL, "", NULL },
	{ "application/pdf; name=\"report.pdf\"", "attachment; filename=\"r.pdf\"", "base64", "application/pdf", NULL, "r.pdf", "base64", "r.pdf|report.pdf", NULL },
	{ "TEXT/Plain ; Charset=\"utf-8\" ; NAME=a.txt ;", "inline ;FILENAME=b.txt", NULL, "text/plain", NULL, "b.txt", NULL, "b.txt|a.txt", NULL },
	{ "multipart/alternative;\tboundary=----=_Part_1_2.3", NULL, NULL, "multipart/alternative", "----=_Part_1_2.3", NULL, NULL, "", NULL },
	{ "image/png; name=\"a b; c=d.png\"", NULL, NULL, "image/png", NULL, "a b; c=d.png", NULL, "a b; c=d.png", NULL },
	{ "application/octet-stream; name=\"=?UTF-8?B?w6kuZXhl?=\"", NULL, NULL, "application/octet-stream", NULL, "\xc3\xa9.exe", NULL, "\xc3\xa9.exe", NULL },
	{ "application/octet-stream", "attachment; filename*=UTF-8''%C3%A9.exe", NULL, "application/octet-stream", NULL, "\xc3\xa9.exe", NULL, "\xc3\xa9.exe", NULL },
	{ "application/x-msdownload; name*0=\"a\"; name*1=\"b.exe\"", NULL, NULL, "application/x-msdownload", NULL, "ab.exe", NULL, "ab.exe", NULL },
	{ "text/plain; name=\"x\\\"y.txt\"", NULL, NULL, "text/plain", NULL, "x\"y.txt", NULL, "x\"y.txt", NULL },
	{ "nonsense", NULL, NULL, "text/plain", NULL, NULL, NULL, "", NULL },
	{ "text/plain", NULL, "7bit (c)", "text/plain", NULL, NULL, "7bit", "", "comment" },
	/* names: every one, whichever a reader takes */
	{ "application/octet-stream; name=\"tool.exe\"", "attachment; filename=\"tool.txt\"", NULL, "application/octet-stream", NULL, "tool.txt", NULL, "tool.txt|tool.exe", NULL },
	{ "application/octet-stream", "attachment; filename=\"a.txt\"; filename=\"b.exe\"", NULL, "application/octet-stream", NULL, "a.txt", NULL, "a.txt|b.exe", NULL },
	{ "application/octet-stream", "attachment; filename=\"a.txt\"; filename*=utf-8''b.exe", NULL, "application/octet-stream", NULL, "a.txt", NULL, "a.txt|b.exe", NULL },
	{ "application/octet-stream", "attachment; name=\"b.exe\"", NULL, "application/octet-stream", NULL, NULL, NULL, "b.exe", NULL },
	/* ambiguous */
	{ "multipart/mixed; boundary=\"A\"; boundary=\"B\"", NULL, NULL, "multipart/mixed", "A", NULL, NULL, "", "two boundary" },
	{ "multipart/mixed", NULL, NULL, "multipart/mixed", NULL, NULL, NULL, "", "without a boundary" },
	{ "multipart/mixed boundary=\"B\"", NULL, NULL, "multipart/mixed", NULL, NULL, NULL, "", "without a boundary" },
	{ "multipart/mixed; boundary=\"B \"", NULL, NULL, "multipart/mixed", "B ", NULL, NULL, "", "white space" },
	{ "multipart/mixed; boundary=\"=?us-ascii?q?B?=\"", NULL, NULL, "multipart/mixed", "B", NULL, NULL, "", "encoded word" },
	{ "multipart/mixed; (c) boundary=\"B\"", NULL, NULL, "multipart/mixed", NULL, NULL, NULL, NULL, "comment" },
	{ "application/octet-stream", "attachment; filename=\"a.txt\"(c)filename=\"b.exe\"", NULL, "application/octet-stream", NULL, "a.txt", NULL, NULL, "comment" },
	{ "application/octet-stream", NULL, "x-base64", "application/octet-stream", NULL, NULL, "x-base64", "", "unknown transfer encoding" },
	{ "application/octet-stream", NULL, "\"base64\"", "application/octet-stream", NULL, NULL, "\"base64\"", "", "unknown transfer encoding" },
	{ "application/octet-stream", NULL, "base 64", "application/octet-stream", NULL, NULL, "base", "", "unknown transfer encoding" },
	{ "application/octet-stream", NULL, "8-bit", "application/octet-stream", NULL, NULL, "8-bit", "", NULL },
	{ "application/octet-stream", NULL, "uue", "application/octet-stream", NULL, NULL, "uue", "", NULL },
};

/* "a|b" against the names found */
static int names_are(const struct qf_mime_fields *f, const char *want)
{
	char buf[256], *tok, *save = NULL;
	size_t i = 0;

	snprintf(buf, sizeof buf, "%s", want);
	for (tok = strtok_r(buf, "|", &save); tok; tok = strtok_r(NULL, "|", &save), i++)
		if (i >= f->nnames || strcmp(f->names[i], tok))
			return 0;
	return i == f->nnames;
}

static void copies(void)
{
	struct qf_mime_fields f;
	struct qf_mime_raw same = { { "text/plain", " text/plain " }, 2, { NULL }, 0, { "base64", "BASE64" }, 2 };
	struct qf_mime_raw two_ct = { { "text/plain", "multipart/mixed; boundary=B" }, 2, { NULL }, 0, { NULL }, 0 };
	struct qf_mime_raw case_ct = { { "multipart/mixed; boundary=b2", "multipart/mixed; boundary=B2" }, 2, { NULL }, 0, { NULL }, 0 };
	struct qf_mime_raw two_cte = { { "text/plain" }, 1, { NULL }, 0, { "7bit", "base64" }, 2 };
	struct qf_mime_raw two_cd = { { "text/plain; name=c.txt" }, 1, { "attachment; filename=a.txt", "attachment; filename=b.exe" }, 2, { NULL }, 0 };

	CHECK(qf_mime_fields_parse(&same, &f) == 0 && !f.ambiguous[0], "two copies alike are not ambiguous");
	qf_mime_fields_free(&f);
	CHECK(qf_mime_fields_parse(&two_ct, &f) == 0 && strstr(f.ambiguous, "two different Content-Type"),
	      "two different Content-Type headers are ambiguous (%s)", f.ambiguous);
	CHECK_STR(f.content_type, "text/plain", "and the first is read");
	qf_mime_fields_free(&f);
	/* a boundary's case matters: b2 and B2 are two multiparts */
	CHECK(qf_mime_fields_parse(&case_ct, &f) == 0 && strstr(f.ambiguous, "two different Content-Type"),
	      "two Content-Types whose boundaries differ in case are ambiguous (%s)", f.ambiguous);
	qf_mime_fields_free(&f);
	CHECK(qf_mime_fields_parse(&two_cte, &f) == 0 && strstr(f.ambiguous, "Content-Transfer-Encoding"),
	      "two different Content-Transfer-Encoding headers are ambiguous");
	qf_mime_fields_free(&f);
	CHECK(qf_mime_fields_parse(&two_cd, &f) == 0 && !f.ambiguous[0] && names_are(&f, "a.txt|b.exe|c.txt"),
	      "two Content-Disposition headers: every name is kept, first first");
	qf_mime_fields_free(&f);
}

int main(void)
{
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct ex *e = &cases[i];
		struct qf_mime_fields f;
		const char *what = e->ctype;

		CHECK(qf_mime_fields_parse3(e->ctype, e->disp, e->cte, &f) == 0, "%s | %s | %s: parsed",
		      what, e->disp ? e->disp : "-", e->cte ? e->cte : "-");
		CHECK_STR(f.content_type, e->type, "%s: type", what);
		if (e->boundary || !e->ambiguous)
			CHECK_STR(f.boundary, e->boundary, "%s: boundary", what);
		CHECK_STR(f.filename, e->filename, "%s | %s: file name", what, e->disp ? e->disp : "-");
		if (e->encoding)
			CHECK_STR(f.encoding, e->encoding, "%s: encoding", e->cte);
		if (e->names)
			CHECK(names_are(&f, e->names), "%s | %s: names %s", what, e->disp ? e->disp : "-", e->names);
		if (e->ambiguous)
			CHECK(strstr(f.ambiguous, e->ambiguous) != NULL, "%s | %s | %s: ambiguous: %s (%s)", what,
			      e->disp ? e->disp : "-", e->cte ? e->cte : "-", e->ambiguous, f.ambiguous);
		else
			CHECK(!f.ambiguous[0], "%s | %s | %s: not ambiguous (%s)", what,
			      e->disp ? e->disp : "-", e->cte ? e->cte : "-", f.ambiguous);
		qf_mime_fields_free(&f);
	}
	copies();
	return unit_done();
}
