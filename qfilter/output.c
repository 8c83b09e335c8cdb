/* output.c: see output.h. Only the added headers are ever built in
 * memory; the message itself is copied file to file by the kernel where
 * it can (copy_file_range, sendfile). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "io.h"
#include "output.h"

int qf_output_headers(const struct qf_msg *m, int fd)
{
	size_t i;

	for (i = 0; i < m->nheaders; i++) {
		const struct qf_header *h = &m->headers[i];
		if (qf_write_all(fd, h->name, strlen(h->name)) < 0 ||
		    qf_write_all(fd, ": ", 2) < 0 ||
		    qf_write_all(fd, h->value, strlen(h->value)) < 0 ||
		    qf_write_all(fd, "\n", 1) < 0)
			return -1;
	}
	return 0;
}

static int by_offset(const void *a, const void *b)
{
	const struct qf_range *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

int qf_output_write(struct qf_msg *m, int fd)
{
	uint64_t pos = 0, end;
	size_t i;

	if (qf_output_headers(m, fd) < 0)
		return -1;
	if (m->nskip)
		qsort(m->skip, m->nskip, sizeof *m->skip, by_offset);
	for (i = 0; i < m->nskip; i++) {
		if (m->skip[i].off > pos &&
		    qf_copy_range(m->fd, pos, m->skip[i].off - pos, fd) < 0)
			return -1;
		end = m->skip[i].off + m->skip[i].len;
		if (end > pos)   /* overlapping ranges are merged */
			pos = end;
	}
	if (pos < m->size && qf_copy_range(m->fd, pos, m->size - pos, fd) < 0)
		return -1;
	return 0;
}

int qf_output_file(struct qf_msg *m)
{
	int fd = qf_tempfile(m->cfg->spool), e;

	if (fd < 0)
		return -1;
	if (qf_output_write(m, fd) < 0 || lseek(fd, 0, SEEK_SET) < 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}
