/* fuzz_envelope: the envelope parser on any bytes. It must answer 0 or
 * one of 11, 51, 54, 91, and on 0 its result must describe the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "envelope.h"
#include "exitcodes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qf_envelope e;
	size_t i;
	int rc = qf_envelope_parse((const char *)data, size, &e);

	if (rc != 0) {
		if (rc != QF_EXIT_ADDR_LONG && rc != QF_EXIT_NOMEM && rc != QF_EXIT_READ &&
		    rc != QF_EXIT_ENVELOPE)
			abort();
		return 0;
	}
	if (e.rawlen > size || memcmp(e.raw, data, e.rawlen) != 0 || e.nrcpts == 0 ||
	    strlen(e.sender) > QF_ADDR_MAX || e.raw[e.rawlen - 1] != 0)
		abort();
	for (i = 0; i < e.nrcpts; i++)
		if (strlen(e.rcpts[i]) > QF_ADDR_MAX)
			abort();
	if (e.rcpts[e.nrcpts])
		abort();
	qf_envelope_free(&e);
	return 0;
}
