/* rsa_spki.c: see rsa_spki.h.
 *
 * Why: d2i_PUBKEY in OpenSSL 3 sets up its decoder framework, which
 * fetches every decoder and key manager of every provider: 3.4 M
 * instructions the first time in a process and 1.3 M each time after,
 * for a key that is a few hundred bytes of DER. A signed message paid
 * that on top of everything else. Here the two fixed layers of the SPKI
 * are checked by hand and the RSAPublicKey inside goes to
 * d2i_RSAPublicKey, OpenSSL's own parser, which builds a legacy RSA key
 * directly. The RSA_* calls are deprecated in OpenSSL 3 but not gone;
 * they are what libopendkim itself calls on the key (EVP_PKEY_get1_RSA,
 * RSA_verify). */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <string.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include "rsa_spki.h"

/* AlgorithmIdentifier { rsaEncryption (1.2.840.113549.1.1.1), NULL } */
static const unsigned char rsa_algorithm[] = {
	0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00
};

/* One DER element of the given tag at *p: its contents and their length;
 * *p moves past it. NULL when it is not there, overruns end or its length
 * is not in DER's shortest form. */
static const unsigned char *take(const unsigned char **p, const unsigned char *end,
				 unsigned char tag, size_t *len)
{
	const unsigned char *q = *p;
	size_t n, i, nlen;

	if (end - q < 2 || q[0] != tag)
		return NULL;
	n = q[1];
	q += 2;
	if (n & 0x80) {
		nlen = n & 0x7f;
		if (nlen < 1 || nlen > 2 || (size_t)(end - q) < nlen || q[0] == 0)
			return NULL;
		for (n = 0, i = 0; i < nlen; i++)
			n = n << 8 | *q++;
		if (n < 0x80)
			return NULL;
	}
	if ((size_t)(end - q) < n)
		return NULL;
	*len = n;
	*p = q + n;
	return q;
}

EVP_PKEY *qf_rsa_spki_decode(const unsigned char *der, size_t len)
{
	const unsigned char *p = der, *end = der + len, *spki, *alg, *bits, *key;
	size_t spki_len, alg_len, bits_len;
	EVP_PKEY *pkey;
	RSA *rsa;

	if (!der || !(spki = take(&p, end, 0x30, &spki_len)) || p != end)
		return NULL;
	p = spki;
	end = spki + spki_len;
	if (!(alg = take(&p, end, 0x30, &alg_len)) || alg_len != sizeof rsa_algorithm ||
	    memcmp(alg, rsa_algorithm, alg_len) != 0)
		return NULL;
	/* BIT STRING: no unused bits, then the RSAPublicKey */
	if (!(bits = take(&p, end, 0x03, &bits_len)) || p != end || bits_len < 2 || bits[0] != 0)
		return NULL;
	key = bits + 1;
	if (!(rsa = d2i_RSAPublicKey(NULL, &key, (long)(bits_len - 1))))
		return NULL;
	if (key != bits + bits_len || !(pkey = EVP_PKEY_new())) {
		RSA_free(rsa);
		return NULL;
	}
	if (EVP_PKEY_assign_RSA(pkey, rsa) != 1) {
		EVP_PKEY_free(pkey);
		RSA_free(rsa);
		return NULL;
	}
	return pkey;
}
