/* mime_decode.c: quoted-printable and uuencode, and the dispatch to
 * base64 (mime_base64.c), decoded as the bytes stream past. Damage sets
 * d->error and is skipped (base64, uu) or passed through as it stands
 * (quoted-printable), as mail readers do. */
#include <string.h>
#include <strings.h>
#include "mime_base64.h"
#include "mime_decode.h"

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
	    !strcasecmp(name, "x-uue") || !strcasecmp(name, "uue"))
		return QF_CTE_UUENCODE;
	return QF_CTE_IDENTITY;
}

void qf_decoder_init(struct qf_decoder *d, enum qf_cte cte)
{
	memset(d, 0, sizeof *d);
	d->cte = cte;
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

/* The six bits a character stands for: uuencode's 0x20 to 0x60 (the
 * backquote is zero, as a space), xxencode's "+-0-9A-Za-z"; -1 outside. */
static int uu_value(unsigned char ch)
{
	return ch < 0x20 || ch > 0x60 ? -1 : (ch - 0x20) & 0x3f;
}

static int xx_value(unsigned char ch)
{
	if (ch == '+')
		return 0;
	if (ch == '-')
		return 1;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 2;
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A' + 12;
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 38;
	return -1;
}

static int decode_line(const unsigned char *line, size_t n, unsigned char *out,
		       int (*value)(unsigned char), unsigned char pad)
{
	size_t len, i, j;
	int c[4], v;

	while (n && line[n - 1] == '\r')
		n--;
	if (!n || (v = value(line[0])) < 0)
		return -1;
	len = (size_t)v;
	for (i = 0, j = 1; i < len; i += 3, j += 4) {
		int k;
		/* mailers strip trailing spaces: a missing character is a zero */
		for (k = 0; k < 4; k++)
			if ((c[k] = value(j + k < n ? line[j + k] : pad)) < 0)
				return -1;
		out[i] = (unsigned char)(c[0] << 2 | c[1] >> 4);
		if (i + 1 < len)
			out[i + 1] = (unsigned char)(c[1] << 4 | c[2] >> 2);
		if (i + 2 < len)
			out[i + 2] = (unsigned char)(c[2] << 6 | c[3]);
	}
	return (int)len;
}

int qf_uu_decode_line(const unsigned char *line, size_t n, unsigned char *out)
{
	return decode_line(line, n, out, uu_value, ' ');
}

int qf_xx_decode_line(const unsigned char *line, size_t n, unsigned char *out)
{
	return decode_line(line, n, out, xx_value, '+');
}

/* The characters after the length one, against what the length needs
 * (some encoders add one; uuencode may lose trailing spaces, but a line
 * that is whole xx and short uu is taken for xx). */
static bool fits(size_t chars, int len, bool shorter_ok)
{
	size_t need = ((size_t)len + 2) / 3 * 4;

	return chars <= need + 1 && (shorter_ok || chars >= need);
}

bool qf_xx_line(const unsigned char *line, size_t n)
{
	unsigned char out[64];
	int uu, xx;

	while (n && line[n - 1] == '\r')
		n--;
	if (!n)
		return false;
	uu = qf_uu_decode_line(line, n, out);
	xx = qf_xx_decode_line(line, n, out);
	return xx >= 0 && fits(n - 1, xx, false) && (uu < 0 || !fits(n - 1, uu, false));
}

/* "begin", then the mode and the name, as readers take it: the word in
 * any case (ripmime), any run of blanks between the fields, the mode
 * (one to four octal digits) left out (uudeview). */
bool qf_uu_begin_line(const unsigned char *line, size_t n, char *name,
		      size_t namelen, bool *b64)
{
	size_t i = 5, digits = 0, start;

	if (n < 6 || strncasecmp((const char *)line, "begin", 5))
		return false;
	if (b64 && n > 12 && !strncasecmp((const char *)line + 5, "-base64", 7)) {
		*b64 = true;
		i += 7;
	} else if (b64)
		*b64 = false;
	if (i >= n || (line[i] != ' ' && line[i] != '\t'))
		return false;
	while (i < n && (line[i] == ' ' || line[i] == '\t'))
		i++;
	start = i;
	while (i < n && line[i] >= '0' && line[i] <= '7' && digits < 5) {
		i++;
		digits++;
	}
	/* a mode is digits and then a blank or the end; else the word is the name */
	if (digits >= 1 && digits <= 4 && (i == n || line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
		while (i < n && (line[i] == ' ' || line[i] == '\t'))
			i++;
	else
		i = start;
	start = i;
	while (n > start && (line[n - 1] == '\r' || line[n - 1] == '\n' ||
			     line[n - 1] == ' ' || line[n - 1] == '\t'))
		n--;
	if (n <= start && !digits)
		return false;       /* "begin" and blanks: no block */
	if (n < start)
		n = start;
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
		return qf_b64_step(d, in, n, out);
	case QF_CTE_QP:
		return qp_step(d, in, n, out);
	case QF_CTE_UUENCODE:
		return uu_step(d, in, n, out);
	default:
		memcpy(out, in, n);
		return n;
	}
}

size_t qf_decoder_finish(struct qf_decoder *d, unsigned char *out)
{
	size_t n = 0;

	switch (d->cte) {
	case QF_CTE_BASE64:
		return qf_b64_flush(d, out);
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
