/* test_mime_decode.c: counting base64 (qf_decoder_count) must give what
 * decoding gives, byte for byte in size and in damage noted, however the
 * input is split: the walk counts the rest of a part past its head. */
#include <stdlib.h>
#include <string.h>
#include "mime_decode.h"
#include "unit.h"

#define LEN 4096

/* Mostly valid base64 in lines, with padding, stray bytes and damage
 * mixed in at the rates given (per mille). */
static size_t make_input(unsigned char *buf, unsigned seed, unsigned pad_pm, unsigned bad_pm)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = 0, col = 0;

	srand(seed);
	while (n < LEN - 2) {
		unsigned r = (unsigned)rand() % 1000;
		if (r < pad_pm)
			buf[n++] = '=';
		else if (r < pad_pm + bad_pm)
			buf[n++] = (unsigned char)(rand() % 256);
		else
			buf[n++] = (unsigned char)alphabet[rand() % 64];
		/* lines of 76 (as mailers write them) or of any length, ending
		 * in CRLF or LF by the seed */
		if (++col == (seed % 3 ? 76 : 1 + seed % 97)) {
			if (seed % 2)
				buf[n++] = '\r';
			buf[n++] = '\n';
			col = 0;
		}
	}
	return n;
}

/* Decodes in up to cut (the head), then the rest: decoded too, or only
 * counted; then finishes. The size and the damage noted. */
static size_t size_of(const unsigned char *in, size_t n, size_t cut, bool count, bool *error)
{
	static unsigned char out[LEN + QF_DECODE_SLACK];
	struct qf_decoder d;
	size_t total;

	qf_decoder_init(&d, QF_CTE_BASE64);
	total = qf_decoder_step(&d, in, cut, out);
	total += count ? qf_decoder_count(&d, in + cut, n - cut) : qf_decoder_step(&d, in + cut, n - cut, out);
	total += qf_decoder_finish(&d, out);
	*error = d.error;
	return total;
}

/* Base64 decoded one character at a time, as RFC 2045 reads it: the
 * reference for qf_decoder_step's quanta-at-a-time loops. */
static size_t reference_b64(const unsigned char *in, size_t n, unsigned char *out, bool *error)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned acc = 0, nacc = 0;
	size_t i, o = 0;

	*error = false;
	for (i = 0; i <= n; i++) {
		const char *a = i < n && in[i] ? strchr(alphabet, in[i]) : NULL;
		if (a) {
			acc = acc << 6 | (unsigned)(a - alphabet);
			if (++nacc == 4) {
				out[o++] = (unsigned char)(acc >> 16);
				out[o++] = (unsigned char)(acc >> 8);
				out[o++] = (unsigned char)acc;
				acc = nacc = 0;
			}
		} else if (i == n || in[i] == '=') {   /* padding, or the end */
			if (nacc == 1)
				*error = true;
			if (nacc >= 2)
				out[o++] = (unsigned char)(acc >> (nacc == 2 ? 4 : 10));
			if (nacc == 3)
				out[o++] = (unsigned char)(acc >> 2);
			acc = nacc = 0;
		} else if (!in[i] || !strchr(" \t\r\n", in[i]))
			*error = true;
	}
	return o;
}

/* Decoded in three pieces cut anywhere: the bytes and the damage noted
 * are the reference's. */
static unsigned decode_mismatches(const unsigned char *in, size_t n, unsigned seed)
{
	static unsigned char want[LEN], got[LEN + QF_DECODE_SLACK];
	struct qf_decoder d;
	size_t a, b, w, g;
	bool e;

	srand(seed);
	a = (size_t)rand() % (n + 1);
	b = a + (size_t)rand() % (n - a + 1);
	w = reference_b64(in, n, want, &e);
	qf_decoder_init(&d, QF_CTE_BASE64);
	g = qf_decoder_step(&d, in, a, got);
	g += qf_decoder_step(&d, in + a, b - a, got + g);
	g += qf_decoder_step(&d, in + b, n - b, got + g);
	g += qf_decoder_finish(&d, got + g);
	return g != w || memcmp(got, want, w) || d.error != e;
}

