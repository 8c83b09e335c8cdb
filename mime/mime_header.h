/* mime_header.h: the three header fields the walk needs from each entity
 * (Content-Type, Content-Disposition, Content-Transfer-Encoding). Plain
 * values are read directly; others are parsed with GMime, which knows
 * RFC 2231 parameters and RFC 2047 words. */
#ifndef QF_MIME_HEADER_H
#define QF_MIME_HEADER_H

#include <stdbool.h>

struct qf_mime_fields {
	char *content_type;   /* "type/subtype", lowercase; NULL: none given */
	char *boundary;       /* multipart boundary, or NULL */
	char *filename;       /* disposition filename=, else type name=, or NULL */
	char *encoding;       /* first word, lowercase, or NULL */
	bool invalid;         /* a Content-Type that does not parse: text/plain */
};

/* Any argument may be NULL (field absent). Values are unfolded. 0, or -1
 * when out of memory. */
int qf_mime_fields_parse(const char *ctype, const char *disp, const char *cte,
			 struct qf_mime_fields *f);
/* The same, with GMime for every value when gmime_only; *plain (may be
 * NULL) = how many of the two parameter-bearing fields were read without
 * it. For the tests and fuzz_mime_header, which compare the two ways. */
int qf_mime_fields_parse_with(const char *ctype, const char *disp, const char *cte,
			      struct qf_mime_fields *f, bool gmime_only, unsigned *plain);
void qf_mime_fields_free(struct qf_mime_fields *f);

#endif
