/* mime_sink.h: where the decoded bytes of one part go. The sink keeps the
 * first QF_PART_HEAD bytes and the size; it keeps a whole copy in an
 * unlinked temp file only when a filter has to read past the head: a
 * container the archive walk opens (archive_sniff.h), which includes any
 * MZ executable (a self-extractor, or an e_lfanew beyond the head) and
 * content that starts with zeros (an ISO, a disk image), or a compound
 * file (its streams: sniff_ole.h). Memory stays at the head, whatever the
 * part's size. */
#ifndef QF_MIME_SINK_H
#define QF_MIME_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "mime_part.h"

#define QF_PART_COPY_MAX (64ULL << 20)  /* bytes of a part's copy on disk */

struct qf_mime_sink {
	unsigned char head[QF_PART_HEAD];
	size_t head_len;
	uint64_t size;
	int fd;              /* the copy, or -1 */
	uint64_t copied;     /* bytes in fd: size, or QF_PART_COPY_MAX when cut */
	bool decided;        /* whether to copy is settled */
	bool copy_all;       /* copy whatever the content (an encoded message) */
	const char *dir;     /* for the temp file; NULL: $TMPDIR or /tmp */
};

void qf_mime_sink_init(struct qf_mime_sink *s, const char *dir);
/* 0, or -1 with errno when the copy cannot be written. */
int qf_mime_sink_write(struct qf_mime_sink *s, const unsigned char *p, size_t n);
/* Ends the part: settles the copy for short parts and rewinds it. 0 or -1. */
int qf_mime_sink_end(struct qf_mime_sink *s);
/* Past the head of a part with no copy kept, further bytes only add to
 * the size: the walk may count them instead of decoding them. */
bool qf_mime_sink_counting(const struct qf_mime_sink *s);
void qf_mime_sink_count(struct qf_mime_sink *s, uint64_t n);
/* Closes the copy. */
void qf_mime_sink_free(struct qf_mime_sink *s);
/* Whether content starting with head needs a copy on disk. */
bool qf_mime_sink_wants_copy(const unsigned char *head, size_t len);

#endif
