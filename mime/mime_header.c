/* mime_header.c: Content-* header values. Plain ones (ASCII tokens and
 * quoted strings, no RFC 2231 or RFC 2047) are read here; the rest goes
 * through GMime. Both ways give the same fields, which fuzz_mime_header
 * checks: GMime's objects cost a fifth of a worker's instructions for a
 * message with one attachment, where the plain reading costs next to
 * nothing. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <gmime/gmime.h>
#include "mime_header.h"

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;
static GMimeParserOptions *gmime_opts;

/* Not g_mime_init(): it registers some fifty GObject types and starts
 * gpgme, and its references pull GIO, gpgme and their shared objects
 * into the program (a third of a clean message's cost in start-up). The
 * header-value parsers need only parser options and the charset map. */
static void gmime_start(void)
{
	g_mime_charset_map_init();
	gmime_opts = g_mime_parser_options_new();
}

static void lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s += 'a' - 'A';
}

/* *out = a copy of s, or NULL when s is NULL; false only when out of memory */
static bool copy_param(char **out, const char *s)
{
	*out = s ? strdup(s) : NULL;
	return !s || *out;
}

/* GMime turns what it cannot parse into application/octet-stream; RFC
 * 2045 says such a part is text/plain. */
static bool says_octet_stream(const char *v)
{
	v += strspn(v, " \t");
	return !strncasecmp(v, "application/octet-stream", 24);
}

