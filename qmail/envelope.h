/* envelope.h: the qmail-queue envelope, F<sender>\0 (T<rcpt>\0)+ \0 */
#ifndef QF_ENVELOPE_H
#define QF_ENVELOPE_H

#include <stddef.h>

/* qmail-queue's ADDR: it reads at most 1003 bytes of an address with its
 * NUL, so an address of 1003 bytes or more is exit 11, 1002 is the most */
#define QF_ADDR_MAX 1003
#define QF_ENVELOPE_MAX (16u << 20) /* bytes of envelope we accept at all */

struct qf_envelope {
	char *raw;        /* the envelope bytes as read, up to the final \0 */
	size_t rawlen;
	char *sender;     /* points into a private copy; "" for bounces */
	char **rcpts;     /* NULL-terminated */
	size_t nrcpts;
	char *store;      /* owns sender and rcpts strings */
};

/* Parses buf[0..len). Returns 0, or the qmail exit code for the problem:
 * 91 format error, 11 address too long, 54 truncated (no final \0),
 * 51 out of memory. On success e owns copies of everything. */
int qf_envelope_parse(const char *buf, size_t len, struct qf_envelope *e);
/* Reads fd to the final \0 (or EOF) and parses; same codes as above.
 * The rest of fd is drained so the writer never sees a write error. */
int qf_envelope_read(int fd, struct qf_envelope *e);
void qf_envelope_free(struct qf_envelope *e);

#endif
