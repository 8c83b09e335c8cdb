/* dkim_hdr.h: a cheap scan of the header block of the spooled message.
 * It finds each header field's byte range (continuation lines included)
 * and sorts out the few names the dkim filter cares about, without
 * copying the fields: they are read again with pread when needed. */
#ifndef DKIM_HDR_H
#define DKIM_HDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DKIM_HDR_MAXFIELDS 20000   /* more is abuse; the rest is not scanned */

enum dkim_hdr_kind {
	DKIM_HDR_OTHER = 0,
	DKIM_HDR_DKIM_SIGNATURE,
	DKIM_HDR_DOMAINKEY_SIGNATURE,
	DKIM_HDR_AUTHRES,            /* Authentication-Results */
	DKIM_HDR_DOMAINKEY_STATUS,
	DKIM_HDR_FROM,
	DKIM_HDR_SENDER,
	DKIM_HDR_QFILTER,            /* X-Qfilter*: ours, forged when it arrives */
	DKIM_HDR_ARC_SEAL,           /* ARC (RFC 8617): auth/auth_arc.c */
	DKIM_HDR_ARC_MESSAGE_SIGNATURE,
	DKIM_HDR_ARC_AUTHRES,        /* ARC-Authentication-Results */
};

struct dkim_field {
	uint64_t off;        /* first byte of the name */
	uint64_t len;        /* up to, not including, the final line end */
	uint64_t end;        /* just past the final LF: [off, end) is the whole field */
	enum dkim_hdr_kind kind;
};

struct dkim_hdr {
	struct dkim_field *f;
	size_t n, cap;
	uint64_t body_off;   /* first byte of the body (after the empty line) */
	bool truncated;      /* more than DKIM_HDR_MAXFIELDS fields */
	bool done;           /* the empty line (or the end) was seen */
	/* scanner state between chunks */
	uint64_t pos;        /* offset of the next byte fed */
	uint64_t line_off;   /* start of the current line */
	bool in_field;       /* the last entry of f is open */
	bool last_cr;        /* the byte before pos was CR */
	char head[32];       /* the first bytes of the current line */
	size_t headlen;
};

void dkim_hdr_init(struct dkim_hdr *h);
/* Feeds the next n bytes of the message. Returns the number of bytes that
 * belong to the header block (n when it goes on), or -1 on ENOMEM. */
long dkim_hdr_feed(struct dkim_hdr *h, const char *p, size_t n);
/* The end of the message: closes an open field. 0 or -1 (ENOMEM). */
int dkim_hdr_finish(struct dkim_hdr *h);
/* Scans the header block of fd (size bytes) with pread. 0, -1 ENOMEM,
 * -2 read error (errno). */
int dkim_hdr_scan(struct dkim_hdr *h, int fd, uint64_t size);
void dkim_hdr_free(struct dkim_hdr *h);

/* Reads a field's text (name, colon, value, inner line ends; no final
 * line end) into a new NUL-terminated buffer, at most max bytes (the
 * rest is cut off; *cut says so). NULL on ENOMEM or a read error. */
char *dkim_field_read(int fd, const struct dkim_field *f, size_t max, size_t *len, bool *cut);

#endif
