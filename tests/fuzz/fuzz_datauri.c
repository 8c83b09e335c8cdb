/* fuzz_datauri: the data: URI scanner on any text, fed whole and in the
 * pieces the first byte picks. Both feedings must find the same payloads
 * with the same bytes; every block must begin, carry data, and end. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "mime_datauri.h"

struct tally {
	unsigned begun, ended;
	uint64_t bytes, sum;
	int open;
};

static int on_event(void *arg, enum qf_uu_event ev, const unsigned char *p, size_t n, bool damaged)
{
	struct tally *t = arg;
	size_t i;

	(void)damaged;
	if (ev == QF_UU_BEGIN) {
		if (t->open)
			abort();
		t->open = 1;
		t->begun++;
	} else if (ev == QF_UU_DATA) {
		if (!t->open || !n || !p)
			abort();
		t->bytes += n;
		for (i = 0; i < n; i++)
			t->sum = t->sum * 31 + p[i];
	} else {
		if (!t->open)
			abort();
		t->open = 0;
		t->ended++;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qf_datauri d;
	struct tally whole = { 0 }, pieces = { 0 };
	size_t step = size ? (data[0] % 7) + 1 : 1, i;

	qf_datauri_init(&d, on_event, &whole);
	qf_datauri_feed(&d, data, size);
	qf_datauri_finish(&d);
	qf_datauri_init(&d, on_event, &pieces);
	for (i = 0; i < size; i += step)
		qf_datauri_feed(&d, data + i, size - i < step ? size - i : step);
	qf_datauri_finish(&d);
	if (whole.open || pieces.open || whole.begun != whole.ended || whole.begun != pieces.begun ||
	    whole.bytes != pieces.bytes || whole.sum != pieces.sum)
		abort();
	return 0;
}
