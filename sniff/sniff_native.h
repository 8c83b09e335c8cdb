/* sniff_native.h: native executables, the ones the exe filter refuses:
 * DOS and Windows programs (MZ/PE, exe_header.c), ELF (Linux, BSD),
 * Mach-O thin and universal (macOS, iOS), and compound files (MSI
 * packages, Office 97 documents) with a stream that is a Windows
 * program. Each is told by its header alone, no libmagic. */
#ifndef QF_SNIFF_NATIVE_H
#define QF_SNIFF_NATIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sniff_ole.h"

enum qf_native {
	QF_NATIVE_NONE = 0,
	QF_NATIVE_PE,          /* "PE\0\0" at e_lfanew */
	QF_NATIVE_DOS,         /* MZ with a plausible DOS header and no PE signature */
	QF_NATIVE_ELF,
	QF_NATIVE_MACHO,       /* one architecture */
	QF_NATIVE_MACHO_FAT,   /* universal: several architectures */
	QF_NATIVE_OLE          /* a compound file with an MZ/PE stream (MSI or other) */
};

/* The kind of content of size bytes starting with head (fd as in
 * qf_exe_header_kind). ole, when not NULL, gets what the compound file
 * reader saw (ole->ole is false for anything else). */
enum qf_native qf_sniff_native(const unsigned char *head, size_t len, uint64_t size, int fd,
			       struct qf_ole_info *ole);
/* For the reason text: "PE", "MZ", "ELF", "Mach-O", "Mach-O universal",
 * "MSI" or "OLE" (msi: the compound file is an MSI package). */
const char *qf_native_name(enum qf_native k, bool msi);
/* For the log word: "pe", "mz", "elf", "macho", "msi", "ole". */
const char *qf_native_word(enum qf_native k, bool msi);
/* The type class of qfilter.rules(5): "executable/pe", ... */
const char *qf_native_class(enum qf_native k);

bool qf_sniff_elf(const unsigned char *head, size_t len);
bool qf_sniff_macho(const unsigned char *head, size_t len, bool *fat);

#endif
