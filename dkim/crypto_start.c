/* crypto_start.c: see crypto_start.h.
 *
 * OpenSSL 3 starts by default with every cipher and digest entered in its
 * table of legacy names and with openssl.cnf read. The first key decode
 * then copies that whole table into its name map: 2 of the 6.4 million
 * instructions a signed message cost; loading the error strings, which
 * we never print, another 0.9 million. Verifying RSA and Ed25519
 * signatures fetches nothing by legacy name, and the site's openssl.cnf
 * (providers, FIPS, TLS settings) is not ours to apply to mail checks.
 * OPENSSL_init_crypto runs each step once, whoever asks first: asked here
 * first, libopendkim's later request adds nothing. */
#include <openssl/crypto.h>
#include "crypto_start.h"

int qf_crypto_start(void)
{
	return OPENSSL_init_crypto(OPENSSL_INIT_NO_ADD_ALL_CIPHERS | OPENSSL_INIT_NO_ADD_ALL_DIGESTS |
				   OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS |
				   OPENSSL_INIT_NO_LOAD_CONFIG, NULL) == 1 ? 0 : -1;
}
