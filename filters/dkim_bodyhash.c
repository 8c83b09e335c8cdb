/* dkim_bodyhash.c: DKIM body canonicalization and hash, a line at a time.
 * The spool's lines end in LF or CRLF; both stand for the CRLF the
 * signer hashed. Lines are found with memchr and hashed as runs, through
 * a staging buffer: no per-byte call, whatever the line length.
 *
 * simple:  lines as they are; empty lines at the end are not hashed; an
 *          empty body is one CRLF.
 * relaxed: runs of SP and HTAB become one SP, WSP at the end of a line
 *          goes, empty lines at the end are not hashed; an empty body
 *          hashes nothing. */
#include <string.h>
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
	if (h->olen && EVP_DigestUpdate(h->ctx, h->out, h->olen) != 1)
		h->unsure = true;   /* reported as "unsure": the library decides */
	h->olen = 0;
}

static void put(struct dkim_bodyhash *h, const char *p, size_t n)
{
	if (n >= sizeof h->out) {    /* a long run goes straight to the digest */
		flush(h);
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

/* relaxed: runs of WSP become one SP, WSP at the end of a line goes
 * (line_end drops a pending run) */
static void relaxed_text(struct dkim_bodyhash *h, const char *p, size_t n)
{
	/* the next SP and the next HTAB, each searched again only once
	 * passed: a long line of many words stays linear */
	const char *end = p + n, *sp = memchr(p, ' ', n), *tab = memchr(p, '\t', n), *w;
	size_t run;

	while (n > 0) {
		if (sp && sp < p)
			sp = memchr(p, ' ', (size_t)(end - p));
		if (tab && tab < p)
			tab = memchr(p, '\t', (size_t)(end - p));
		w = !sp ? tab : !tab ? sp : sp < tab ? sp : tab;
		run = w ? (size_t)(w - p) : n;
		if (run) {
			content_starts(h);
			if (h->wsp)
				put(h, " ", 1);
			h->wsp = false;
			put(h, p, run);
		}
		p += run;
		n -= run;
		while (n > 0 && (*p == ' ' || *p == '\t')) {
			h->wsp = true;
			p++;
			n--;
		}
	}
}

static void line_text(struct dkim_bodyhash *h, const char *p, size_t n)
{
	if (h->relaxed) {
		relaxed_text(h, p, n);
	} else if (n) {
		content_starts(h);
		put(h, p, n);
	}
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
	while (n > 0 && !h->unsure) {
		const char *lf = memchr(p, '\n', n);
		size_t len = lf ? (size_t)(lf - p) : n, text = len;

		if (h->cr) {             /* the CR that ended the last piece */
			if (len > 0) {
				h->unsure = true;   /* a bare CR */
				return;
			}
			h->cr = false;
		}
		if (text > 0 && p[text - 1] == '\r') {
			text--;              /* a CRLF, or a CR at the end of the piece */
			h->cr = !lf;
		}
		if (memchr(p, '\r', text)) {
			h->unsure = true;
			return;
		}
		line_text(h, p, text);
		if (len > 0)
			h->midline = true;
		if (!lf)
			return;
		line_end(h);
		p += len + 1;
		n -= len + 1;
	}
}

size_t qf_bodyhash_final(struct dkim_bodyhash *h)
{
	unsigned int len = 0;

	h->mdlen = 0;
	if (h->unsure || h->midline || h->cr || !h->ctx)
		return 0;
	if (!h->relaxed && !h->any)
		put(h, "\r\n", 2);   /* the empty body of "simple" */
	flush(h);
	if (h->unsure || EVP_DigestFinal_ex(h->ctx, h->md, &len) != 1)
		return 0;
	return h->mdlen = len;
}
