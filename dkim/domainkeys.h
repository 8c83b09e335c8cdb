/* domainkeys.h: an RFC 4870 (DomainKeys) verifier on libcrypto. The
 * pieces are separate so that each can be tested: the tag parser, the
 * choice of signed header fields, the simple and nofws canonicalizations
 * (streaming), the key record, and RSA-SHA1. The caller feeds the header
 * fields below the signature and then the body, and looks up the key. */
#ifndef DOMAINKEYS_H
#define DOMAINKEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <openssl/evp.h>

#define DK_MAXHNAMES 64   /* names in h= */

enum dk_method { DK_SIMPLE = 0, DK_NOFWS };

/* DomainKey-Status values (RFC 4870 §3.8), as qmail-dk writes them. */
enum dk_status {
	DK_STATUS_NO_SIGNATURE = 0, DK_STATUS_GOOD, DK_STATUS_BAD,
	DK_STATUS_NO_KEY, DK_STATUS_REVOKED, DK_STATUS_BAD_FORMAT
};
const char *dk_status_name(enum dk_status s);

struct dk_signature {
	char d[256];              /* d=, an LDH domain */
	char s[256];              /* s=, the selector */
	enum dk_method method;    /* c= (default simple, as Mail::DKIM) */
	unsigned char *sig;       /* b=, decoded */
	size_t siglen;
	char *hnames[DK_MAXHNAMES]; /* h=, lowercased; nh 0 when absent */
	size_t nh;
};

/* Parses a DomainKey-Signature value (after the colon). 0, or -1 with a
 * static reason in *why (a bad or missing tag, ENOMEM). */
int dk_signature_parse(const char *value, size_t len, struct dk_signature *sig, const char **why);
void dk_signature_free(struct dk_signature *sig);

/* Which of the header fields below the signature are signed, in hashing
 * order: all of them without h=; with h=, the listed names in h= order
 * (every field of a name listed once; a name listed k times takes its
 * last fields one by one, as Mail::DKIM does). names[i] is field i's
 * name (namelen[i] bytes). Fills order (room for n) and returns its count. */
size_t dk_select(const struct dk_signature *sig, const char *const *names,
		 const size_t *namelen, size_t n, size_t *order);

/* Is addr_domain d or a subdomain of it (ignoring case)? */
bool dk_domain_matches(const char *addr_domain, const char *d);

struct dk_key {
	unsigned char *der;       /* p=, decoded SubjectPublicKeyInfo */
	size_t derlen;
	char g[128];              /* g=, the granularity ("" = everyone) */
	bool testing;             /* t=y */
	bool revoked;             /* p= empty */
	EVP_PKEY *pkey;           /* der decoded, when the caller has it (the key
	                             cache); dk_verify_begin takes it over */
};
/* Parses a key record (TXT). 0, or -1 with *why (bad syntax, k= other
 * than rsa, bad base64, ENOMEM). */
int dk_key_parse(const char *txt, struct dk_key *key, const char **why);
void dk_key_free(struct dk_key *key);
/* p= as a key: OpenSSL's d2i_PUBKEY. NULL when it is none. */
EVP_PKEY *dk_key_decode(const unsigned char *der, size_t derlen);
/* g= against the local part of the sending address ('*' is a wildcard). */
bool dk_key_granted(const struct dk_key *key, const char *local_part, size_t len);

/* The canonicalizer: turns header fields and the body (LF or CRLF line
 * ends, in pieces of any size) into the bytes that are hashed, handing
 * them to sink. */
struct dk_canon {
	enum dk_method method;
	void (*sink)(void *arg, const char *p, size_t n);
	void *arg;
	unsigned long pending;    /* empty body lines held back (the separator is one) */
	bool held_cr;             /* a CR that may start a CRLF */
	bool line_content;        /* the current body line has content */
};
void dk_canon_init(struct dk_canon *c, enum dk_method m,
		   void (*sink)(void *arg, const char *p, size_t n), void *arg);
/* A header field's bytes (name to end of value, no final line end) in
 * one or more calls, then dk_canon_header_end. */
void dk_canon_header(struct dk_canon *c, const char *p, size_t n);
void dk_canon_header_end(struct dk_canon *c);
/* Body bytes after the empty line, in one or more calls; then end. */
void dk_canon_body(struct dk_canon *c, const char *p, size_t n);
void dk_canon_end(struct dk_canon *c);

/* RSA-SHA1 over the canonical bytes. */
struct dk_verify {
	struct dk_canon canon;    /* feed this */
	EVP_MD_CTX *md;
	EVP_PKEY *pkey;
	int bits;                 /* the key's size */
	bool failed;              /* an update failed */
};
/* 0; -1 when the key is not a usable RSA key (*why); -2 ENOMEM. */
int dk_verify_begin(struct dk_verify *v, const struct dk_signature *sig,
		    struct dk_key *key, const char **why);
/* Ends the canonicalization and checks the signature: 1 good, 0 bad. */
int dk_verify_end(struct dk_verify *v, const struct dk_signature *sig);
void dk_verify_free(struct dk_verify *v);

#endif
