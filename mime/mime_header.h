/* mime_header.h: the header fields the walk needs from each entity
 * (Content-Type, Content-Disposition, Content-Transfer-Encoding), every
 * copy of each as it came. Parameters are parsed by GMime only (RFC 2231,
 * RFC 2047, quoting, escapes); what is checked here besides is whether
 * mail readers could take the fields two ways (issue 19). */
#ifndef QF_MIME_HEADER_H
#define QF_MIME_HEADER_H

#include <stdbool.h>
#include <stddef.h>

#define QF_MIME_COPIES 4      /* copies of one field kept; more is ambiguous */
#define QF_MIME_NAMES_MAX 8   /* file names kept per part */

/* The raw values, unfolded, in the order they came; NULL-free arrays. */
struct qf_mime_raw {
	const char *ctype[QF_MIME_COPIES];
	size_t nctype;
	const char *disp[QF_MIME_COPIES];
	size_t ndisp;
	const char *cte[QF_MIME_COPIES];
	size_t ncte;
};

struct qf_mime_fields {
	char *content_type;   /* of the first Content-Type: "type/subtype", lowercase; NULL: none */
	char *boundary;       /* multipart boundary, or NULL */
	char *filename;       /* disposition filename=, else type name=, or NULL */
	char *names[QF_MIME_NAMES_MAX];   /* every file name a reader might use, */
	size_t nnames;                    /* filename first, no two alike */
	char *encoding;       /* first word of the first one, lowercase, or NULL */
	bool invalid;         /* a Content-Type that does not parse: text/plain */
	char ambiguous[120];  /* why readers could read these fields two ways, or "" */
};

/* 0, or -1 when out of memory. */
int qf_mime_fields_parse(const struct qf_mime_raw *raw, struct qf_mime_fields *f);
/* One value of each (any may be NULL: absent), for tests and fuzzers. */
int qf_mime_fields_parse3(const char *ctype, const char *disp, const char *cte,
			  struct qf_mime_fields *f);
void qf_mime_fields_free(struct qf_mime_fields *f);

#endif
