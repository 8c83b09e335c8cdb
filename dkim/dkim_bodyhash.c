/* dkim_bodyhash.c: DKIM body canonicalization and hash, a line at a time.
 * The spool's lines end in LF or CRLF; both stand for the CRLF the
 * signer hashed. One pass finds the bytes that matter (line ends, and
 * white space for "relaxed"), and the runs between them are hashed
 * through a staging buffer: no per-byte call, whatever the line length.
 *
 * simple:  lines as they are; empty lines at the end are not hashed; an
 *          empty body is one CRLF.
 * relaxed: runs of SP and HTAB become one SP, WSP at the end of a line
 *          goes, empty lines at the end are not hashed; an empty body
 *          hashes nothing. */
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <openssl/evp.h>
#include "dkim_bodyhash.h"

int qf_bodyhash_init(struct dkim_bodyhash *h, bool relaxed, bool sha1)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	memset(h, 0, offsetof(struct dkim_bodyhash, out));
	if (!ctx)
		return -1;
	if (EVP_DigestInit_ex(ctx, sha1 ? EVP_sha1() : EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(ctx);
		return -1;
	}
	h->ctx = ctx;
	h->relaxed = relaxed;
	h->sha1 = sha1;
	return 0;
}

void qf_bodyhash_free(struct dkim_bodyhash *h)
{
	EVP_MD_CTX_free(h->ctx);
	h->ctx = NULL;
}

static void flush(struct dkim_bodyhash *h)
{
	h->canon_len += h->olen;
	if (h->olen && EVP_DigestUpdate(h->ctx, h->out, h->olen) != 1)
		h->unsure = true;   /* reported as "unsure": the library decides */
	h->olen = 0;
}

static void put(struct dkim_bodyhash *h, const char *p, size_t n)
{
	if (n >= sizeof h->out) {    /* a long run goes straight to the digest */
		flush(h);
		h->canon_len += n;
		if (EVP_DigestUpdate(h->ctx, p, n) != 1)
			h->unsure = true;
		return;
	}
	if (h->olen + n > sizeof h->out)
		flush(h);
	memcpy(h->out + h->olen, p, n);
	h->olen += n;
}

/* Content is about to be hashed: the empty lines before it count after all. */
static void content_starts(struct dkim_bodyhash *h)
{
	for (; h->blanks > 0; h->blanks--)
		put(h, "\r\n", 2);
	h->content = h->any = true;
}

/* The first byte from p that is not plain content: LF, CR, and for
 * "relaxed" SP and HTAB; end when none. One pass, 16 bytes at a time
 * with SSE2: base64 lines hold nothing but their LF. */
static const char *next_special(const char *p, const char *end, bool relaxed)
{
#ifdef __SSE2__
	const __m128i lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
	const __m128i sp = _mm_set1_epi8(relaxed ? ' ' : '\n'), ht = _mm_set1_epi8(relaxed ? '\t' : '\n');

	for (; end - p >= 16; p += 16) {
		const __m128i x = _mm_loadu_si128((const __m128i *)p);
		__m128i hit = _mm_or_si128(_mm_cmpeq_epi8(x, lf), _mm_cmpeq_epi8(x, cr));
		unsigned m;
		hit = _mm_or_si128(hit, _mm_or_si128(_mm_cmpeq_epi8(x, sp), _mm_cmpeq_epi8(x, ht)));
		if ((m = (unsigned)_mm_movemask_epi8(hit)))
			return p + __builtin_ctz(m);
	}
#endif
	for (; p < end; p++)
		if (*p == '\n' || *p == '\r' || (relaxed && (*p == ' ' || *p == '\t')))
			return p;
	return end;
}

/* a run of content bytes; for "relaxed", a WSP run before it becomes one
 * SP (one at the end of the line is dropped by line_end) */
static void content(struct dkim_bodyhash *h, const char *p, size_t n)
{
	content_starts(h);
	if (h->wsp)
		put(h, " ", 1);
	h->wsp = false;
	put(h, p, n);
}

static void line_end(struct dkim_bodyhash *h)
{
	if (h->content)
		put(h, "\r\n", 2);
	else
		h->blanks++;     /* hashed only if content follows */
	h->content = h->wsp = h->midline = false;
}

void qf_bodyhash_feed(struct dkim_bodyhash *h, const char *p, size_t n)
{
	const char *end = p + n, *s;

	while (p < end && !h->unsure) {
		if (h->cr) {             /* the byte after a CR, maybe in this piece */
			h->cr = false;
			if (*p != '\n') {
				h->unsure = true;   /* a bare CR */
				return;
			}
			line_end(h);
			p++;
			continue;
		}
		if ((s = next_special(p, end, h->relaxed)) > p) {
			content(h, p, (size_t)(s - p));
			h->midline = true;
			p = s;
			if (p == end)
				return;
		}
		switch (*p++) {
		case '\n':
			line_end(h);
			break;
		case '\r':
			h->cr = h->midline = true;
			break;
		default:                 /* SP or HTAB, "relaxed" only */
			h->wsp = h->midline = true;
			break;
		}
	}
}

size_t qf_bodyhash_final(struct dkim_bodyhash *h)
{
	unsigned int len = 0;

	h->mdlen = 0;
	if (h->unsure || h->cr || !h->ctx)
		return 0;
	if (h->midline)
		line_end(h);         /* the CRLF the RFC adds */
	if (!h->relaxed && !h->any)
		put(h, "\r\n", 2);   /* the empty body of "simple" */
	flush(h);
	if (h->unsure || EVP_DigestFinal_ex(h->ctx, h->md, &len) != 1)
		return 0;
	return h->mdlen = len;
}
