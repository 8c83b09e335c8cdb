/* fuzz_zip: any bytes as a zip archive through the bounded zip walk, each
 * entry's head through the executable check. Besides not crashing or
 * hanging, it checks the walk's bounds: entries, inflated bytes, nesting
 * depth and head sizes. */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include "exe_header.h"
#include "zip_walk.h"

static bool entry(void *arg, const struct qf_zip_entry *e)
{
	unsigned *seen = arg;

	if (e->head_len > QF_ZIP_HEAD || !e->depth || e->depth > QF_ZIP_MAX_DEPTH ||
	    !e->path || !e->name || (e->encrypted && e->head_len))
		abort();
	qf_exe_header_kind(e->head, e->head_len, e->size, -1);
	(*seen)++;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qf_zip_report rep;
	unsigned seen = 0;
	int fd = memfd_create("zip", 0);

	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	if (qf_zip_walk(fd, NULL, entry, &seen, &rep) == 0 &&
	    (rep.entries > QF_ZIP_MAX_ENTRIES + 1 || seen > rep.entries ||
	     rep.bytes > QF_ZIP_MAX_BYTES))
		abort();
	close(fd);
	return 0;
}
