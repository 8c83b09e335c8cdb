/* fuzz_mime_header: a Content-Type and a Content-Disposition value (the
 * input cut at its first newline) read both ways, plainly where they are
 * plain and through GMime, must give the same fields. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "mime_header.h"

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qf_mime_fields fast, slow;
	char *buf = malloc(size + 1), *disp;
	int a, b;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = 0;
	if ((disp = strchr(buf, '\n')))
		*disp++ = 0;
	a = qf_mime_fields_parse_with(buf, disp, NULL, &fast, false, NULL);
	b = qf_mime_fields_parse_with(buf, disp, NULL, &slow, true, NULL);
	if (a != b)
		abort();
	if (!a && (!same(fast.content_type, slow.content_type) || !same(fast.boundary, slow.boundary) ||
		   !same(fast.filename, slow.filename) || fast.invalid != slow.invalid))
		abort();
	if (!a) {
		qf_mime_fields_free(&fast);
		qf_mime_fields_free(&slow);
	}
	free(buf);
	return 0;
}
