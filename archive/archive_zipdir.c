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

uint64_t qf_archive_zipdir_entries(int fd)
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
