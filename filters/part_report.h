/* part_report.h: small helpers the part filters share for their log
 * words. */
#ifndef QF_PART_REPORT_H
#define QF_PART_REPORT_H

#include <stddef.h>
#include "filter.h"

#define QF_NAME_LOGGED 80   /* bytes of a file name put in a log word */
#define QF_PART_NAME_BUF 512 /* room for qf_part_report_name() */

/* The part's file name, else "part N"; for an archive member "NAME in
 * CONTAINER" (buf holds it: QF_PART_NAME_BUF). */
const char *qf_part_report_name(const struct qf_part *p, char *buf, size_t len);
/* The running filter's result slot, or NULL. */
struct qf_result *qf_part_report_result(struct qf_msg *m);
/* A message hook: "clean" when no part gave the filter anything to say. */
void qf_part_report_clean(struct qf_msg *m, void *state);

#endif
