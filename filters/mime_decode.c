/* mime_decode.c: base64, quoted-printable and uuencode, decoded as the
 * bytes stream past. Damage sets d->error and is skipped (base64, uu) or
 * passed through as it stands (quoted-printable), as mail readers do. */
#include <string.h>
#include <strings.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include "mime_decode.h"

enum { B64_PAD = 64, B64_SPACE = 65, B64_BAD = 66 };

static const unsigned char b64_value[256] = {
	66, 66, 66, 66, 66, 66, 66, 66, 66, 65, 65, 66, 66, 65, 66, 66,
	66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66,
	65, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 62, 66, 66, 66, 63,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 66, 66, 66, 64, 66, 66,
	66,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 66, 66, 66, 66, 66,
	66, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 66, 66, 66, 66, 66,
	66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66,
	66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66,
	66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66,
	66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66,
	66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66,
	66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66,
	66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66,
	66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66, 66,
};

enum { UU_BEFORE, UU_BODY, UU_AFTER };

enum qf_cte qf_decoder_cte(const char *name)
{
	if (!name)
		return QF_CTE_IDENTITY;
	if (!strcasecmp(name, "base64"))
		return QF_CTE_BASE64;
	if (!strcasecmp(name, "quoted-printable"))
		return QF_CTE_QP;
	if (!strcasecmp(name, "x-uuencode") || !strcasecmp(name, "uuencode") ||
	    !strcasecmp(name, "x-uue"))
		return QF_CTE_UUENCODE;
	return QF_CTE_IDENTITY;
}

void qf_decoder_init(struct qf_decoder *d, enum qf_cte cte)
{
	memset(d, 0, sizeof *d);
	d->cte = cte;
}

/* Output of an incomplete quantum, at padding or at the end. */
static size_t b64_flush(struct qf_decoder *d, unsigned char *out)
{
	size_t n = 0;

	if (d->nacc == 1)
		d->error = true;         /* six bits cannot make a byte */
	else if (d->nacc == 2) {
		out[n++] = d->acc >> 4;
	} else if (d->nacc == 3) {
		out[n++] = d->acc >> 10;
		out[n++] = d->acc >> 2;
	}
	d->acc = d->nacc = 0;
	return n;
}

static size_t b64_step(struct qf_decoder *d, const unsigned char *in, size_t n,
		       unsigned char *out)
{
	unsigned char *o = out;
	unsigned acc = d->acc, nacc = d->nacc;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned v;
		/* whole quanta at once, the common case */
		while (!nacc && i + 4 <= n) {
			unsigned a = b64_value[in[i]], b = b64_value[in[i + 1]];
			unsigned c = b64_value[in[i + 2]], e = b64_value[in[i + 3]];
			if ((a | b | c | e) >= 64)
				break;
			unsigned q = a << 18 | b << 12 | c << 6 | e;
			o[0] = q >> 16;
			o[1] = q >> 8;
			o[2] = q;
			o += 3;
			i += 4;
		}
		if (i >= n)
			break;
		v = b64_value[in[i]];
		if (v < 64) {
			acc = acc << 6 | v;
			if (++nacc == 4) {
				o[0] = acc >> 16;
				o[1] = acc >> 8;
				o[2] = acc;
				o += 3;
				acc = nacc = 0;
			}
		} else if (v == B64_PAD) {
			d->acc = acc;
			d->nacc = nacc;
			o += b64_flush(d, o);
			acc = nacc = 0;
		} else if (v == B64_BAD)
			d->error = true;
	}
	d->acc = acc;
	d->nacc = nacc;
	return o - out;
}

#ifdef __SSE2__
/* Which of the 16 bytes at p are base64 letters, as a bit mask: A-Z and
 * a-z (one range once 0x20 is set), '/' and 0-9 (one range), '+'. Bytes
 * from 0x80 are negative to the signed compares, so never letters. */
static unsigned b64_letters16(__m128i x)
{
	const __m128i low = _mm_or_si128(x, _mm_set1_epi8(0x20));
	__m128i ok = _mm_and_si128(_mm_cmpgt_epi8(low, _mm_set1_epi8('a' - 1)),
				   _mm_cmplt_epi8(low, _mm_set1_epi8('z' + 1)));

	ok = _mm_or_si128(ok, _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('/' - 1)),
					    _mm_cmplt_epi8(x, _mm_set1_epi8('9' + 1))));
	ok = _mm_or_si128(ok, _mm_cmpeq_epi8(x, _mm_set1_epi8('+')));
	return (unsigned)_mm_movemask_epi8(ok);
}

/* ... and which are the white space b64_value skips (HT, LF, CR, SP) */
static unsigned b64_space16(__m128i x)
{
	__m128i ws = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\n')),
				  _mm_cmpeq_epi8(x, _mm_set1_epi8('\r')));

	ws = _mm_or_si128(ws, _mm_cmpeq_epi8(x, _mm_set1_epi8(' ')));
	ws = _mm_or_si128(ws, _mm_cmpeq_epi8(x, _mm_set1_epi8('\t')));
	return (unsigned)_mm_movemask_epi8(ws);
}
#endif

