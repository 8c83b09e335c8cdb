/* test_exe.c: what counts as an executable header (exe_header.c). */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include "exe_header.h"
#include "unit.h"

static void put16(unsigned char *p, unsigned v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static void put32(unsigned char *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

/* A PE as linkers write it: a DOS stub header, e_lfanew 0x80. */
static void make_pe(unsigned char *b, size_t len)
{
	memset(b, 0, len);
	memcpy(b, "MZ", 2);
	put16(b + 2, 0x90);
	put16(b + 4, 3);
	put16(b + 8, 4);
	put16(b + 0x18, 0x40);
	put32(b + 0x3c, 0x80);
	memcpy(b + 0x80, "PE\0\0", 4);
	put16(b + 0x84, 0x14c);
}

/* A DOS .EXE of 320 bytes with a 64-byte header. */
static void make_dos(unsigned char *b)
{
	memset(b, 0, 320);
	memcpy(b, "MZ", 2);
	put16(b + 2, 320);
	put16(b + 4, 1);
	put16(b + 8, 4);
	put16(b + 0x0c, 0xffff);
	put16(b + 0x10, 0xb8);
	put16(b + 0x18, 0x40);
}

static void pe(void)
{
	unsigned char b[512];

	make_pe(b, sizeof b);
	CHECK_INT(qf_exe_header_kind(b, sizeof b, sizeof b, -1), QF_EXE_PE, "a PE");
	/* packers zero the DOS fields: the loader only reads e_lfanew */
	memset(b + 2, 0, 0x3a);
	CHECK_INT(qf_exe_header_kind(b, sizeof b, sizeof b, -1), QF_EXE_PE, "a PE with a zeroed DOS header");
	put32(b + 0x3c, 4);
	memcpy(b + 4, "PE\0\0", 4);
	CHECK_INT(qf_exe_header_kind(b, sizeof b, sizeof b, -1), QF_EXE_PE, "a PE header overlapping the DOS one");
	make_pe(b, sizeof b);
	put32(b + 0x3c, 0x7ffffff0);
	CHECK_INT(qf_exe_header_kind(b, sizeof b, sizeof b, -1), QF_EXE_MZ,
		  "e_lfanew past the end: the DOS header decides");
	put32(b + 0x3c, 510);
	CHECK_INT(qf_exe_header_kind(b, sizeof b, sizeof b, -1), QF_EXE_MZ,
		  "e_lfanew too close to the end for a signature");
	make_pe(b, sizeof b);
	memcpy(b + 0x80, "PE\0\1", 4);
	CHECK_INT(qf_exe_header_kind(b, sizeof b, sizeof b, -1), QF_EXE_MZ, "a bad signature leaves MZ");
}

static void pe_beyond_head(void)
{
	size_t len = 70000;
	unsigned char *b = calloc(1, len);
	int fd = memfd_create("pe", 0);

	make_pe(b, 64);
	put32(b + 0x3c, 65536);
	memcpy(b + 65536, "PE\0\0", 4);
	CHECK(write(fd, b, len) == (ssize_t)len, "wrote the file");
	CHECK_INT(qf_exe_header_kind(b, 8192, len, fd), QF_EXE_PE, "signature read from the copy");
	CHECK_INT(qf_exe_header_kind(b, 8192, len, -1), QF_EXE_MZ, "without a copy, the DOS header");
	close(fd);
	free(b);
}

static void dos(void)
{
	unsigned char b[320];

	make_dos(b);
	CHECK_INT(qf_exe_header_kind(b, sizeof b, sizeof b, -1), QF_EXE_MZ, "a DOS program");
	CHECK(qf_exe_header_dos_valid(b, sizeof b), "its header is valid");
	put16(b + 2, 512);
	CHECK(!qf_exe_header_dos_valid(b, sizeof b), "last page count 512");
	make_dos(b);
	put16(b + 4, 0);
	CHECK(!qf_exe_header_dos_valid(b, sizeof b), "no pages");
	make_dos(b);
	put16(b + 8, 1);
	CHECK(!qf_exe_header_dos_valid(b, sizeof b), "a header of one paragraph");
	make_dos(b);
	put16(b + 8, 100);
	CHECK(!qf_exe_header_dos_valid(b, sizeof b), "a header larger than the image");
	make_dos(b);
	put16(b + 6, 20);
	CHECK(!qf_exe_header_dos_valid(b, sizeof b), "relocations past the header");
	put16(b + 6, 2);
	put16(b + 0x18, 0x1c);
	CHECK(qf_exe_header_dos_valid(b, sizeof b), "relocations inside it");
	CHECK_INT(qf_exe_header_kind(b, 27, 27, -1), QF_EXE_NONE, "truncated: 27 bytes");
	CHECK_INT(qf_exe_header_kind(b, 2, 2, -1), QF_EXE_NONE, "just MZ");
	CHECK_INT(qf_exe_header_kind(b, 1, 1, -1), QF_EXE_NONE, "one byte");
}

#define T(s) { s, sizeof s - 1 }
static void text(void)
{
	static const struct { const char *s; size_t n; } t[] = {
		T("MZ is the name of our club.\nSee you.\n"),
		T("MZ\n\nshort"),
		T("MZMZMZMZMZMZMZMZMZMZMZMZMZMZMZMZMZMZMZMZMZMZMZMZMZMZMZMZMZMZMZMZMZMZ"),
		T("ZM is not MZ, and nothing here is an executable header at all"),
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		CHECK_INT(qf_exe_header_kind((const unsigned char *)t[i].s, t[i].n, t[i].n, -1),
			  QF_EXE_NONE, "text %zu is no executable", i);
	/* the binary fields of a real DOS header are what counts, not what follows */
	CHECK_INT(qf_exe_header_kind((const unsigned char *)
		  "MZ\x90\x00\x03\x00\x00\x00\x04\x00 then text, text, text", 34, 34, -1),
		  QF_EXE_MZ, "a DOS header followed by text is one");
}

int main(void)
{
	pe();
	pe_beyond_head();
	dos();
	text();
	CHECK_STR(qf_exe_header_name(QF_EXE_PE), "PE", "name PE");
	return unit_done();
}
