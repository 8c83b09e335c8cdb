/* mime_decode.h: streaming Content-Transfer-Encoding decoders for the
 * MIME walk. They take the encoded body in pieces of any size, never hold
 * more than a line, and note damage instead of stopping: what can be
 * decoded is decoded. */
#ifndef QF_MIME_DECODE_H
#define QF_MIME_DECODE_H

#include <stdbool.h>
#include <stddef.h>

enum qf_cte {
	QF_CTE_IDENTITY,    /* 7bit, 8bit, binary, unknown */
	QF_CTE_BASE64,
	QF_CTE_QP,
	QF_CTE_UUENCODE     /* x-uuencode: "begin NNN name" ... "end" */
};

#define QF_UU_LINE_MAX 256  /* longer uuencode lines are damage, not data */
#define QF_DECODE_SLACK 64  /* out may get this much more than the input given */

struct qf_decoder {
	enum qf_cte cte;
	bool error;         /* damaged input was skipped or passed through */
	unsigned acc;       /* base64: bits not yet output */
	unsigned nacc;      /* base64: sextets in acc */
	int qp;             /* quoted-printable: state after '=' */
	int qp_hex;
	int uu;             /* uuencode: before begin, in body, after end */
	bool uu_overflow;   /* the current line was too long */
	size_t uu_len;
	unsigned char uu_line[QF_UU_LINE_MAX];
	char uu_name[256];  /* the name on the begin line */
};

/* The encoding named by a Content-Transfer-Encoding value (any case, may
 * be NULL); unknown names are identity. */
enum qf_cte qf_decoder_cte(const char *name);
void qf_decoder_init(struct qf_decoder *d, enum qf_cte cte);
/* Decodes n bytes of in into out, which has room for n + QF_DECODE_SLACK
 * bytes; returns the bytes written. */
size_t qf_decoder_step(struct qf_decoder *d, const unsigned char *in, size_t n,
		       unsigned char *out);
/* Flushes what is pending at the end of the body into out (room for
 * QF_DECODE_SLACK bytes); returns the bytes written. */
size_t qf_decoder_finish(struct qf_decoder *d, unsigned char *out);

/* One uuencoded line (without its newline) into out (room for 64 bytes).
 * Returns the bytes written, or -1 when the line is not uuencode. */
int qf_uu_decode_line(const unsigned char *line, size_t n, unsigned char *out);
/* The same for xxencode's alphabet ("+-0-9A-Za-z", 'h' for 45 bytes). */
int qf_xx_decode_line(const unsigned char *line, size_t n, unsigned char *out);
/* Whether the first line of a block is xxencode rather than uuencode:
 * valid xx of the length its first character gives, and not uu of its
 * length (uudeview tells them apart by the first lines too). */
bool qf_xx_line(const unsigned char *line, size_t n);
/* "begin NNN name" (or "begin-base64 NNN name" when b64 is not NULL):
 * true and the name (trimmed, at most namelen-1 bytes, may be empty) for
 * such a line. As readers take it: "begin" in any case, blanks of any
 * length, the mode may be missing ("begin name"). */
bool qf_uu_begin_line(const unsigned char *line, size_t n, char *name,
		      size_t namelen, bool *b64);

#endif
