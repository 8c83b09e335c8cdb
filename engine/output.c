/* output.c: see output.h. Only the added headers are ever built in our
 * memory; the message itself is moved by the kernel where it can: into a
 * pipe (sendfile) or a memfd when the copy is no larger than
 * spool-memory, else into a file in the spool directory
 * (copy_file_range, sendfile). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "io.h"
#include "output.h"

#define PIPE_DEFAULT_SIZE 65536   /* pipe(7): 16 pages */

/* The header block in one buffer, one write: it used to be four write
 * calls per header. */
static size_t headers_len(const struct qf_msg *m)
{
	size_t i, len = 0;

	for (i = 0; i < m->nheaders; i++)
		len += strlen(m->headers[i].name) + strlen(m->headers[i].value) + 3;
	return len;
}

int qf_output_headers(const struct qf_msg *m, int fd)
{
	size_t i, len = headers_len(m), at = 0, n;
	char *buf;
	int rc;

	if (!len)
		return 0;
	if (!(buf = malloc(len)))
		return -1;
	for (i = 0; i < m->nheaders; i++) {
		const struct qf_header *h = &m->headers[i];
		n = strlen(h->name);
		memcpy(buf + at, h->name, n);
		at += n;
		memcpy(buf + at, ": ", 2);
		at += 2;
		n = strlen(h->value);
		memcpy(buf + at, h->value, n);
		at += n;
		buf[at++] = '\n';
	}
	rc = qf_write_all(fd, buf, len);
	free(buf);
	return rc;
}

static int by_offset(const void *a, const void *b)
{
	const struct qf_range *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

static int output_write(struct qf_msg *m, int fd, bool pipe)
{
	int (*copy)(int, uint64_t, uint64_t, int) = pipe ? qf_copy_range_to_pipe : qf_copy_range;
	uint64_t pos = 0, end;
	size_t i;

	if (qf_output_headers(m, fd) < 0)
		return -1;
	if (m->nskip)
		qsort(m->skip, m->nskip, sizeof *m->skip, by_offset);
	for (i = 0; i < m->nskip; i++) {
		if (m->skip[i].off > pos &&
		    copy(m->fd, pos, m->skip[i].off - pos, fd) < 0)
			return -1;
		end = m->skip[i].off + m->skip[i].len;
		if (end > pos)   /* overlapping ranges are merged */
			pos = end;
	}
	if (pos < m->size && copy(m->fd, pos, m->size - pos, fd) < 0)
		return -1;
	return 0;
}

int qf_output_write(struct qf_msg *m, int fd)
{
	return output_write(m, fd, false);
}

/* The whole copy in a pipe, when the pipe can hold it all: qmail-queue
 * reads it as it reads qmail-smtpd's, and the body goes in as references
 * to the spool's pages (sendfile, that is splice, from the sealed memfd)
 * instead of a second copy in a second memfd. The write end does not
 * block: a pipe that turns out too small (its pages are counted per
 * write, not per byte) is given up for a file. -1 when not done. */
static int output_pipe(struct qf_msg *m, uint64_t size, size_t hlen)
{
	/* a page per range copied, one more per block of headers */
	uint64_t want = size + 4096 * (m->nskip + 2 + hlen / 4096);
	int p[2], cap = PIPE_DEFAULT_SIZE;

	if (want > (1u << 30) || pipe2(p, O_CLOEXEC) < 0)
		return -1;
	/* a pipe smaller than the default (its owner is over
	 * pipe-user-pages-soft) shows as a write that would block */
	if (want > PIPE_DEFAULT_SIZE)
		cap = fcntl(p[1], F_SETPIPE_SZ, (int)want);
	if (cap < 0 || (uint64_t)cap < want || fcntl(p[1], F_SETFL, O_NONBLOCK) < 0 ||
	    output_write(m, p[1], true) < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	close(p[1]);
	return p[0];
}

int qf_output_fd(struct qf_msg *m, bool seekable)
{
	/* at most this size: skipped ranges only make it shorter */
	size_t hlen = headers_len(m);
	uint64_t size = m->size + hlen;
	int fd, e;

	if (!seekable && size <= m->cfg->spool_memory && (fd = output_pipe(m, size, hlen)) >= 0)
		return fd;
	if ((fd = qf_tempfile_sized(m->cfg->spool, size, m->cfg->spool_memory, NULL)) < 0)
		return -1;
	if (qf_output_write(m, fd) < 0 || lseek(fd, 0, SEEK_SET) < 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}
