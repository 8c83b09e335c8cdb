/* archive_walk.c: containers through libarchive (and archive_tnef.c),
 * bounded, recursive, one budget per message.
 *
 * Each member is read whole, so that a CRC, a truncation or a size that
 * lies shows (libarchive checks them as the data ends); its first
 * QF_PART_HEAD bytes and, when it is itself a container or an MZ file, a
 * copy in an unlinked temp file are kept by a qf_mime_sink, as for a MIME
 * part. Before each read the budget (bytes, ratio, time) is checked, so no
 * limit is found out after the work it was meant to spare. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <archive.h>
#include <archive_entry.h>
#include "archive_onenote.h"
#include "archive_sniff.h"
#include "archive_tnef.h"
#include "archive_walk.h"
#include "archive_zipdir.h"
#include "clock.h"
#include "exitcodes.h"
#include "io.h"
#include "mime_sink.h"

#define CHUNK 65536
#define NAME_MAX_LOGGED 120
#define TNEF_MAX (16ULL << 20)   /* a TNEF stream is read into memory: at most this */
#define QF_INNER_TRIES 8         /* signatures inside a part with no archive behind them */

struct awalk {
	struct qf_archive_budget *b;
	int64_t deadline_ms;
	struct qf_walk_error *err;
	qf_archive_fn fn;
	void *arg;
	const struct qf_part *top;   /* the MIME part the walk began in */
	const char *dir;
	char where[QF_ARCHIVE_WHERE];  /* the MIME part's name */
	bool stop;                   /* a refusal stands, the budget is spent, or an error */
	int rc;
	unsigned char buf[CHUNK];
};

/* What one container lets its members read: the budget's bytes, and its
 * ratio to what it holds packed. */
struct box {
	uint64_t packed;
	uint64_t unpacked;
	bool spent;                  /* a bound was met: read no further in it (skipping
	                                a member would still unpack it) */
};

/* How a member's bytes are read: libarchive, or memory (TNEF). */
struct source {
	struct archive *a;
	const unsigned char *pending;  /* what is left of libarchive's last block */
	size_t pending_len;
	uint64_t pending_off;          /* its offset in the member */
	bool warned;                   /* the block came with a warning: an error after it */
	const unsigned char *mem;
	size_t memlen;
	const char *memerr;          /* a memory member that ended early: why */
	bool range;                  /* or a range of a copy (OneNote) */
	int fd;
	uint64_t range_at, range_left;
};

static void container_walk(struct awalk *w, int fd, uint64_t packed, const char *name,
			   const char *outer, unsigned level, enum qf_archive_kind kind);
static void inner_walk(struct awalk *w, int fd, uint64_t size, uint64_t from, const char *name,
		       const char *outer, unsigned level);

bool qf_archive_wanted(const struct qf_part *p)
{
	return p->fd >= 0 && (p->zip_end || p->inner_at ||
			      qf_archive_sniff(p->head, p->head_len) != QF_ARCHIVE_NO);
}

/* The walks of a part or a member whose content was kept: as the
 * container its head says, as a zip that ends it, and at the archives'
 * signatures inside it. */
static void walk_part(struct awalk *w, const struct qf_part *p, const char *name, const char *outer,
		      unsigned level)
{
	enum qf_archive_kind kind = qf_archive_sniff(p->head, p->head_len);

	if (p->fd < 0)
		return;
	if (kind != QF_ARCHIVE_NO || p->zip_end)
		container_walk(w, p->fd, p->size, name, outer, level, kind);
	if (!w->stop && p->inner_at)
		inner_walk(w, p->fd, p->size, p->inner_at, name, outer, level);
}

static void hand_on(struct awalk *w, struct qf_part *p)
{
	if (w->fn(p, w->arg))
		w->stop = true;
}

