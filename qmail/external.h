/* external.h: external filters with qmail-qfilter's protocol. */
#ifndef QF_EXTERNAL_H
#define QF_EXTERNAL_H

#include "config.h"
#include "envelope.h"

/* The pid of the filter running now (0: none), for the timeout handler,
 * which kills its process group. */
extern volatile int qf_external_pgid;

/* Runs each argv in order. *msgfd is the message (seekable; replaced when
 * a filter writes a new one on its fd 1); *envfd the envelope (replaced,
 * after checking, when a filter writes one on fd 4); env is parsed from
 * it. Returns 0 to go on, 99 when a filter asked for a silent drop, or an
 * exit code of the table (a filter's own 31, 71, 82...; 81 for a crash;
 * 52 for the timeout; 91 for a garbage envelope on fd 4). */
int qf_external_run(char **const *argvs, size_t n, const struct qf_config *cfg,
		    int *msgfd, int *envfd, struct qf_envelope *env);

/* Splits "PROG ARGS -- PROG ARGS" into argv arrays (pointers into argv);
 * returns the count, or -1 on ENOMEM or an empty program. */
int qf_external_split(char **argv, int argc, char ****out);

#endif
