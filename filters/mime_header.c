/* mime_header.c: Content-* header values, through GMime. */
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

int qf_mime_fields_parse(const char *ctype, const char *disp, const char *cte,
			 struct qf_mime_fields *f)
{
	memset(f, 0, sizeof *f);
	pthread_once(&gmime_once, gmime_start);
	if (disp) {
		GMimeContentDisposition *d = g_mime_content_disposition_parse(gmime_opts, disp);
		bool copied = copy_param(&f->filename, g_mime_content_disposition_get_parameter(d, "filename"));
		g_object_unref(d);
		if (!copied)
			goto nomem;
		if (f->filename && !*f->filename) {
			free(f->filename);
			f->filename = NULL;
		}
	}
	if (ctype && parse_type(ctype, f) < 0)
		goto nomem;
	if (cte && !first_word(cte, &f->encoding))
		goto nomem;
	return 0;
nomem:
	qf_mime_fields_free(f);
	return -1;
}

void qf_mime_fields_free(struct qf_mime_fields *f)
{
	free(f->content_type);
	free(f->boundary);
	free(f->filename);
	free(f->encoding);
	memset(f, 0, sizeof *f);
}
