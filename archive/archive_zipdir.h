/* archive_zipdir.h: the entry count a zip's end-of-central-directory
 * records declare, read before libarchive, which keeps the whole central
 * directory in memory, is let near the archive. */
#ifndef QF_ARCHIVE_ZIPDIR_H
#define QF_ARCHIVE_ZIPDIR_H

#include <stdint.h>

/* The most entries any end-of-central-directory record near the end of
 * fd declares (zip64 ones included); 0 when there is none. */
uint64_t qf_archive_zipdir_entries(int fd);

#endif
