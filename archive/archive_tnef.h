/* archive_tnef.h: the attachments of a TNEF stream (application/ms-tnef,
 * winmail.dat), read from memory within its length. libytnef (Debian's
 * TNEF library) was not used: it prints its errors with printf, on fd 1,
 * which is qmail's envelope here, and follows lengths it has not checked
 * in several released versions; the format is small enough to read here
 * with every length checked against what is left. */
#ifndef QF_ARCHIVE_TNEF_H
#define QF_ARCHIVE_TNEF_H

#include <stdbool.h>
#include <stddef.h>

#define QF_TNEF_NAME 256

struct qf_tnef_file {
	char name[QF_TNEF_NAME];      /* the long file name, else the title, else "" */
	const unsigned char *data;    /* into the stream */
	size_t len;
	bool truncated;               /* the stream ended inside the data */
};

/* Returns true to stop. */
typedef bool (*qf_tnef_fn)(void *arg, const struct qf_tnef_file *f);

/* Calls fn for each attachment's data (attAttachData, and the MAPI
 * PR_ATTACH_DATA_OBJ, which may hold an embedded TNEF message). Returns 0,
 * or -1 with why set when the stream is damaged (after handing on what
 * came before the damage), or 1 when fn stopped. */
int qf_tnef_each(const unsigned char *buf, size_t len, qf_tnef_fn fn, void *arg,
		 char *why, size_t whylen);

#endif
