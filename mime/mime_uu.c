/* mime_uu.c: uuencoded, BinHex and yEnc blocks inside text. Only lines
 * that may matter are copied: a line starting with 'b', '(' or '='
 * outside a block, every line inside one; the rest of the text is
 * skipped with memchr. */
#include <string.h>
#include "mime_uu.h"
#include "mime_yenc.h"

void qf_mime_uu_init(struct qf_mime_uu *u, qf_uu_fn fn, void *arg)
{
	memset(u, 0, sizeof *u);
	u->fn = fn;
	u->arg = arg;
	u->bol = true;
}

static int emit(struct qf_mime_uu *u, enum qf_uu_event ev, const unsigned char *p,
		size_t n, bool damaged)
{
	if (u->fn(u->arg, ev, p, n, damaged) < 0) {
		u->stopped = true;
		return -1;
	}
	return 0;
}

const char *qf_mime_uu_kind(const struct qf_mime_uu *u)
{
	static const char *const names[] = { "x-uuencode", "base64", "x-binhex", "x-yenc" };

	return names[u->kind];
}

static int bh_out(void *arg, const unsigned char *p, size_t n)
{
	return emit(arg, QF_UU_DATA, p, n, false);
}

static int end_block(struct qf_mime_uu *u, bool damaged)
{
	unsigned char out[QF_DECODE_SLACK];
	size_t k = u->kind == QF_BLOCK_UU_B64 ? qf_decoder_finish(&u->dec, out) : 0;

	u->in_block = false;
	if (k && emit(u, QF_UU_DATA, out, k, false) < 0)
		return -1;
	if (u->kind == QF_BLOCK_BINHEX) {
		if (qf_binhex_finish(&u->bh) < 0)
			return -1;
		damaged = damaged || u->bh.error;
		memcpy(u->name, u->bh.name, sizeof u->bh.name);
	}
	return emit(u, QF_UU_END, NULL, 0, damaged || u->dec.error);
}

static bool is_line(const unsigned char *l, size_t n, const char *word)
{
	size_t w = strlen(word);

	while (n && (l[n - 1] == '\r' || l[n - 1] == ' '))
		n--;
	return n == w && !memcmp(l, word, w);
}

static int block_line(struct qf_mime_uu *u, const unsigned char *l, size_t n)
{
	unsigned char out[QF_TEXT_LINE_MAX + QF_DECODE_SLACK];
	size_t k;
	int got;

	if (u->overflow)
		return end_block(u, true);
	if (u->kind == QF_BLOCK_BINHEX) {
		if (qf_binhex_line(&u->bh, l, n) < 0)
			return -1;
		/* a banner followed by prose is no block: nothing to hand on */
		return u->bh.ended ? end_block(u, !u->bh.started) : 0;
	}
	if (u->kind == QF_BLOCK_YENC) {
		if (qf_yenc_end(l, n))
			return end_block(u, false);
		k = qf_yenc_line(l, n, out);
		return k ? emit(u, QF_UU_DATA, out, k, false) : 0;
	}
	if (u->kind == QF_BLOCK_UU_B64) {
		if (is_line(l, n, "===="))
			return end_block(u, false);
		k = qf_decoder_step(&u->dec, l, n, out);
		return k ? emit(u, QF_UU_DATA, out, k, false) : 0;
	}
	if (is_line(l, n, "end"))
		return end_block(u, false);
	while (n && l[n - 1] == '\r')
		n--;
	if (!n)
		return 0;
	got = qf_uu_decode_line(l, n, out);
	if (got < 0)        /* prose after a "begin" line: not a block after all */
		return end_block(u, true);
	return got ? emit(u, QF_UU_DATA, out, (size_t)got, false) : 0;
}

static int line_done(struct qf_mime_uu *u)
{
	const unsigned char *l = u->line;
	size_t n = u->len;

	bool b64;

	u->collecting = false;
	if (u->in_block)
		return block_line(u, l, n);
	if (u->overflow)
		return 0;
	if (qf_uu_begin_line(l, n, u->name, sizeof u->name, &b64)) {
		u->kind = b64 ? QF_BLOCK_UU_B64 : QF_BLOCK_UU;
		qf_decoder_init(&u->dec, b64 ? QF_CTE_BASE64 : QF_CTE_UUENCODE);
	} else if (qf_binhex_banner(l, n)) {
		u->kind = QF_BLOCK_BINHEX;
		u->name[0] = 0;
		qf_decoder_init(&u->dec, QF_CTE_IDENTITY);
		qf_binhex_init(&u->bh, bh_out, u);
	} else if (qf_yenc_begin(l, n, u->name, sizeof u->name)) {
		u->kind = QF_BLOCK_YENC;
		qf_decoder_init(&u->dec, QF_CTE_IDENTITY);
	} else
		return 0;
	u->in_block = true;
	return emit(u, QF_UU_BEGIN, NULL, 0, false);
}

int qf_mime_uu_feed(struct qf_mime_uu *u, const unsigned char *p, size_t n)
{
	while (n && !u->stopped) {
		const unsigned char *nl;
		size_t take;

		if (!u->collecting) {
			if (u->bol && (u->in_block || p[0] == 'b' || p[0] == '(' || p[0] == '=')) {
				u->collecting = true;
				u->overflow = false;
				u->len = 0;
			} else {
				nl = memchr(p, '\n', n);
				if (!nl) {
					u->bol = false;
					return 0;
				}
				n -= nl + 1 - p;
				p = nl + 1;
				u->bol = true;
				continue;
			}
		}
		nl = memchr(p, '\n', n);
		take = nl ? (size_t)(nl - p) : n;
		if (take > sizeof u->line - u->len) {
			u->overflow = true;
			memcpy(u->line + u->len, p, sizeof u->line - u->len);
			u->len = sizeof u->line;
		} else {
			memcpy(u->line + u->len, p, take);
			u->len += take;
		}
		if (!nl) {
			u->bol = false;
			return 0;
		}
		n -= take + 1;
		p += take + 1;
		u->bol = true;
		if (line_done(u) < 0)
			return -1;
	}
	return u->stopped ? -1 : 0;
}

int qf_mime_uu_finish(struct qf_mime_uu *u)
{
	if (u->stopped)
		return -1;
	if (u->collecting && line_done(u) < 0)
		return -1;
	return u->in_block ? end_block(u, true) : 0;
}
