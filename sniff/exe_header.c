/* exe_header.c: executable headers.
 *
 * The Windows loader looks only at "MZ" and at e_lfanew, the offset of the
 * "PE\0\0" signature, so that pair makes a PE whatever the rest of the DOS
 * header says (packers zero it). A DOS program has no such signature; its
 * header must then make sense as one: a last-page count under 512, at least
 * one page, a header of at least two paragraphs inside the image, and a
 * relocation table inside the header. Text never passes this: its fourth
 * byte is printable, which makes the last-page count (bytes 2 and 3,
 * little-endian) 8192 or more. */
#include <string.h>
#include <unistd.h>
#include "exe_header.h"

#define DOS_FIXED 28            /* the fields a DOS loader reads */
#define DOS_MAX_PAGES 2048      /* 1 MB: more than real mode can load */

static unsigned u16(const unsigned char *p)
{
	return p[0] | p[1] << 8;
}

static uint32_t u32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

bool qf_exe_header_dos_valid(const unsigned char *h, size_t len)
{
	unsigned last, pages, relocs, paras, reloc_at;
	uint64_t image, header;

	if (len < DOS_FIXED || memcmp(h, "MZ", 2))
		return false;
	last = u16(h + 2);
	pages = u16(h + 4);
	relocs = u16(h + 6);
	paras = u16(h + 8);
	reloc_at = u16(h + 0x18);
	if (last >= 512 || pages < 1 || pages > DOS_MAX_PAGES || paras < 2)
		return false;
	image = (uint64_t)(pages - 1) * 512 + (last ? last : 512);
	header = (uint64_t)paras * 16;
	if (header > image)
		return false;
	if (relocs && (reloc_at < DOS_FIXED || reloc_at + (uint64_t)relocs * 4 > header))
		return false;
	return true;
}

static bool pe_signature(const unsigned char *head, size_t len, uint64_t size, int fd)
{
	unsigned char sig[4];
	uint32_t at;

	if (len < 0x40)
		return false;
	at = u32(head + 0x3c);
	if (at < 4 || (uint64_t)at + 4 > size)
		return false;
	if ((uint64_t)at + 4 <= len)
		return !memcmp(head + at, "PE\0\0", 4);
	if (fd < 0 || pread(fd, sig, 4, at) != 4)
		return false;
	return !memcmp(sig, "PE\0\0", 4);
}

enum qf_exe_kind qf_exe_header_kind(const unsigned char *head, size_t len,
				    uint64_t size, int fd)
{
	if (len < 2 || memcmp(head, "MZ", 2))
		return QF_EXE_NONE;
	if (pe_signature(head, len, size, fd))
		return QF_EXE_PE;
	return qf_exe_header_dos_valid(head, len) ? QF_EXE_MZ : QF_EXE_NONE;
}

const char *qf_exe_header_name(enum qf_exe_kind k)
{
	return k == QF_EXE_PE ? "PE" : k == QF_EXE_MZ ? "MZ" : "none";
}
