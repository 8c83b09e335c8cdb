/* mime_reader.c: see mime_reader.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "clock.h"
#include "io.h"
#include "mime_reader.h"

#define CHECK_TIME_EVERY (1 << 20)

void qf_mime_reader_open(struct qf_mime_reader *r, int fd, uint64_t size, unsigned char *window,
			 int64_t deadline_ms)
{
	memset(r, 0, sizeof *r);
	r->fd = fd;
	r->size = size;
	r->deadline_ms = deadline_ms;
	r->bol = true;
	r->buf = window;
}

uint64_t qf_mime_reader_offset(const struct qf_mime_reader *r)
{
	return r->off - (r->len - r->pos);
}

/* More bytes into the window, keeping buf[pos..len). */
static int fill(struct qf_mime_reader *r)
{
	ssize_t got;

	if (r->eof)
		return 0;
	if (r->pos) {
		memmove(r->buf, r->buf + r->pos, r->len - r->pos);
		r->len -= r->pos;
		r->pos = 0;
	}
	if (r->len == QF_MIME_WINDOW)
		return 1;
	if (r->off >= r->size) {
		r->eof = true;
		return 0;
	}
	do
		got = pread(r->fd, r->buf + r->len, QF_MIME_WINDOW - r->len, r->off);
	while (got < 0 && errno == EINTR && !qf_io_interrupted);
	if (got < 0)
		return QF_MIME_READ_ERROR;
	if (!got) {
		r->eof = true;
		return 0;
	}
	r->len += got;
	r->off += got;
	r->unchecked += got;
	if (r->unchecked >= CHECK_TIME_EVERY) {
		r->unchecked = 0;
		if (qf_expired(r->deadline_ms))
			return QF_MIME_READ_TIMEOUT;
	}
	return 1;
}

int qf_mime_reader_line(struct qf_mime_reader *r, const unsigned char **p, size_t *n)
{
	int rc;

	for (;;) {
		size_t avail = r->len - r->pos;
		unsigned char *nl = memchr(r->buf + r->pos, '\n', avail);
		if (nl || r->eof || (!r->pos && r->len == QF_MIME_WINDOW)) {
			if (!avail)
				return 0;
			*p = r->buf + r->pos;
			*n = nl ? (size_t)(nl + 1 - *p) : avail;
			r->pos += *n;
			r->bol = nl != NULL;
			r->last = (*p)[*n - 1];
			return 1;
		}
		if ((rc = fill(r)) < 0)
			return rc;
	}
}

int qf_mime_reader_dashes(struct qf_mime_reader *r)
{
	int rc;

	while (r->len - r->pos < 2 && !r->eof)
		if ((rc = fill(r)) < 0)
			return rc;
	return r->len - r->pos >= 2 && r->buf[r->pos] == '-' && r->buf[r->pos + 1] == '-';
}

/* The newline before the first line in [s, end) that starts with "--".
 * The search is for the dash, not the newline: a base64 body has no
 * dashes at all and text few, where every line has a newline (a memchr
 * per line was 6 % of a worker's instructions). */
static unsigned char *dashes_line(struct qf_mime_reader *r, unsigned char *s, unsigned char *end)
{
	unsigned char *d = s + 1;

	if (s < end && *s == '-' && r->last == '\r')
		r->cr_dash = true;
	while (d + 1 < end && (d = memchr(d, '-', end - 1 - d))) {
		if (d[-1] == '\n' && d[1] == '-')
			return d - 1;
		if (d[-1] == '\r')
			r->cr_dash = true;
		d += 2;   /* d[1] follows a dash, not a newline: no line starts there */
	}
	/* the dash memchr stopped short of end[-1] */
	if (end - s >= 2 && end[-1] == '-' && end[-2] == '\r')
		r->cr_dash = true;
	return NULL;
}

int qf_mime_reader_body(struct qf_mime_reader *r, const unsigned char **p, size_t *n)
{
	unsigned char *s, *end, *q;
	int rc;

	if (r->pos == r->len && (rc = fill(r)) <= 0)
		return rc;
	s = r->buf + r->pos;
	end = r->buf + r->len;
	q = dashes_line(r, s, end);
	if (q) {
		*n = q + 1 - s;
		r->bol = true;
	} else if (end - s >= 2 && end[-1] == '-' && end[-2] == '\n') {
		*n = end - 1 - s;         /* look at "\n-" again with more bytes */
		r->bol = true;
	} else {
		*n = end - s;
		r->bol = end[-1] == '\n';
	}
	*p = s;
	r->pos += *n;
	r->last = s[*n - 1];
	return 1;
}
