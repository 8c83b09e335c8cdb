/* mime_base64.c: see mime_base64.h. Base64 decoded as RFC 2045 reads it:
 * white space skipped, anything else outside the alphabet noted as damage
 * and skipped, '=' ends a quantum early. Most of a body is whole lines of
 * letters, and those are decoded 32 at a time (AVX2, where the CPU has
 * it), 16 (SSSE3) or two quanta at a time. The scalar loops are the
 * definition the vector ones must match (test_mime_decode). */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#if defined(__x86_64__) && defined(__GNUC__)
#define B64_X86 1
#include <immintrin.h>
#endif
#include "mime_base64.h"

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

/* Output of an incomplete quantum, at padding or at the end. */
size_t qf_b64_flush(struct qf_decoder *d, unsigned char *out)
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

#ifdef B64_X86
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

/* Whole blocks of 16 letters, 12 bytes each, from a quantum boundary:
 * each letter's value is itself plus an offset picked by its high nibble
 * ('/' moved down one, to tell it from '+'), then the sextets are packed
 * pairwise (6+6 bits, then 12+12) and the three bytes of every quantum
 * put in order. Stops at the first block with anything but letters.
 * Returns the bytes written, *used the characters read. A 16-byte store
 * for 12 bytes: within out's room, as 16 characters give 12. */
__attribute__((target("ssse3")))
static size_t b64_blocks_ssse3(const unsigned char *in, size_t n, unsigned char *out, size_t *used)
{
	const __m128i offset = _mm_setr_epi8(0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0);
	const __m128i order = _mm_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
	unsigned char *o = out;
	size_t i = 0;

	while (i + 16 <= n) {
		__m128i x = _mm_loadu_si128((const __m128i *)(in + i)), hi, v;
		if (b64_letters16(x) != 0xFFFF)
			break;
		hi = _mm_and_si128(_mm_srli_epi32(x, 4), _mm_set1_epi8(0x0f));
		hi = _mm_add_epi8(hi, _mm_cmpeq_epi8(x, _mm_set1_epi8('/')));
		v = _mm_add_epi8(x, _mm_shuffle_epi8(offset, hi));
		v = _mm_maddubs_epi16(v, _mm_set1_epi32(0x01400140));
		v = _mm_madd_epi16(v, _mm_set1_epi32(0x00011000));
		_mm_storeu_si128((__m128i *)o, _mm_shuffle_epi8(v, order));
		o += 12;
		i += 16;
	}
	*used = i;
	return o - out;
}

/* The same with AVX2, 32 letters to 24 bytes, line ends between whole
 * quanta skipped on the way (a block that holds one is decoded up to it),
 * and letters told by two nibble tables instead of compares. The high
 * nibble gives a byte's row a class (b64_hi): 1 for rows without letters,
 * 2 for the row of '+' and '/', 4 for the digits', 8 for the rows starting
 * '@' and '`', 16 for those starting 'P' and 'p'. The low nibble gives the
 * classes in which it is not a letter (b64_lo). A letter: no class in
 * common. */
__attribute__((target("avx2")))
static size_t b64_blocks_avx2(const unsigned char *in, size_t n, unsigned char *out, size_t *used)
{
	const __m256i b64_lo = _mm256_setr_epi8(
		0x0b, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x07, 0x15, 0x17, 0x17, 0x17, 0x15,
		0x0b, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x07, 0x15, 0x17, 0x17, 0x17, 0x15);
	const __m256i b64_hi = _mm256_setr_epi8(
		1, 1, 2, 4, 8, 16, 8, 16, 1, 1, 1, 1, 1, 1, 1, 1,
		1, 1, 2, 4, 8, 16, 8, 16, 1, 1, 1, 1, 1, 1, 1, 1);
	const __m256i offset = _mm256_setr_epi8(
		0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0);
	const __m256i order = _mm256_setr_epi8(
		2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1,
		2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
	const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 7, 7);   /* 12 + 12 bytes */
	const __m256i nibble = _mm256_set1_epi8(0x0f);
	unsigned char *o = out;
	size_t i = 0;

	while (i + 32 <= n) {
		const __m256i x = _mm256_loadu_si256((const __m256i *)(in + i));
		__m256i hi = _mm256_and_si256(_mm256_srli_epi32(x, 4), nibble);
		__m256i bad = _mm256_and_si256(_mm256_shuffle_epi8(b64_lo, _mm256_and_si256(x, nibble)),
					       _mm256_shuffle_epi8(b64_hi, hi));
		unsigned k = 32, whole;
		__m256i v;

		if (!_mm256_testz_si256(bad, bad))   /* letters up to k */
			k = (unsigned)__builtin_ctz(~(uint32_t)_mm256_movemask_epi8(
				_mm256_cmpeq_epi8(bad, _mm256_setzero_si256())));
		whole = k & ~3u;
		if (whole) {   /* what follows them is decoded too, and written over later */
			hi = _mm256_add_epi8(hi, _mm256_cmpeq_epi8(x, _mm256_set1_epi8('/')));
			v = _mm256_add_epi8(x, _mm256_shuffle_epi8(offset, hi));
			v = _mm256_maddubs_epi16(v, _mm256_set1_epi32(0x01400140));
			v = _mm256_madd_epi16(v, _mm256_set1_epi32(0x00011000));
			v = _mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(v, order), lanes);
			_mm256_storeu_si256((__m256i *)o, v);
			o += whole / 4 * 3;
			i += whole;
		}
		if (k == 32)
			continue;
		/* a line's end after whole quanta is skipped here; anything
		 * else is left to the caller's loops */
		if (in[i] == '\n')
			i++;
		else if (in[i] == '\r' && i + 1 < n && in[i + 1] == '\n')
			i += 2;
		else
			break;
	}
	*used = i;
	return o - out;
}

