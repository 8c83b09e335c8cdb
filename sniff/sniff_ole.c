/* sniff_ole.c: see sniff_ole.h. The layout is [MS-CFB]: a 512-byte
 * header, sectors of 512 or 4096 bytes, a FAT of sector chains (its own
 * sectors listed by the header's DIFAT and the DIFAT chain), a directory
 * of 128-byte entries, and streams under the mini-stream cutoff kept in
 * 64-byte mini sectors inside the root entry's stream. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "exe_header.h"
#include "sniff_ole.h"

#define END_OF_CHAIN 0xfffffffeu
#define STREAM_HEAD 4096         /* bytes of a stream read: the DOS and PE headers */
#define FAT_MAX (1u << 20)       /* FAT sectors: 512 MB of file at 512 bytes a sector */

static const unsigned char signature[8] = { 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1 };
/* {000C1084-...-C000-000000000046} and its patch (1086) and transform
 * (1082) siblings, as stored: the first three fields little-endian */
static const unsigned char msi_clsid_tail[14] = { 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46 };

struct ole {
	const unsigned char *head;
	size_t len;
	uint64_t size;
	int fd;
	unsigned ssize;           /* sector size */
	uint32_t nsect;           /* sectors in the file */
	uint32_t *fat;
	uint32_t nfat;            /* entries in fat */
	uint32_t *minifat;
	uint32_t nminifat;
	uint32_t *root;           /* the mini stream's sectors, in order */
	uint32_t nroot;
	uint32_t cutoff;
	struct qf_ole_info *info;
};

static uint32_t u32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static bool damaged(struct ole *o, const char *why)
{
	if (!strcmp(why, "out of memory"))
		o->info->nomem = true;
	if (!o->info->damaged) {
		o->info->damaged = true;
		snprintf(o->info->why, sizeof o->info->why, "%s", why);
	}
	return false;
}

/* n bytes at offset off of the file, from the head or the copy. */
static bool read_at(struct ole *o, uint64_t off, void *buf, size_t n)
{
	if (off > o->size || n > o->size - off)
		return damaged(o, "a sector beyond the end");
	if (off + n <= o->len) {
		memcpy(buf, o->head + off, n);
		return true;
	}
	if (o->fd < 0) {
		o->info->partial = true;
		return damaged(o, "content beyond the part's head, which alone was kept");
	}
	if (pread(o->fd, buf, n, (off_t)off) != (ssize_t)n)
		return damaged(o, "a short read of the part's copy");
	return true;
}

/* A sector; the file's last one may be cut short by its writer. */
static bool read_sector(struct ole *o, uint32_t s, unsigned char *buf)
{
	uint64_t at = (uint64_t)(s + 1) * o->ssize;
	size_t n = o->ssize;

	if (s >= o->nsect)
		return damaged(o, "a sector number beyond the file");
	if (o->size - at < n) {
		n = o->size - at;
		memset(buf + n, 0, o->ssize - n);
	}
	return read_at(o, at, buf, n);
}

/* The chain from start in table (fat or minifat), at most max sectors,
 * into a new array; NULL on damage (a loop, a free or out-of-range link). */
static uint32_t *chain(struct ole *o, const uint32_t *table, uint32_t ntable,
		       uint32_t start, uint32_t max, uint32_t *n)
{
	uint32_t *v, s = start, k = 0;

	*n = 0;
	if (start == END_OF_CHAIN)
		return calloc(1, sizeof *v);
	v = malloc((size_t)(max ? max : 1) * sizeof *v);
	if (!v) {
		damaged(o, "out of memory");
		return NULL;
	}
	while (s != END_OF_CHAIN) {
		if (s >= ntable || k == max) {
			free(v);
			damaged(o, s >= ntable ? "a chain leaving its table" : "a chain longer than the file");
			return NULL;
		}
		v[k++] = s;
		s = table[s];
	}
	*n = k;
	return v;
}

