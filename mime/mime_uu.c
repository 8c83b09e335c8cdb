/* mime_uu.c: uuencoded (or xxencoded), BinHex and yEnc blocks and bare
 * base64 runs of a program inside text. Only lines that may matter are
 * copied: outside a block a line starting with 'b' or 'B', '(' or '=',
 * or a letter a program's base64 starts with; every line inside one;
 * the rest of the text is skipped with memchr. A base64 run is decoded
 * in pieces, so that a line of any length (a file as one line) counts. */
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
	static const char *const names[] = { "x-uuencode", "base64", "x-binhex", "x-yenc",
					     "x-xxencode", "base64" };

	return names[u->kind];
}

static int bh_out(void *arg, const unsigned char *p, size_t n)
{
	return emit(arg, QF_UU_DATA, p, n, false);
}

static int end_block(struct qf_mime_uu *u, bool damaged)
{
	unsigned char out[QF_DECODE_SLACK];
	size_t k = u->kind == QF_BLOCK_UU_B64 || u->kind == QF_BLOCK_B64RUN ?
		   qf_decoder_finish(&u->dec, out) : 0;

	u->in_block = false;
	if (u->kind == QF_BLOCK_B64RUN && !u->run_sure)
		return 0;       /* no program's head: nothing was handed on */
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
	if (u->first_data) {
		u->first_data = false;
		if (qf_xx_line(l, n))
			u->kind = QF_BLOCK_XX;
	}
	got = u->kind == QF_BLOCK_XX ? qf_xx_decode_line(l, n, out) : qf_uu_decode_line(l, n, out);
	if (got < 0)        /* prose after a "begin" line: not a block after all */
		return end_block(u, true);
	return got ? emit(u, QF_UU_DATA, out, (size_t)got, false) : 0;
}

static void run_begin(struct qf_mime_uu *u)
{
	u->kind = QF_BLOCK_B64RUN;
	u->in_block = true;
	u->run_sure = false;
	u->run_len = 0;
	u->name[0] = 0;
	qf_decoder_init(&u->dec, QF_CTE_BASE64);
}

/* A line of a base64 run, or a piece of a long one (rest: a piece after
 * the first of its line). 1 when the line is not the run's: the run has
 * ended and the line is to be read as any other. */
static int run_piece(struct qf_mime_uu *u, const unsigned char *l, size_t n, bool final,
		     bool rest)
{
	unsigned char out[QF_TEXT_LINE_MAX + QF_DECODE_SLACK];
	bool padded;
	size_t k, take;

	if (!n && rest)
		return 0;
	if (!n || !qf_b64run_chars(l, n, final, &padded))
		return end_block(u, false) < 0 ? -1 : 1;
	k = qf_decoder_step(&u->dec, l, n, out);
	take = 0;
	if (!u->run_sure) {
		take = k < sizeof u->run_head - u->run_len ? k : sizeof u->run_head - u->run_len;
		memcpy(u->run_head + u->run_len, out, take);
		u->run_len += take;
		switch (qf_b64run_head(u->run_head, u->run_len)) {
		case QF_B64RUN_NO:
			u->in_block = false;
			return 0;
		case QF_B64RUN_MORE:
			if (padded)
				u->in_block = false;
			return 0;
		case QF_B64RUN_YES:
			u->run_sure = true;
			if (emit(u, QF_UU_BEGIN, NULL, 0, false) < 0 ||
			    emit(u, QF_UU_DATA, u->run_head, u->run_len, false) < 0)
				return -1;
			break;
		}
	}
	if (k > take && emit(u, QF_UU_DATA, out + take, k - take, false) < 0)
		return -1;
	/* padding ends the data: what follows is another file's or prose */
	return padded ? end_block(u, false) : 0;
}

/* The first piece of a line that is a base64 run's start (trimmed, at
 * least QF_B64RUN_MIN letters, starting as a program's base64 does). */
static bool run_start(const unsigned char *l, size_t n, bool final)
{
	bool padded;

	while (final && n && (l[n - 1] == '\r' || l[n - 1] == ' ' || l[n - 1] == '\t'))
		n--;
	return n >= QF_B64RUN_MIN && qf_b64run_start2(l[0], l[1]) && qf_b64run_chars(l, n, final, &padded);
}

static void skip_rest(struct qf_mime_uu *u)
{
	u->collecting = false;
	u->bol = false;
	u->midline = false;
}

/* The line buffer is full before the line's end: a base64 run goes on
 * in pieces; any other line is cut (and a block ends damaged at its end). */
static int line_piece(struct qf_mime_uu *u)
{
	size_t n = u->len;
	bool rest = u->midline;

	u->len = 0;
	if (!u->in_block) {
		if (!run_start(u->line, n, false)) {
			skip_rest(u);
			return 0;
		}
		run_begin(u);
	}
	if (run_piece(u, u->line, n, false, rest) < 0)
		return -1;
	if (u->in_block)
		u->midline = true;
	else
		skip_rest(u);
	return 0;
}

static int line_done(struct qf_mime_uu *u)
{
	const unsigned char *l = u->line;
	size_t n = u->len;
	bool b64, rest = u->midline;
	int r;

	u->collecting = false;
	u->midline = false;
	if (u->in_block && u->kind == QF_BLOCK_B64RUN) {
		r = run_piece(u, l, n, true, rest);
		if (r <= 0 || rest)
			return r < 0 ? -1 : 0;
		/* the run ended before this line: read it as any other */
	} else if (u->in_block)
		return block_line(u, l, n);
	if (u->overflow || rest)
		return 0;
	if (run_start(l, n, true)) {
		run_begin(u);
		return run_piece(u, l, n, true, false) < 0 ? -1 : 0;
	}
	if (qf_uu_begin_line(l, n, u->name, sizeof u->name, &b64)) {
		u->kind = b64 ? QF_BLOCK_UU_B64 : QF_BLOCK_UU;
		u->first_data = !b64;
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

/* A line outside a block that may start one (from its first n bytes). */
static bool may_start(const unsigned char *p, size_t n)
{
	if (p[0] == 'b' || p[0] == '(' || p[0] == '=')
		return true;
	if (p[0] == 'B')        /* "BEGIN", or lz4's base64 */
		return n < 2 || p[1] == 'E' || p[1] == 'e' || p[1] == 'C';
	return qf_b64run_start(p[0]) && (n < 2 || qf_b64run_start2(p[0], p[1]));
}

int qf_mime_uu_feed(struct qf_mime_uu *u, const unsigned char *p, size_t n)
{
	while (n && !u->stopped) {
		const unsigned char *nl;
		size_t take;

		if (!u->collecting) {
			if (u->bol && (u->in_block || may_start(p, n))) {
				u->collecting = true;
				u->overflow = false;
				u->midline = false;
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
		if (take > sizeof u->line - u->len && !u->overflow &&
		    (!u->in_block || u->kind == QF_BLOCK_B64RUN)) {
			size_t room = sizeof u->line - u->len;
			memcpy(u->line + u->len, p, room);
			u->len += room;
			p += room;
			n -= room;
			if (line_piece(u) < 0)
				return -1;
			continue;
		}
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
