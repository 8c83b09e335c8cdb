/* exe_header.h: is this content a DOS or Windows executable? */
#ifndef QF_EXE_HEADER_H
#define QF_EXE_HEADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum qf_exe_kind {
	QF_EXE_NONE = 0,
	QF_EXE_MZ,      /* a DOS program, or one whose PE header could not be read */
	QF_EXE_PE       /* "PE\0\0" at e_lfanew: a Windows executable or DLL */
};

/* The content is size bytes; head holds the first len of them. A PE
 * signature beyond the head is read from fd when fd >= 0. */
enum qf_exe_kind qf_exe_header_kind(const unsigned char *head, size_t len,
				    uint64_t size, int fd);
/* The fixed DOS header (28 bytes) describes a plausible program. */
bool qf_exe_header_dos_valid(const unsigned char *head, size_t len);
const char *qf_exe_header_name(enum qf_exe_kind k);   /* "PE", "MZ", "none" */

#endif
