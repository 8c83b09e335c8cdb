/* mime_reader.h: the spooled message read through a fixed window, as
 * lines (for headers and boundaries) or as runs of body bytes that stop
 * only where a line starts with "--", so that a body costs a memchr per
 * dash (base64 has none) and one pread per window. */
#ifndef QF_MIME_READER_H
#define QF_MIME_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define QF_MIME_WINDOW (64 * 1024)

struct qf_mime_reader {
	int fd;
	int64_t deadline_ms;      /* qf_now_ms() time; 0 = none */
	uint64_t off;             /* file offset of buf[len] */
	unsigned char *buf;
	size_t pos, len;
	uint64_t size;            /* bytes in fd, or QF_MIME_SIZE_UNKNOWN */
	bool eof;
	bool bol;                 /* buf[pos] starts a line */
	uint64_t unchecked;       /* bytes read since the last look at the clock */
	bool cr_dash;             /* a body held a bare CR before a dash ("\r--B"): a line
	                             start to readers that end lines at CR */
	unsigned char last;       /* the byte before buf[pos] in the body runs */
};

/* The read calls return 1, 0 at the end, QF_MIME_READ_ERROR (errno) or
 * QF_MIME_READ_TIMEOUT (the deadline passed). */
#define QF_MIME_READ_ERROR (-1)
#define QF_MIME_READ_TIMEOUT (-2)

/* Reads fd from offset 0 to its end, or to size when that is known (no
 * read only to see the end), through the caller's window of
 * QF_MIME_WINDOW bytes. */
#define QF_MIME_SIZE_UNKNOWN UINT64_MAX
void qf_mime_reader_open(struct qf_mime_reader *r, int fd, uint64_t size, unsigned char *window,
			 int64_t deadline_ms);
/* The next line with its newline, or a window-sized piece of a longer one. */
int qf_mime_reader_line(struct qf_mime_reader *r, const unsigned char **p, size_t *n);
/* Whether the line at the read position starts with "--" (1 or 0). */
int qf_mime_reader_dashes(struct qf_mime_reader *r);
/* Bytes up to the next line that starts with "--" or the window's end. */
int qf_mime_reader_body(struct qf_mime_reader *r, const unsigned char **p, size_t *n);
/* The file offset of the read position. */
uint64_t qf_mime_reader_offset(const struct qf_mime_reader *r);

#endif
