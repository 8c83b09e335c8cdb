/* sniff_ole.h: what a compound file (OLE2: MSI packages, .doc, .xls, .msg)
 * holds that matters to the executable ban: whether it is a Windows
 * Installer package, and whether one of its streams is a program. No
 * library reads OLE streams for us (libmagic names the file, libarchive
 * does not open it), so this is a small reader with every size checked
 * against the file and every chain walk bounded. */
#ifndef QF_SNIFF_OLE_H
#define QF_SNIFF_OLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define QF_OLE_MAX_ENTRIES 16384    /* directory entries looked at */

struct qf_ole_info {
	bool ole;            /* the compound file signature */
	bool msi;            /* root CLSID of an MSI package, patch or transform */
	bool exe;            /* a stream that starts with an MZ/PE executable */
	bool damaged;        /* the structure could not be followed to its end */
	bool partial;        /* ... because only the head was there to read (no copy) */
	bool nomem;          /* ... because memory ran out: no finding, an error */
	char stream[48];     /* the executable stream's name, non-ASCII as '?' */
	char why[80];        /* what was damaged */
};

/* Content of size bytes whose first len are in head; the rest is read
 * from fd when fd >= 0 (else what lies past the head counts as damage).
 * Returns info->ole. */
bool qf_sniff_ole(const unsigned char *head, size_t len, uint64_t size, int fd,
		  struct qf_ole_info *info);
/* The 8-byte signature at the start. */
bool qf_sniff_ole_signature(const unsigned char *head, size_t len);

#endif
