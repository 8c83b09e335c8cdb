/* mime_sink.h: where the decoded bytes of one part go. The sink keeps the
 * first QF_PART_HEAD bytes and the size, and a whole copy in an unlinked
 * temp file of every part longer than the head, or shorter but a
 * container (archive_sniff.h, which includes any MZ executable), a
 * compound file (sniff_ole.h) or a mail message (sniff_mail.h): filters
 * read past the head of those, and a zip may end any content (unzip
 * finds it from its end, behind a picture or a document; 7-Zip finds
 * archives anywhere in it by their signatures). The copy is a memfd up
 * to QF_PART_MEMORY, then a file in the spool directory: memory stays
 * at the head and that much, whatever the part's size. */
#ifndef QF_MIME_SINK_H
#define QF_MIME_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "mime_part.h"

#define QF_PART_COPY_MAX (64ULL << 20)  /* bytes of a part's copy on disk */
#define QF_PART_MEMORY (256U << 10)     /* a copy up to this stays in memory (memfd) */

struct qf_mime_sink {
	unsigned char head[QF_PART_HEAD];
	size_t head_len;
	uint64_t size;
	int fd;              /* the copy, or -1 */
	uint64_t copied;     /* bytes in fd: size, or QF_PART_COPY_MAX when cut */
	bool decided;        /* whether to copy is settled */
	bool copy_all;       /* copy whatever the content (an encoded message) */
	bool in_memory;      /* fd is a memfd, until the copy outgrows QF_PART_MEMORY */
	bool zip_end;        /* a zip's end record ends the content (set at the end) */
	uint64_t inner_at;   /* the first archive signature past the start, or 0 (set at the end) */
	unsigned char *tail; /* past a copy cut at QF_PART_COPY_MAX: the last bytes */
	size_t tail_len;
	const char *dir;     /* for the temp file; NULL: $TMPDIR or /tmp */
};

void qf_mime_sink_init(struct qf_mime_sink *s, const char *dir);
/* 0, or -1 with errno when the copy cannot be written. */
int qf_mime_sink_write(struct qf_mime_sink *s, const unsigned char *p, size_t n);
/* Ends the part: settles the copy for short parts, rewinds it, and
 * sets zip_end and inner_at from the copy. 0 or -1. */
int qf_mime_sink_end(struct qf_mime_sink *s);
/* What the ended part holds, as a qf_part sees it: head (pointing into
 * s), size, copy, a zip at its end, the first archive inside. */
void qf_mime_sink_part(const struct qf_mime_sink *s, struct qf_part *p);
/* Closes the copy. */
void qf_mime_sink_free(struct qf_mime_sink *s);
/* Whether content starting with head needs a copy on disk, however short. */
bool qf_mime_sink_wants_copy(const unsigned char *head, size_t len);

#endif
