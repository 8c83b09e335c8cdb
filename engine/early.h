/* early.h: what qfilter-inprocess sets up before any library's
 * constructor runs (early.c). */
#ifndef QF_EARLY_H
#define QF_EARLY_H

/* Called first thing in main(): drops what only the constructors needed
 * (and keeps early.c, with its constructor, in the link). */
void qf_early_done(void);

#endif
