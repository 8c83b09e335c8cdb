/* mime_binhex.c: BinHex 4.0 decoding (mime_binhex.h). Bounded: a line
 * at a time, one header, a 256-byte buffer; run lengths expand into the
 * output callback, never into memory. */
#include <string.h>
#include "mime_binhex.h"

enum { PH_HEADER, PH_DATA, PH_DATA_CRC, PH_REST };

static const char alphabet[] =
	"!\"#$%&'()*+,-012345689@ABCDEFGHIJKLMNPQRSTUVXYZ[`abcdefhijklmpqr";

void qf_binhex_init(struct qf_binhex *b, qf_binhex_out out, void *arg)
{
	memset(b, 0, sizeof *b);
	b->out = out;
	b->arg = arg;
	b->hneed = 1;       /* the name's length comes first */
}

bool qf_binhex_banner(const unsigned char *l, size_t n)
{
	static const char banner[] = "(This file must be converted with BinHex";

	return n >= sizeof banner - 1 && !memcmp(l, banner, sizeof banner - 1);
}

/* CRC-16/XMODEM, as BinHex sums each section */
static uint16_t crc_byte(uint16_t crc, unsigned char c)
{
	int i;

	crc ^= (uint16_t)(c << 8);
	for (i = 0; i < 8; i++)
		crc = crc & 0x8000 ? (uint16_t)(crc << 1 ^ 0x1021) : (uint16_t)(crc << 1);
	return crc;
}

static int flush(struct qf_binhex *b)
{
	int rc = b->nbuf ? b->out(b->arg, b->buf, b->nbuf) : 0;

	b->nbuf = 0;
	return rc;
}

static void header_done(struct qf_binhex *b)
{
	const unsigned char *h = b->hdr;
	size_t nl = h[0], at = 1 + nl + 1 + 4 + 4 + 2;
	uint16_t crc = 0;
	size_t i;

	for (i = 0; i < b->hlen - 2; i++)
		crc = crc_byte(crc, h[i]);
	if (crc != (uint16_t)(h[b->hlen - 2] << 8 | h[b->hlen - 1]))
		b->error = true;
	memcpy(b->name, h + 1, nl);
	b->name[nl] = 0;
	for (i = 0; i < nl; i++)      /* a name is text: no NUL or '/' inside */
		if (!b->name[i] || b->name[i] == '/')
			b->name[i] = '_';
	b->dlen = (uint32_t)h[at] << 24 | (uint32_t)h[at + 1] << 16 | (uint32_t)h[at + 2] << 8 | h[at + 3];
	b->phase = b->dlen ? PH_DATA : PH_DATA_CRC;
}

/* One byte after the run-length code. */
static int byte_out(struct qf_binhex *b, unsigned char c)
{
	switch (b->phase) {
	case PH_HEADER:
		b->hdr[b->hlen++] = c;
		if (b->hlen == 1)        /* name length, then the fixed 21 bytes */
			b->hneed = 1 + (c > 63 ? 63 : c) + 1 + 4 + 4 + 2 + 4 + 4 + 2;
		if (b->hlen == 1 && c > 63)
			b->error = true;
		if (b->hlen == b->hneed)
			header_done(b);
		return 0;
	case PH_DATA:
		b->crc = crc_byte(b->crc, c);
		b->buf[b->nbuf++] = c;
		if (++b->dgot == b->dlen)
			b->phase = PH_DATA_CRC;
		return b->nbuf == sizeof b->buf || b->phase == PH_DATA_CRC ? flush(b) : 0;
	case PH_DATA_CRC:
		b->want_crc = (uint16_t)(b->want_crc << 8 | c);
		if (++b->ncrc == 2) {
			if (b->want_crc != b->crc)
				b->error = true;
			b->phase = PH_REST;
			b->ended = true;     /* the data fork is whole: nothing more to hand on */
		}
		return 0;
	default:
		return 0;
	}
}

/* One byte before the run-length code: 0x90 n repeats the last byte to n
 * in all, 0x90 0 is a literal 0x90. */
static int rle_in(struct qf_binhex *b, unsigned char c)
{
	unsigned n;

	if (b->marker) {
		b->marker = false;
		if (!c) {
			b->last = 0x90;
			b->have_last = true;
			return byte_out(b, 0x90);
		}
		if (!b->have_last) {
			b->error = true;
			return 0;
		}
		for (n = 1; n < c && !b->ended; n++)
			if (byte_out(b, b->last) < 0)
				return -1;
		return 0;
	}
	if (c == 0x90) {
		b->marker = true;
		return 0;
	}
	b->last = c;
	b->have_last = true;
	return byte_out(b, c);
}

int qf_binhex_line(struct qf_binhex *b, const unsigned char *l, size_t n)
{
	size_t i = 0;

	if (b->ended)
		return 0;
	if (!b->started) {
		while (i < n && (l[i] == ' ' || l[i] == '\t' || l[i] == '\r'))
			i++;
		if (i == n)
			return 0;
		if (l[i] != ':') {
			b->error = b->ended = true;
			return 0;
		}
		b->started = true;
		i++;
	}
	for (; i < n && !b->ended; i++) {
		const char *at;
		if (l[i] == ' ' || l[i] == '\t' || l[i] == '\r')
			continue;
		if (l[i] == ':') {
			b->ended = true;
			break;
		}
		if (!l[i] || !(at = strchr(alphabet, l[i]))) {
			b->error = true;
			continue;
		}
		b->acc = (b->acc << 6 | (unsigned)(at - alphabet)) & 0xffffff;
		b->nbits += 6;
		if (b->nbits >= 8) {
			b->nbits -= 8;
			if (rle_in(b, (unsigned char)(b->acc >> b->nbits)) < 0)
				return -1;
		}
	}
	return 0;
}

int qf_binhex_finish(struct qf_binhex *b)
{
	if (b->phase < PH_DATA_CRC || (b->phase == PH_DATA_CRC && b->ncrc < 2))
		b->error = true;
	return flush(b);
}
