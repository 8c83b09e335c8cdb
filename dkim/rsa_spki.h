/* rsa_spki.h: an RSA public key from its SubjectPublicKeyInfo (the p= of
 * a DKIM or DomainKeys record), without OpenSSL 3's decoder framework. */
#ifndef QF_RSA_SPKI_H
#define QF_RSA_SPKI_H

#include <stddef.h>
#include <openssl/evp.h>

/* The key, when der is exactly one DER SubjectPublicKeyInfo of algorithm
 * rsaEncryption; NULL for anything else (another algorithm, BER, damage,
 * no memory), which the caller hands to d2i_PUBKEY: this is a fast path,
 * never a second opinion. */
EVP_PKEY *qf_rsa_spki_decode(const unsigned char *der, size_t len);

#endif
