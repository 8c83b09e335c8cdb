/* dkim_hdr.c: finds the header fields of the spooled message (LF line
 * ends, tolerating CRLF) by offsets, so that forged fields can be left
 * out of the queued copy and signed fields re-read, without holding the
 * header block in memory. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "dkim_hdr.h"

void dkim_hdr_init(struct dkim_hdr *h)
{
	memset(h, 0, sizeof *h);
}

void dkim_hdr_free(struct dkim_hdr *h)
{
	free(h->f);
	h->f = NULL;
	h->n = h->cap = 0;
}

static enum dkim_hdr_kind classify(const char *head, size_t len)
{
	static const struct { const char *name; enum dkim_hdr_kind kind; } known[] = {
		{ "DKIM-Signature", DKIM_HDR_DKIM_SIGNATURE },
		{ "DomainKey-Signature", DKIM_HDR_DOMAINKEY_SIGNATURE },
		{ "Authentication-Results", DKIM_HDR_AUTHRES },
		{ "DomainKey-Status", DKIM_HDR_DOMAINKEY_STATUS },
		{ "From", DKIM_HDR_FROM },
		{ "Sender", DKIM_HDR_SENDER },
		{ "ARC-Seal", DKIM_HDR_ARC_SEAL },
		{ "ARC-Message-Signature", DKIM_HDR_ARC_MESSAGE_SIGNATURE },
		{ "ARC-Authentication-Results", DKIM_HDR_ARC_AUTHRES },
	};
	const char *colon = memchr(head, ':', len);
	size_t n, i;

	if (len >= 9 && !strncasecmp(head, "x-qfilter", 9))
		return DKIM_HDR_QFILTER;
	if (!colon)
		return DKIM_HDR_OTHER;
	n = (size_t)(colon - head);
	while (n > 0 && (head[n - 1] == ' ' || head[n - 1] == '\t'))
		n--;   /* obsolete syntax: WSP before the colon */
	for (i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strlen(known[i].name) == n && !strncasecmp(head, known[i].name, n))
			return known[i].kind;
	return DKIM_HDR_OTHER;
}

/* One line of the header block ended: [line_off, eol) holds its content
 * (a CR before the LF excluded), next is the offset after its LF. */
static int end_line(struct dkim_hdr *h, uint64_t eol, uint64_t next)
{
	struct dkim_field *f;

	if (eol == h->line_off) {           /* the empty line: the body follows */
		h->in_field = false;
		h->done = true;
		h->body_off = next;
		return 0;
	}
	if (h->in_field && (h->head[0] == ' ' || h->head[0] == '\t')) {
		f = &h->f[h->n - 1];         /* a continuation line */
		f->len = eol - f->off;
		f->end = next;
		return 0;
	}
	if (h->n == DKIM_HDR_MAXFIELDS) {
		h->truncated = true;
		h->in_field = false;
		return 0;
	}
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 32;
		struct dkim_field *nf = realloc(h->f, cap * sizeof *nf);
		if (!nf)
			return -1;
		h->f = nf;
		h->cap = cap;
	}
	f = &h->f[h->n++];
	f->off = h->line_off;
	f->len = eol - h->line_off;
	f->end = next;
	f->kind = classify(h->head, h->headlen);
	h->in_field = true;
	return 0;
}

long dkim_hdr_feed(struct dkim_hdr *h, const char *p, size_t n)
{
	size_t i = 0;

	if (h->done)
		return 0;
	while (i < n) {
		/* a line's bytes up to its LF, or to the end of p: only the
		 * start of a line is kept (for classify) */
		const char *lf = memchr(p + i, '\n', n - i);
		size_t end = lf ? (size_t)(lf - p) : n, take = end - i;
		uint64_t at = h->pos + end, eol;

		if (take) {
			size_t room = sizeof h->head - h->headlen, keep = take < room ? take : room;
			memcpy(h->head + h->headlen, p + i, keep);
			h->headlen += keep;
			h->last_cr = p[end - 1] == '\r';
		}
		if (!lf)
			break;
		eol = h->last_cr ? at - 1 : at;
		if (eol < h->line_off)
			eol = h->line_off;
		if (end_line(h, eol, at + 1) < 0)
			return -1;
		h->line_off = at + 1;
		h->headlen = 0;
		h->last_cr = false;
		i = end + 1;
		if (h->done) {
			h->pos = at + 1;
			return (long)i;
		}
	}
	h->pos += n;
	return (long)n;
}

int dkim_hdr_finish(struct dkim_hdr *h)
{
	if (!h->done) {
		if (h->pos > h->line_off && end_line(h, h->last_cr ? h->pos - 1 : h->pos, h->pos) < 0)
			return -1;
		h->done = true;
		h->body_off = h->pos;
	}
	h->in_field = false;
	return 0;
}

int dkim_hdr_scan(struct dkim_hdr *h, int fd, uint64_t size)
{
	char buf[16384];
	uint64_t off = 0;
	size_t chunk = 4096;   /* most header blocks: the rest is the walk's to read */

	dkim_hdr_init(h);
	while (off < size && !h->done) {
		size_t want = size - off < chunk ? (size_t)(size - off) : chunk;
		ssize_t r = pread(fd, buf, want, (off_t)off);
		long used;
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;   /* the spool is shorter than its size */
			return -2;
		}
		if ((used = dkim_hdr_feed(h, buf, (size_t)r)) < 0)
			return -1;
		off += (uint64_t)r;
		chunk = sizeof buf;
	}
	return dkim_hdr_finish(h);
}

char *dkim_field_read(int fd, const struct dkim_field *f, size_t max, size_t *len, bool *cut)
{
	size_t want = f->len < max ? (size_t)f->len : max, got = 0;
	char *s = malloc(want + 1);

	if (!s)
		return NULL;
	while (got < want) {
		ssize_t r = pread(fd, s + got, want - got, (off_t)(f->off + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;
			free(s);
			return NULL;
		}
		got += (size_t)r;
	}
	s[want] = 0;
	if (len)
		*len = want;
	if (cut)
		*cut = f->len > want;
	return s;
}
