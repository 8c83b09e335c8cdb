/* fuzz_rsa_spki: the fast RSA key decode against OpenSSL's d2i_PUBKEY on
 * any bytes. Whenever the fast path gives a key, d2i_PUBKEY must give the
 * same key: the fast path may decline anything, never differ. */
#include <stdint.h>
#include <stdlib.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include "rsa_spki.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	EVP_PKEY *fast = qf_rsa_spki_decode(data, size), *real;
	const unsigned char *p = data;

	if (!fast)
		return 0;
	real = d2i_PUBKEY(NULL, &p, (long)size);
	if (!real || EVP_PKEY_eq(fast, real) != 1)
		abort();
	EVP_PKEY_free(real);
	EVP_PKEY_free(fast);
	return 0;
}
