/* sniff_native.c: see sniff_native.h. */
#include <string.h>
#include "exe_header.h"
#include "sniff_native.h"

#define FAT_ARCH_MAX 30   /* a universal binary has a handful; a Java class says 45 or more */

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static uint32_t le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* e_ident: class 32/64, data LSB/MSB, version 1. */
bool qf_sniff_elf(const unsigned char *h, size_t len)
{
	return len >= 20 && !memcmp(h, "\177ELF", 4) && (h[4] == 1 || h[4] == 2) &&
	       (h[5] == 1 || h[5] == 2) && h[6] == 1;
}

/* A CPU type of a Mach-O header: x86, ARM, PowerPC, with or without the
 * 64-bit flag (0x01000000) or the arm64_32 one (0x02000000). */
static bool cpu_known(uint32_t cpu)
{
	uint32_t base = cpu & 0x00ffffff;

	return (cpu >> 24) <= 2 && (base == 7 || base == 12 || base == 18);
}

/* Thin: MH_MAGIC(_64) either way round, a known CPU; universal:
 * FAT_MAGIC(_64), big-endian, a few architectures, the first known. */
bool qf_sniff_macho(const unsigned char *h, size_t len, bool *fat)
{
	uint32_t m, n;

	*fat = false;
	if (len < 28)
		return false;
	m = be32(h);
	if (m == 0xfeedface || m == 0xfeedfacf)
		return cpu_known(be32(h + 4));
	if (m == 0xcefaedfe || m == 0xcffaedfe)
		return cpu_known(le32(h + 4));
	if (m != 0xcafebabe && m != 0xcafebabf)
		return false;
	n = be32(h + 4);
	if (n < 1 || n > FAT_ARCH_MAX || !cpu_known(be32(h + 8)))
		return false;
	*fat = true;
	return true;
}

enum qf_native qf_sniff_native(const unsigned char *head, size_t len, uint64_t size, int fd,
			       struct qf_ole_info *ole)
{
	struct qf_ole_info own;
	bool fat;

	if (!ole)
		ole = &own;
	memset(ole, 0, sizeof *ole);
	switch (qf_exe_header_kind(head, len, size, fd)) {
	case QF_EXE_PE:
		return QF_NATIVE_PE;
	case QF_EXE_MZ:
		return QF_NATIVE_DOS;
	default:
		break;
	}
	if (qf_sniff_elf(head, len))
		return QF_NATIVE_ELF;
	if (qf_sniff_macho(head, len, &fat))
		return fat ? QF_NATIVE_MACHO_FAT : QF_NATIVE_MACHO;
	if (qf_sniff_ole(head, len, size, fd, ole) && ole->exe)
		return QF_NATIVE_OLE;
	return QF_NATIVE_NONE;
}

const char *qf_native_name(enum qf_native k, bool msi)
{
	switch (k) {
	case QF_NATIVE_PE: return "PE";
	case QF_NATIVE_DOS: return "MZ";
	case QF_NATIVE_ELF: return "ELF";
	case QF_NATIVE_MACHO: return "Mach-O";
	case QF_NATIVE_MACHO_FAT: return "Mach-O universal";
	case QF_NATIVE_OLE: return msi ? "MSI" : "OLE";
	default: return "none";
	}
}

const char *qf_native_word(enum qf_native k, bool msi)
{
	switch (k) {
	case QF_NATIVE_PE: return "pe";
	case QF_NATIVE_DOS: return "mz";
	case QF_NATIVE_ELF: return "elf";
	case QF_NATIVE_MACHO: case QF_NATIVE_MACHO_FAT: return "macho";
	case QF_NATIVE_OLE: return msi ? "msi" : "ole";
	default: return "none";
	}
}

const char *qf_native_class(enum qf_native k)
{
	switch (k) {
	case QF_NATIVE_PE: return "executable/pe";
	case QF_NATIVE_DOS: return "executable/dos";
	case QF_NATIVE_ELF: return "executable/elf";
	case QF_NATIVE_MACHO: case QF_NATIVE_MACHO_FAT: return "executable/macho";
	case QF_NATIVE_OLE: return "executable/ole";
	default: return NULL;
	}
}
