/* archive_sniff.c: the signatures of the formats archive_walk.c opens.
 * Strong ones are several bytes long and fixed; what only hints at a
 * container is MAYBE, and libarchive's own bidders decide. */
#include <stdbool.h>
#include <string.h>
#include <strings.h>
#include "archive_sniff.h"
#include "io.h"
#include "sniff_class.h"

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
	SIG(0, "LZIP\1"),                                          /* lzip */
	SIG(0, "\355\253\356\333"),                                /* rpm */
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
	/* libarchive runs a program for these (archive_walk.c) */
	{ SIG(0, "\211LZO\0\r\n\032\n"), "an lzop file", false },
	{ SIG(0, "LRZI"), "an lrzip file", false },
	{ SIG(0, "GRZipII\0\2\0:)"), "a grzip file", false },
	/* images that 7-Zip unpacks and Windows or Linux mounts */
	{ SIG(0, "MSWIM\0\0\0"), "a Windows image (WIM)", false },
	{ SIG(0, "vhdxfile"), "a disk image (VHDX)", false },
	{ SIG(0, "conectix"), "a disk image (VHD)", false },
	{ SIG(0, "KDMV"), "a disk image (VMDK)", false },
	{ SIG(0, "QFI\373"), "a disk image (QCOW)", false },
};

/* squashfs: "hsqs" (little-endian) or "sqsh", then a major version of 1
 * to 4 at 28 in the same order: text that starts with "sqsh" has none */
static bool squashfs(const unsigned char *h, size_t len)
{
	if (len < 30)
		return false;
	if (!memcmp(h, "hsqs", 4))
		return h[29] == 0 && h[28] >= 1 && h[28] <= 4;
	if (!memcmp(h, "sqsh", 4))
		return h[28] == 0 && h[29] >= 1 && h[29] <= 4;
	return false;
}

/* ext2, ext3, ext4: the superblock at 1024, its magic 0xEF53 at 56, a
 * block size of 1 to 64 KB (log at 24), a revision of 0 or 1 (76) */
static bool ext_fs(const unsigned char *h, size_t len)
{
	const unsigned char *sb = h + 1024;

	return len >= 1024 + 80 && sb[56] == 0x53 && sb[57] == 0xef && sb[24] <= 6 &&
	       !sb[25] && !sb[26] && !sb[27] && sb[76] <= 1 && !sb[77] && !sb[78] && !sb[79];
}

/* Unix compress (.Z): 1F 9D, then the flags byte: 9 to 16 bits, the two
 * reserved bits clear, as libarchive's reader wants */
static bool unix_compress(const unsigned char *h, size_t len)
{
	return len >= 3 && h[0] == 0x1f && h[1] == 0x9d && (h[2] & 0x1f) >= 9 &&
	       (h[2] & 0x1f) <= 16 && !(h[2] & 0x60);
}

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
	if (squashfs(h, len))
		return "a squashfs image";
	if (ext_fs(h, len))
		return "an ext2/3/4 file system image";
	if (qf_class_raw_disk(h, len))
		return "a disk image (MBR, FAT, exFAT or NTFS)";
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

static unsigned le16(const unsigned char *p)
{
	return p[0] | p[1] << 8;
}

bool qf_archive_zip_end_record(const unsigned char *r, size_t left)
{
	return left >= QF_ZIP_EOCD_LEN && !memcmp(r, "PK\5\6", 4) && le16(r + 4) == 0 &&
	       le16(r + 6) == 0 && le16(r + 8) == le16(r + 10);
}

bool qf_archive_zip_ends(const unsigned char *tail, size_t len)
{
	const unsigned char *p = tail, *end = tail + len;

	while (end - p >= QF_ZIP_EOCD_LEN &&
	       (p = memchr(p, 'P', (size_t)(end - p) - QF_ZIP_EOCD_LEN + 1))) {
		if (qf_archive_zip_end_record(p, (size_t)(end - p)))
			return true;
		p++;
	}
	return false;
}

/* 7-Zip's signatures for the formats it finds inside other files, in
 * the order of enum qf_inner_kind */
