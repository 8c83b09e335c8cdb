/* fuzz_clamd_reply.c: clamd's replies come from the network, so their
 * parser (clamd.c) gets hostile bytes: a session record split, then the
 * INSTREAM reply parse. Only "stream: OK" may be clean; a FOUND name is
 * never empty, always printable and fits the reply text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "clamd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *text = p;
	struct qf_clamav_scan r;
	size_t len = size, i;
	unsigned id;

	if (qf_clamd_record_split(p, size, &id, &text, &len) == 0 &&
	    (text < p || text + len != p + size))
		abort();
	memset(&r, 0x55, sizeof r);
	switch (qf_clamd_reply_parse(text, len, &r)) {
	case QF_CLAMAV_CLEAN:
		if (len != 10 || memcmp(text, "stream: OK", 10) != 0)
			abort();
		break;
	case QF_CLAMAV_FOUND:
		if (!r.name[0] || strlen(r.name) >= sizeof r.name)
			abort();
		for (i = 0; r.name[i]; i++)
			if (r.name[i] < 0x20 || r.name[i] >= 0x7f)
				abort();
		break;
	case QF_CLAMAV_ERROR:
		if (memchr(r.detail, 0, sizeof r.detail) == NULL)
			abort();
		for (i = 0; r.detail[i]; i++)
			if (r.detail[i] < 0x20 || r.detail[i] >= 0x7f)
				abort();
		break;
	default:
		abort();
	}
	return 0;
}
