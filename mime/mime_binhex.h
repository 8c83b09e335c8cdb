/* mime_binhex.h: BinHex 4.0 (RFC 1741) blocks, decoded a line at a time
 * as they stream past inside a text part: six bits a letter, then the
 * 0x90 run-length code, then the header (name, type, fork lengths), the
 * data fork and its CRC. The data fork is what readers save; the
 * resource fork is skipped. */
#ifndef QF_MIME_BINHEX_H
#define QF_MIME_BINHEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where decoded data-fork bytes go; 0, or -1 to stop. */
typedef int (*qf_binhex_out)(void *arg, const unsigned char *p, size_t n);

struct qf_binhex {
	qf_binhex_out out;
	void *arg;
	bool started;          /* the opening ':' was seen */
	bool ended;            /* the closing ':' was seen, or the data fork is whole */
	bool error;            /* a letter outside the alphabet, a bad CRC, a short fork */
	unsigned acc, nbits;   /* bits of letters not yet a byte */
	bool marker;           /* the last byte was the 0x90 run marker */
	bool have_last;
	unsigned char last;    /* the byte a run repeats */
	unsigned phase;        /* header, data fork, its CRC, the rest */
	unsigned char hdr[1 + 63 + 1 + 4 + 4 + 2 + 4 + 4 + 2];
	size_t hlen, hneed;
	uint32_t dlen, dgot;
	uint16_t crc, want_crc;
	unsigned ncrc;
	unsigned char buf[256];   /* data-fork bytes not yet handed on */
	size_t nbuf;
	char name[64];         /* from the header, once it is read */
};

void qf_binhex_init(struct qf_binhex *b, qf_binhex_out out, void *arg);
/* Whether a text line is the banner before a block. */
bool qf_binhex_banner(const unsigned char *l, size_t n);
/* One line after the banner (no newline). 0, or -1 when out stopped. */
int qf_binhex_line(struct qf_binhex *b, const unsigned char *l, size_t n);
/* The text ended (or the block did): hands on what is buffered and
 * notes a block cut short. 0 or -1. */
int qf_binhex_finish(struct qf_binhex *b);

#endif
