/* mime_datauri.h: data: URIs in the decoded text of an HTML or SVG part
 * (RFC 2397: "data:[type][;base64],payload"), decoded as a browser
 * decodes them, so that a program carried inside a page ("HTML
 * smuggling": an attachment whose link or script hands the recipient
 * the bytes) is handed on as a part of its own. Base64 payloads skip
 * ASCII whitespace, as browsers' forgiving base64 does; the others are
 * percent-decoded. The scan streams: a payload of any length is decoded
 * as it passes, with no line limit. */
#ifndef QF_MIME_DATAURI_H
#define QF_MIME_DATAURI_H

#include <stdbool.h>
#include <stddef.h>
#include "mime_decode.h"
#include "mime_uu.h"      /* the events and the callback, as for uuencode */

#define QF_DATAURI_TYPE_MAX 128   /* longer media types are not a data: URI */

struct qf_datauri {
	qf_uu_fn fn;
	void *arg;
	int state;
	size_t matched;                 /* bytes of "data:" seen so far */
	bool word_before;               /* the byte before was a letter or digit */
	char type[QF_DATAURI_TYPE_MAX]; /* the media type, lowercase, parameters cut */
	char media[QF_DATAURI_TYPE_MAX];
	size_t nmedia;
	bool base64;
	int pct;                        /* percent-decoding: 0, 1 or 2 hex digits seen */
	unsigned pct_val;
	bool damaged;
	bool stopped;
	struct qf_decoder dec;
};

void qf_datauri_init(struct qf_datauri *d, qf_uu_fn fn, void *arg);
/* Scans n more bytes of text. -1 once fn has stopped the scan. */
int qf_datauri_feed(struct qf_datauri *d, const unsigned char *p, size_t n);
/* The text ended: a payload still open ends. */
int qf_datauri_finish(struct qf_datauri *d);
/* Whether a part of this declared type or name is a page a browser
 * renders (HTML, XHTML, SVG), whose data: URIs to scan. */
bool qf_datauri_wanted(const char *content_type, const char *filename);

#endif
