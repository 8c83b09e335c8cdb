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
 * first, libopendkim's later request adds nothing.
 *
 * The default library context is set up here too, and its failure
 * checked: OpenSSL 3.0 sets it up on first use, and when an allocation
 * fails in the middle of that, it goes on using the half-made context
 * (its locks are NULL) and crashes at the next call (t-faults' injector
 * found it in d2i_PUBKEY). Set up here, a failure is seen, and nothing
 * calls OpenSSL after it: the caller treats it as out of memory. */
#include <errno.h>
#include <openssl/crypto.h>
#include "crypto_start.h"

int qf_crypto_start(void)
{
	if (OPENSSL_init_crypto(OPENSSL_INIT_NO_ADD_ALL_CIPHERS | OPENSSL_INIT_NO_ADD_ALL_DIGESTS |
				OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS |
				OPENSSL_INIT_NO_LOAD_CONFIG, NULL) != 1 ||
	    !OSSL_LIB_CTX_get0_global_default()) {
		errno = ENOMEM;    /* what fails in a start-up is an allocation */
		return -1;
	}
	return 0;
}