/* The FAT: its sectors from the header's 109 DIFAT slots, then the DIFAT chain. */
static bool load_fat(struct ole *o, const unsigned char *hdr, unsigned char *sec)
{
	uint32_t nfatsect = u32(hdr + 0x2c), difat = u32(hdr + 0x44), ndifat = u32(hdr + 0x48);
	uint32_t per = o->ssize / 4, got = 0, i, d;
	uint32_t *where;

	if (nfatsect == 0 || nfatsect > o->nsect || nfatsect > FAT_MAX)
		return damaged(o, "a FAT size the file cannot hold");
	where = malloc(nfatsect * sizeof *where);
	if (!where)
		return damaged(o, "out of memory");
	for (i = 0; i < 109 && got < nfatsect; i++)
		where[got++] = u32(hdr + 0x4c + 4 * i);
	for (d = 0; got < nfatsect && d < ndifat && d <= o->nsect; d++) {
		if (!read_sector(o, difat, sec)) {
			free(where);
			return false;
		}
		for (i = 0; i + 1 < per && got < nfatsect; i++)
			where[got++] = u32(sec + 4 * i);
		difat = u32(sec + o->ssize - 4);
	}
	if (got < nfatsect) {
		free(where);
		return damaged(o, "a DIFAT shorter than the FAT");
	}
	o->nfat = nfatsect * per;
	o->fat = malloc((size_t)o->nfat * sizeof *o->fat);
	if (!o->fat) {
		free(where);
		return damaged(o, "out of memory");
	}
	for (i = 0; i < nfatsect; i++) {
		uint32_t j;
		if (!read_sector(o, where[i], sec)) {
			free(where);
			return false;
		}
		for (j = 0; j < per; j++)
			o->fat[i * per + j] = u32(sec + 4 * j);
	}
	free(where);
	return true;
}

/* The first n bytes of a stream (n <= STREAM_HEAD) into buf. */
static bool stream_head(struct ole *o, uint32_t start, uint64_t size, unsigned char *buf,
			size_t n, unsigned char *sec)
{
	size_t got = 0;
	uint32_t s = start, steps = 0;

	if (size < o->cutoff) {
		/* mini sectors of 64 bytes inside the root's stream */
		while (got < n) {
			uint64_t at;
			if (s >= o->nminifat || steps++ > o->nminifat)
				return damaged(o, "a mini stream chain leaving its table");
			at = (uint64_t)s * 64;
			if (at / o->ssize >= o->nroot)
				return damaged(o, "a mini sector beyond the mini stream");
			if (!read_at(o, (uint64_t)(o->root[at / o->ssize] + 1) * o->ssize + at % o->ssize,
				     buf + got, n - got < 64 ? n - got : 64))
				return false;
			got += n - got < 64 ? n - got : 64;
			s = o->minifat[s];
		}
		return true;
	}
	while (got < n) {
		size_t take = n - got < o->ssize ? n - got : o->ssize;
		if (s >= o->nfat || steps++ > o->nsect)
			return damaged(o, "a stream chain leaving the FAT");
		if (!read_sector(o, s, sec))
			return false;
		memcpy(buf + got, sec, take);
		got += take;
		s = o->fat[s];
	}
	return true;
}

