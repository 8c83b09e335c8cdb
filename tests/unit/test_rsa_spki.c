/* test_rsa_spki.c: the fast RSA key decode gives the key d2i_PUBKEY
 * gives, verifies what that key verifies, and declines (NULL) whatever is
 * not a plain DER RSA SubjectPublicKeyInfo, so that d2i_PUBKEY decides. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <stdbool.h>
#include <stdlib.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include "rsa_spki.h"
#include "unit.h"

static int spki_of(EVP_PKEY *k, unsigned char **der)
{
	*der = NULL;
	return i2d_PUBKEY(k, der);
}

/* as libopendkim does: EVP_PKEY_get1_RSA, then RSA_verify */
static bool verifies(EVP_PKEY *k, const unsigned char *d, const unsigned char *sig, unsigned len)
{
	RSA *rsa = k ? EVP_PKEY_get1_RSA(k) : NULL;
	bool ok = rsa && RSA_verify(NID_sha256, d, 32, sig, len, rsa) == 1;

	RSA_free(rsa);
	return ok;
}

static unsigned sign(EVP_PKEY *k, const unsigned char *d, unsigned char *sig)
{
	RSA *rsa = EVP_PKEY_get1_RSA(k);
	unsigned len = 0;

	if (!rsa || RSA_sign(NID_sha256, d, 32, sig, &len, rsa) != 1)
		len = 0;
	RSA_free(rsa);
	return len;
}

static bool declines(const unsigned char *der, size_t len)
{
	EVP_PKEY *k = qf_rsa_spki_decode(der, len);

	EVP_PKEY_free(k);
	return k == NULL;
}

int main(void)
{
	static const unsigned bits[] = { 1024, 2048, 4096 };
	const unsigned char digest[32] = "the digest of a dkim header....";
	size_t i;

	for (i = 0; i < sizeof bits / sizeof bits[0]; i++) {
		EVP_PKEY *priv = EVP_RSA_gen(bits[i]), *fast, *real;
		unsigned char *der, sig[512];
		const unsigned char *p;
		unsigned siglen = 0;
		int len = spki_of(priv, &der);

		p = der;
		real = d2i_PUBKEY(NULL, &p, len);
		fast = qf_rsa_spki_decode(der, (size_t)len);
		CHECK(fast && real && EVP_PKEY_eq(fast, real) == 1, "RSA %u: the same key as d2i_PUBKEY", bits[i]);
		CHECK(fast && EVP_PKEY_get_bits(fast) == (int)bits[i], "RSA %u: its size", bits[i]);
		siglen = sign(priv, digest, sig);
		CHECK(siglen && verifies(fast, digest, sig, siglen),
		      "RSA %u: verifies a signature the way libopendkim checks it", bits[i]);
		sig[siglen / 2] ^= 1;
		CHECK(!verifies(fast, digest, sig, siglen), "RSA %u: refuses a damaged signature", bits[i]);
		if (i == 1) {
			unsigned char *longer = malloc((size_t)len + 1);
			int n;
			CHECK(declines(der, (size_t)len - 1), "a truncated key is declined");
			memcpy(longer, der, (size_t)len);
			longer[len] = 0;
			CHECK(declines(longer, (size_t)len + 1), "a byte after the key is declined");
			memcpy(longer, der, (size_t)len);
			longer[0] = 0x31;
			CHECK(declines(longer, (size_t)len), "another outer tag is declined");
			memcpy(longer, der, (size_t)len);
			for (n = 0; n + 11 < len && memcmp(longer + n, "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01", 9); n++)
				;
			longer[n + 8] = 0x0a;   /* rsaEncryption -> 1.2.840.113549.1.1.10, RSA-PSS */
			CHECK(declines(longer, (size_t)len), "another algorithm (RSA-PSS's OID) is declined");
			free(longer);
		}
		OPENSSL_free(der);
		EVP_PKEY_free(fast);
		EVP_PKEY_free(real);
		EVP_PKEY_free(priv);
	}
	{
		EVP_PKEY *ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
		unsigned char *der;
		int len = spki_of(ed, &der);
		CHECK(len > 0 && declines(der, (size_t)len), "an Ed25519 key is declined (d2i_PUBKEY's)");
		OPENSSL_free(der);
		EVP_PKEY_free(ed);
	}
	CHECK(declines(NULL, 0) && declines((const unsigned char *)"\x30\x00", 2) &&
	      declines((const unsigned char *)"\x30\x81\x05", 3) &&
	      declines((const unsigned char *)"\x30\x82\x00\x10", 4),
	      "empty, short and non-minimal lengths are declined");
	return unit_done();
}
