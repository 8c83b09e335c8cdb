/* envelope.c: reads and checks the qmail-queue envelope. The codes follow
 * qmail-queue: 91 for a bad format, 11 for an address of 1003 bytes or more,
 * 54 when the stream ends before the final \0. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "envelope.h"
#include "exitcodes.h"
#include "io.h"

void qf_envelope_free(struct qf_envelope *e)
{
	free(e->raw);
	free(e->rcpts);
	free(e->store);
	memset(e, 0, sizeof *e);
}

/* Scans one "X<addr>\0" item at buf[*pos]; returns 0 or an exit code. */
static int item(const char *buf, size_t len, size_t *pos, char want, const char **addr)
{
	const char *nul;

	if (*pos >= len)
		return QF_EXIT_READ;
	if (buf[*pos] != want)
		return QF_EXIT_ENVELOPE;
	nul = memchr(buf + *pos + 1, 0, len - *pos - 1);
	if (!nul)   /* no end: too long, or cut off */
		return len - *pos - 1 >= QF_ADDR_MAX ? QF_EXIT_ADDR_LONG : QF_EXIT_READ;
	if ((size_t)(nul - (buf + *pos + 1)) >= QF_ADDR_MAX)
		return QF_EXIT_ADDR_LONG;
	*addr = buf + *pos + 1;
	*pos = nul - buf + 1;
	return 0;
}

int qf_envelope_parse(const char *buf, size_t len, struct qf_envelope *e)
{
	const char *addr;
	size_t pos = 0, n = 0, end, i;
	int rc;

	memset(e, 0, sizeof *e);
	if ((rc = item(buf, len, &pos, 'F', &addr)))
		return rc;
	/* count recipients first, checking every item */
	for (;;) {
		if (pos >= len)
			return QF_EXIT_READ;
		if (buf[pos] == 0)
			break;
		if ((rc = item(buf, len, &pos, 'T', &addr)))
			return rc;
		n++;
	}
	if (n == 0)
		return QF_EXIT_ENVELOPE;   /* qmail-queue wants one T at least */
	end = pos + 1;
	e->raw = malloc(end);
	e->store = malloc(end);
	e->rcpts = calloc(n + 1, sizeof *e->rcpts);
	if (!e->raw || !e->store || !e->rcpts) {
		qf_envelope_free(e);
		return QF_EXIT_NOMEM;
	}
	memcpy(e->raw, buf, end);
	memcpy(e->store, buf, end);
	e->rawlen = end;
	e->sender = e->store + 1;
	pos = strlen(e->sender) + 2;
	for (i = 0; i < n; i++) {
		e->rcpts[i] = e->store + pos + 1;
		pos += strlen(e->rcpts[i]) + 2;
	}
	e->nrcpts = n;
	return 0;
}

/* Drops buf unless it is the caller's stack buffer. */
static void drop(char *buf, const char *first)
{
	if (buf != first)
		free(buf);
}

int qf_envelope_read(int fd, struct qf_envelope *e)
{
	/* nearly every envelope fits the stack buffer: no heap traffic,
	 * which in the static front costs an mmap and a munmap */
	char first[4096], *buf = first, *nb;
	size_t len = 0, cap = sizeof first;
	ssize_t r;
	int rc;

	/* Read to EOF: qmail's caller closes the pipe after the final \0,
	 * and reading everything keeps the writer from a write error. */
	for (;;) {
		if (len == cap) {
			if (cap >= QF_ENVELOPE_MAX) {
				drop(buf, first);
				qf_drain(fd);
				return QF_EXIT_ENVELOPE;
			}
			cap *= 2;
			nb = buf == first ? malloc(cap) : realloc(buf, cap);
			if (!nb) {
				drop(buf, first);
				qf_drain(fd);
				return QF_EXIT_NOMEM;
			}
			if (buf == first)
				memcpy(nb, first, len);
			buf = nb;
		}
		r = read(fd, buf + len, cap - len);
		if (r < 0) {
			if (errno == EINTR && !qf_io_interrupted)
				continue;
			drop(buf, first);
			return errno == EINTR ? QF_EXIT_TIMEOUT : QF_EXIT_READ;
		}
		if (r == 0)
			break;
		len += r;
	}
	rc = qf_envelope_parse(buf, len, e);
	drop(buf, first);
	return rc;
}