/* b64_step's arithmetic without its output: letters are counted in a
 * tight loop (16 bytes at a time with SSE2, line ends included), the
 * rest handled as b64_step does. */
static size_t b64_count(struct qf_decoder *d, const unsigned char *in, size_t n)
{
	static const unsigned char pad_out[4] = { 0, 0, 1, 2 };  /* b64_flush */
	size_t out = 0, i = 0;
	unsigned nacc = d->nacc;

	while (i < n) {
		size_t start, letters = 0;
		unsigned v;

#ifdef __SSE2__
		while (i + 16 <= n) {
			const __m128i x = _mm_loadu_si128((const __m128i *)(in + i));
			unsigned l = b64_letters16(x), sp, k;
			if (l == 0xFFFF) {
				letters += 16;
				i += 16;
				continue;
			}
			/* a line end, or the first '=' or damaged byte */
			sp = b64_space16(x);
			k = (l | sp) == 0xFFFF ? 16 : (unsigned)__builtin_ctz(~(l | sp));
			sp &= (1u << k) - 1;
			letters += k;
			for (; sp; sp &= sp - 1)   /* a bit or two: no need for POPCNT */
				letters--;
			i += k;
			if (k < 16)
				break;
		}
#endif
		/* eight at a time while all are valid, then one by one */
		start = i;
		while (i + 8 <= n && (b64_value[in[i]] | b64_value[in[i + 1]] |
				      b64_value[in[i + 2]] | b64_value[in[i + 3]] |
				      b64_value[in[i + 4]] | b64_value[in[i + 5]] |
				      b64_value[in[i + 6]] | b64_value[in[i + 7]]) < 64)
			i += 8;
		while (i < n && b64_value[in[i]] < 64)
			i++;
		letters += i - start;
		if (letters) {
			size_t total = nacc + letters;
			out += total / 4 * 3;
			nacc = total % 4;
		}
		if (i >= n)
			break;
		v = b64_value[in[i++]];
		if (v == B64_PAD) {
			if (nacc == 1)
				d->error = true;
			out += pad_out[nacc];
			nacc = 0;
		} else if (v == B64_BAD)
			d->error = true;
	}
	d->nacc = nacc;
	d->acc = 0;   /* only the count matters from here on */
	return out;
}

static int hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* d->qp: 0 plain, 1 after '=', 2 after '=' and a hex digit, 3 after "=\r" */
static size_t qp_step(struct qf_decoder *d, const unsigned char *in, size_t n,
		      unsigned char *out)
{
	unsigned char *o = out;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = in[i];
		const unsigned char *eq;
		int h;
		switch (d->qp) {
		case 0:
			/* plain text runs to the next '=' */
			eq = memchr(in + i, '=', n - i);
			if (!eq) {
				memcpy(o, in + i, n - i);
				return o + (n - i) - out;
			}
			memcpy(o, in + i, eq - (in + i));
			o += eq - (in + i);
			i = eq - in;
			d->qp = 1;
			continue;
		case 1:
			if ((h = hex_value(c)) >= 0) {
				d->qp_hex = h;
				d->qp = 2;
				continue;
			}
			if (c == '\n') {     /* soft line break */
				d->qp = 0;
				continue;
			}
			if (c == '\r') {
				d->qp = 3;
				continue;
			}
			*o++ = '=';
			break;
		case 2:
			if ((h = hex_value(c)) >= 0) {
				*o++ = d->qp_hex << 4 | h;
				d->qp = 0;
				continue;
			}
			*o++ = '=';
			*o++ = "0123456789ABCDEF"[d->qp_hex];
			break;
		case 3:
			if (c == '\n') {
				d->qp = 0;
				continue;
			}
			*o++ = '=';
			*o++ = '\r';
			break;
		}
		/* a damaged escape: keep its bytes and read c afresh */
		d->error = true;
		d->qp = 0;
		i--;
	}
	return o - out;
}

int qf_uu_decode_line(const unsigned char *line, size_t n, unsigned char *out)
{
	size_t len, i, j;
	unsigned char c[4];

	while (n && line[n - 1] == '\r')
		n--;
	if (!n || line[0] < 0x20 || line[0] > 0x60)
		return -1;
	len = (line[0] - 0x20) & 0x3f;
	for (i = 0, j = 1; i < len; i += 3, j += 4) {
		int k;
		/* mailers strip trailing spaces: a missing character is a zero */
		for (k = 0; k < 4; k++) {
			unsigned char ch = j + k < n ? line[j + k] : ' ';
			if (ch < 0x20 || ch > 0x60)
				return -1;
			c[k] = (ch - 0x20) & 0x3f;
		}
		out[i] = c[0] << 2 | c[1] >> 4;
		if (i + 1 < len)
			out[i + 1] = c[1] << 4 | c[2] >> 2;
		if (i + 2 < len)
			out[i + 2] = c[2] << 6 | c[3];
	}
	return (int)len;
}

