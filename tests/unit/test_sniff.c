/* test_sniff.c: the type classes of sniff/: native executables (ELF,
 * Mach-O thin and universal against Java classes, compound files with a
 * program stream in a FAT chain and in the mini stream), shortcuts, disk
 * images, encoded scripts and HTAs, the class names ban-types= uses, the
 * archive signatures that are only near misses of text, split volume
 * names, a zip's end record behind other content (and the MIME sink
 * that looks for it at the end of every part kept), and
 * the compound file reader on 20,000 damaged files (bounded, no crash:
 * run under ASan by make check-asan). */
#include <stdint.h>
#include <sys/mman.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "archive_sniff.h"
#include "mime_sink.h"
#include "sniff_class.h"
#include "sniff_mail.h"
#include "sniff_native.h"
#include "sniff_ole.h"
#include "unit.h"

#define END 0xfffffffeu

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static void put16(unsigned char *p, unsigned v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static void pe(unsigned char *b)
{
	memset(b, 0, 512);
	b[0] = 'M';
	b[1] = 'Z';
	put32(b + 0x3c, 0x80);
	memcpy(b + 0x80, "PE\0\0\x4c\x01", 6);
}

static void dir_entry(unsigned char *e, const char *name, int type, uint32_t child,
		      uint32_t right, uint32_t start, uint32_t size)
{
	size_t i, n = strlen(name);

	memset(e, 0, 128);
	for (i = 0; i < n; i++)
		e[2 * i] = (unsigned char)name[i];
	put16(e + 0x40, 2 * (n + 1));
	e[0x42] = type;
	put32(e + 0x44, 0xffffffff);
	put32(e + 0x48, right);
	put32(e + 0x4c, child);
	put32(e + 0x74, start);
	put32(e + 0x78, size);
}

/* A compound file of 13 sectors after the header: 0 the FAT, 1 the
 * directory, 2..9 a 4 KB stream, 10 the mini FAT, 11 the mini stream
 * (one 128-byte stream), 12 spare. big_pe/mini_pe: which holds a PE. */
static size_t ole(unsigned char *f, bool msi, bool big_pe, bool mini_pe)
{
	unsigned char *fat = f + 512, *dir = f + 1024;
	uint32_t i;

	memset(f, 0, 14 * 512);
	memcpy(f, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8);
	put16(f + 0x18, 0x3e);
	put16(f + 0x1a, 3);
	put16(f + 0x1c, 0xfffe);
	put16(f + 0x1e, 9);
	put16(f + 0x20, 6);
	put32(f + 0x2c, 1);          /* FAT sectors */
	put32(f + 0x30, 1);          /* directory */
	put32(f + 0x38, 4096);
	put32(f + 0x3c, 10);         /* mini FAT */
	put32(f + 0x40, 1);
	put32(f + 0x44, END);
	memset(f + 0x4c, 0xff, 109 * 4);
	put32(f + 0x4c, 0);
	memset(fat, 0xff, 512);
	put32(fat, 0xfffffffd);
	put32(fat + 4, END);
	for (i = 2; i < 9; i++)
		put32(fat + 4 * i, i + 1);
	put32(fat + 4 * 9, END);
	put32(fat + 4 * 10, END);
	put32(fat + 4 * 11, END);
	dir_entry(dir, "Root Entry", 5, 1, 0xffffffff, 11, 128);
	if (msi)
		memcpy(dir + 0x50, "\x84\x10\x0c\x00\x00\x00\x00\x00\xc0\x00\x00\x00\x00\x00\x00\x46", 16);
	dir_entry(dir + 128, "Big", 2, 0xffffffff, 2, 2, 4096);
	dir_entry(dir + 256, "Small", 2, 0xffffffff, 0xffffffff, 0, 128);
	memset(f + 1536, 'x', 8 * 512);
	if (big_pe)
		pe(f + 1536);
	put32(f + 11 * 512, 1);                     /* the mini FAT, sector 10 */
	put32(f + 11 * 512 + 4, END);
	memset(f + 11 * 512 + 8, 0xff, 504);
	memset(f + 12 * 512, 'y', 512);             /* the mini stream, sector 11 */
	if (mini_pe) {
		unsigned char p[512];
		pe(p);
		memcpy(f + 12 * 512, p, 128);
		put32(f + 12 * 512 + 0x3c, 0x40);       /* PE header within the 128 bytes */
		memcpy(f + 12 * 512 + 0x40, "PE\0\0", 4);
	}
	return 14 * 512;
}

static void natives(void)
{
	unsigned char b[64] = "\177ELF\2\1\1";
	bool fat;

	CHECK_INT(qf_sniff_native(b, sizeof b, sizeof b, -1, NULL), QF_NATIVE_ELF, "an ELF header");
	b[6] = 0;
	CHECK_INT(qf_sniff_native(b, sizeof b, sizeof b, -1, NULL), QF_NATIVE_NONE, "ELF version 0 is none");
	memcpy(b, "\xcf\xfa\xed\xfe\x07\x00\x00\x01", 8);
	CHECK(qf_sniff_macho(b, sizeof b, &fat) && !fat, "a thin 64-bit Mach-O, x86_64");
	memcpy(b, "\xfe\xed\xfa\xce\x00\x00\x00\x12", 8);
	CHECK(qf_sniff_macho(b, sizeof b, &fat) && !fat, "a thin 32-bit big-endian Mach-O, PowerPC");
	memcpy(b, "\xcf\xfa\xed\xfe\x99\x00\x00\x00", 8);
	CHECK(!qf_sniff_macho(b, sizeof b, &fat), "Mach-O magic with an unknown CPU is none");
	memcpy(b, "\xca\xfe\xba\xbe\x00\x00\x00\x02\x01\x00\x00\x07", 12);
	CHECK_INT(qf_sniff_native(b, sizeof b, sizeof b, -1, NULL), QF_NATIVE_MACHO_FAT,
		  "a universal binary with two architectures");
	memcpy(b, "\xca\xfe\xba\xbe\x00\x00\x00\x34\x0a\x00\x1d\x07", 12);
	CHECK_INT(qf_sniff_native(b, sizeof b, sizeof b, -1, NULL), QF_NATIVE_NONE,
		  "a Java class (CAFEBABE, major version 52) is none");
	CHECK_STR(qf_native_class(QF_NATIVE_MACHO_FAT), "executable/macho", "universal is executable/macho");
	CHECK_STR(qf_native_word(QF_NATIVE_OLE, true), "msi", "an MSI with a program logs msi:");
}

static void compound(void)
{
	static unsigned char f[14 * 512];
	struct qf_ole_info o;
	size_t n;
	enum qf_native k;

	n = ole(f, true, true, false);
	k = qf_sniff_native(f, n, n, -1, &o);
	CHECK_INT(k, QF_NATIVE_OLE, "an MSI whose 4 KB stream is a PE");
	CHECK(o.msi && !o.damaged, "... its CLSID says MSI, nothing damaged");
	CHECK_STR(o.stream, "Big", "... the stream is named");
	n = ole(f, false, false, true);
	k = qf_sniff_native(f, n, n, -1, &o);
	CHECK_INT(k, QF_NATIVE_OLE, "a compound file whose mini-stream stream is a PE");
	CHECK(!o.msi, "... no MSI CLSID");
	CHECK_STR(o.stream, "Small", "... the small stream is named");
	n = ole(f, true, false, false);
	CHECK_INT(qf_sniff_native(f, n, n, -1, &o), QF_NATIVE_NONE, "an MSI without a program stream");
	CHECK(o.ole && o.msi && !o.damaged, "... is read whole and is an MSI");
	CHECK(qf_mime_sink_wants_copy(f, 64), "... and a compound file's head asks the MIME sink for a copy");
	CHECK_STR(qf_class_by_content(f, n, n, -1, &o, NULL)->name, "installer/msi", "... class installer/msi");
	CHECK_INT(qf_sniff_native(f, 4096, n, -1, &o), QF_NATIVE_NONE, "only the head, no copy");
	CHECK(o.damaged && o.partial, "... is partial, not a finding");
	ole(f, false, false, false);
	put32(f + 512 + 4, 1);       /* the directory's chain points at itself */
	CHECK_INT(qf_sniff_native(f, n, n, -1, &o), QF_NATIVE_NONE, "a looping directory chain");
	CHECK(o.damaged && !o.partial, "... is damage");
}

/* Every structure field overwritten at random: no crash, no hang. */
static void damaged_files(void)
{
	static unsigned char good[14 * 512], f[14 * 512];
	struct qf_ole_info o;
	unsigned i, j, found = 0, damage = 0;
	size_t n = ole(good, true, true, true);

	srand(19);
	for (i = 0; i < 20000; i++) {
		memcpy(f, good, n);
		for (j = 0; j < 1 + (unsigned)rand() % 4; j++) {
			/* the header, the FAT, the directory, the mini FAT */
			static const unsigned spans[][2] = { { 0x18, 0x1cc }, { 512, 1024 }, { 1024, 1536 },
							     { 11 * 512, 12 * 512 } };
			const unsigned *s = spans[rand() % 4];
			unsigned at = s[0] + (unsigned)rand() % (s[1] - s[0]);
			f[at] = rand() % 3 ? (unsigned char)rand() : 0xff;
		}
		found += qf_sniff_native(f, n, n, -1, &o) == QF_NATIVE_OLE;
		damage += o.damaged;
	}
	CHECK(found > 0 && damage > 0, "20,000 damaged compound files read, bounded (%u still a program, %u damaged)",
	      found, damage);
}

static void classes(void)
{
	static unsigned char b[0x9000];
	const struct qf_class *c;

	memset(b, 0, sizeof b);
	memcpy(b, "\x4c\0\0\0\x01\x14\x02\0\0\0\0\0\xc0\0\0\0\0\0\0\x46", 20);
	c = qf_class_by_content(b, 100, 100, -1, NULL, NULL);
	CHECK(c && !strcmp(c->name, "shortcut/lnk"), "a shortcut by its header and LinkCLSID");
	b[5] = 0x15;
	CHECK(!qf_class_by_content(b, 100, 100, -1, NULL, NULL), "another CLSID is no shortcut");
	memset(b, 0, sizeof b);
	memcpy(b + 0x8001, "CD001", 5);
	c = qf_class_by_content(b, sizeof b, sizeof b, -1, NULL, NULL);
	CHECK(c && !strcmp(c->name, "disk-image/iso"), "ISO 9660: CD001 at 0x8001");
	CHECK(!qf_class_by_content(b, 8192, sizeof b, -1, NULL, NULL), "... unseen in an 8 KB head without a copy");
	CHECK(qf_mime_sink_wants_copy(b, 64), "... so zeros at the start ask the MIME sink for a copy");
	memset(b, 0, sizeof b);
	memcpy(b + sizeof b - 512, "conectix", 8);
	c = qf_class_by_content(b, sizeof b, sizeof b, -1, NULL, NULL);
	CHECK(c && !strcmp(c->name, "disk-image/vhd"), "a fixed VHD by its footer");
	memcpy(b, "vhdxfile", 8);
	c = qf_class_by_content(b, 64, sizeof b, -1, NULL, NULL);
	CHECK(c && !strcmp(c->name, "disk-image/vhdx"), "VHDX by its signature");
	memset(b, 0, 512);
	b[446] = 0x80;
	b[450] = 0x0c;
	b[510] = 0x55;
	b[511] = 0xaa;
	c = qf_class_by_content(b, 512, 512, -1, NULL, NULL);
	CHECK(c && !strcmp(c->name, "disk-image/raw"), "a master boot record: a raw disk image");
	b[462] = 0x33;
	CHECK(!qf_class_by_content(b, 512, 512, -1, NULL, NULL), "a bad partition status byte: no MBR");
	c = qf_class_by_content((const unsigned char *)"#@~^GQAAAA==\\ko$", 16, 16, -1, NULL, "jse");
	CHECK(c && !strcmp(c->name, "script/jse"), "an encoded script named .jse");
	c = qf_class_by_content((const unsigned char *)"#@~^GQAAAA==\\ko$", 16, 16, -1, NULL, NULL);
	CHECK(c && !strcmp(c->name, "script/vbe"), "... otherwise .vbe");
	c = qf_class_by_content((const unsigned char *)"<html><HEAD><Hta:Application id=x>", 35, 35, -1, NULL, NULL);
	CHECK(c && !strcmp(c->name, "script/hta"), "<hta:application> in any case");
	CHECK(!qf_class_by_content((const unsigned char *)"<html><p>hta:application</p>", 28, 28, -1, NULL, NULL),
	      "the words outside a tag are not an HTA");
	CHECK(!strcmp(qf_class_by_ext("cmd")->name, "script/bat"), ".cmd is script/bat");
	CHECK(!qf_class_by_ext("exe"), "no class by the name .exe: natives go by content");
	CHECK(!qf_class_by_type("application/x-dosexec", true), "a declared executable type gives no native class");
	CHECK(!strcmp(qf_class_by_type("application/x-dosexec", false)->name, "executable/pe"),
	      "libmagic's x-dosexec is executable/pe");
	CHECK(!strcmp(qf_class_by_type("text/x-msdos-batch", false)->name, "script/bat"),
	      "libmagic's batch type is script/bat");
	c = qf_class_by_name("executable/elf");
	CHECK(qf_class_banned_by(c, "executable/*"), "executable/* bans ELF");
	CHECK(qf_class_banned_by(c, "application/x-sharedlib"), "... and so does an ELF type name");
	CHECK(!qf_class_banned_by(c, "script/*"), "script/* does not");
	CHECK(!qf_class_banned_by(qf_class_by_name("script/js"), "script/jse"), "script/jse is not script/js");
	CHECK(!qf_type_banned_by("application/zip", "application/zip*"), "no star without the slash");
	memset(b, 1, 64);
	CHECK(!qf_mime_sink_wants_copy(b, 64), "other content asks for no copy");
}

#define MAIL(s) qf_sniff_mail((const unsigned char *)(s), sizeof(s) - 1)

/* mail messages sent as attachments; text that only looks like headers */
static void mail(void)
{
	CHECK(MAIL("From: a@example.org\nTo: b@example.com\nSubject: x\n\nbody\n"), "a message");
	CHECK(MAIL("From a@example.org  Thu Jul 31 13:51:21 2008\nReturn-Path: <a@x>\nSubject: x\n\n"),
	      "an mbox file");
	CHECK(MAIL("Received: from x\n\tby y\nMessage-ID: <1@x>\r\n\r\n"), "continuation lines and CRLF");
	CHECK(MAIL("Subject: x\nContent-Type: text/plain\nX-Long: a"), "a header cut by the end of the head");
	CHECK(!MAIL("Subject: x\nX-Note: y\n\n"), "no field every message has: not a message");
	CHECK(!MAIL("From: a@example.org\n\nbody\n"), "one field is not enough");
	CHECK(!MAIL("Dear Sir: hello\nFrom: me\n"), "prose with a colon is no header line");
	CHECK(!MAIL("From: a\nnot a header at all\nTo: b\n\n"), "a line that is no header ends it");
	CHECK(!MAIL(" From: a\nTo: b\n\n"), "a continuation first is no header");
	CHECK(qf_mime_sink_wants_copy((const unsigned char *)"From: a\nMessage-ID: <1@x>\n\n", 28),
	      "a message asks the MIME sink for a copy (to be walked)");
}

/* a zip's end of central directory record: n entries, a comment of clen */
static void eocd(unsigned char *r, unsigned disk, unsigned n, unsigned clen)
{
	memset(r, 0, QF_ZIP_EOCD_LEN);
	memcpy(r, "PK\5\6", 4);
	put16(r + 4, disk);
	put16(r + 8, n);
	put16(r + 10, n);
	put16(r + 20, clen);
}

static void sink_all(struct qf_mime_sink *s, const unsigned char *p, size_t n, size_t step)
{
	size_t k;

	qf_mime_sink_init(s, NULL);
	for (k = 0; k < n; k += step)
		if (qf_mime_sink_write(s, p + k, n - k < step ? n - k : step) < 0)
			break;
	CHECK(qf_mime_sink_end(s) == 0, "the sink takes %zu bytes in steps of %zu", n, step);
}

/* a zip that ends other content: unzip finds it from its end */
static void zip_ends(void)
{
	static unsigned char b[40000];
	unsigned char r[QF_ZIP_EOCD_LEN];
	struct qf_mime_sink s;
	size_t i;

	for (i = 0; i < sizeof b; i++)
		b[i] = (unsigned char)(i * 7919 >> 3);
	b[0] = 0xff, b[1] = 0xd8, b[2] = 0xff; /* a JPEG's start */
	eocd(b + sizeof b - QF_ZIP_EOCD_LEN, 0, 3, 0);
	CHECK(qf_archive_zip_ends(b, sizeof b), "an end record at the end");
	memcpy(r, b + sizeof b - QF_ZIP_EOCD_LEN, sizeof r);
	eocd(b + sizeof b - QF_ZIP_EOCD_LEN - 200, 0, 3, 0);
	memset(b + sizeof b - 200, 'J', 200);
	CHECK(qf_archive_zip_ends(b, sizeof b), "an end record with 200 bytes after it (readers take it)");
	CHECK(qf_archive_zip_ends(b + sizeof b - 300, 300), "... in a tail of 300 bytes");
	CHECK(!qf_archive_zip_ends(b + sizeof b - 221, 221), "... not when the tail cuts the record");
	eocd(b + sizeof b - QF_ZIP_EOCD_LEN - 200, 1, 3, 0);
	CHECK(!qf_archive_zip_ends(b, sizeof b), "the last disk of a split zip is no zip alone");
	eocd(r, 0, 3, 0);
	put16(r + 10, 4);
	CHECK(!qf_archive_zip_end_record(r, sizeof r), "this disk's entries not all of them: no end");
	eocd(r, 0, 3, 0);
	CHECK(!qf_archive_zip_end_record(r, sizeof r - 1), "a record cut short: no end");
	CHECK(!qf_archive_zip_ends(b, 21), "21 bytes hold no record");

	eocd(b + sizeof b - QF_ZIP_EOCD_LEN - 200, 0, 3, 0);
	sink_all(&s, b, sizeof b, 1000);
	CHECK(s.fd >= 0 && s.zip_end, "a 40 KB part: copied, and the zip at its end seen");
	qf_mime_sink_free(&s);
	sink_all(&s, b + sizeof b - 3000, 3000, 3000);
	CHECK(s.fd >= 0 && s.zip_end, "a 3 KB part (all head) ending in a zip: copied and seen");
	qf_mime_sink_free(&s);
	memcpy(b, "PK\3\4", 4);
	sink_all(&s, b, sizeof b, 4096);
	CHECK(s.fd >= 0 && !s.zip_end, "a zip by its head: its own walk reads its end");
	qf_mime_sink_free(&s);
	sink_all(&s, (const unsigned char *)"just text\n", 10, 10);
	CHECK(s.fd < 0 && !s.zip_end, "a short text part: no copy");
	qf_mime_sink_free(&s);
}

/* a copy in memory up to QF_PART_MEMORY, then moved to a file, whole */
static void copy_moves(void)
{
	static unsigned char b[300000], back[300000];
	struct qf_mime_sink s;
	size_t i;

	for (i = 0; i < sizeof b; i++)
		b[i] = (unsigned char)(i * 131 >> 2);
	sink_all(&s, b, 100000, 7000);
	CHECK(s.fd >= 0 && s.in_memory, "a 100 KB part's copy stays in memory");
	qf_mime_sink_free(&s);
	sink_all(&s, b, sizeof b, 7000);
	CHECK(s.fd >= 0 && !s.in_memory, "a 300 KB part's copy moved to a file past %u bytes", QF_PART_MEMORY);
	CHECK(pread(s.fd, back, sizeof back, 0) == (ssize_t)sizeof back && !memcmp(b, back, sizeof b) &&
	      pread(s.fd, back, 1, sizeof b) == 0,
	      "... and holds the part whole, nothing more");
	qf_mime_sink_free(&s);
}

/* a part longer than its copy may be: its last bytes are kept beside it */
static void zip_end_past_copy(void)
{
	size_t n = 1 << 20, i;
	unsigned char *b = calloc(1, n);
	struct qf_mime_sink s;

	if (!b)
		abort();
	b[0] = 0xff, b[1] = 0xd8;
	qf_mime_sink_init(&s, NULL);
	for (i = 0; i < QF_PART_COPY_MAX / n + 1; i++)
		if (qf_mime_sink_write(&s, b, n) < 0)
			break;
	eocd(b + n - QF_ZIP_EOCD_LEN - 5, 0, 1, 0);
	CHECK(qf_mime_sink_write(&s, b + n - 70000, 70000) == 0, "a part past the copy's limit");
	CHECK(qf_mime_sink_end(&s) == 0 && s.copied == QF_PART_COPY_MAX && s.size > s.copied,
	      "... its copy cut at the limit");
	CHECK(s.zip_end, "... and the zip that ends it seen in the tail kept");
	qf_mime_sink_free(&s);
	free(b);
}

/* the archive signatures 7-Zip looks for inside other content */
static void inner_signatures(void)
{
	static unsigned char b[200000], buf[65536];
	enum qf_inner_kind kind = QF_INNER_KINDS;
	struct qf_mime_sink s;
	uint64_t at = 0;
	size_t i;
	int fd;

	for (i = 0; i < sizeof b; i++)
		b[i] = (unsigned char)(i * 7919 >> 3);
	CHECK(!qf_archive_inner_first(b, sizeof b, 0, &at, &kind), "the filler holds no signature");
	memcpy(b, "PK\3\4", 4);                     /* at 0: the head's, not inner */
	CHECK(!qf_archive_inner_first(b, sizeof b, 0, &at, &kind), "a zip at offset 0 is no archive inside");
	CHECK(qf_archive_inner_first(b, 100, 5, &at, &kind) && at == 5 && kind == QF_INNER_ZIP,
	      "... but a block that starts later finds its signature at its first byte, a zip");
	memcpy(b + 150000, "MSCF\0\0\0\0", 8);
	memcpy(b + 150100, "MSCF\0\0\1\0", 8);      /* not cab: reserved bytes set */
	memcpy(b + 65533, "Rar!\032\007\0", 7);      /* across a block's end */
	memcpy(b + 1000, "7z\274\257\047\034", 6);
	CHECK(qf_archive_inner_first(b, sizeof b, 0, &at, &kind) && at == 1000 && kind == QF_INNER_7Z,
	      "the first of several: the 7z");
	CHECK(qf_archive_inner_first(b + 1001, sizeof b - 1001, 1001, &at, &kind) && at == 65533 &&
	      kind == QF_INNER_RAR, "past it: the RAR");
	CHECK(qf_archive_inner_first(b + 65534, sizeof b - 65534, 65534, &at, &kind) && at == 150000 &&
	      kind == QF_INNER_CAB, "past that: the cab");
	CHECK(!qf_archive_inner_first(b + 150100, sizeof b - 150100, 150100, &at, &kind),
	      "MSCF with its reserved bytes set is no cab");
	CHECK(!qf_archive_inner_first(b + 150000, 7, 150000, &at, &kind),
	      "a signature cut by the block's end: none");
	/* through a file, in blocks that overlap by a signature less a byte:
	 * the RAR across the first block's end is found in the next, and so
	 * with blocks of 16 bytes */
	fd = memfd_create("sniff", 0);
	if (fd < 0 || write(fd, b, sizeof b) != (ssize_t)sizeof b)
		abort();
	CHECK(qf_archive_inner_next(fd, 1001, sizeof b, buf, 65536, &at, &kind) == 1 && at == 65533 &&
	      kind == QF_INNER_RAR, "the RAR across the first 64 KB block's end, found");
	CHECK(qf_archive_inner_next(fd, 1001, sizeof b, buf, 16, &at, &kind) == 1 && at == 65533,
	      "... and so in blocks of 16 bytes");
	CHECK(qf_archive_inner_next(fd, 150001, sizeof b, buf, 16, &at, &kind) == 0,
	      "past the last: none");
	CHECK(qf_archive_inner_next(fd, 150001, sizeof b + 100, buf, 65536, &at, &kind) == -1,
	      "a file shorter than said: a read error, not none");
	close(fd);
	memcpy(b, "\377\330\377\340", 4);          /* a JPEG now: the sink looks inside */
	sink_all(&s, b, sizeof b, 3000);
	CHECK(s.inner_at == 1000, "the MIME sink finds the first signature in the part's copy");
	qf_mime_sink_free(&s);
	sink_all(&s, b + 500, 1000, 1000);
	CHECK(s.fd >= 0 && s.inner_at == 500, "a short part with a 7z inside: copied, the 7z found");
	qf_mime_sink_free(&s);
	memcpy(b, "7z\274\257\047\034", 6);
	sink_all(&s, b, sizeof b, 4096);
	CHECK(!s.inner_at, "a 7z by its head: its own walk reads it, no signatures looked for");
	qf_mime_sink_free(&s);
}

#define SNIFF(s) qf_archive_sniff((const unsigned char *)(s), sizeof(s) - 1)

/* the new container signatures, and text or data that only starts like them */
static void containers(void)
{
	unsigned char sb[2048] = { 0 };

	CHECK_INT(SNIFF("\037\235\220x"), QF_ARCHIVE_YES, "Unix compress, 16 bits, block mode");
	CHECK_INT(SNIFF("\037\235\340x"), QF_ARCHIVE_NO, "1F 9D with reserved bits set: not compress");
	CHECK_INT(SNIFF("\037\235\004x"), QF_ARCHIVE_NO, "1F 9D with 4 bits: not compress");
	CHECK_INT(SNIFF("LZIP\1\014x"), QF_ARCHIVE_YES, "lzip");
	CHECK_INT(SNIFF("\211LZO\0\r\n\032\n\020"), QF_ARCHIVE_CLOSED, "lzop: closed");
	CHECK_INT(SNIFF("MSWIM\0\0\0\320\0"), QF_ARCHIVE_CLOSED, "WIM: closed");
	CHECK_INT(SNIFF("hsqs\5\0\0\0\0\0\0\0\0\0\2\0\0\0\0\0\0\0\0\0\0\0\0\0\4\0x"),
		  QF_ARCHIVE_CLOSED, "squashfs 4: closed");
	CHECK_INT(SNIFF("sqsh -S server -U user -P secret -D db -i query.sql\n"), QF_ARCHIVE_NO,
		  "a shell line starting \"sqsh\": text");
	sb[1024 + 56] = 0x53;
	sb[1024 + 57] = 0xef;
	sb[1024 + 24] = 2;
	sb[1024 + 76] = 1;
	CHECK_INT(qf_archive_sniff(sb, sizeof sb), QF_ARCHIVE_CLOSED, "an ext2 superblock at 1024: closed");
	CHECK_STR(qf_archive_closed(sb, sizeof sb), "an ext2/3/4 file system image", "named");
	sb[1024 + 24] = 0x41;
	CHECK(qf_archive_sniff(sb, sizeof sb) != QF_ARCHIVE_CLOSED, "0xEF53 with a block size of 2^65 KB: no ext2");
	CHECK(qf_mime_sink_wants_copy((const unsigned char *)"MSWIM\0\0\0", 8),
	      "a closed container asks the MIME sink for a copy (the walk reads it)");
}

/* the volumes of split archives, by name */
static void volumes(void)
{
	static const char *const yes[] = { "tool.001", "TOOL.7Z.002", "a.zip.000", "a.099", "a.z01",
		"a.Z12", "a.r00", "a.R17", "a.part1.rar", "a.PART02.RAR", NULL };
	static const char *const no[] = { "a.100", "clip.264", "a.0001", "a.01", ".001", "a.zip",
		"a.rar", "a.part.rar", "part1.rar", "a.z1", "a.zz01", "a.r000", "a.rar.txt", NULL };
	size_t i;

	for (i = 0; yes[i]; i++)
		CHECK(qf_archive_split_volume(yes[i]) != NULL, "%s: a split volume", yes[i]);
	for (i = 0; no[i]; i++)
		CHECK(qf_archive_split_volume(no[i]) == NULL, "%s: no split volume", no[i]);
	CHECK(qf_archive_split_volume(NULL) == NULL, "no name: none");
}

int main(void)
{
	containers();
	volumes();
	natives();
	compound();
	damaged_files();
	classes();
	mail();
	zip_ends();
	zip_end_past_copy();
	copy_moves();
	inner_signatures();
	return unit_done();
}
