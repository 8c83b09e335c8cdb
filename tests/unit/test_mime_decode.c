/* test_mime_decode.c: base64 decoding (qf_decoder_step, with its vector
 * loops) gives what a one-character-at-a-time decoder gives, bytes and
 * damage noted, however the input is split. */
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
		for (seed = 1; seed <= 200; seed++)
			mismatches += decode_mismatches(in, make_input(in, seed * 104729 + k, rates[k][0], rates[k][1]),
							seed);
	CHECK_INT(mismatches, 0, "decoding gives the bytes and the damage of a one-by-one decoder");
	for (k = 0; k < sizeof rates / sizeof rates[0]; k++)
		for (seed = 1; seed <= 200; seed++) {
			static unsigned char out[LEN + QF_DECODE_SLACK];
			size_t n = make_input(in, seed * 7919 + k, rates[k][0], rates[k][1]);
			qf_decoder_init(&d, QF_CTE_BASE64);
			qf_decoder_step(&d, in, n, out);
			qf_decoder_finish(&d, out);
			runs++;
			errors_seen += d.error;
		}
	CHECK(errors_seen > 0 && errors_seen < runs, "the inputs include damaged and clean ones (%u damaged)", errors_seen);

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

	return unit_done();
}
