/* fuzz_dkim_bodyhash: our DKIM body hash against libopendkim's on any
 * body, in all four kinds (simple or relaxed, sha1 or sha256), fed in
 * two pieces cut where the first byte says. Whenever ours gives a digest
 * it must be the library's: ours may leave a body to the library (bare
 * CR, no final line end), never differ from it. */
#include <stdint.h>
#include <stdlib.h>
#include "../unit/dkim_oracle.h"
#include "dkim_bodyhash.h"

static struct dkim_oracle oracle;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	struct dkim_bodyhash h;
	const char *body = (const char *)data + 1;
	size_t n, cut;
	int k;

	if (!ready && !(ready = oracle_open(&oracle)))
		abort();
	if (size < 1)
		return 0;
	n = size - 1;
	cut = n ? data[0] % (n + 1) : 0;
	for (k = 0; k < 4; k++) {
		char want[128], got[128];
		if (qf_bodyhash_init(&h, k & 1, k & 2) < 0)
			abort();
		qf_bodyhash_feed(&h, body, cut);
		qf_bodyhash_feed(&h, body + cut, n - cut);
		if (qf_bodyhash_final(&h)) {
			oracle_b64(h.md, h.mdlen, got);
			if (!oracle_bh(&oracle, body, n, k & 1, k & 2, want, sizeof want) || strcmp(got, want))
				abort();
		}
		qf_bodyhash_free(&h);
	}
	return 0;
}
