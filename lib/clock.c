/* clock.c: the monotonic clock (clock.h). */
#include <time.h>
#include "clock.h"

int64_t qf_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t qf_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

bool qf_expired(int64_t deadline_ms)
{
	return deadline_ms && qf_now_ms() >= deadline_ms;
}
