/* archive_sniff.c: the signatures of the formats archive_walk.c opens.
 * Strong ones are several bytes long and fixed; what only hints at a
 * container is MAYBE, and libarchive's own bidders decide. */
#include <stdbool.h>
#include <string.h>
#include "archive_sniff.h"

struct sig {
	size_t off;
	const char *bytes;
	size_t len;
};

#define SIG(off, s) { off, s, sizeof s - 1 }

static const struct sig strong[] = {
	SIG(0, "PK\3\4"), SIG(0, "PK\5\6"), SIG(0, "PK\7\10PK"),   /* zip */
	SIG(0, "7z\274\257\047\034"),                              /* 7z */
	SIG(0, "Rar!\032\7"),                                      /* rar, rar5 */
	SIG(0, "MSCF\0\0\0\0"),                                    /* cab */
	SIG(0, "!<arch>\n"),                                       /* ar */
	SIG(257, "ustar"),                                         /* tar */
	SIG(0, "070701"), SIG(0, "070702"), SIG(0, "070707"),      /* cpio (ASCII) */
	SIG(0, "\037\213\10"),                                     /* gzip */
	SIG(4, "1AY&SY"),                                          /* bzip2 (after "BZh9") */
	SIG(0, "\3757zXZ\0"),                                      /* xz */
	SIG(0, "\050\265\057\375"),                                /* zstd */
	SIG(0, "\004\042\115\030"),                                /* lz4 */
	SIG(32769, "CD001"),                                       /* ISO 9660 (past the head) */
};

static bool at(const unsigned char *h, size_t len, const struct sig *s)
{
	return s->off + s->len <= len && !memcmp(h + s->off, s->bytes, s->len);
}

/* Containers that 7-Zip, expand.exe, StuffIt or Windows itself unpack but
 * libarchive does not: their content cannot be checked here. xar is one
 * by choice (its reader needs ICU: qfilter.conf(5), ARCHIVES). */
static const struct closed {
	struct sig sig;
	const char *what;
	bool in_text;   /* the MIME walk decodes it inside a text part */
} closed[] = {
	{ SIG(0, "xar!"), "a xar archive", false },
	{ SIG(0, "ITSF\3\0\0\0"), "a compiled HTML help file (CHM)", false },
	{ SIG(0, "SZDD\210\360\047\063"), "an MS-DOS COMPRESS (SZDD) file", false },
	{ SIG(0, "KWAJ\210\360\047\321"), "an MS-DOS COMPRESS (KWAJ) file", false },
	{ SIG(7, "**ACE**"), "an ACE archive", false },
	{ SIG(20, "\334\247\304\375"), "a zoo archive", false },
	{ SIG(0, "SIT!"), "a StuffIt archive", false },
	{ SIG(0, "StuffIt "), "a StuffIt archive", false },
	{ SIG(0, "(This file must be converted with BinHex"), "a BinHex file", true },
	{ SIG(8, "\031\004\000\020"), "a Symbian installer (SIS)", false },
	{ SIG(0, "\172\032\040\020"), "a Symbian installer (SIS)", false },
};

/* "begin 644 name": a uuencoded file */
static bool uu_begin(const unsigned char *h, size_t len)
{
	size_t i = 6;

	if (len < 11 || memcmp(h, "begin ", 6))
		return false;
	while (i < len && i < 10 && h[i] >= '0' && h[i] <= '7')
		i++;
	return i >= 9 && i < len && h[i] == ' ';
}

const char *qf_archive_closed_in_text(const unsigned char *h, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof closed / sizeof *closed; i++)
		if (closed[i].in_text && at(h, len, &closed[i].sig))
			return closed[i].what;
	return uu_begin(h, len) ? "a uuencoded file" : NULL;
}

const char *qf_archive_closed(const unsigned char *h, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof closed / sizeof *closed; i++)
		if (at(h, len, &closed[i].sig))
			return closed[i].what;
	if (uu_begin(h, len))
		return "a uuencoded file";
	/* ARJ: 0x60 0xEA, then a basic header of 1 to 2600 bytes */
	if (len >= 4 && h[0] == 0x60 && h[1] == 0xea && h[2] + 256 * h[3] >= 1 && h[2] + 256 * h[3] <= 2600)
		return "an ARJ archive";
	return NULL;
}

static bool zeros(const unsigned char *h, size_t n)
{
	while (n--)
		if (*h++)
			return false;
	return true;
}

/* "PK\3\4" past the first byte; memchr, which is vectorised, not memmem,
 * which cost 35 K instructions per 8 KB head. */
static bool zip_inside(const unsigned char *h, size_t len)
{
	const unsigned char *p = h + 1, *end = h + len;

	while (end - p >= 4 && (p = memchr(p, 'P', (size_t)(end - p - 3)))) {
		if (!memcmp(p, "PK\3\4", 4))
			return true;
		p++;
	}
	return false;
}

enum qf_archive_kind qf_archive_sniff(const unsigned char *h, size_t len)
{
	size_t i;

	if (len >= 4 && !memcmp(h, "\170\237\076\042", 4))
		return QF_ARCHIVE_TNEF;
	for (i = 0; i < sizeof strong / sizeof *strong; i++)
		if (at(h, len, &strong[i]))
			return QF_ARCHIVE_YES;
	if (qf_archive_closed(h, len))
		return QF_ARCHIVE_CLOSED;
	/* lha: "-lh5-" after the header's size and checksum */
	if (len >= 7 && h[2] == '-' && h[3] == 'l' && (h[4] == 'h' || h[4] == 'z') && h[6] == '-')
		return QF_ARCHIVE_YES;
	/* cpio binary, lzma alone (properties byte 0x5d, small dictionary) */
	if (len >= 2 && ((h[0] == 0xc7 && h[1] == 0x71) || (h[0] == 0x71 && h[1] == 0xc7)))
		return QF_ARCHIVE_MAYBE;
	if (len >= 13 && h[0] == 0x5d && h[1] == 0 && h[2] == 0)
		return QF_ARCHIVE_MAYBE;
	/* a self-extractor, or bytes before a zip; an ISO's system area */
	if (len >= 2 && !memcmp(h, "MZ", 2))
		return QF_ARCHIVE_MAYBE;
	if (len >= 64 && zeros(h, 64))
		return QF_ARCHIVE_MAYBE;
	if (zip_inside(h, len))
		return QF_ARCHIVE_MAYBE;
	return QF_ARCHIVE_NO;
}
