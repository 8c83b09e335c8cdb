/* clock.h: the monotonic clock that deadlines and times are read from.
 * Here, below everything, so that a layer with a deadline (the MIME and
 * archive walks) needs no message context to keep it. */
#ifndef QF_CLOCK_H
#define QF_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

/* CLOCK_MONOTONIC in ms; in µs for the filters' times (qfilter-test
 * shows them to the microsecond) */
int64_t qf_now_ms(void);
int64_t qf_now_us(void);
/* Whether deadline_ms (qf_now_ms() time; 0 = none) has passed. */
bool qf_expired(int64_t deadline_ms);

#endif