static const struct { const char *sig; size_t len; } inner_sigs[QF_INNER_KINDS] = {
	{ "PK\3\4", 4 },                 /* a zip's local header */
	{ "7z\274\257\047\034", 6 },     /* 7z */
	{ "Rar!\032\007", 6 },             /* RAR 1.5 to 4 (then \0) and RAR5 (\1\0) */
	{ "MSCF\0\0\0\0", 8 },           /* cab */
};

bool qf_archive_inner_first(const unsigned char *buf, size_t len, uint64_t base, uint64_t *at,
			    enum qf_inner_kind *kind)
{
	const unsigned char *end = buf + len, *p, *first = end;
	size_t k;

	/* each signature's first byte by memchr, then the rest; the earliest
	 * of the four */
	for (k = 0; k < sizeof inner_sigs / sizeof *inner_sigs; k++) {
		size_t sl = inner_sigs[k].len;
		p = buf + (base == 0);   /* offset 0 is the head's */
		while (p < first && (size_t)(end - p) >= sl &&
		       (p = memchr(p, inner_sigs[k].sig[0], (size_t)(end - p) - sl + 1)) && p < first) {
			if (!memcmp(p, inner_sigs[k].sig, sl)) {
				first = p;
				*kind = (enum qf_inner_kind)k;
				break;
			}
			p++;
		}
	}
	if (first == end)
		return false;
	*at = base + (uint64_t)(first - buf);
	return true;
}

int qf_archive_inner_next(int fd, uint64_t from, uint64_t size, unsigned char *buf, size_t bufsize,
			  uint64_t *at, enum qf_inner_kind *kind)
{
	while (from < size) {
		size_t want = size - from < bufsize ? (size_t)(size - from) : bufsize;
		if (qf_pread_exact(fd, buf, want, from) < 0)
			return -1;
		if (qf_archive_inner_first(buf, want, from, at, kind))
			return 1;
		if (from + want >= size)
			break;
		from += want - (QF_INNER_SIG_MAX - 1);
	}
	return 0;
}

enum qf_archive_kind qf_archive_sniff(const unsigned char *h, size_t len)
{
	size_t i;

	if (len >= 4 && !memcmp(h, "\170\237\076\042", 4))
		return QF_ARCHIVE_TNEF;
	/* a OneNote section {7B5C52E4-D88C-4DA7-AEB1-5378D02996D3} or table
	 * of contents {43FF2FA1-EFD9-4C76-9EE2-10EA5722765F}, as stored */
	if (len >= 16 && (!memcmp(h, "\344\122\134\173\214\330\247\115\256\261\123\170\320\051\226\323", 16) ||
			  !memcmp(h, "\241\057\377\103\331\357\166\114\236\342\020\352\127\042\166\137", 16)))
		return QF_ARCHIVE_ONENOTE;
	for (i = 0; i < sizeof strong / sizeof *strong; i++)
		if (at(h, len, &strong[i]))
			return QF_ARCHIVE_YES;
	if (unix_compress(h, len))
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

static bool digits(const char *s, size_t n)
{
	while (n--)
		if (*s < '0' || *s++ > '9')
			return false;
	return *s == 0;
}

/* The volumes that 7-Zip, WinZip or WinRAR join into one file: 7-Zip's
 * and HJSplit's name.001 (or .000, up to .099), a split zip's .z01, an
 * old RAR set's .r00, a new one's .part1.rar (the first volume of a RAR
 * set and the .zip that ends a split zip are read as what they are). */
const char *qf_archive_split_volume(const char *name)
{
	const char *dot = name ? strrchr(name, '.') : NULL;
	const char *part;

	if (!dot || dot == name)
		return NULL;
	if (dot[1] == '0' && digits(dot + 1, 3))
		return "a split archive volume (.001)";
	if ((dot[1] == 'z' || dot[1] == 'Z') && digits(dot + 2, 2))
		return "a split zip volume (.z01)";
	if ((dot[1] == 'r' || dot[1] == 'R') && digits(dot + 2, 2))
		return "a RAR volume (.r00)";
	if (!strcasecmp(dot, ".rar")) {
		for (part = dot - 1; part > name && part[-1] >= '0' && part[-1] <= '9'; part--)
			;
		if (part < dot && part - name >= 5 && !strncasecmp(part - 5, ".part", 5))
			return "a RAR volume (.part1.rar)";
	}
	return NULL;
}