int main(void)
{
	static unsigned char in[LEN];
	static const unsigned rates[][2] = { { 0, 0 }, { 2, 0 }, { 0, 2 }, { 20, 20 }, { 100, 100 } };
	unsigned seed, k, mismatches = 0, errors_seen = 0, runs = 0;
	struct qf_decoder d;

	for (k = 0; k < sizeof rates / sizeof rates[0]; k++)
		for (seed = 1; seed <= 200; seed++) {
			size_t n = make_input(in, seed * 7919 + k, rates[k][0], rates[k][1]);
			size_t cut = (size_t)rand() % (n + 1);
			bool e1, e2;
			size_t a = size_of(in, n, cut, false, &e1), b = size_of(in, n, cut, true, &e2);
			runs++;
			errors_seen += e1;
			if (a != b || e1 != e2) {
				if (!mismatches)
					printf("# seed %u rates %u/%u cut %zu: decoded %zu (error %d), counted %zu (error %d)\n",
					       seed, rates[k][0], rates[k][1], cut, a, e1, b, e2);
				mismatches++;
			}
		}
	CHECK_INT(mismatches, 0, "counting matches decoding in size and damage (%u inputs)", runs);
	mismatches = 0;
	for (k = 0; k < sizeof rates / sizeof rates[0]; k++)
		for (seed = 1; seed <= 200; seed++)
			mismatches += decode_mismatches(in, make_input(in, seed * 104729 + k, rates[k][0], rates[k][1]),
							seed);
	CHECK_INT(mismatches, 0, "decoding gives the bytes and the damage of a one-by-one decoder");
	CHECK(errors_seen > 0 && errors_seen < runs, "the inputs include damaged and clean ones (%u damaged)", errors_seen);

	/* every byte value at every place of a 16-byte block (the counting
	 * loop classifies 16 at a time), among letters on both sides */
	mismatches = 0;
	for (k = 0; k < 256; k++)
		for (seed = 0; seed < 48; seed++) {
			static const char letters[] = "QUJDRGVmZ2hp+/09azAZ";
			size_t i, n = 64;
			bool e1, e2;
			for (i = 0; i < n; i++)
				in[i] = (unsigned char)letters[i % (sizeof letters - 1)];
			in[seed] = (unsigned char)k;
			if (size_of(in, n, 0, false, &e1) != size_of(in, n, 0, true, &e2) || e1 != e2)
				mismatches++;
		}
	CHECK_INT(mismatches, 0, "counting matches decoding with any byte anywhere in a block");
	mismatches = 0;
	for (k = 0; k < 256; k++)
		for (seed = 0; seed < 48; seed++) {
			static const char letters[] = "QUJDRGVmZ2hp+/09azAZ";
			size_t i, n = 64;
			for (i = 0; i < n; i++)
				in[i] = (unsigned char)letters[i % (sizeof letters - 1)];
			in[seed] = (unsigned char)k;
			mismatches += decode_mismatches(in, n, k * 48 + seed);
		}
	CHECK_INT(mismatches, 0, "decoding matches the one-by-one decoder with any byte anywhere");

	qf_decoder_init(&d, QF_CTE_BASE64);
	CHECK_INT(qf_decoder_count(&d, (const unsigned char *)"TVqQAAMA\r\nAAAE", 14), 9,
		  "12 characters across a line break count as 9 bytes");
	CHECK(qf_decoder_can_count(&d), "base64 can be counted");
	qf_decoder_init(&d, QF_CTE_IDENTITY);
	CHECK_INT(qf_decoder_count(&d, (const unsigned char *)"abc", 3), 3, "identity counts its bytes");
	qf_decoder_init(&d, QF_CTE_QP);
	CHECK(!qf_decoder_can_count(&d), "quoted-printable is decoded, not counted");
	return unit_done();
}
