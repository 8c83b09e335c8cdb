/* archive_onenote.h: the files embedded in a OneNote section (.one,
 * .onetoc2; [MS-ONESTORE]). OneNote keeps each inserted file whole, as a
 * FileDataStoreObject: a header GUID, the length, twelve zero bytes, the
 * data, padding to 8 bytes and a footer GUID; a double click on its icon
 * in the page opens it. The objects are found by their header GUID, read
 * from the section's copy with every length checked against what is
 * left. The names shown in the page are in the revision store's property
 * sets, which are not read: the files are judged by their content. */
#ifndef QF_ARCHIVE_ONENOTE_H
#define QF_ARCHIVE_ONENOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct qf_onenote_file {
	uint64_t at;      /* where the data starts in the section */
	uint64_t len;     /* bytes of data there (less than declared when truncated) */
	bool truncated;   /* the section ends inside the data */
};

/* Returns true to stop. */
typedef bool (*qf_onenote_fn)(void *arg, const struct qf_onenote_file *f);

/* Calls fn for each file data object in the size bytes of fd. Returns 0;
 * 1 when fn stopped; 2 with why set when an object is damaged (its zero
 * fields set, no footer, or the section ends inside it: what it holds is
 * handed on first); -1 with errno when fd cannot be read. */
int qf_onenote_each(int fd, uint64_t size, qf_onenote_fn fn, void *arg, char *why, size_t whylen);

#endif
