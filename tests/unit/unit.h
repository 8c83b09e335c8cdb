/* unit.h: the smallest test helpers. Each tests/unit/test_*.c is one
 * program; it prints "ok - ..." / "not ok - ..." and ends with
 * unit_done(), which prints "N passed, N failed" and returns the status. */
#ifndef QF_UNIT_H
#define QF_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_pass, unit_fail;

#define CHECK(cond, ...) do { \
	if (cond) { unit_pass++; printf("ok - "); printf(__VA_ARGS__); printf("\n"); } \
	else { unit_fail++; printf("not ok - "); printf(__VA_ARGS__); \
	       printf("  [%s:%d: %s]\n", __FILE__, __LINE__, #cond); } \
} while (0)

#define CHECK_INT(got, want, ...) do { long long g_ = (got), w_ = (want); \
	CHECK(g_ == w_, __VA_ARGS__); if (g_ != w_) printf("#   got %lld, wanted %lld\n", g_, w_); } while (0)

#define CHECK_STR(got, want, ...) do { const char *g_ = (got), *w_ = (want); \
	int same_ = (g_ && w_) ? strcmp(g_, w_) == 0 : g_ == w_; CHECK(same_, __VA_ARGS__); \
	if (!same_) printf("#   got \"%s\", wanted \"%s\"\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)"); } while (0)

static inline int unit_done(void)
{
	printf("%d passed, %d failed\n", unit_pass, unit_fail);
	return unit_fail ? 1 : 0;
}

#endif
