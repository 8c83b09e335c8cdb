/* fuzz_dkim_bodyhash: our DKIM body hash against libopendkim's on any
 * body, in all four kinds (simple or relaxed, sha1 or sha256), fed in
 * two pieces cut where the first byte says. Whenever ours gives a digest
 * it must be the library's: ours may leave a body to the library (a bare
 * CR), never differ from it. A body with no final line end is hashed
 * with the CRLF RFC 6376 adds (3.4.3, 3.4.4), so the library is given
 * the body with it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
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
	/* what the library hashes: the body as the RFC reads it */
	char *ended = malloc(n + 2);
	if (!ended)
		abort();
	memcpy(ended, body, n);
	size_t en = n;
	if (n && body[n - 1] != '\n')
		ended[en++] = '\n';
	for (k = 0; k < 4; k++) {
		char want[128], got[128];
		if (qf_bodyhash_init(&h, k & 1, k & 2) < 0)
			abort();
		qf_bodyhash_feed(&h, body, cut);
		qf_bodyhash_feed(&h, body + cut, n - cut);
		if (qf_bodyhash_final(&h)) {
			oracle_b64(h.md, h.mdlen, got);
			if (!oracle_bh(&oracle, ended, en, k & 1, k & 2, want, sizeof want) || strcmp(got, want))
				abort();
		}
		qf_bodyhash_free(&h);
	}
	free(ended);
	return 0;
}
