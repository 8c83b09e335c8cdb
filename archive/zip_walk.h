/* zip_walk.h: the entries of a zip archive and of the zip archives inside
 * it, each with the first bytes of its content, within fixed limits: a
 * zip bomb costs at most QF_ZIP_MAX_BYTES of inflating and a temp file,
 * never memory. Used by the exe filter (what the entries are) and the
 * types filter (what they are called). */
#ifndef QF_ZIP_WALK_H
#define QF_ZIP_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define QF_ZIP_MAX_DEPTH 4            /* archive levels looked into */
#define QF_ZIP_MAX_ENTRIES 10000      /* entries, all levels together */
#define QF_ZIP_MAX_BYTES (64ULL << 20) /* bytes inflated, all levels together */
#define QF_ZIP_HEAD 8192              /* bytes of each entry looked at */

struct qf_zip_entry {
	const char *path;             /* "inner.zip/setup.exe" for nested ones */
	const char *name;             /* the last part of path */
	unsigned depth;               /* 1: in the archive itself */
	const unsigned char *head;    /* the first head_len bytes of content */
	size_t head_len;
	uint64_t size;                /* as the archive declares it, at least head_len */
	bool encrypted;               /* unreadable without a password: no head */
};

/* Return true to stop the walk. */
typedef bool (*qf_zip_fn)(void *arg, const struct qf_zip_entry *e);

struct qf_zip_report {
	unsigned entries;
	unsigned encrypted;           /* entries that could not be read */
	uint64_t bytes;               /* bytes inflated */
	bool limit;                   /* a limit stopped the walk: what is left unseen
	                                 may be anything (a bomb, a hidden program) */
	bool damaged;                 /* libarchive could not read all of it */
	bool stopped;                 /* fn stopped the walk */
	char why[160];                /* for the log when limit or damaged */
};

/* Walks the zip archive in fd (seekable; its offset is changed). dir is
 * for the temp files of nested archives (NULL: $TMPDIR or /tmp).
 * Returns 0, or -1 (errno) when a temp file cannot be made or written. */
int qf_zip_walk(int fd, const char *dir, qf_zip_fn fn, void *arg,
		struct qf_zip_report *rep);

#endif
