/* mime_sink.c: the head, the size and a copy on disk of one decoded part. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "archive_sniff.h"
#include "sniff_mail.h"
#include "sniff_ole.h"
#include "io.h"
#include "mime_sink.h"

/* The whole head settles whether a copy is needed: a zip may start
 * anywhere in it (a self-extractor, bytes before the archive). */
#define DECIDE_AT QF_PART_HEAD

void qf_mime_sink_init(struct qf_mime_sink *s, const char *dir)
{
	s->head_len = 0;
	s->size = 0;
	s->fd = -1;
	s->copied = 0;
	s->decided = false;
	s->copy_all = false;
	s->in_memory = false;
	s->zip_end = false;
	s->inner_at = 0;
	s->tail = NULL;
	s->tail_len = 0;
	s->dir = dir;
}

bool qf_mime_sink_wants_copy(const unsigned char *head, size_t len)
{
	/* containers to look into (MZ included: a self-extractor, or an
	 * e_lfanew beyond the head; content that starts with zeros: an ISO's
	 * or a disk image's signature lies far in), and compound files,
	 * whose streams are read from the copy (sniff_ole.c), and mail
	 * messages, walked as messages (sniff_mail.c) */
	return qf_archive_sniff(head, len) != QF_ARCHIVE_NO || qf_sniff_ole_signature(head, len) ||
	       qf_sniff_mail(head, len);
}

/* The last QF_ZIP_END_TAIL bytes of what a cut copy could not hold. */
static int keep_tail(struct qf_mime_sink *s, const unsigned char *p, size_t n)
{
	size_t keep;

	if (!s->tail && !(s->tail = malloc(QF_ZIP_END_TAIL)))
		return -1;
	if (n >= QF_ZIP_END_TAIL) {
		memcpy(s->tail, p + n - QF_ZIP_END_TAIL, QF_ZIP_END_TAIL);
		s->tail_len = QF_ZIP_END_TAIL;
		return 0;
	}
	keep = s->tail_len < QF_ZIP_END_TAIL - n ? s->tail_len : QF_ZIP_END_TAIL - n;
	memmove(s->tail, s->tail + s->tail_len - keep, keep);
	memcpy(s->tail + keep, p, n);
	s->tail_len = keep + n;
	return 0;
}

/* A copy that outgrows memory moves to a temp file in the spool
 * directory, once (the temp file costs an inode and its journal, which
 * most parts, under QF_PART_MEMORY, are spared). */
static int to_disk(struct qf_mime_sink *s)
{
	int fd = qf_tempfile(s->dir);

	if (fd < 0)
		return -1;
	if (qf_copy_range(s->fd, 0, s->copied, fd) < 0) {
		close(fd);
		return -1;
	}
	close(s->fd);
	s->fd = fd;
	s->in_memory = false;
	return 0;
}

static int copy_out(struct qf_mime_sink *s, const unsigned char *p, size_t n)
{
	size_t room = s->copied < QF_PART_COPY_MAX ? (size_t)(QF_PART_COPY_MAX - s->copied) : 0;
	size_t take = n < room ? n : room;

	if (s->in_memory && s->copied + take > QF_PART_MEMORY && to_disk(s) < 0)
		return -1;
	if (take && qf_write_all(s->fd, p, take) < 0)
		return -1;
	s->copied += take;
	return take < n ? keep_tail(s, p + take, n - take) : 0;
}

/* Settles the copy: at once when the head is full (more may follow), or
 * at the end of a short part, whose head is all of it. */
static int decide(struct qf_mime_sink *s, bool whole)
{
	s->decided = true;
	if (whole && !s->copy_all && !qf_mime_sink_wants_copy(s->head, s->head_len) &&
	    !qf_archive_zip_ends(s->head, s->head_len)) {
		enum qf_inner_kind kind;
		uint64_t at;
		if (!qf_archive_inner_first(s->head, s->head_len, 0, &at, &kind))
			return 0;
	}
	s->fd = qf_tempfile_sized(s->dir, 0, QF_PART_MEMORY, &s->in_memory);
	if (s->fd < 0)
		return -1;
	return copy_out(s, s->head, s->head_len);
}

int qf_mime_sink_write(struct qf_mime_sink *s, const unsigned char *p, size_t n)
{
	size_t room = QF_PART_HEAD - s->head_len;
	size_t take = n < room ? n : room;

	s->size += n;
	if (take) {
		memcpy(s->head + s->head_len, p, take);
		s->head_len += take;
	}
	if (!s->decided) {
		if (s->head_len < DECIDE_AT)
			return 0;
		/* decide() copies the head, which holds the first take bytes */
		if (decide(s, false) < 0)
			return -1;
		p += take;
		n -= take;
	}
	if (s->fd >= 0 && n)
		return copy_out(s, p, n);
	return 0;
}

#define SCAN_BLOCK 65536

/* The archives inside content that is not one by its head (a container
 * by its head is walked whole): whether an archive's signature lies in
 * the copy (read in blocks that overlap by a signature's length; the
 * walk looks for each), and a zip's end record in its last bytes, with
 * the tail kept past a cut copy. */
static int look_inside(struct qf_mime_sink *s)
{
	size_t len = s->size < QF_ZIP_END_TAIL ? (size_t)s->size : QF_ZIP_END_TAIL;
	size_t from_copy = len - s->tail_len;
	size_t bufsize = len > SCAN_BLOCK ? len : SCAN_BLOCK;
	enum qf_archive_kind head = qf_archive_sniff(s->head, s->head_len);
	enum qf_inner_kind kind;
	unsigned char *buf;
	int found;

	if (head != QF_ARCHIVE_NO && head != QF_ARCHIVE_MAYBE)
		return 0;
	if (!(buf = malloc(bufsize)))
		return -1;
	found = qf_archive_inner_next(s->fd, 1, s->copied, buf, SCAN_BLOCK, &s->inner_at, &kind);
	if (found < 0)
		goto fail;
	if (!found)
		s->inner_at = 0;
	if (head == QF_ARCHIVE_NO) {
		/* a zip at the end of a container by its head is the walk's */
		if (qf_pread_exact(s->fd, buf, from_copy, s->copied - from_copy) < 0)
			goto fail;
		if (s->tail_len)
			memcpy(buf + from_copy, s->tail, s->tail_len);
		s->zip_end = qf_archive_zip_ends(buf, len);
	}
	free(buf);
	return 0;
fail:
	free(buf);
	return -1;
}

int qf_mime_sink_end(struct qf_mime_sink *s)
{
	if (!s->decided && decide(s, true) < 0)
		return -1;
	if (s->fd >= 0 && look_inside(s) < 0)
		return -1;
	if (s->fd >= 0 && lseek(s->fd, 0, SEEK_SET) < 0)
		return -1;
	return 0;
}

void qf_mime_sink_part(const struct qf_mime_sink *s, struct qf_part *p)
{
	p->head = s->head;
	p->head_len = s->head_len;
	p->size = s->size;
	p->fd = s->fd;
	p->zip_end = s->zip_end;
	p->inner_at = s->inner_at;
}

void qf_mime_sink_free(struct qf_mime_sink *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	free(s->tail);
	s->tail = NULL;
	s->tail_len = 0;
}
