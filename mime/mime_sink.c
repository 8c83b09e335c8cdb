/* mime_sink.c: the head, the size and, for the few parts that need it,
 * a copy on disk of one decoded part. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "io.h"
#include "mime_sink.h"

/* Enough of the head to settle whether a copy is needed: the DOS header,
 * which holds e_lfanew. */
#define DECIDE_AT 64
/* Zeros at the start that make a copy worth keeping: ISO 9660 puts its
 * signature at 32 KB, a fixed VHD its footer at the end (sniff_class.c). */
#define ZERO_HEAD DECIDE_AT
/* A compound file ([MS-CFB]: MSI, Office 97): its streams are read from
 * the copy (sniff_ole.c, which checks the same signature). */
static const unsigned char ole_signature[8] = { 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1 };

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
	uint32_t lfanew;
	size_t i;

	if (len >= 4 && !memcmp(head, "PK\3\4", 4))
		return true;
	if (len >= sizeof ole_signature && !memcmp(head, ole_signature, sizeof ole_signature))
		return true;
	for (i = 0; i < ZERO_HEAD && i < len && !head[i]; i++)
		;
	if (i == ZERO_HEAD)   /* a disk image's signature lies far in */
		return true;
	if (len < DECIDE_AT || memcmp(head, "MZ", 2))
		return false;
	lfanew = head[0x3c] | head[0x3d] << 8 | head[0x3e] << 16 | (uint32_t)head[0x3f] << 24;
	return lfanew > QF_PART_HEAD - 4;
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
