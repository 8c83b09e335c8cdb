/* fuzz_authres.c: the header scanner that finds fields to remove and the
 * Authentication-Results reader (dkim_hdr.c, authres.c), and the writer
 * with hostile values. The input is a message; it is scanned whole and
 * in pieces, which must agree, and every field range must lie inside it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "authres.h"
#include "dkim_hdr.h"

static void scan(struct dkim_hdr *h, const char *p, size_t n, size_t step)
{
	size_t off = 0;

	dkim_hdr_init(h);
	while (off < n && !h->done) {
		size_t k = n - off < step ? n - off : step;
		if (dkim_hdr_feed(h, p + off, k) < 0)
			abort();
		off += k;
	}
	if (dkim_hdr_finish(h) < 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	struct dkim_hdr whole, part;
	size_t i;
	uint64_t last = 0;

	scan(&whole, p, size, (size_t)-1);
	scan(&part, p, size, 7);
	if (whole.n != part.n || whole.body_off != part.body_off || whole.body_off > size)
		abort();
	for (i = 0; i < whole.n; i++) {
		const struct dkim_field *f = &whole.f[i];
		if (memcmp(f, &part.f[i], sizeof *f) || f->off < last || f->off + f->len > f->end ||
		    f->end > whole.body_off)
			abort();
		last = f->end;
		if (f->kind == DKIM_HDR_AUTHRES) {
			(void)authres_is_ours(p + f->off, (size_t)f->len, false, "mx.test.example");
			(void)authres_is_ours(p + f->off, (size_t)f->len / 2, true, "mx.test.example");
		}
	}
	dkim_hdr_free(&whole);
	dkim_hdr_free(&part);

	{
		char id[64];
		(void)authres_authserv_id(p, size, id, sizeof id);
	}

	/* the writer: whatever the values, one printable header, no CR */
	{
		struct authres_sig s;
		char *out;
		size_t n = size < 200 ? size : 200;
		memset(&s, 0, sizeof s);
		s.result = (enum authres_result)(size % 7);
		memcpy(s.d, p, n < sizeof s.d - 1 ? n : sizeof s.d - 1);
		memcpy(s.comment, p, n < sizeof s.comment - 1 ? n : sizeof s.comment - 1);
		memcpy(s.b, p, n < sizeof s.b - 1 ? n : sizeof s.b - 1);
		memcpy(s.i, p, n < sizeof s.i - 1 ? n : sizeof s.i - 1);
		out = authres_format(s.d, &s, 1, &s, 1);
		if (!out)
			abort();
		for (i = 0; out[i]; i++)
			if (out[i] == '\r' || (out[i] == '\n' && out[i + 1] != '\t') ||
			    ((unsigned char)out[i] < 0x20 && out[i] != '\n' && out[i] != '\t') ||
			    (unsigned char)out[i] >= 0x7f)
				abort();
		free(out);
	}
	return 0;
}
