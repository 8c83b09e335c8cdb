/* crypto_start.c: see crypto_start.h.
 *
 * OpenSSL 3 reads openssl.cnf and loads its error strings when it starts;
 * neither is wanted here: the site's openssl.cnf (providers, FIPS, TLS
 * settings) is not ours to apply to mail checks, and the strings are
 * never printed. The table of legacy cipher and digest names is loaded,
 * although verifying signatures needs none of it: libclamav shares the
 * process's libcrypto in a dynamic build and looks its digests up by
 * those names (without them it hashes nothing and calls EICAR clean,
 * found through qfilterd in the ASan build). OPENSSL_init_crypto runs
 * each step once, whoever asks first.
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
	if (OPENSSL_init_crypto(OPENSSL_INIT_ADD_ALL_CIPHERS | OPENSSL_INIT_ADD_ALL_DIGESTS |
				OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS |
				OPENSSL_INIT_NO_LOAD_CONFIG, NULL) != 1 ||
	    !OSSL_LIB_CTX_get0_global_default()) {
		errno = ENOMEM;    /* what fails in a start-up is an allocation */
		return -1;
	}
	return 0;
}