static int parse_type(const char *ctype, struct qf_mime_fields *f)
{
	GMimeContentType *ct = g_mime_content_type_parse(gmime_opts, ctype);
	const char *type = g_mime_content_type_get_media_type(ct);
	const char *sub = g_mime_content_type_get_media_subtype(ct);
	int rc = 0;

	if (!strcasecmp(type, "application") && !strcasecmp(sub, "octet-stream") &&
	    !says_octet_stream(ctype)) {
		f->invalid = true;
		f->content_type = strdup("text/plain");
	} else if (asprintf(&f->content_type, "%s/%s", type, sub) < 0)
		f->content_type = NULL;
	/* a value that was there but could not be copied is out of memory,
	 * never "absent": a lost boundary would leave the parts undecoded */
	if (!copy_param(&f->boundary, g_mime_content_type_get_parameter(ct, "boundary")))
		rc = -1;
	if (!f->filename && !copy_param(&f->filename, g_mime_content_type_get_parameter(ct, "name")))
		rc = -1;
	if (!f->content_type)
		rc = -1;
	else
		lower(f->content_type);
	if (f->boundary && !*f->boundary) {
		free(f->boundary);
		f->boundary = NULL;
	}
	g_object_unref(ct);
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

/* --- plain values, without GMime */

/* RFC 2045's token characters, less '*', '\'' and '%' (RFC 2231's
 * markers), which send a value to GMime. */
static bool token_char(unsigned char c)
{
	return c > 0x20 && c < 0x7f && !strchr("()<>@,;:\\\"/[]?=*'%", c);
}

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static const char *skip_token(const char *p)
{
	while (token_char((unsigned char)*p))
		p++;
	return p;
}

struct plain_param {
	const char *name;    /* wanted, any case */
	const char *at;      /* its value: the token, or inside the quotes */
	size_t len;
	bool seen;
};

/* The parameters after v's leading token (or type/subtype): each
 * ";name=token" or ';name="text"', white space only around the ';'.
 * A wanted name found twice, an empty or non-ASCII quoted text, a
 * backslash or an RFC 2047 word in one: not plain. 1 plain, 0 not. */
static int plain_params(const char *p, struct plain_param *want, size_t nwant)
{
	for (;;) {
		const char *name, *end, *val;
		size_t i, len, namelen;

		p = skip_ws(p);
		if (!*p)
			return 1;
		if (*p++ != ';')
			return 0;
		p = skip_ws(p);
		if (!*p)
			return 1;
		name = p;
		p = skip_token(p);
		namelen = (size_t)(p - name);
		if (!namelen || *p++ != '=')
			return 0;
		if (*p == '"') {
			val = ++p;
			while ((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f && *p != '"' && *p != '\\')
				p++;
			if (*p != '"' || p == val)
				return 0;
			end = p++;
			for (len = 0; val + len + 1 < end; len++)
				if (val[len] == '=' && val[len + 1] == '?')
					return 0;
		} else {
			val = p;
			p = end = skip_token(p);
			if (p == val)
				return 0;
		}
		for (i = 0; i < nwant; i++) {
			if (strlen(want[i].name) != namelen || strncasecmp(want[i].name, name, namelen))
				continue;
			if (want[i].seen)
				return 0;
			want[i].seen = true;
			want[i].at = val;
			want[i].len = (size_t)(end - val);
		}
	}
}

static bool copy_plain(char **out, const struct plain_param *pp)
{
	*out = pp->seen ? strndup(pp->at, pp->len) : NULL;
	return !pp->seen || *out;
}

/* Content-Disposition: token, then parameters. 1 read, 0 not plain, -1
 * out of memory. */
static int plain_disposition(const char *v, struct qf_mime_fields *f)
{
	struct plain_param fn = { "filename", NULL, 0, false };
	const char *p = skip_ws(v), *t = skip_token(p);

	if (t == p || !plain_params(t, &fn, 1))
		return 0;
	return copy_plain(&f->filename, &fn) ? 1 : -1;
}

/* Content-Type: type/subtype, then parameters. */
static int plain_type(const char *v, struct qf_mime_fields *f)
{
	struct plain_param pp[2] = { { "boundary", NULL, 0, false }, { "name", NULL, 0, false } };
	const char *type = skip_ws(v), *slash = skip_token(type), *sub, *end;

	if (slash == type || *slash != '/')
		return 0;
	sub = slash + 1;
	end = skip_token(sub);
	if (end == sub || !plain_params(end, pp, 2))
		return 0;
	if (!(f->content_type = strndup(type, (size_t)(end - type))) ||
	    !copy_plain(&f->boundary, &pp[0]) ||
	    (!f->filename && !copy_plain(&f->filename, &pp[1])))
		return -1;
	lower(f->content_type);
	return 1;
}

/* --- through GMime */

static int gmime_disposition(const char *disp, struct qf_mime_fields *f)
{
	GMimeContentDisposition *d = g_mime_content_disposition_parse(gmime_opts, disp);
	bool copied = copy_param(&f->filename, g_mime_content_disposition_get_parameter(d, "filename"));

	g_object_unref(d);
	return copied ? 0 : -1;
}

/* One field: read plainly when it is plain (never when gmime_only), else
 * through GMime. 0, or -1 when out of memory. */
static int one_field(const char *v, struct qf_mime_fields *f, bool gmime_only, unsigned *plain,
		     int (*plainly)(const char *, struct qf_mime_fields *),
		     int (*through_gmime)(const char *, struct qf_mime_fields *))
{
	int rc = gmime_only ? 0 : plainly(v, f);

	if (rc < 0)
		return -1;
	if (rc) {
		if (plain)
			++*plain;
		return 0;
	}
	pthread_once(&gmime_once, gmime_start);
	return through_gmime(v, f);
}

int qf_mime_fields_parse_with(const char *ctype, const char *disp, const char *cte,
			      struct qf_mime_fields *f, bool gmime_only, unsigned *plain)
{
	memset(f, 0, sizeof *f);
	if (plain)
		*plain = 0;
	if (disp) {
		if (one_field(disp, f, gmime_only, plain, plain_disposition, gmime_disposition) < 0)
			goto nomem;
		if (f->filename && !*f->filename) {
			free(f->filename);
			f->filename = NULL;
		}
	}
	if (ctype && one_field(ctype, f, gmime_only, plain, plain_type, parse_type) < 0)
		goto nomem;
	if (cte && !first_word(cte, &f->encoding))
		goto nomem;
	return 0;
nomem:
	qf_mime_fields_free(f);
	return -1;
}

int qf_mime_fields_parse(const char *ctype, const char *disp, const char *cte,
			 struct qf_mime_fields *f)
{
	return qf_mime_fields_parse_with(ctype, disp, cte, f, false, NULL);
}

void qf_mime_fields_free(struct qf_mime_fields *f)
{
	free(f->content_type);
	free(f->boundary);
	free(f->filename);
	free(f->encoding);
	memset(f, 0, sizeof *f);
}
