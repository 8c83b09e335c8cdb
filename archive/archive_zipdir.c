/* archive_zipdir.c: see archive_zipdir.h. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "archive_sniff.h"
#include "archive_zipdir.h"

#define EOCD_LEN QF_ZIP_EOCD_LEN
#define EOCD_TAIL QF_ZIP_END_TAIL

static uint64_t le(const unsigned char *p, int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
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
		/* a record whose comment does not reach the end is data to
		 * the readers, who take the last (a stored zip in a zip) */
		if (qf_archive_zip_end_record(buf + i, tail - i) &&
		    EOCD_LEN + le(buf + i + 20, 2) >= tail - i)
			z->ends++;
	}
	free(buf);
}
