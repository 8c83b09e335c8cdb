/* mime_uu.h: finds "begin NNN name" ... "end" blocks (uuencode, or
 * xxencode by the alphabet of the first line; and uuencode -m's
 * "begin-base64 NNN name" ... "===="), BinHex 4.0 blocks, yEnc blocks
 * and bare base64 runs of a program (mime_b64run.h) in the decoded text
 * of a part and decodes them, as mail readers do, so that the walk can
 * hand each on as a part of its own. */
#ifndef QF_MIME_UU_H
#define QF_MIME_UU_H

#include <stdbool.h>
#include <stddef.h>
#include "mime_b64run.h"
#include "mime_binhex.h"
#include "mime_decode.h"

#define QF_TEXT_LINE_MAX 1024   /* longer lines in a block end it, damaged */

enum qf_text_block { QF_BLOCK_UU, QF_BLOCK_UU_B64, QF_BLOCK_BINHEX, QF_BLOCK_YENC,
		      QF_BLOCK_XX, QF_BLOCK_B64RUN };

enum qf_uu_event {
	QF_UU_BEGIN,        /* a block starts; its name is in u->name by its end */
	QF_UU_DATA,         /* decoded bytes of the block */
	QF_UU_END           /* the block ended; damaged says whether it was whole */
};

/* Returns 0, or -1 to stop the scan (an error the caller recorded). */
typedef int (*qf_uu_fn)(void *arg, enum qf_uu_event ev, const unsigned char *p,
			size_t n, bool damaged);

struct qf_mime_uu {
	qf_uu_fn fn;
	void *arg;
	bool bol;           /* the next byte starts a line */
	bool collecting;    /* the current line is being kept */
	bool overflow;      /* ... and was too long */
	bool midline;       /* a long line is taken in pieces (base64 runs) */
	bool in_block;
	enum qf_text_block kind;
	bool first_data;    /* uu: the first line after "begin" is still to come */
	bool run_sure;      /* base64 run: its head is a program's, BEGIN sent */
	size_t run_len;
	unsigned char run_head[QF_B64RUN_HEAD];
	bool stopped;
	size_t len;
	unsigned char line[QF_TEXT_LINE_MAX];
	char name[256];
	struct qf_decoder dec;
	struct qf_binhex bh;
};

void qf_mime_uu_init(struct qf_mime_uu *u, qf_uu_fn fn, void *arg);
/* Scans n more bytes of text. -1 once fn has stopped the scan. */
int qf_mime_uu_feed(struct qf_mime_uu *u, const unsigned char *p, size_t n);
/* The text ended: a block still open ends damaged. */
int qf_mime_uu_finish(struct qf_mime_uu *u);
/* The encoding of the block (for struct qf_part's encoding). */
const char *qf_mime_uu_kind(const struct qf_mime_uu *u);

#endif