static void stream_name(const unsigned char *e, char *out, size_t outlen)
{
	unsigned n = (e[0x40] | e[0x41] << 8) / 2, i, k = 0;

	if (n > 32)
		n = 32;
	for (i = 0; i < n && k + 1 < outlen; i++) {
		unsigned c = e[2 * i] | e[2 * i + 1] << 8;
		if (!c)
			break;
		out[k++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	out[k] = 0;
}

/* "\1Ole10Native": an embedded package (Packager), a file inside the document. */
static bool is_ole10native(const unsigned char *e)
{
	static const char name[] = "\1Ole10Native";
	unsigned i;

	if ((e[0x40] | e[0x41] << 8) != 2 * sizeof name)
		return false;
	for (i = 0; i < sizeof name; i++)
		if (e[2 * i] != (unsigned char)name[i] || e[2 * i + 1])
			return false;
	return true;
}

/* A stream's first n bytes (of size) start a program: directly, or as
 * the data of an Ole10Native package (size, flags, label, file name,
 * flags, command line, data size, data). */
static bool program(const unsigned char *b, size_t n, uint64_t size, bool native)
{
	size_t at = 6, k;
	uint32_t cmd, data;

	if (!native)
		return qf_exe_header_kind(b, n, size, -1) != QF_EXE_NONE;
	for (k = 0; k < 2; k++) {         /* label, file name */
		const unsigned char *z = at < n ? memchr(b + at, 0, n - at) : NULL;
		if (!z)
			return false;
		at = z - b + 1;
	}
	at += 4;                          /* flags, unknown */
	if (at + 4 > n)
		return false;
	cmd = u32(b + at);
	if (cmd > n || at + 4 + cmd + 4 > n)
		return false;
	at += 4 + cmd;
	data = u32(b + at);
	at += 4;
	return qf_exe_header_kind(b + at, n - at, data, -1) != QF_EXE_NONE;
}

/* Each stream of the directory: does one start with a program? */
static bool look_at_streams(struct ole *o, const unsigned char *hdr, unsigned char *sec)
{
	uint32_t ndir, i, per = o->ssize / 128, entries = 0;
	uint32_t *dir = chain(o, o->fat, o->nfat, u32(hdr + 0x30), o->nsect, &ndir);
	unsigned char *buf = malloc(STREAM_HEAD), *dsec = malloc(o->ssize);
	bool ok = dir && buf && dsec;

	for (i = 0; ok && i < ndir && entries < QF_OLE_MAX_ENTRIES; i++) {
		uint32_t j;
		/* sec is the streams' scratch; the entries stay in dsec */
		if (!read_sector(o, dir[i], dsec)) {
			ok = false;
			break;
		}
		for (j = 0; j < per && entries < QF_OLE_MAX_ENTRIES; j++, entries++) {
			const unsigned char *e = dsec + 128 * j;
			uint64_t size = u32(e + 0x78) | (o->ssize == 4096 ? (uint64_t)u32(e + 0x7c) << 32 : 0);
			uint32_t start = u32(e + 0x74);
			size_t n;
			bool native;

			if (i == 0 && j == 0) {
				uint32_t nroot;
				if (e[0x42] != 5) {
					ok = damaged(o, "no root entry");
					break;
				}
				o->info->msi = (e[0x50] == 0x84 || e[0x50] == 0x86 || e[0x50] == 0x82) &&
					       e[0x51] == 0x10 && !memcmp(e + 0x52, msi_clsid_tail, 14);
				o->root = chain(o, o->fat, o->nfat, start, o->nsect, &nroot);
				o->nroot = nroot;
				if (!o->root) {
					ok = false;
					break;
				}
				continue;
			}
			if (e[0x42] != 2 || size < 2)
				continue;
			n = size < STREAM_HEAD ? (size_t)size : STREAM_HEAD;
			native = is_ole10native(e);
			/* the first bytes, then the rest of the head only for "MZ"
			 * or an embedded package */
			if (!stream_head(o, start, size, buf, n < 64 ? n : 64, sec)) {
				ok = false;
				break;
			}
			if (memcmp(buf, "MZ", 2) && !native)
				continue;
			if (n > 64 && !stream_head(o, start, size, buf, n, sec)) {
				ok = false;
				break;
			}
			if (program(buf, n, size, native)) {
				o->info->exe = true;
				stream_name(e, o->info->stream, sizeof o->info->stream);
				break;
			}
		}
		if (o->info->exe)
			break;
	}
	free(dir);
	free(buf);
	free(dsec);
	return ok;
}

bool qf_sniff_ole_signature(const unsigned char *head, size_t len)
{
	return len >= 8 && !memcmp(head, signature, 8);
}

bool qf_sniff_ole(const unsigned char *head, size_t len, uint64_t size, int fd,
		  struct qf_ole_info *info)
{
	struct ole o = { head, len, size, fd, 0, 0, NULL, 0, NULL, 0, NULL, 0, 0, info };
	unsigned char hdr[512], *sec = NULL;
	unsigned shift;

	memset(info, 0, sizeof *info);
	if (!qf_sniff_ole_signature(head, len))
		return false;
	info->ole = true;
	if (!read_at(&o, 0, hdr, sizeof hdr))
		return true;
	shift = hdr[0x1e] | hdr[0x1f] << 8;
	if (hdr[0x1c] != 0xfe || hdr[0x1d] != 0xff || (shift != 9 && shift != 12) ||
	    hdr[0x20] != 6 || hdr[0x21] != 0) {
		damaged(&o, "a header that is not [MS-CFB]'s");
		return true;
	}
	o.ssize = 1u << shift;
	if (size <= o.ssize || (size - o.ssize) / o.ssize >= 0xfffffff0u) {
		damaged(&o, "a file size its sectors cannot have");
		return true;
	}
	o.nsect = (uint32_t)((size - 1) / o.ssize);   /* whole or cut short, after the header */
	o.cutoff = u32(hdr + 0x38);
	sec = malloc(o.ssize);
	if (!sec) {
		damaged(&o, "out of memory");
		return true;
	}
	if (load_fat(&o, hdr, sec)) {
		uint32_t nmini = 0, *minisect;
		minisect = chain(&o, o.fat, o.nfat, u32(hdr + 0x3c), o.nsect, &nmini);
		if (minisect) {
			uint32_t i, j, per = o.ssize / 4;
			o.nminifat = nmini * per;
			o.minifat = malloc(((size_t)o.nminifat + 1) * sizeof *o.minifat);
			if (!o.minifat)
				damaged(&o, "out of memory");
			for (i = 0; o.minifat && i < nmini; i++) {
				if (!read_sector(&o, minisect[i], sec))
					break;
				for (j = 0; j < per; j++)
					o.minifat[i * per + j] = u32(sec + 4 * j);
			}
			free(minisect);
			if (!info->damaged)
				look_at_streams(&o, hdr, sec);
		}
	}
	free(sec);
	free(o.fat);
	free(o.minifat);
	free(o.root);
	return true;
}
