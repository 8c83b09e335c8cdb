/* spool.c: see spool.h. The message is copied once into the spool; it is
 * never held in memory. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include "config.h"
#include "envelope.h"
#include "exitcodes.h"
#include "io.h"
#include "log.h"
#include "spool.h"

#define CHUNK 65536

int qf_spool_read(int in, const char *dir, uint64_t limit, struct qf_spool *s)
{
	char buf[CHUNK];
	ssize_t r;
	size_t keep;

	memset(s, 0, sizeof *s);
	s->fd = qf_tempfile(dir);
	if (s->fd < 0) {
		qf_log("error: cannot create a spool file in %s: %s", dir ? dir : "$TMPDIR", strerror(errno));
		qf_drain(in);
		return QF_EXIT_WRITE;
	}
	for (;;) {
		r = read(in, buf, sizeof buf);
		if (r < 0) {
			if (errno == EINTR && !qf_io_interrupted)
				continue;
			qf_log("error: reading the message: %s", errno == EINTR ? "timeout" : strerror(errno));
			return errno == EINTR ? QF_EXIT_TIMEOUT : QF_EXIT_READ;
		}
		if (r == 0)
			break;
		s->received += r;
		keep = r;
		if (limit && s->size + keep > limit) {
			keep = limit > s->size ? limit - s->size : 0;
			s->truncated = true;
		}
		if (keep && qf_write_all(s->fd, buf, keep) < 0) {
			qf_log("error: writing the spool file: %s", strerror(errno));
			qf_drain(in);
			return QF_EXIT_WRITE;
		}
		s->size += keep;
	}
	if (lseek(s->fd, 0, SEEK_SET) < 0) {
		qf_log("error: spool seek: %s", strerror(errno));
		return QF_EXIT_WRITE;
	}
	return 0;
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
