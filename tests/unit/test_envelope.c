/* test_envelope: the envelope parser's answers for good and bad input */
#include <stdlib.h>
#include "envelope.h"
#include "exitcodes.h"
#include "unit.h"

static int parse(const char *buf, size_t len, struct qf_envelope *e)
{
	int rc = qf_envelope_parse(buf, len, e);

	return rc;
}

#define ENV(s) s, sizeof s - 1

int main(void)
{
	struct qf_envelope e;
	char *big;
	size_t n;

	CHECK_INT(parse(ENV("Fa@b.c\0Tx@y.z\0\0"), &e), 0, "one recipient");
	CHECK_STR(e.sender, "a@b.c", "sender");
	CHECK_INT(e.nrcpts, 1, "count");
	CHECK_STR(e.rcpts[0], "x@y.z", "recipient");
	CHECK_INT(e.rawlen, 15, "raw length up to the final NUL");
	qf_envelope_free(&e);

	CHECK_INT(parse(ENV("F\0Tx@y.z\0Tq@r.s\0\0"), &e), 0, "bounce, two recipients");
	CHECK_STR(e.sender, "", "empty sender");
	CHECK_STR(e.rcpts[1], "q@r.s", "second recipient");
	qf_envelope_free(&e);

	CHECK_INT(parse(ENV("Fa@b.c\0Tx@y.z\0\0trailing"), &e), 0, "bytes after the final NUL are ignored");
	CHECK_INT(e.rawlen, 15, "raw excludes trailing bytes");
	qf_envelope_free(&e);

	CHECK_INT(parse(ENV("Xa@b.c\0Tx@y.z\0\0"), &e), QF_EXIT_ENVELOPE, "no F: 91");
	CHECK_INT(parse(ENV("Fa@b.c\0Xx@y.z\0\0"), &e), QF_EXIT_ENVELOPE, "no T: 91");
	CHECK_INT(parse(ENV("Fa@b.c\0\0"), &e), QF_EXIT_ENVELOPE, "no recipient at all: 91");
	CHECK_INT(parse(ENV(""), &e), QF_EXIT_READ, "empty: truncated, 54");
	CHECK_INT(parse(ENV("Fa@b.c\0Tx@y"), &e), QF_EXIT_READ, "cut in an address: 54");
	CHECK_INT(parse(ENV("Fa@b.c\0Tx@y.z\0"), &e), QF_EXIT_READ, "no final NUL: 54");

	big = malloc(2100);
	big[0] = 'F';
	for (n = 1; n < 1005; n++)
		big[n] = 'a';
	big[n++] = 0;
	memcpy(big + n, "Tx@y.z\0\0", 8);
	CHECK_INT(parse(big, n + 8, &e), QF_EXIT_ADDR_LONG, "sender of 1004 bytes: 11");
	big[1004] = 0;   /* 1003 bytes: qmail-queue's ADDR has no room for the NUL */
	memcpy(big + 1005, "Tx@y.z\0\0", 8);
	CHECK_INT(parse(big, 1013, &e), QF_EXIT_ADDR_LONG, "sender of exactly 1003 bytes: 11, as qmail-queue");
	big[1003] = 0;   /* 1002 bytes: the longest */
	memcpy(big + 1004, "Tx@y.z\0\0", 8);
	CHECK_INT(parse(big, 1012, &e), 0, "sender of 1002 bytes is fine");
	qf_envelope_free(&e);
	memcpy(big, "Fa\0T", 4);
	memset(big + 4, 'b', 2000);
	CHECK_INT(parse(big, 2004, &e), QF_EXIT_ADDR_LONG, "endless recipient: 11, not 54");
	free(big);
	return unit_done();
}
