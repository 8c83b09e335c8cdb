/* dkim_bodyhash.h: the body hash of a DKIM signature (RFC 6376 3.4.3,
 * 3.4.4 and 3.7), computed from the spool's LF-ended lines without
 * copying them one byte at a time.
 *
 * libopendkim canonicalizes the body byte by byte (a function call per
 * byte for "relaxed"): about half of what a signed message cost a
 * qfilterd worker. The library still parses the signature, fetches the
 * key and checks the header hash; dkim_verify.c gives it the header
 * block only and compares the bh= tag with the digest made here.
 *
 * Only what is certain is hashed here. A body with a bare CR (a CR not
 * before a LF) is left to the library, whose treatment of it differs from
 * the RFC in places: qf_bodyhash_final then says "unsure" and the caller
 * feeds the library the body after all. A body without a final line end
 * is hashed with the CRLF the RFC adds (libopendkim 2.11 refuses it for
 * "relaxed": DKIM_STAT_SYNTAX, "CRLF at end of body missing").
 *
 * canon_len counts the canonicalized bytes, so that an l= tag can be held
 * against the length the RFC means (§3.4.5), not the raw one. */
#ifndef DKIM_BODYHASH_H
#define DKIM_BODYHASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BODYHASH_MAX 64          /* bytes of the largest digest (SHA-512) */

struct dkim_bodyhash {
	void *ctx;                   /* EVP_MD_CTX */
	bool relaxed;                /* "relaxed" body canonicalization, else "simple" */
	bool sha1;                   /* rsa-sha1, else sha256 */
	bool unsure;                 /* a bare CR: the library must judge */
	bool content;                /* the current line has hashed content */
	bool wsp;                    /* relaxed: a run of WSP waits in the line */
	bool cr;                     /* the last piece ended with a CR */
	bool midline;                /* bytes since the last LF */
	bool any;                    /* a line with content was hashed */
	uint64_t blanks;             /* empty lines not yet hashed */
	uint64_t canon_len;          /* canonicalized bytes hashed so far */
	size_t mdlen;                /* the digest, once final: 0 when unsure */
	unsigned char md[BODYHASH_MAX];
	size_t olen;                 /* bytes in out */
	unsigned char out[8192];     /* staging, so the digest is fed in blocks */
};

/* 0, or -1 when OpenSSL cannot make a digest context. */
int qf_bodyhash_init(struct dkim_bodyhash *h, bool relaxed, bool sha1);
/* The body (after the empty line), in pieces of any size. */
void qf_bodyhash_feed(struct dkim_bodyhash *h, const char *p, size_t n);
/* The end of the body: the digest into h->md, its length returned (and
 * kept in h->mdlen); 0 when unsure (a bare CR) or on an OpenSSL failure.
 * A last line without its line end counts as ended. */
size_t qf_bodyhash_final(struct dkim_bodyhash *h);
void qf_bodyhash_free(struct dkim_bodyhash *h);

#endif
