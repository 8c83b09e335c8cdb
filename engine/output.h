/* output.h: the message as it is passed on: added headers, then the
 * spooled bytes minus the skipped ranges. */
#ifndef QF_OUTPUT_H
#define QF_OUTPUT_H

#include <stdbool.h>
#include "msg.h"

/* Writes the added headers ("Name: value\n" each) to fd. 0 or -1 (errno). */
int qf_output_headers(const struct qf_msg *m, int fd);
/* Writes the headers and then the spooled message minus m->skip ranges
 * to fd (a file, pipe or socket). 0 or -1 (errno). */
int qf_output_write(struct qf_msg *m, int fd);
/* A descriptor holding qf_output_write, to read from its start: when
 * seekable is false and the copy is no larger than spool-memory, the read
 * end of a pipe that holds all of it (its write end closed); else a memfd
 * or an unlinked temp file in the spool dir, at offset 0. -1 (errno). */
int qf_output_fd(struct qf_msg *m, bool seekable);

#endif
