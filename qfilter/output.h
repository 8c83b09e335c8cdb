/* output.h: the message as it is passed on: added headers, then the
 * spooled bytes minus the skipped ranges. */
#ifndef QF_OUTPUT_H
#define QF_OUTPUT_H

#include "msg.h"

/* Writes the added headers ("Name: value\n" each) to fd. 0 or -1 (errno). */
int qf_output_headers(const struct qf_msg *m, int fd);
/* Writes the headers and then the spooled message minus m->skip ranges
 * to fd (a file, pipe or socket). 0 or -1 (errno). */
int qf_output_write(struct qf_msg *m, int fd);
/* A new unlinked temp file in the spool dir holding qf_output_write;
 * returns the fd positioned at 0, or -1 (errno). */
int qf_output_file(struct qf_msg *m);

#endif