/* Trouble with a container as a whole: a member of no name and no bytes. */
static void problem(struct awalk *w, const char *where, unsigned level, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void problem(struct awalk *w, const char *where, unsigned level, const char *fmt, ...)
{
	struct qf_part p;
	char why[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	memset(&p, 0, sizeof p);
	p.index = w->top->index;
	p.depth = w->top->depth;
	p.level = level;
	p.container = where;
	p.unchecked = why;
	p.content_type = "application/octet-stream";
	p.fd = -1;
	hand_on(w, &p);
}

/* The walk stops at its first error, which is the one reported. */
static void error(struct awalk *w, int code, const char *what)
{
	w->rc = -1;
	w->stop = true;
	if (w->err->exit)
		return;
	w->err->exit = code;
	snprintf(w->err->text, sizeof w->err->text, "archive walk: %s: %s", what,
		 code == QF_EXIT_TIMEOUT ? "timeout" : strerror(errno));
}

/* The longest read the bounds allow now; 0 with why set when none. */
static size_t room(struct awalk *w, struct box *box, const char *name, char *why, size_t len)
{
	uint64_t left = QF_ARCHIVE_MAX_BYTES - w->b->bytes;
	uint64_t ratio = box->packed * QF_ARCHIVE_RATIO + QF_ARCHIVE_RATIO_FREE;

	if (qf_expired(w->deadline_ms)) {
		error(w, QF_EXIT_TIMEOUT, name);
		return 0;
	}
	if (!left) {
		snprintf(why, len, "unpacked bytes over the limit of %llu at entry %.*s",
			 (unsigned long long)QF_ARCHIVE_MAX_BYTES, NAME_MAX_LOGGED, name);
		box->spent = true;
		w->stop = true;   /* the budget is the message's: nothing more can be read */
		return 0;
	}
	if (box->unpacked >= ratio) {
		snprintf(why, len, "unpacked over %u times its packed size at entry %.*s",
			 QF_ARCHIVE_RATIO, NAME_MAX_LOGGED, name);
		box->spent = true;
		return 0;
	}
	if (left > ratio - box->unpacked)
		left = ratio - box->unpacked;
	return left < CHUNK ? (size_t)left : CHUNK;
}

/* Up to n bytes of the member into buf. libarchive hands out blocks of
 * its own size (its buffers: at most a few hundred KB), at offsets with
 * holes between them for sparse entries; what is past n waits in pending
 * for the next call, holes are zeros. A block that comes with a warning
 * (a CRC, a size that lies) is kept and the warning reported after it:
 * archive_read_data() would drop those bytes. Returns the bytes, 0 at the
 * end, -1 on an error (after the bytes that came before it). */
static ssize_t source_read(struct source *s, unsigned char *buf, size_t n, uint64_t at)
{
	const void *block;
	size_t len;
	la_int64_t off;
	int r;

	if (s->range) {
		ssize_t got;
		if (n > s->range_left)
			n = (size_t)s->range_left;
		if (!n)
			return 0;
		if ((got = pread(s->fd, buf, n, (off_t)s->range_at)) <= 0) {
			s->memerr = "read error";
			return -1;
		}
		s->range_at += (uint64_t)got;
		s->range_left -= (uint64_t)got;
		return got;
	}
	if (!s->a) {
		if (n > s->memlen)
			n = s->memlen;
		memcpy(buf, s->mem, n);
		s->mem += n;
		s->memlen -= n;
		return (ssize_t)n;
	}
	while (!s->pending_len) {
		if (s->warned)
			return -1;
		r = archive_read_data_block(s->a, &block, &len, &off);
		if (r == ARCHIVE_EOF)
			return 0;
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
			return -1;
		s->warned = r == ARCHIVE_WARN;
		s->pending = block;
		s->pending_len = len;
		s->pending_off = off < 0 ? at : (uint64_t)off;
	}
	if (s->pending_off > at) {           /* a hole: zeros up to the block */
		if (n > s->pending_off - at)
			n = (size_t)(s->pending_off - at);
		memset(buf, 0, n);
		return (ssize_t)n;
	}
	if (n > s->pending_len)
		n = s->pending_len;
	memcpy(buf, s->pending, n);
	s->pending += n;
	s->pending_len -= n;
	s->pending_off += n;
	return (ssize_t)n;
}

static const char *errstr(struct archive *a)
{
	const char *e = archive_error_string(a);

	return e && *e ? e : "no reason given";
}

static void read_error(struct source *s, const char *name, char *why, size_t len)
{
	const char *err = s->a ? errstr(s->a) : s->memerr ? s->memerr : "unreadable";

	int n = (int)strcspn(err, "\r\n");   /* libarchive ends some with a newline */

	if (n > 100)
		n = 100;
	if (strcasestr(err, "truncat") || strcasestr(err, "premature") || strcasestr(err, "unexpected end"))
		snprintf(why, len, "truncated entry %.*s (%.*s)", NAME_MAX_LOGGED, name, n, err);
	else
		snprintf(why, len, "unreadable entry %.*s: %.*s", NAME_MAX_LOGGED, name, n, err);
}

/* One member: read whole within the bounds, handed on, walked if it is a
 * container itself. declared: its size as the archive says, or -1. */
static void member(struct awalk *w, struct source *src, struct box *box, const char *name,
		   int64_t declared, bool encrypted, const char *where, unsigned level)
{
	struct qf_mime_sink sink;
	struct qf_part p;
	char why[300] = "";

	qf_mime_sink_init(&sink, w->dir);
	if (encrypted)
		snprintf(why, sizeof why, "encrypted entry %.*s", NAME_MAX_LOGGED, name);
	while (!encrypted && !w->stop) {
		size_t n = room(w, box, name, why, sizeof why);
		ssize_t got;
		if (!n)
			break;
		if ((got = source_read(src, w->buf, n, sink.size)) < 0) {
			read_error(src, name, why, sizeof why);
			break;
		}
		if (!got) {
			if (!src->a && src->memerr)
				read_error(src, name, why, sizeof why);
			break;
		}
		w->b->bytes += got;
		box->unpacked += got;
		if (qf_mime_sink_write(&sink, w->buf, got) < 0) {
			error(w, QF_EXIT_WRITE, "keeping a member's copy");
			break;
		}
	}
	if (w->rc < 0) {
		qf_mime_sink_free(&sink);
		return;
	}
	if (!why[0] && declared > 0 && sink.size < (uint64_t)declared)
		snprintf(why, sizeof why, "entry %.*s shorter than declared (%llu of %lld bytes)",
			 NAME_MAX_LOGGED, name, (unsigned long long)sink.size, (long long)declared);
	if (qf_mime_sink_end(&sink) < 0) {
		error(w, QF_EXIT_WRITE, "keeping a member's copy");
		qf_mime_sink_free(&sink);
		return;
	}
	memset(&p, 0, sizeof p);
	p.index = w->top->index;
	p.depth = w->top->depth;
	p.level = level;
	p.container = where;
	p.unchecked = why[0] ? why : NULL;
	p.content_type = "application/octet-stream";
	p.filename = name;
	qf_mime_sink_part(&sink, &p);
	p.decode_error = why[0] != 0;
	hand_on(w, &p);
	if (!w->stop)
		walk_part(w, &p, name, where, level + 1);
	qf_mime_sink_free(&sink);
}

/* ---- libarchive ---- */

enum reading { READ_ARCHIVE, READ_RAW, READ_ZIP_STREAM, READ_ZIP_END, READ_ISO_JOLIET, READ_ISO_PLAIN };

/* The decompression filters, each registered only when libarchive has
 * its codec built in: without it, a filter (lzop, lrzip, grzip always in
 * Debian's build; gzip, xz and others in a build without their library)
 * runs an external program on the mail's bytes, which qfilter never does.
 * libarchive says so by returning ARCHIVE_WARN when one is registered;
 * each is tried once on a scratch handle. A format whose filter is not
 * here is not readable: unchecked (archive_sniff.c lists them closed). */
static int (*const filters[])(struct archive *) = {
	archive_read_support_filter_bzip2, archive_read_support_filter_compress,
	archive_read_support_filter_gzip, archive_read_support_filter_lzip,
	archive_read_support_filter_lzma, archive_read_support_filter_xz,
	archive_read_support_filter_lz4, archive_read_support_filter_zstd,
	archive_read_support_filter_rpm, archive_read_support_filter_uu,
	archive_read_support_filter_lzop, archive_read_support_filter_lrzip,
	archive_read_support_filter_grzip,
};
#define NFILTERS (sizeof filters / sizeof *filters)

static void support_builtin_filters(struct archive *a)
{
	static signed char builtin[NFILTERS];   /* 0 not tried yet, 1 built in, -1 a program */
	size_t i;

	for (i = 0; i < NFILTERS; i++) {
		if (!builtin[i]) {
			struct archive *t = archive_read_new();
			if (!t)
				continue;   /* not known: not registered this time */
			builtin[i] = filters[i](t) == ARCHIVE_OK ? 1 : -1;
			archive_read_free(t);
		}
		if (builtin[i] > 0)
			filters[i](a);
	}
}

/* What libarchive reads: the content from base to its end, by pread, so
 * that an archive inside other content reads as if it began the file. */
struct view {
	int fd;
	uint64_t base, size, pos;   /* size and pos from base */
	unsigned char buf[CHUNK];
};

static la_ssize_t view_read(struct archive *a, void *arg, const void **out)
{
	struct view *v = arg;
	size_t want = v->size - v->pos < CHUNK ? (size_t)(v->size - v->pos) : CHUNK;
	ssize_t got = want ? pread(v->fd, v->buf, want, (off_t)(v->base + v->pos)) : 0;

	if (got < 0) {
		archive_set_error(a, errno, "read error");
		return -1;
	}
	v->pos += (uint64_t)got;
	*out = v->buf;
	return got;
}

static la_int64_t view_seek(struct archive *a, void *arg, la_int64_t off, int whence)
{
	struct view *v = arg;
	la_int64_t to = whence == SEEK_SET ? off : whence == SEEK_CUR ? (la_int64_t)v->pos + off :
		(la_int64_t)v->size + off;

	(void)a;
	if (to < 0)
		return ARCHIVE_FATAL;
	v->pos = (uint64_t)to > v->size ? v->size : (uint64_t)to;
	return (la_int64_t)v->pos;
}

static la_int64_t view_skip(struct archive *a, void *arg, la_int64_t n)
{
	struct view *v = arg;
	uint64_t left = v->size - v->pos;

	(void)a;
	if (n <= 0)
		return 0;
	if ((uint64_t)n > left)
		n = (la_int64_t)left;
	v->pos += (uint64_t)n;
	return n;
}

static int view_close(struct archive *a, void *arg)
{
	(void)a;
	free(arg);
	return ARCHIVE_OK;
}

static struct archive *open_at(int fd, uint64_t base, enum reading how)
{
	struct archive *a;
	struct view *v;
	struct stat st;

	if (fstat(fd, &st) < 0 || (uint64_t)st.st_size < base || !(a = archive_read_new()))
		return NULL;
	if (how != READ_ZIP_END)
		support_builtin_filters(a);
	if (how == READ_ISO_JOLIET || how == READ_ISO_PLAIN) {
		/* the other directory trees of an ISO 9660 image (libarchive
		 * reads Rock Ridge first; 7-Zip and Windows read Joliet) */
		archive_read_support_format_iso9660(a);
		if (archive_read_set_options(a, how == READ_ISO_JOLIET ? "iso9660:!rockridge" :
					     "iso9660:!rockridge,iso9660:!joliet") != ARCHIVE_OK) {
			archive_read_free(a);
			return NULL;
		}
	} else if (how == READ_ZIP_END)
		/* a zip after another container: the seekable reader finds
		 * it by its end record, as unzip does; no filter, or one would
		 * unpack the container in front instead */
		archive_read_support_format_zip_seekable(a);
	else if (how == READ_RAW)
		archive_read_support_format_raw(a);
	else if (how == READ_ZIP_STREAM)
		archive_read_support_format_zip_streamable(a);
	else {
		/* every archive format but the ones that read plain text
		 * (mtree, raw, empty) or are not containers of files */
		archive_read_support_format_7zip(a);
		archive_read_support_format_ar(a);
		archive_read_support_format_cab(a);
		archive_read_support_format_cpio(a);
		archive_read_support_format_iso9660(a);
		archive_read_support_format_lha(a);
		archive_read_support_format_rar(a);
		archive_read_support_format_rar5(a);
		archive_read_support_format_tar(a);
		archive_read_support_format_zip(a);
	}
	if (!(v = malloc(sizeof *v))) {
		archive_read_free(a);
		return NULL;
	}
	v->fd = fd;
	v->base = base;
	v->size = (uint64_t)st.st_size - base;
	v->pos = 0;
	/* the view is freed by view_close, also when the open fails */
	if (archive_read_set_seek_callback(a, view_seek) != ARCHIVE_OK ||
	    archive_read_open2(a, v, NULL, view_read, view_skip, view_close) != ARCHIVE_OK) {
		archive_read_free(a);
		return NULL;
	}
	return a;
}

static struct archive *open_fd(int fd, enum reading how)
{
	return open_at(fd, 0, how);
}

/* "notes.txt.gz" -> "notes.txt": a raw stream's member is its file. */
static void raw_name(char *dst, size_t len, const char *container, const char *given)
{
	const char *dot;

	if (given && *given && strcmp(given, "data")) {
		snprintf(dst, len, "%s", given);
		return;
	}
	dot = container ? strrchr(container, '.') : NULL;
	if (dot && dot != container)
		snprintf(dst, len, "%.*s", (int)(dot - container), container);
	else
		snprintf(dst, len, "%s", "data");
}

/* Returns true when the archive's structure was damaged (not an entry's
 * data), which is noted once per reading: reading names it ("archive",
 * "zip at its end", ...). quiet: a reading at a signature inside other
 * content, where no archive at all is no damage (7-Zip tries the next);
 * the archives among its members are read as anywhere. */
static bool walk_archive(struct awalk *w, struct archive *a, const char *reading, bool raw,
			 bool quiet, uint64_t packed, const char *name, const char *where,
			 unsigned level)
{
	bool damaged = false, read_any = false;
	struct source src;
	struct box box = { packed, 0, false };
	struct archive_entry *e;
	char mname[512];
	int r;

	while (!w->stop && !box.spent) {
		const char *path;
		r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r == ARCHIVE_FATAL || r == ARCHIVE_RETRY) {
			if (quiet && !read_any)
				break;   /* no archive at this signature */
			problem(w, where, level, "damaged %s: %.100s", reading, errstr(a));
			damaged = true;
			break;
		}
		if (w->b->entries >= QF_ARCHIVE_MAX_ENTRIES) {
			problem(w, where, level, "more than %u entries", QF_ARCHIVE_MAX_ENTRIES);
			w->stop = true;
			break;
		}
		w->b->entries++;
		read_any = true;
		path = archive_entry_pathname(e);
		if (!path)
			path = archive_entry_pathname_utf8(e);
		if (raw)
			raw_name(mname, sizeof mname, name, path);
		else
			snprintf(mname, sizeof mname, "%s", path ? path : "?");
		if (r == ARCHIVE_FAILED) {
			problem(w, where, level, "damaged entry %.*s: %.100s", NAME_MAX_LOGGED, mname,
				errstr(a));
			damaged = true;
			continue;
		}
		if (!raw && archive_entry_filetype(e) != AE_IFREG)
			continue;   /* directories, links, devices: no content */
		memset(&src, 0, sizeof src);
		src.a = a;
		member(w, &src, &box, mname,
		       !raw && archive_entry_size_is_set(e) ? archive_entry_size(e) : -1,
		       archive_entry_is_data_encrypted(e) > 0, where, level);
	}
	return damaged;
}

/* ---- flat containers read here: TNEF, OneNote ---- */

struct flat_walk {
	struct awalk *w;
	struct box box;
	int fd;                      /* OneNote: the section's copy */
	const char *where;
	unsigned level;
	unsigned n;                  /* files so far */
};

/* Counts the next file against the budget's entries: false (noted, the
 * walk stopped) when there are too many. */
static bool flat_next(struct flat_walk *t)
{
	struct awalk *w = t->w;

	if (w->b->entries >= QF_ARCHIVE_MAX_ENTRIES) {
		problem(w, t->where, t->level, "more than %u entries", QF_ARCHIVE_MAX_ENTRIES);
		w->stop = true;
		return false;
	}
	w->b->entries++;
	t->n++;
	return true;
}

/* Hands the file on; true to stop (a refusal stands, a bound is met). */
static bool flat_member(struct flat_walk *t, struct source *src, const char *name)
{
	member(t->w, src, &t->box, name, -1, false, t->where, t->level);
	return t->w->stop || t->box.spent;
}

static bool tnef_file(void *arg, const struct qf_tnef_file *f)
{
	struct flat_walk *t = arg;
	struct source src;
	char name[QF_TNEF_NAME + 16];

	if (!flat_next(t))
		return true;
	memset(&src, 0, sizeof src);
	src.mem = f->data;
	src.memlen = f->len;
	src.memerr = f->truncated ? "truncated attachment" : NULL;
	if (f->name[0])
		snprintf(name, sizeof name, "%s", f->name);
	else
		snprintf(name, sizeof name, "attachment %u", t->n);
	return flat_member(t, &src, name);
}

static void walk_tnef(struct awalk *w, int fd, uint64_t size, const char *where, unsigned level)
{
	struct flat_walk t = { w, { size, 0, false }, fd, where, level, 0 };
	unsigned char *buf;
	char why[200];

	if (size > TNEF_MAX) {
		problem(w, where, level, "TNEF stream over %llu bytes", (unsigned long long)TNEF_MAX);
		return;
	}
	if (!(buf = malloc(size ? size : 1))) {
		if (!w->err->exit) {
			w->err->exit = QF_EXIT_NOMEM;
			snprintf(w->err->text, sizeof w->err->text,
				 "archive walk: TNEF: out of memory");
		}
		w->rc = -1;
		w->stop = true;
		return;
	}
	if (qf_pread_exact(fd, buf, size, 0) < 0)
		error(w, QF_EXIT_READ, "reading a TNEF stream");
	else if (qf_tnef_each(buf, size, tnef_file, &t, why, sizeof why) < 0 && !w->stop)
		problem(w, where, level, "damaged TNEF: %s", why);
	free(buf);
}

/* ---- OneNote ---- */

static bool onenote_file(void *arg, const struct qf_onenote_file *f)
{
	struct flat_walk *t = arg;
	struct source src;
	char name[64];

	if (!flat_next(t))
		return true;
	memset(&src, 0, sizeof src);
	src.range = true;
	src.fd = t->fd;
	src.range_at = f->at;
	src.range_left = f->len;
	src.memerr = f->truncated ? "truncated file" : NULL;
	/* its name is in the page's properties, not read: judged by content */
	snprintf(name, sizeof name, "embedded file %u", t->n);
	return flat_member(t, &src, name);
}

static void walk_onenote(struct awalk *w, int fd, uint64_t size, const char *where, unsigned level)
{
	struct flat_walk t = { w, { size, 0, false }, fd, where, level, 0 };
	struct stat st;
	char why[200];
	int rc;

	/* the copy, which may have been cut (qf_archive_walk says so) */
	if (fstat(fd, &st) < 0) {
		error(w, QF_EXIT_READ, "reading a OneNote section");
		return;
	}
	rc = qf_onenote_each(fd, (uint64_t)st.st_size, onenote_file, &t, why, sizeof why);
	if (rc < 0)
		error(w, QF_EXIT_READ, "reading a OneNote section");
	else if (rc == 2 && !w->stop)
		problem(w, where, level, "damaged OneNote section: %s", why);
}

/* ---- containers ---- */

/* A container no reader here opens (archive_sniff.c): unchecked, named
 * by its head, which may reach far in (an ext2 superblock at 1024). */
static void closed(struct awalk *w, int fd, const char *where, unsigned level)
{
	ssize_t n = pread(fd, w->buf, QF_PART_HEAD, 0);
	const char *what = n > 0 ? qf_archive_closed(w->buf, (size_t)n) : NULL;

	problem(w, where, level, "%s, which qfilter cannot open", what ? what : "a container");
}

/* libarchive's view of the container; returns whether it read a zip. */
static bool libarchive_walk(struct awalk *w, int fd, uint64_t packed, const char *name,
			    const char *where, unsigned level, enum qf_archive_kind kind)
{
	struct archive *a;
	bool raw = false, zip, iso, damaged;

	if (!(a = open_fd(fd, READ_ARCHIVE))) {
		/* not an archive: a compressed single stream, or nothing */
		if ((a = open_fd(fd, READ_RAW)) && archive_filter_count(a) > 1 &&
		    archive_filter_code(a, 0) != ARCHIVE_FILTER_NONE)
			raw = true;
		else {
			if (a)
				archive_read_free(a);
			if (kind == QF_ARCHIVE_YES)
				problem(w, where, level, "not a readable archive");
			return false;
		}
	}
	zip = (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_ZIP;
	damaged = walk_archive(w, a, "archive", raw, false, packed, name, where, level);
	/* known once a header was read */
	iso = (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_ISO9660;
	if (damaged && zip && !w->stop) {
		/* The central directory and a local header disagree (a size
		 * that lies): read the local headers in order too, as some
		 * unzip tools do, so that the entries' bytes are checked. The
		 * damage is already reported. */
		archive_read_free(a);
		if ((a = open_fd(fd, READ_ZIP_STREAM)))
			walk_archive(w, a, "zip by its local headers", false, false, packed, name, where,
				     level);
	}
	if (a)
		archive_read_free(a);
	/* an ISO image holds up to three directory trees (Rock Ridge, Joliet,
	 * plain ISO 9660), and a file may be in one only: each is walked */
	if (iso && !w->stop && (a = open_fd(fd, READ_ISO_JOLIET))) {
		walk_archive(w, a, "Joliet tree", false, false, packed, name, where, level);
		archive_read_free(a);
	}
	if (iso && !w->stop && (a = open_fd(fd, READ_ISO_PLAIN))) {
		walk_archive(w, a, "ISO 9660 tree", false, false, packed, name, where, level);
		archive_read_free(a);
	}
	return zip;
}

/* A zip whose end record ends a file that libarchive read as something
 * else (a 7z, tar, gzip, cab with a zip appended): unzip finds the zip
 * from its end, so it is walked as a zip too, within the same budget. */
static void zip_at_end(struct awalk *w, int fd, uint64_t packed, const char *name,
		       const char *where, unsigned level)
{
	struct archive *a = open_fd(fd, READ_ZIP_END);

	if (!a) {
		problem(w, where, level, "a zip at its end, not readable");
		return;
	}
	walk_archive(w, a, "zip at its end", false, false, packed, name, where, level);
	archive_read_free(a);
}

/* Names a container ("b.zip in a.7z") into where; false when it lies
 * too deep to be opened, which is noted. */
static bool enter(struct awalk *w, char *where, const char *name, const char *outer, unsigned level)
{
	if (outer)
		snprintf(where, QF_ARCHIVE_WHERE, "%.*s in %s", NAME_MAX_LOGGED, name, outer);
	else
		snprintf(where, QF_ARCHIVE_WHERE, "%.*s", NAME_MAX_LOGGED, name);
	if (level > QF_ARCHIVE_MAX_DEPTH) {
		problem(w, where, level, "archives nested deeper than %u levels", QF_ARCHIVE_MAX_DEPTH);
		return false;
	}
	return true;
}

static void container_walk(struct awalk *w, int fd, uint64_t packed, const char *name,
			   const char *outer, unsigned level, enum qf_archive_kind kind)
{
	char where[QF_ARCHIVE_WHERE];
	struct qf_zipdir zd;

	if (!enter(w, where, name, outer, level))
		return;
	if (kind == QF_ARCHIVE_TNEF) {
		walk_tnef(w, fd, packed, where, level);
		return;
	}
	if (kind == QF_ARCHIVE_ONENOTE) {
		walk_onenote(w, fd, packed, where, level);
		return;
	}
	if (kind == QF_ARCHIVE_CLOSED) {
		closed(w, fd, where, level);
		if (w->stop)
			return;
		/* what libarchive reads of it is looked at still: an ISO
		 * behind a boot record, a uuencoded file, a zip at its end */
		kind = QF_ARCHIVE_MAYBE;
	}
	qf_archive_zipdir(fd, &zd);
	if (zd.entries > QF_ARCHIVE_MAX_ENTRIES - w->b->entries) {
		problem(w, where, level, "more than %u entries", QF_ARCHIVE_MAX_ENTRIES);
		w->stop = true;
		return;
	}
	if (zd.ends > 1)
		/* unzip takes the first, libarchive and 7-Zip the last */
		problem(w, where, level, "a zip with %u end records, which readers take differently",
			zd.ends);
	if (kind == QF_ARCHIVE_NO) {
		/* not a container by its head, but a zip ends it (a picture
		 * with a zip appended): read as unzip reads it, from its end */
		zip_at_end(w, fd, packed, name, where, level);
		return;
	}
	if (!libarchive_walk(w, fd, packed, name, where, level, kind) && zd.ends && !w->stop)
		zip_at_end(w, fd, packed, name, where, level);
}

/* An archive at a signature inside other content, which 7-Zip opens
 * there: true when libarchive read an entry, with *end where its reading
 * stopped. One whose structure breaks after an entry is damage, as in any
 * archive; one that reads nothing is no archive. */
static bool read_at(struct awalk *w, int fd, uint64_t at, uint64_t size, bool zip_sig,
		    const char *name, const char *where, unsigned level, uint64_t *end)
{
	uint64_t before = w->b->entries;
	char reading[64];
	/* a zip from this local header on, as the local headers run (the
	 * seekable reader would take the central directory at the part's
	 * end, which may be another zip's: that one is zip_at_end's) */
	struct archive *a = open_at(fd, at, zip_sig ? READ_ZIP_STREAM : READ_ARCHIVE);
	bool zip, damaged;
	la_int64_t used;

	if (!a)
		return false;
	snprintf(reading, sizeof reading, "archive at byte %llu", (unsigned long long)at);
	zip = (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_ZIP;
	damaged = walk_archive(w, a, reading, false, true, size - at, name, where, level);
	used = archive_filter_bytes(a, -1);
	archive_read_free(a);
	if (damaged && zip && !zip_sig && !w->stop && (a = open_at(fd, at, READ_ZIP_STREAM))) {
		snprintf(reading, sizeof reading, "zip by its local headers at byte %llu",
			 (unsigned long long)at);
		walk_archive(w, a, reading, false, false, size - at, name, where, level);
		archive_read_free(a);
	}
	*end = at + (used > 0 ? (uint64_t)used : 0);
	return w->b->entries > before;
}

/* Every archive at a signature inside content that is not a container
 * by its head: 7-Zip opens the first that reads, other unpackers may
 * prefer another kind, so each is read. A signature of a kind inside an
 * archive of that kind already read (its own local headers, a member's)
 * is passed: the archive's walk has its members. Past QF_INNER_TRIES
 * signatures with nothing behind them, unchecked. */
static void inner_walk(struct awalk *w, int fd, uint64_t size, uint64_t from, const char *name,
		       const char *outer, unsigned level)
{
	char where[QF_ARCHIVE_WHERE];
	uint64_t at, end, copy, read_to[QF_INNER_KINDS] = { 0 };
	enum qf_inner_kind kind;
	unsigned empty = 0;
	struct stat st;
	int found;

	if (!enter(w, where, name, outer, level))
		return;
	if (fstat(fd, &st) < 0) {
		error(w, QF_EXIT_READ, "reading a part's copy");
		return;
	}
	copy = (uint64_t)st.st_size < size ? (uint64_t)st.st_size : size;   /* a cut copy */
	/* from: the first signature, which the MIME sink found */
	while (!w->stop && (found = qf_archive_inner_next(fd, from, copy, w->buf, CHUNK, &at, &kind))) {
		if (found < 0) {
			error(w, QF_EXIT_READ, "reading a part's copy");
			return;
		}
		from = at + 1;
		if (at < read_to[kind])
			continue;   /* inside an archive of its kind, read already */
		if (read_at(w, fd, at, copy, kind == QF_INNER_ZIP, name, where, level, &end)) {
			read_to[kind] = end;
			continue;
		}
		if (++empty > QF_INNER_TRIES) {
			problem(w, where, level, "more than %u archive signatures inside with no archive "
				"behind them", QF_INNER_TRIES);
			return;
		}
	}
}

int qf_archive_walk(const struct qf_part *p, struct qf_archive_budget *b, const char *dir,
		    int64_t deadline_ms, qf_archive_fn fn, void *arg, struct qf_walk_error *err)
{
	struct awalk *w;
	enum qf_archive_kind kind = qf_archive_sniff(p->head, p->head_len);
	int rc;

	memset(err, 0, sizeof *err);
	if (!qf_archive_wanted(p))
		return 0;
	/* BinHex or uuencode at the start of a text part: the MIME walk
	 * decoded it as readers do, and its blocks came as parts of their own */
	if (kind == QF_ARCHIVE_CLOSED && p->content_type && !strncasecmp(p->content_type, "text/", 5) &&
	    qf_archive_closed_in_text(p->head, p->head_len))
		return 0;
	if (!(w = malloc(sizeof *w))) {
		err->exit = QF_EXIT_NOMEM;
		snprintf(err->text, sizeof err->text, "archive walk: out of memory");
		return -1;
	}
	w->b = b;
	w->deadline_ms = deadline_ms;
	w->err = err;
	w->fn = fn;
	w->arg = arg;
	w->top = p;
	w->dir = dir;
	w->stop = false;
	w->rc = 0;
	if (p->filename && *p->filename)
		snprintf(w->where, sizeof w->where, "%.*s", NAME_MAX_LOGGED, p->filename);
	else
		snprintf(w->where, sizeof w->where, "part %u", p->index);
	walk_part(w, p, w->where, NULL, 1);
	if (!w->stop && p->size > QF_PART_COPY_MAX)
		/* the part's copy was cut: what lies past it went unseen */
		problem(w, w->where, 1, "archive over %llu bytes, only its start looked at",
			(unsigned long long)QF_PART_COPY_MAX);
	rc = w->rc;
	free(w);
	return rc;
}
