/* archive_zipdir.c: see archive_zipdir.h. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "archive_zipdir.h"

#define EOCD_LEN 22                      /* end of central directory record */
#define EOCD_TAIL (EOCD_LEN + 65535 + 20) /* the record, its comment, the zip64 locator */

static uint64_t le(const unsigned char *p, int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

/* A record at r whose comment runs to the end (or past it: readers
 * differ on a comment cut short) of a single-disk archive: disk numbers
 * 0, this disk's entries all of them. Bytes in a member's data rarely
 * look so. */
static int ends_file(const unsigned char *r, size_t left)
{
	return le(r + 4, 2) == 0 && le(r + 6, 2) == 0 && le(r + 8, 2) == le(r + 10, 2) &&
	       EOCD_LEN + le(r + 20, 2) >= left;
}

void qf_archive_zipdir(int fd, struct qf_zipdir *z)
{
	struct stat st;
	unsigned char *buf, z64[56];
	uint64_t n, off;
	size_t tail;
	ssize_t got;
	size_t i;

	memset(z, 0, sizeof *z);
	if (fstat(fd, &st) < 0 || st.st_size < EOCD_LEN)
		return;
	tail = st.st_size < EOCD_TAIL ? (size_t)st.st_size : EOCD_TAIL;
	buf = malloc(tail);
	if (!buf)
		return;
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
		if (n > z->entries)
			z->entries = n;
		if (ends_file(buf + i, tail - i))
			z->ends++;
	}
	free(buf);
}
