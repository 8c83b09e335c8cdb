/* mime_datauri.c: see mime_datauri.h. */
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include "mime_datauri.h"

enum { S_SCAN, S_MEDIA, S_PAYLOAD };

void qf_datauri_init(struct qf_datauri *d, qf_uu_fn fn, void *arg)
{
	memset(d, 0, sizeof *d);
	d->fn = fn;
	d->arg = arg;
}

static int event(struct qf_datauri *d, enum qf_uu_event ev, const unsigned char *p, size_t n)
{
	if (d->fn(d->arg, ev, p, n, d->damaged) < 0) {
		d->stopped = true;
		return -1;
	}
	return 0;
}

/* The media type ends at ','; "image/png;name=x;base64" -> "image/png",
 * base64. */
static void media_end(struct qf_datauri *d)
{
	size_t n = d->nmedia, i;

	d->media[n] = 0;
	d->base64 = n >= 7 && !strcasecmp(d->media + n - 7, ";base64");
	for (i = 0; i < n && d->media[i] != ';' && i + 1 < sizeof d->type; i++)
		d->type[i] = (char)tolower((unsigned char)d->media[i]);
	d->type[i] = 0;
}

/* Where a payload ends in markup: a quote, a bracket, a parenthesis (CSS
 * url()), or (outside base64, which skips it) whitespace. */
static bool payload_end(const struct qf_datauri *d, unsigned char c)
{
	return c == '"' || c == '\'' || c == '<' || c == '>' || c == ')' || c == '`' ||
	       (!d->base64 && (c == ' ' || c == '\t' || c == '\r' || c == '\n'));
}

static int end_payload(struct qf_datauri *d)
{
	unsigned char out[QF_DECODE_SLACK];
	size_t n = d->base64 ? qf_decoder_finish(&d->dec, out) : 0;

	d->state = S_SCAN;
	d->damaged = d->damaged || d->dec.error || d->pct;
	if (n && event(d, QF_UU_DATA, out, n) < 0)
		return -1;
	return event(d, QF_UU_END, NULL, 0);
}

static int hexval(unsigned char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Payload bytes p[0..n) (none of them an end): decoded and handed on. */
static int payload(struct qf_datauri *d, const unsigned char *p, size_t n)
{
	unsigned char out[512 + QF_DECODE_SLACK];
	size_t i, k = 0;

	if (d->base64) {
		while (n) {
			size_t take = n < 512 ? n : 512, m;
			/* forgiving base64: whitespace is skipped */
			unsigned char in[512];
			for (i = m = 0; i < take; i++)
				if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n' && p[i] != '\f')
					in[m++] = p[i];
			k = qf_decoder_step(&d->dec, in, m, out);
			if (k && event(d, QF_UU_DATA, out, k) < 0)
				return -1;
			p += take;
			n -= take;
		}
		return 0;
	}
	for (i = 0; i < n; i++) {
		int h;
		if (d->pct) {
			if ((h = hexval(p[i])) < 0) {   /* "%G": kept as it came */
				d->damaged = true;
				d->pct = 0;
				out[k++] = p[i];
			} else {
				d->pct_val = d->pct_val * 16 + (unsigned)h;
				if (++d->pct == 3) {
					out[k++] = (unsigned char)d->pct_val;
					d->pct = 0;
				}
			}
		} else if (p[i] == '%') {
			d->pct = 1;
			d->pct_val = 0;
		} else
			out[k++] = p[i];
		if (k >= 512) {
			if (event(d, QF_UU_DATA, out, k) < 0)
				return -1;
			k = 0;
		}
	}
	return k ? event(d, QF_UU_DATA, out, k) : 0;
}

int qf_datauri_feed(struct qf_datauri *d, const unsigned char *p, size_t n)
{
	static const char word[] = "data:";
	const unsigned char *end = p + n;

	if (d->stopped)
		return -1;
	while (p < end) {
		if (d->state == S_PAYLOAD) {
			const unsigned char *q = p;
			while (q < end && !payload_end(d, *q))
				q++;
			if (q > p && payload(d, p, (size_t)(q - p)) < 0)
				return -1;
			p = q;
			if (p < end && end_payload(d) < 0)
				return -1;
			continue;
		}
		if (d->state == S_MEDIA) {
			unsigned char c = *p++;
			if (c == ',') {
				media_end(d);
				d->state = S_PAYLOAD;
				d->damaged = false;
				d->pct = 0;
				qf_decoder_init(&d->dec, d->base64 ? QF_CTE_BASE64 : QF_CTE_IDENTITY);
				if (event(d, QF_UU_BEGIN, NULL, 0) < 0)
					return -1;
			} else if (c <= ' ' || c == '"' || c == '\'' || c == '<' || c == '>' ||
				   d->nmedia + 1 >= sizeof d->media)
				d->state = S_SCAN;       /* not a data: URI after all */
			else
				d->media[d->nmedia++] = (char)c;
			continue;
		}
		/* S_SCAN: "data:" in any case, not inside a word ("metadata:") */
		if (d->matched) {
			if (tolower(*p) == word[d->matched]) {
				if (++d->matched == 5) {
					d->matched = 0;
					d->nmedia = 0;
					d->state = S_MEDIA;
				}
				p++;
				continue;
			}
			d->matched = 0;
		}
		if ((*p == 'd' || *p == 'D') && !d->word_before) {
			d->matched = 1;
			d->word_before = true;
			p++;
			continue;
		}
		/* skip ahead to the next candidate */
		{
			const unsigned char *q = p;
			while (q < end && *q != 'd' && *q != 'D')
				q++;
			if (q > p) {
				d->word_before = isalnum(q[-1]) != 0;
				p = q;
			} else {
				d->word_before = true;   /* a 'd' inside a word */
				p++;
			}
		}
	}
	return 0;
}

int qf_datauri_finish(struct qf_datauri *d)
{
	if (d->stopped)
		return -1;
	if (d->state == S_PAYLOAD)
		return end_payload(d);
	d->state = S_SCAN;
	return 0;
}

bool qf_datauri_wanted(const char *content_type, const char *filename)
{
	static const char *const types[] = { "text/html", "application/xhtml+xml", "image/svg+xml" };
	static const char *const exts[] = { ".htm", ".html", ".xhtml", ".shtml", ".svg", ".mht", ".mhtml" };
	const char *dot;
	size_t i;

	for (i = 0; content_type && i < sizeof types / sizeof *types; i++)
		if (!strcasecmp(content_type, types[i]))
			return true;
	if (!filename || !(dot = strrchr(filename, '.')))
		return false;
	for (i = 0; i < sizeof exts / sizeof *exts; i++)
		if (!strcasecmp(dot, exts[i]))
			return true;
	return false;
}
