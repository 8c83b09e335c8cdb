/* mime_sink.c: the head, the size and, for the few parts that need it,
 * a copy on disk of one decoded part. */
#include <errno.h>
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

static int copy_out(struct qf_mime_sink *s, const unsigned char *p, size_t n)
{
	if (s->copied >= QF_PART_COPY_MAX)
		return 0;
	if (n > QF_PART_COPY_MAX - s->copied)
		n = QF_PART_COPY_MAX - s->copied;
	if (qf_write_all(s->fd, p, n) < 0)
		return -1;
	s->copied += n;
	return 0;
}

/* Settles the copy once DECIDE_AT bytes (or all) are in the head. */
static int decide(struct qf_mime_sink *s)
{
	s->decided = true;
	if (!s->copy_all && !qf_mime_sink_wants_copy(s->head, s->head_len))
		return 0;
	s->fd = qf_tempfile(s->dir);
	if (s->fd < 0)
		return -1;
	return copy_out(s, s->head, s->head_len);
}

bool qf_mime_sink_counting(const struct qf_mime_sink *s)
{
	return s->decided && s->fd < 0 && s->head_len == QF_PART_HEAD;
}

void qf_mime_sink_count(struct qf_mime_sink *s, uint64_t n)
{
	s->size += n;
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
		if (decide(s) < 0)
			return -1;
		p += take;
		n -= take;
	}
	if (s->fd >= 0 && n)
		return copy_out(s, p, n);
	return 0;
}

int qf_mime_sink_end(struct qf_mime_sink *s)
{
	if (!s->decided && decide(s) < 0)
		return -1;
	if (s->fd >= 0 && lseek(s->fd, 0, SEEK_SET) < 0)
		return -1;
	return 0;
}

void qf_mime_sink_free(struct qf_mime_sink *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}
