/* spool.c: see spool.h. The message is copied once into the spool: a
 * memfd while it is no larger than spool-memory, which costs no inode
 * on disk and no journal, else an unlinked file in the spool directory.
 * It never passes through our own buffers unless the kernel cannot move
 * it. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
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
		case 2:   /* a file into memory (another file system) */
			r = sendfile(out, in, NULL, n);
			break;
		default:
			return -2;
		}
		if (r >= 0 || errno == EINTR)
			return r;
		/* EINVAL: not a pipe, or a file system without the call;
		 * ENOSYS, EXDEV, EBADF: the same for copy_file_range and
		 * sendfile. Any other error is the spool's or the input's. */
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

/* What a file input will store (max-size cuts it); 0 for a pipe, whose
 * size is known only once it is read: it starts in memory. *file: the
 * input is a regular file. */
static uint64_t expected_size(int in, uint64_t limit, bool *file)
{
	struct stat st;
	uint64_t n;

	*file = fstat(in, &st) == 0 && S_ISREG(st.st_mode);
	if (!*file)
		return 0;
	n = (uint64_t)st.st_size;
	return limit && limit < n ? limit : n;
}

/* move_in's first way for this input and spool: splice for a pipe; for
 * a file, copy_file_range into a file, sendfile into memory (a memfd is
 * on another file system: copy_file_range would only say EXDEV) */
static int first_way(bool file, bool in_memory)
{
	return !file ? 0 : in_memory ? 2 : 1;
}

/* want, cut so that a spool in memory takes no more than one byte past
 * memory: that byte tells it to spill. */
static size_t memory_cap(bool in_memory, uint64_t memory, uint64_t size, size_t want)
{
	return in_memory && memory + 1 - size < want ? (size_t)(memory + 1 - size) : want;
}

/* The message outgrew memory: what is stored so far moves to a file in
 * the spool directory, where the rest follows. 0 or -1 (errno). */
static int spill(struct qf_spool *s, const char *dir, bool file, int *how)
{
	int fd = qf_tempfile(dir), e;

	if (fd < 0)
		return -1;
	if (qf_copy_range(s->fd, 0, s->size, fd) < 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	close(s->fd);
	s->fd = fd;
	*how = first_way(file, false);   /* the target changed */
	return 0;
}

/* A message kept in memory is sealed: nobody, qfilterd included, can
 * change it any more, so it is lent as it is (daemon_client.c). */
static void seal(struct qf_spool *s)
{
	s->sealed = fcntl(s->fd, F_ADD_SEALS,
			  F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) == 0;
}

int qf_spool_read(int in, const char *dir, uint64_t memory, uint64_t limit, struct qf_spool *s)
{
	static char *buf;   /* only when the kernel cannot move the bytes */
	ssize_t r;
	size_t keep;
	int how;
	bool in_memory, file;

	memset(s, 0, sizeof *s);
	s->fd = -1;
	if (qf_tempdir_usable(dir) < 0)
		goto no_spool;
	if ((s->fd = qf_tempfile_sized(dir, expected_size(in, limit, &file), memory, &in_memory)) < 0)
		goto no_spool;
	how = first_way(file, in_memory);
	for (;;) {
		if (in_memory && s->size > memory) {
			if (spill(s, dir, file, &how) < 0)
				goto write_failed;
			in_memory = false;
		}
		/* in the kernel while under the limit; past it, bytes are
		 * only counted (read and dropped). In memory, no more than
		 * one byte past spool-memory before the spill. */
		r = -2;
		if (!limit || s->size < limit) {
			keep = limit && limit - s->size < CHUNK ? (size_t)(limit - s->size) : CHUNK;
			r = move_in(in, s->fd, memory_cap(in_memory, memory, s->size, keep), &how);
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
			/* what to read: no cap once nothing is stored */
			keep = limit && s->size >= limit ? CHUNK :
			       memory_cap(in_memory, memory, s->size, CHUNK);
			if ((r = read(in, buf, keep)) > 0) {
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
	if (in_memory) {
		if (qf_tempdir_room(dir, s->size) < 0) {
			qf_log("error: the spool %s has no room for the message (%llu bytes): %s",
			       dir ? dir : "$TMPDIR", (unsigned long long)s->size, strerror(errno));
			return QF_EXIT_WRITE;
		}
		seal(s);
	}
	return 0;
no_spool:
	qf_log("error: cannot create a spool file in %s: %s", dir ? dir : "$TMPDIR", strerror(errno));
	qf_drain(in);
	return QF_EXIT_WRITE;
write_failed:
	qf_log("error: writing the spool file: %s", strerror(errno));
	qf_drain(in);
	return QF_EXIT_WRITE;
}

int qf_input_fds_check(void)
{
	bool in = fcntl(0, F_GETFD) >= 0, env = fcntl(1, F_GETFD) >= 0;
	int fd;

	if (fcntl(2, F_GETFD) < 0 && in && env && (fd = open("/dev/null", O_WRONLY)) >= 0 && fd != 2)
		close(fd);
	if (in && env)
		return 0;
	qf_log("error: %s not open: unable to read the %s", !in ? "fd 0" : "fd 1",
	       !in ? "message" : "envelope");
	if (in)
		qf_drain(0);
	if (env)
		qf_drain(1);
	return QF_EXIT_READ;
}

int qf_read_input(const struct qf_config *c, struct qf_spool *s, struct qf_envelope *e)
{
	int rc;

	if ((rc = qf_spool_read(0, c->spool, c->spool_memory, c->max_size, s))) {
		qf_drain(1);
		return rc;
	}
	if ((rc = qf_envelope_read(1, e)))
		qf_log("error: envelope: %s", qf_exit_lookup(rc) ? qf_exit_lookup(rc)->meaning : "bad");
	return rc;
}
