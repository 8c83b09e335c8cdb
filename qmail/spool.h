/* spool.h: the message from fd 0 into memory or an unlinked temp file. */
#ifndef QF_SPOOL_H
#define QF_SPOOL_H

#include <stdbool.h>
#include <stdint.h>

struct qf_spool {
	int fd;              /* the spool file, or -1 */
	uint64_t size;       /* bytes stored */
	uint64_t received;   /* bytes read from the client */
	bool truncated;      /* over the limit: only a prefix is stored */
	bool sealed;         /* in memory and sealed: it can no longer change */
};

/* Reads in to EOF: into memory (a memfd, sealed at the end) while it is
 * no larger than memory bytes (0: never), else into a new temp file in
 * dir. dir must be usable either way. With limit (0: none), stops
 * storing past it but reads on to EOF so the writer sees no error.
 * Returns 0, or an exit code: 53 (spool unwritable or full), 54 (read
 * error), 52 (timeout). */
int qf_spool_read(int in, const char *dir, uint64_t memory, uint64_t limit, struct qf_spool *s);

struct qf_config;
struct qf_envelope;
/* What qmail-queue reads, in its order: the message from fd 0 to EOF into
 * the spool, then the envelope from fd 1. 0, or the exit code to use
 * (fd 1 is drained when the message could not be read). */
int qf_read_input(const struct qf_config *c, struct qf_spool *s, struct qf_envelope *e);
/* Called first in every program qmail runs: fd 0 (the message) and fd 1
 * (the envelope) must be open, or the next open() would take their place
 * and its file be read as the message. 0, or 54 (logged; what is open is
 * drained). A closed fd 2 is opened on /dev/null, so that log lines
 * cannot land in a file opened later. */
int qf_input_fds_check(void);

#endif
