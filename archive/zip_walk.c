/* zip_walk.c: zip archives through libarchive, bounded.
 *
 * Only QF_ZIP_HEAD bytes of an entry are inflated, except for an entry
 * that is itself a zip archive, which is inflated into an unlinked temp
 * file and walked in turn, up to QF_ZIP_MAX_DEPTH levels. One budget of
 * entries and inflated bytes covers all levels, so 42.zip or an
 * overlapping-entries bomb ends at the limit. libarchive keeps the whole
 * central directory in memory, so the entry count the archive declares is
 * checked before it is opened. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <archive.h>
#include <archive_entry.h>
#include "io.h"
#include "zip_walk.h"

#define EOCD_LEN 22                      /* end of central directory record */
#define EOCD_TAIL (EOCD_LEN + 65535 + 20) /* the record, its comment, the zip64 locator */

struct zwalk {
	const char *dir;
	qf_zip_fn fn;
	void *arg;
	struct qf_zip_report *rep;
	char path[1024];
	unsigned char head[QF_ZIP_HEAD];
	const unsigned char *rest;   /* of the last block read_head took: what */
	size_t rest_len;             /* did not fit in head, for nested() */
};

static void note(struct qf_zip_report *rep, bool limit, const char *fmt, const char *what)
{
	/* a limit explains what follows it (an inner archive cut off there
	 * reads as damaged): its reason goes first */
	if (limit && !rep->limit)
		rep->why[0] = 0;
	if (limit)
		rep->limit = true;
	else
		rep->damaged = true;
	if (!rep->why[0]) {
		snprintf(rep->why, sizeof rep->why, fmt, what ? what : "?");
		for (char *c = rep->why; *c; c++)   /* libarchive's texts end in newlines */
			if ((unsigned char)*c < 0x20)
				*c = ' ';
	}
}

