/* spool.c: see spool.h. The message is copied once into the spool; it is
 * never held in memory. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "config.h"
#include "envelope.h"
#include "exitcodes.h"
#include "io.h"
#include "log.h"
#include "spool.h"

#define CHUNK 65536

/* Moves up to n bytes of in into the spool inside the kernel: splice from
 * a pipe (what qmail-smtpd gives us), copy_file_range from a file. No
 * copy through our memory, and no 64 KB buffer to fault in for every
 * message. Returns the bytes moved, 0 at the end, -1 with errno, or -2
 * when neither call works for these descriptors (read and write then).
 * *how remembers which call works, starting at 0. */
static ssize_t move_in(int in, int out, size_t n, int *how)
{
	ssize_t r;

	for (;;) {
		switch (*how) {
		case 0:
			r = splice(in, NULL, out, NULL, n, SPLICE_F_MOVE);
			break;
		case 1:
			r = copy_file_range(in, NULL, out, NULL, n, 0);
			break;
		default:
			return -2;
		}
		if (r >= 0 || errno == EINTR)
			return r;
		/* EINVAL: not a pipe, or a file system without the call;
		 * ENOSYS, EXDEV, EBADF: the same for copy_file_range. Any
		 * other error is the spool's or the input's. */
		if (errno != EINVAL && errno != ENOSYS && errno != EXDEV && errno != EBADF)
			return -1;
		++*how;
	}
}

/* An error of a move: was it the spool's side? Reading a pipe or a file
 * does not give these. */
static bool write_error(int e)
{
	return e == ENOSPC || e == EDQUOT || e == EFBIG || e == EIO || e == EROFS;
}

int qf_spool_read(int in, const char *dir, uint64_t limit, struct qf_spool *s)
{
	static char *buf;   /* only when the kernel cannot move the bytes */
	ssize_t r;
	size_t keep;
	int how = 0;

	memset(s, 0, sizeof *s);
	s->fd = qf_tempfile(dir);
	if (s->fd < 0) {
		qf_log("error: cannot create a spool file in %s: %s", dir ? dir : "$TMPDIR", strerror(errno));
		qf_drain(in);
		return QF_EXIT_WRITE;
	}
	for (;;) {
		/* in the kernel while under the limit; past it, bytes are
		 * only counted (read and dropped) */
		r = -2;
		if (!limit || s->size < limit) {
			keep = limit && limit - s->size < CHUNK ? (size_t)(limit - s->size) : CHUNK;
			r = move_in(in, s->fd, keep, &how);
			if (r > 0) {
				s->received += r;
				s->size += r;
				continue;
			}
			if (r == -1 && errno != EINTR && write_error(errno))
				goto write_failed;
		}
		if (r == -2) {
			if (!buf && !(buf = malloc(CHUNK))) {
				qf_log("error: reading the message: out of memory");
				qf_drain(in);
				return QF_EXIT_NOMEM;
			}
			if ((r = read(in, buf, CHUNK)) > 0) {
				s->received += r;
				keep = r;
				if (limit && s->size + keep > limit) {
					keep = limit > s->size ? limit - s->size : 0;
					s->truncated = true;
				}
				if (keep && qf_write_all(s->fd, buf, keep) < 0)
					goto write_failed;
				s->size += keep;
				continue;
			}
		}
		if (r == 0)
			break;
		if (errno == EINTR && !qf_io_interrupted)
			continue;
		qf_log("error: reading the message: %s", errno == EINTR ? "timeout" : strerror(errno));
		return errno == EINTR ? QF_EXIT_TIMEOUT : QF_EXIT_READ;
	}
	if (lseek(s->fd, 0, SEEK_SET) < 0) {
		qf_log("error: spool seek: %s", strerror(errno));
		return QF_EXIT_WRITE;
	}
	return 0;
write_failed:
	qf_log("error: writing the spool file: %s", strerror(errno));
	qf_drain(in);
	return QF_EXIT_WRITE;
}

int qf_read_input(const struct qf_config *c, struct qf_spool *s, struct qf_envelope *e)
{
	int rc;

	if ((rc = qf_spool_read(0, c->spool, c->max_size, s))) {
		qf_drain(1);
		return rc;
	}
	if ((rc = qf_envelope_read(1, e)))
		qf_log("error: envelope: %s", qf_exit_lookup(rc) ? qf_exit_lookup(rc)->meaning : "bad");
	return rc;
}
