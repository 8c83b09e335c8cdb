/* dkim_oracle.h: libopendkim as the judge of our DKIM body hash
 * (dkim/dkim_bodyhash.c), for test_dkim_bodyhash and the fuzz target
 * fuzz_dkim_bodyhash. The library signs a message with the body in
 * question, as dkim_verify.c would have given it to the library (bare LF
 * made CRLF), and the bh= of its signature is the expected digest. */
#ifndef QF_DKIM_ORACLE_H
#define QF_DKIM_ORACLE_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <opendkim/dkim.h>

struct dkim_oracle {
	DKIM_LIB *lib;
	unsigned char *pem;   /* a 1024-bit key: the size is not what is tested */
};

static inline bool oracle_open(struct dkim_oracle *o)
{
	EVP_PKEY *k = EVP_RSA_gen(1024);
	BIO *b = BIO_new(BIO_s_mem());
	char *data;
	long n;

	memset(o, 0, sizeof *o);
	if (!k || !b || PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL) != 1 ||
	    (n = BIO_get_mem_data(b, &data)) <= 0 || !(o->pem = malloc((size_t)n + 1))) {
		EVP_PKEY_free(k);
		BIO_free(b);
		return false;
	}
	memcpy(o->pem, data, (size_t)n);
	o->pem[n] = 0;
	EVP_PKEY_free(k);
	BIO_free(b);
	return (o->lib = dkim_init(NULL, NULL)) != NULL;
}

static inline void oracle_close(struct dkim_oracle *o)
{
	if (o->lib)
		dkim_close(o->lib);
	free(o->pem);
}

/* bare LF -> CRLF, a CR before a LF kept: what the library is given */
static inline size_t oracle_crlf(const char *in, size_t n, char *out)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (in[i] == '\n' && (i == 0 || in[i - 1] != '\r'))
			out[o++] = '\r';
		out[o++] = in[i];
	}
	return o;
}

/* The bh= libopendkim computes for body (spool form) under the given
 * body canonicalization and hash, into bh (NUL-terminated). false when
 * the library will not sign it (no final line end under "relaxed"). */
static inline bool oracle_bh(struct dkim_oracle *o, const char *body, size_t n, bool relaxed, bool sha1,
		      char *bh, size_t bhlen)
{
	static const char head[] = "From: a@example.org\r\n\r\n";
	char *msg = malloc(sizeof head + 2 * n);
	unsigned char *hdr = NULL;
	size_t len = 0, mlen;
	DKIM_STAT st;
	DKIM *d;
	const char *p, *e;
	bool ok = false;

	if (!msg)
		return false;
	memcpy(msg, head, sizeof head - 1);
	mlen = sizeof head - 1 + oracle_crlf(body, n, msg + sizeof head - 1);
	d = dkim_sign(o->lib, (const unsigned char *)"oracle", NULL, o->pem,
		      (const unsigned char *)"s", (const unsigned char *)"example.org",
		      DKIM_CANON_SIMPLE, relaxed ? DKIM_CANON_RELAXED : DKIM_CANON_SIMPLE,
		      sha1 ? DKIM_SIGN_RSASHA1 : DKIM_SIGN_RSASHA256, -1, &st);
	if (!d) {
		free(msg);
		return false;
	}
	dkim_set_margin(d, 0);
	if (dkim_chunk(d, (unsigned char *)msg, mlen) == DKIM_STAT_OK &&
	    dkim_chunk(d, NULL, 0) == DKIM_STAT_OK && dkim_eom(d, NULL) == DKIM_STAT_OK &&
	    dkim_getsighdr_d(d, 0, &hdr, &len) == DKIM_STAT_OK && (p = strstr((char *)hdr, "bh="))) {
		p += 3;
		e = strchr(p, ';');
		len = e ? (size_t)(e - p) : strlen(p);
		if (len < bhlen) {
			memcpy(bh, p, len);
			bh[len] = 0;
			ok = true;
		}
	}
	dkim_free(d);
	free(msg);
	return ok;
}

/* our digest, base64 as in bh= */
static inline void oracle_b64(const unsigned char *md, size_t n, char *out)
{
	EVP_EncodeBlock((unsigned char *)out, md, (int)n);
}

#endif
