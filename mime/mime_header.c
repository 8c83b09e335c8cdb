/* mime_header.c: Content-* header values. Parameters are GMime's alone
 * (one parser per field, issue 18: a hand-written fast path for "plain"
 * values decided boundaries and file names beside it). Besides, the
 * values are looked at for what mail readers take two ways (issue 19):
 * copies that differ, comments, parameters given twice, boundaries that
 * GMime decodes and others do not. Those checks are a scan for a few
 * characters, not a second parse. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <gmime/gmime.h>
#include "mime_gmime.h"
#include "mime_header.h"

static void lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s += 'a' - 'A';
}

/* The first reason stands. */
static void ambiguous(struct qf_mime_fields *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void ambiguous(struct qf_mime_fields *f, const char *fmt, ...)
{
	va_list ap;

	if (f->ambiguous[0])
		return;
	va_start(ap, fmt);
	vsnprintf(f->ambiguous, sizeof f->ambiguous, fmt, ap);
	va_end(ap);
}

/* A name a reader might save the part under; false only when out of memory. */
static bool add_name(struct qf_mime_fields *f, const char *name)
{
	size_t i;

	if (!name || !*name)
		return true;
	for (i = 0; i < f->nnames; i++)
		if (!strcmp(f->names[i], name))
			return true;
	if (f->nnames == QF_MIME_NAMES_MAX) {
		ambiguous(f, "more than %d file names for one part", QF_MIME_NAMES_MAX);
		return true;
	}
	if (!(f->names[f->nnames] = strdup(name)))
		return false;
	f->nnames++;
	return true;
}

/* Every "name" and "filename" parameter of l; *count = the parameters
 * called want (any case), *first = the first of them. */
static bool params(struct qf_mime_fields *f, GMimeParamList *l, const char *want,
		   const char **first, unsigned *count)
{
	int i, n = l ? g_mime_param_list_length(l) : 0;

	*first = NULL;
	*count = 0;
	for (i = 0; i < n; i++) {
		GMimeParam *p = g_mime_param_list_get_parameter_at(l, i);
		const char *name = g_mime_param_get_name(p), *value = g_mime_param_get_value(p);
		if (!name || !value)
			continue;
		if (want && !strcasecmp(name, want) && !(*count)++)
			*first = value;
		if ((!strcasecmp(name, "name") || !strcasecmp(name, "filename")) && !add_name(f, value))
			return false;
	}
	return true;
}

/* A '(' outside a quoted string: a comment, which readers skip or not. */
static bool has_comment(const char *v)
{
	bool quoted = false;

	for (; *v; v++) {
		if (quoted && *v == '\\' && v[1])
			v++;
		else if (*v == '"')
			quoted = !quoted;
		else if (!quoted && *v == '(')
			return true;
	}
	return false;
}

/* The value without leading and trailing white space equals b's, byte
 * for byte: a boundary's case matters (b2 and B2 are two multiparts). */
static bool same_value(const char *a, const char *b)
{
	size_t la, lb;

	a += strspn(a, " \t");
	b += strspn(b, " \t");
	la = strlen(a);
	lb = strlen(b);
	while (la && (a[la - 1] == ' ' || a[la - 1] == '\t'))
		la--;
	while (lb && (b[lb - 1] == ' ' || b[lb - 1] == '\t'))
		lb--;
	return la == lb && !memcmp(a, b, la);
}

/* GMime turns what it cannot parse into application/octet-stream; RFC
 * 2045 says such a part is text/plain. */
static bool says_octet_stream(const char *v)
{
	v += strspn(v, " \t");
	return !strncasecmp(v, "application/octet-stream", 24);
}

static int parse_type(const char *ctype, struct qf_mime_fields *f, bool first)
{
	GMimeContentType *ct = g_mime_content_type_parse(qf_gmime_options(), ctype);
	const char *type = g_mime_content_type_get_media_type(ct);
	const char *sub = g_mime_content_type_get_media_subtype(ct);
	const char *boundary, *name;
	unsigned nboundary;
	int rc = 0;

	if (!params(f, g_mime_content_type_get_parameters(ct), "boundary", &boundary, &nboundary))
		rc = -1;
	if (first) {
		if (!strcasecmp(type, "application") && !strcasecmp(sub, "octet-stream") &&
		    !says_octet_stream(ctype)) {
			f->invalid = true;
			f->content_type = strdup("text/plain");
			/* "multipart; boundary=B", a quoted type: RFC 2045 says
			 * text/plain, readers that guess see parts */
			if (strcasestr(ctype, "multipart") || strcasestr(ctype, "boundary"))
				ambiguous(f, "a Content-Type that does not parse, naming a multipart or boundary");
		} else if (asprintf(&f->content_type, "%s/%s", type, sub) < 0)
			f->content_type = NULL;
		/* a value that was there but could not be copied is out of
		 * memory, never "absent": a lost boundary would leave the
		 * parts undecoded */
		if (!f->content_type || (boundary && *boundary && !(f->boundary = strdup(boundary))))
			rc = -1;
		else
			lower(f->content_type);
		/* "multipart/; boundary=B", "; boundary=B", "x-multipart/mixed",
		 * a quoted type: readers guess multipart from the boundary */
		if (f->content_type && boundary && strncmp(f->content_type, "multipart/", 10))
			ambiguous(f, "a boundary on a Content-Type that is not multipart");
		else if (f->content_type && !strncmp(f->content_type, "multipart/", 10)) {
			if (nboundary > 1)
				ambiguous(f, "two boundary parameters");
			else if (!f->boundary)
				ambiguous(f, "multipart without a boundary");
			else if (strchr(" \t", boundary[strlen(boundary) - 1]))
				ambiguous(f, "a boundary ending in white space");
			else if (strstr(ctype, "=?"))
				ambiguous(f, "an encoded word in a multipart Content-Type");
		}
		name = g_mime_content_type_get_parameter(ct, "name");
		if (!f->filename && name && *name && !(f->filename = strdup(name)))
			rc = -1;
	}
	g_object_unref(ct);
	return rc;
}

static int parse_disposition(const char *disp, struct qf_mime_fields *f, bool first)
{
	GMimeContentDisposition *d = g_mime_content_disposition_parse(qf_gmime_options(), disp);
	const char *filename;
	unsigned n;
	int rc = 0;

	if (!params(f, g_mime_content_disposition_get_parameters(d), "filename", &filename, &n))
		rc = -1;
	else if (first && filename && *filename && !(f->filename = strdup(filename)))
		rc = -1;
	g_object_unref(d);
	return rc;
}

/* The first word of v, lowercased, into *out (NULL when there is none).
 * false only when out of memory. */
static bool first_word(const char *v, char **out)
{
	size_t n;

	*out = NULL;
	v += strspn(v, " \t\r\n");
	n = strcspn(v, " \t\r\n;(");
	if (!n)
		return true;
	if (!(*out = strndup(v, n)))
		return false;
	lower(*out);
	return true;
}

static bool known_encoding(const char *w)
{
	static const char *const known[] = {
		"7bit", "8bit", "binary", "base64", "quoted-printable",
		"x-uuencode", "uuencode", "x-uue", "uue",
	};
	size_t i;

	for (i = 0; i < sizeof known / sizeof known[0]; i++)
		if (!strcmp(w, known[i]))
			return true;
	return false;
}

/* An encoding we do not know, but that reads as one we do once quotes,
 * white space or an "x-" are taken off ("base64", x-base64, base 64):
 * some reader decodes it, so identity is not a safe reading. */
static bool looks_encoded(const char *v)
{
	char s[64];
	size_t n = 0;

	for (; *v && n < sizeof s - 1; v++)
		if (!strchr(" \t\r\n\"'", *v))
			s[n++] = (char)(*v >= 'A' && *v <= 'Z' ? *v + 'a' - 'A' : *v);
	s[n] = 0;
	return strstr(s, "base64") || strstr(s, "base-64") || strstr(s, "quoted") ||
	       strstr(s, "printable") || strstr(s, "uue") || strstr(s, "uuencode");
}

static int parse_cte(const struct qf_mime_raw *raw, struct qf_mime_fields *f)
{
	size_t i;
	char *w;

	if (!first_word(raw->cte[0], &f->encoding))
		return -1;
	for (i = 1; i < raw->ncte; i++) {
		if (!first_word(raw->cte[i], &w))
			return -1;
		if ((w || f->encoding) && (!w || !f->encoding || strcmp(w, f->encoding)))
			ambiguous(f, "two different Content-Transfer-Encoding headers");
		free(w);
	}
	if (f->encoding && !known_encoding(f->encoding) && looks_encoded(raw->cte[0]))
		ambiguous(f, "unknown transfer encoding %.40s", f->encoding);
	else if (f->encoding && known_encoding(f->encoding) &&
		 raw->cte[0][strspn(raw->cte[0], " \t")] == '"')
		ambiguous(f, "a quoted transfer encoding");
	return 0;
}

int qf_mime_fields_parse(const struct qf_mime_raw *raw, struct qf_mime_fields *f)
{
	size_t i;

	memset(f, 0, sizeof *f);
	for (i = 0; i < raw->ndisp; i++) {
		if (parse_disposition(raw->disp[i], f, i == 0) < 0)
			goto nomem;
		if (has_comment(raw->disp[i]))
			ambiguous(f, "a comment in Content-Disposition");
	}
	for (i = 0; i < raw->nctype; i++) {
		if (parse_type(raw->ctype[i], f, i == 0) < 0)
			goto nomem;
		if (has_comment(raw->ctype[i]))
			ambiguous(f, "a comment in Content-Type");
		if (i && !same_value(raw->ctype[i], raw->ctype[0]))
			ambiguous(f, "two different Content-Type headers");
	}
	if (raw->ncte) {
		if (parse_cte(raw, f) < 0)
			goto nomem;
		for (i = 0; i < raw->ncte; i++)
			if (has_comment(raw->cte[i]))
				ambiguous(f, "a comment in Content-Transfer-Encoding");
	}
	/* the name a part is known by comes first (and is there even when
	 * more names than are kept came before it: that is ambiguous) */
	if (f->filename) {
		for (i = 0; i < f->nnames && strcmp(f->names[i], f->filename); i++)
			;
		if (i == f->nnames) {
			if (f->nnames == QF_MIME_NAMES_MAX)
				free(f->names[--f->nnames]);
			if (!(f->names[f->nnames] = strdup(f->filename)))
				goto nomem;
			i = f->nnames++;
		}
		if (i) {
			char *t = f->names[0];
			f->names[0] = f->names[i];
			f->names[i] = t;
		}
	}
	return 0;
nomem:
	qf_mime_fields_free(f);
	return -1;
}

int qf_mime_fields_parse3(const char *ctype, const char *disp, const char *cte,
			  struct qf_mime_fields *f)
{
	struct qf_mime_raw raw = { { ctype }, ctype != NULL, { disp }, disp != NULL,
				   { cte }, cte != NULL };

	return qf_mime_fields_parse(&raw, f);
}

void qf_mime_fields_free(struct qf_mime_fields *f)
{
	size_t i;

	free(f->content_type);
	free(f->boundary);
	free(f->filename);
	free(f->encoding);
	for (i = 0; i < f->nnames; i++)
		free(f->names[i]);
	memset(f, 0, sizeof *f);
}