bool qf_uu_begin_line(const unsigned char *line, size_t n, char *name,
		      size_t namelen, bool *b64)
{
	size_t i = 5, digits = 0, start;

	if (n < 8 || memcmp(line, "begin", 5))
		return false;
	if (b64 && n > 12 && !memcmp(line + 5, "-base64", 7)) {
		*b64 = true;
		i += 7;
	} else if (b64)
		*b64 = false;
	if (line[i++] != ' ')
		return false;
	while (i < n && line[i] >= '0' && line[i] <= '7' && digits < 5) {
		i++;
		digits++;
	}
	if (digits < 1 || digits > 4 || i >= n || line[i] != ' ')
		return false;
	while (i < n && line[i] == ' ')
		i++;
	start = i;
	while (n > start && (line[n - 1] == '\r' || line[n - 1] == '\n' ||
			     line[n - 1] == ' ' || line[n - 1] == '\t'))
		n--;
	if (n <= start)
		return false;
	if (n - start >= namelen)
		n = start + namelen - 1;
	memcpy(name, line + start, n - start);
	name[n - start] = 0;
	return true;
}

static bool uu_end_line(const unsigned char *line, size_t n)
{
	while (n && (line[n - 1] == '\r' || line[n - 1] == ' '))
		n--;
	return n == 3 && !memcmp(line, "end", 3);
}

/* One whole line of an x-uuencode body. */
static size_t uu_line(struct qf_decoder *d, unsigned char *out)
{
	const unsigned char *l = d->uu_line;
	size_t n = d->uu_len;
	int got;

	d->uu_len = 0;
	if (d->uu_overflow) {
		d->uu_overflow = false;
		if (d->uu == UU_BODY)
			d->error = true;
		return 0;
	}
	switch (d->uu) {
	case UU_BEFORE:
		if (qf_uu_begin_line(l, n, d->uu_name, sizeof d->uu_name, NULL))
			d->uu = UU_BODY;
		return 0;
	case UU_BODY:
		if (uu_end_line(l, n)) {
			d->uu = UU_AFTER;
			return 0;
		}
		while (n && l[n - 1] == '\r')
			n--;
		if (!n)
			return 0;
		got = qf_uu_decode_line(l, n, out);
		if (got < 0) {
			d->error = true;
			return 0;
		}
		return (size_t)got;
	default:
		return 0;
	}
}

static size_t uu_step(struct qf_decoder *d, const unsigned char *in, size_t n,
		      unsigned char *out)
{
	unsigned char *o = out;
	size_t i;

	for (i = 0; i < n; i++) {
		if (in[i] == '\n') {
			o += uu_line(d, o);
			continue;
		}
		if (d->uu_len < sizeof d->uu_line)
			d->uu_line[d->uu_len++] = in[i];
		else
			d->uu_overflow = true;
	}
	return o - out;
}

size_t qf_decoder_step(struct qf_decoder *d, const unsigned char *in, size_t n,
		       unsigned char *out)
{
	switch (d->cte) {
	case QF_CTE_BASE64:
		return b64_step(d, in, n, out);
	case QF_CTE_QP:
		return qp_step(d, in, n, out);
	case QF_CTE_UUENCODE:
		return uu_step(d, in, n, out);
	default:
		memcpy(out, in, n);
		return n;
	}
}

bool qf_decoder_can_count(const struct qf_decoder *d)
{
	return d->cte == QF_CTE_BASE64 || d->cte == QF_CTE_IDENTITY;
}

size_t qf_decoder_count(struct qf_decoder *d, const unsigned char *in, size_t n)
{
	return d->cte == QF_CTE_BASE64 ? b64_count(d, in, n) : n;
}

size_t qf_decoder_finish(struct qf_decoder *d, unsigned char *out)
{
	size_t n = 0;

	switch (d->cte) {
	case QF_CTE_BASE64:
		return b64_flush(d, out);
	case QF_CTE_QP:
		/* a final '=' is a soft break before the boundary's newline */
		if (d->qp == 2) {
			out[n++] = '=';
			out[n++] = "0123456789ABCDEF"[d->qp_hex];
			d->error = true;
		} else if (d->qp == 3) {
			out[n++] = '=';
			out[n++] = '\r';
			d->error = true;
		}
		d->qp = 0;
		return n;
	case QF_CTE_UUENCODE:
		if (d->uu_len || d->uu_overflow)
			n = uu_line(d, out);
		if (d->uu != UU_AFTER)
			d->error = true;     /* no begin line, or no end line */
		return n;
	default:
		return 0;
	}
}
