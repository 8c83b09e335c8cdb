/* rsa_spki_wrap.c: libopendkim's key decode through rsa_spki.c.
 *
 * libopendkim turns the p= of a key record into a key with
 * d2i_PUBKEY_bio(BIO_new_mem_buf(...), NULL), and nothing else calls it.
 * The static build links with --wrap=d2i_PUBKEY_bio (Makefile), so that
 * call comes here: a memory BIO holding an RSA SPKI takes the fast path,
 * anything else goes to OpenSSL's own function. Builds without the flag
 * (STATIC=0, ASan, fuzzing) never pull this file in, and run the real
 * decoder under the same tests. */
#include <openssl/bio.h>
#include <openssl/x509.h>
#include "rsa_spki.h"

EVP_PKEY *__real_d2i_PUBKEY_bio(BIO *bp, EVP_PKEY **a);
EVP_PKEY *__wrap_d2i_PUBKEY_bio(BIO *bp, EVP_PKEY **a);

EVP_PKEY *__wrap_d2i_PUBKEY_bio(BIO *bp, EVP_PKEY **a)
{
	char *data;
	long len;
	EVP_PKEY *k;

	if (!a && bp && BIO_method_type(bp) == BIO_TYPE_MEM &&
	    (len = BIO_get_mem_data(bp, &data)) > 0 &&
	    (k = qf_rsa_spki_decode((const unsigned char *)data, (size_t)len)))
		return k;
	return __real_d2i_PUBKEY_bio(bp, a);
}