static uint64_t le(const unsigned char *p, int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

/* The most entries any end-of-central-directory record near the end of fd
 * declares (zip64 ones included); 0 when there is none. */
static uint64_t declared_entries(int fd)
{
	struct stat st;
	unsigned char *buf, z64[56];
	uint64_t most = 0, n, off;
	size_t tail;
	ssize_t got;
	size_t i;

	if (fstat(fd, &st) < 0 || st.st_size < EOCD_LEN)
		return 0;
	tail = st.st_size < EOCD_TAIL ? (size_t)st.st_size : EOCD_TAIL;
	buf = malloc(tail);
	if (!buf)
		return 0;
	got = pread(fd, buf, tail, st.st_size - tail);
	for (i = 0; got == (ssize_t)tail && i + EOCD_LEN <= tail; i++) {
		if (memcmp(buf + i, "PK\5\6", 4))
			continue;
		n = le(buf + i + 10, 2);
		if (n == 0xffff && i >= 20 && !memcmp(buf + i - 20, "PK\6\7", 4)) {
			off = le(buf + i - 20 + 8, 8);
			if (pread(fd, z64, sizeof z64, off) == sizeof z64 && !memcmp(z64, "PK\6\6", 4))
				n = le(z64 + 32, 8);
		}
		if (n > most)
			most = n;
	}
	free(buf);
	return most;
}

/* Block by block, keeping what a failing read still hands over: when an
 * entry's data ends before the size it declares (an archive that lies),
 * libarchive reports it with the block that reached the end, and
 * archive_read_data() would drop that block -- the whole entry, for a
 * small one. A recipient's unzip tool extracts those bytes, so they are
 * looked at. */
static size_t read_head(struct zwalk *z, struct archive *a, size_t cap)
{
	size_t len = 0;

	z->rest = NULL;
	z->rest_len = 0;
	while (len < cap) {
		const void *block;
		size_t size = 0;
		la_int64_t off = 0;
		int r = archive_read_data_block(a, &block, &size, &off);
		if (r == ARCHIVE_EOF)
			break;
		if (size && off >= 0 && (uint64_t)off < cap) {
			size_t at = (size_t)off, n = size < cap - at ? size : cap - at;
			if (at > len)
				memset(z->head + len, 0, at - len);   /* a sparse hole */
			memcpy(z->head + at, block, n);
			if (at + n > len)
				len = at + n;
			z->rest = (const unsigned char *)block + n;
			z->rest_len = size - n;
			z->rep->bytes += z->rest_len;   /* inflated all the same */
		}
		if (r < ARCHIVE_OK) {
			note(z->rep, false, "unreadable entry: %.100s", archive_error_string(a));
			if (r <= ARCHIVE_FAILED)
				break;
		}
		if (size == 0 && r == ARCHIVE_OK)
			break;
	}
	z->rep->bytes += len;
	return len;
}

static int walk_fd(struct zwalk *z, int fd, unsigned depth, size_t base);

/* An archive inside the archive: the rest of it into a temp file, then in. */
static int nested(struct zwalk *z, struct archive *a, size_t hlen, unsigned depth)
{
	struct qf_zip_report *rep = z->rep;
	unsigned char buf[16384];
	size_t base = strlen(z->path);
	int t, rc = -1;

	if ((t = qf_tempfile(z->dir)) < 0)
		return -1;
	if (qf_write_all(t, z->head, hlen) < 0 || (z->rest_len && qf_write_all(t, z->rest, z->rest_len) < 0))
		goto out;
	for (;;) {
		uint64_t room = QF_ZIP_MAX_BYTES - rep->bytes;
		la_ssize_t got;
		if (!room) {
			note(rep, true, "inflated bytes over the limit in %.100s", z->path);
			break;
		}
		got = archive_read_data(a, buf, room < sizeof buf ? room : sizeof buf);
		if (got < 0)
			note(rep, false, "unreadable entry: %.100s", archive_error_string(a));
		if (got <= 0)
			break;
		rep->bytes += got;
		if (qf_write_all(t, buf, got) < 0)
			goto out;
	}
	if (base + 1 < sizeof z->path) {
		z->path[base++] = '/';
		z->path[base] = 0;
	}
	rc = walk_fd(z, t, depth + 1, base);
out:
	close(t);
	return rc;
}

static int entry(struct zwalk *z, struct archive *a, struct archive_entry *e,
		 unsigned depth, size_t base)
{
	struct qf_zip_report *rep = z->rep;
	struct qf_zip_entry ent;
	const char *name = archive_entry_pathname(e);

	if (!name)
		name = archive_entry_pathname_utf8(e);
	snprintf(z->path + base, sizeof z->path - base, "%s", name ? name : "?");
	memset(&ent, 0, sizeof ent);
	ent.path = z->path;
	ent.name = strrchr(z->path + base, '/') ? strrchr(z->path + base, '/') + 1 : z->path + base;
	ent.depth = depth;
	ent.head = z->head;
	ent.size = archive_entry_size_is_set(e) ? (uint64_t)archive_entry_size(e) : 0;
	ent.encrypted = archive_entry_is_data_encrypted(e) > 0;
	if (ent.encrypted)
		rep->encrypted++;
	else {
		uint64_t room = QF_ZIP_MAX_BYTES - rep->bytes;
		ent.head_len = read_head(z, a, room < QF_ZIP_HEAD ? room : QF_ZIP_HEAD);
	}
	if (ent.size < ent.head_len)    /* not declared (a streamed entry) */
		ent.size = ent.head_len;
	if (z->fn(z->arg, &ent)) {
		rep->stopped = true;
		return 0;
	}
	if (ent.head_len < 4 || memcmp(ent.head, "PK\3\4", 4))
		return 0;
	if (depth >= QF_ZIP_MAX_DEPTH) {
		note(rep, true, "archives nested too deeply at %.100s", z->path);
		return 0;
	}
	return nested(z, a, ent.head_len, depth);
}

static int walk_fd(struct zwalk *z, int fd, unsigned depth, size_t base)
{
	struct qf_zip_report *rep = z->rep;
	struct archive_entry *e;
	struct archive *a;
	int r, rc = 0;

	if (declared_entries(fd) > QF_ZIP_MAX_ENTRIES - rep->entries) {
		note(rep, true, "too many entries in %.100s", depth > 1 ? z->path : "the archive");
		return 0;
	}
	if (lseek(fd, 0, SEEK_SET) < 0 || !(a = archive_read_new()))
		return -1;
	archive_read_support_format_zip(a);
	if (archive_read_open_fd(a, fd, 16384) != ARCHIVE_OK) {
		note(rep, false, "not a readable zip: %.100s", archive_error_string(a));
		archive_read_free(a);
		return 0;
	}
	while (!rep->stopped && !rep->limit) {
		r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r == ARCHIVE_RETRY || r == ARCHIVE_FATAL) {
			note(rep, false, "damaged zip: %.100s", archive_error_string(a));
			break;
		}
		if (++rep->entries > QF_ZIP_MAX_ENTRIES) {
			note(rep, true, "too many entries%s", "");
			break;
		}
		if (r == ARCHIVE_FAILED) {
			note(rep, false, "damaged entry: %.100s", archive_error_string(a));
			continue;
		}
		if (archive_entry_filetype(e) == AE_IFDIR)
			continue;
		if ((rc = entry(z, a, e, depth, base)) < 0)
			break;
		if (rep->bytes >= QF_ZIP_MAX_BYTES)
			note(rep, true, "inflated bytes over the limit%s", "");
	}
	archive_read_free(a);
	z->path[base] = 0;
	return rc;
}

int qf_zip_walk(int fd, const char *dir, qf_zip_fn fn, void *arg,
		struct qf_zip_report *rep)
{
	struct zwalk *z = calloc(1, sizeof *z);
	int rc;

	memset(rep, 0, sizeof *rep);
	if (!z)
		return -1;
	z->dir = dir;
	z->fn = fn;
	z->arg = arg;
	z->rep = rep;
	rc = walk_fd(z, fd, 1, 0);
	free(z);
	return rc;
}
