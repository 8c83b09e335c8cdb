/* archive_zipdir.h: what a zip's end-of-central-directory records say,
 * read before libarchive is let near the archive: the entry count (its
 * reader keeps the whole central directory in memory), whether a zip
 * ends the file (one may follow another container, where unzip finds
 * it), and whether two records end it (readers then take one or the
 * other). */
#ifndef QF_ARCHIVE_ZIPDIR_H
#define QF_ARCHIVE_ZIPDIR_H

#include <stdint.h>

struct qf_zipdir {
	uint64_t entries;   /* the most entries any record near the end declares
	                       (zip64 ones included); 0 when there is none */
	unsigned ends;      /* records of one disk whose comment reaches the end of
	                       the file: 1 for a zip, 2 or more when one's comment
	                       holds another */
};

/* Reads the last 64 KB and some of fd; z is all zeros when it cannot. */
void qf_archive_zipdir(int fd, struct qf_zipdir *z);

#endif
