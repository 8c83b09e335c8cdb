/* fuzz_config: the qfilter.conf reader on any text. It must either fail
 * with a "name:line: ..." message or give a configuration whose values
 * are within their documented ranges, and never leak. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qf_config c;
	char err[512] = "";

	qf_config_defaults(&c);
	if (qf_config_parse("f.conf", (const char *)data, size, &c, err, sizeof err) < 0) {
		if (strncmp(err, "f.conf", 6) != 0)
			abort();
		qf_config_free(&c);
		return 0;
	}
	if (c.timeout < 1 || c.timeout > 86400 || (c.errfd != -1 && c.errfd < 2) ||
	    (c.queue && c.queue[0] != '/') || c.daemon_workers < 1)
		abort();
	qf_config_free(&c);
	return 0;
}