static bool have_avx2(void)
{
	static int known = -1;

	if (known < 0)
		known = __builtin_cpu_supports("avx2") ? 1 : 0;
	return known;
}

static bool have_ssse3(void)
{
	static int known = -1;

	if (known < 0)
		known = __builtin_cpu_supports("ssse3") ? 1 : 0;
	return known;
}

#endif

/* b64_value spread over four tables, one per place in a quantum, each
 * giving its character's bits already shifted into the 24 of the three
 * output bytes; anything but a letter sets B64_NOT_LETTER. Four loads and
 * three ORs decode a quantum. Filled on first use from b64_value (the same
 * values every time, so a second filler would do no harm). */
#define B64_NOT_LETTER (1u << 24)
static uint32_t b64_place[4][256];
static bool b64_place_ready;

static void b64_place_fill(void)
{
	unsigned c, k;

	for (c = 0; c < 256; c++) {
		unsigned v = b64_value[c];
		for (k = 0; k < 4; k++)
			b64_place[k][c] = v < 64 ? (uint32_t)v << (18 - 6 * k) : B64_NOT_LETTER;
	}
	b64_place_ready = true;
}

static inline uint32_t b64_quantum(const unsigned char *q)
{
	return b64_place[0][q[0]] | b64_place[1][q[1]] | b64_place[2][q[2]] | b64_place[3][q[3]];
}

static inline void b64_put3(unsigned char *o, uint32_t q)
{
	o[0] = (unsigned char)(q >> 16);
	o[1] = (unsigned char)(q >> 8);
	o[2] = (unsigned char)q;
}

size_t qf_b64_step(struct qf_decoder *d, const unsigned char *in, size_t n, unsigned char *out)
{
	unsigned char *o = out;
	unsigned acc = d->acc, nacc = d->nacc;
	size_t i = 0;

	if (!b64_place_ready)
		b64_place_fill();
	while (i < n) {
		unsigned v;
		/* whole quanta, in vector blocks, then two at a time, then one:
		 * the common case, broken only by line ends, padding and damage */
		if (!nacc) {
#ifdef B64_X86
			if (i + 32 <= n && have_avx2()) {
				size_t used;
				o += b64_blocks_avx2(in + i, n - i, o, &used);
				i += used;
			}
			if (i + 16 <= n && have_ssse3()) {
				size_t used;
				o += b64_blocks_ssse3(in + i, n - i, o, &used);
				i += used;
			}
#endif
			while (i + 8 <= n) {
				uint32_t x = b64_quantum(in + i), y = b64_quantum(in + i + 4);
				if ((x | y) & B64_NOT_LETTER)
					break;
				b64_put3(o, x);
				b64_put3(o + 3, y);
				o += 6;
				i += 8;
			}
			if (i + 4 <= n) {
				uint32_t x = b64_quantum(in + i);
				if (!(x & B64_NOT_LETTER)) {
					b64_put3(o, x);
					o += 3;
					i += 4;
					continue;
				}
			}
			if (i >= n)
				break;
		}
		v = b64_value[in[i++]];
		if (v < 64) {
			acc = acc << 6 | v;
			if (++nacc == 4) {
				b64_put3(o, acc);
				o += 3;
				acc = nacc = 0;
			}
		} else if (v == B64_PAD) {
			d->acc = acc;
			d->nacc = nacc;
			o += qf_b64_flush(d, o);
			acc = nacc = 0;
		} else if (v == B64_BAD)
			d->error = true;
	}
	d->acc = acc;
	d->nacc = nacc;
	return o - out;
}
