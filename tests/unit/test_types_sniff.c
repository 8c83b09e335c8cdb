/* test_types_sniff.c: what counts as text (qf_types_text_like), byte by
 * byte: every byte value at every place of a block, and only the first
 * 1,024 bytes looked at; which kinds the pre-filter names without
 * libmagic (qf_types_definite). */
#include <stdbool.h>
#include "types_sniff.h"
#include "unit.h"

/* the definition, spelled out: control characters but HT, LF, FF, CR and
 * ESC, and DEL */
static bool binary(unsigned c)
{
	return (c < 0x20 && c != 9 && c != 10 && c != 12 && c != 13 && c != 27) || c == 127;
}

int main(void)
{
	unsigned char buf[2048];
	unsigned c, at, wrong = 0;

	for (c = 0; c < 256; c++)
		for (at = 0; at < 48; at++) {
			memset(buf, 'a', 48);
			buf[at] = (unsigned char)c;
			if (qf_types_text_like(buf, 48) == binary(c))
				wrong++;
		}
	CHECK_INT(wrong, 0, "each byte value at each of 48 places: text unless a control byte");
	memset(buf, ' ', sizeof buf);
	CHECK(qf_types_text_like(buf, sizeof buf), "2 KB of spaces is text");
	buf[1023] = 0;
	CHECK(!qf_types_text_like(buf, sizeof buf), "a NUL at byte 1,023 is seen");
	buf[1023] = ' ';
	buf[1024] = 0;
	CHECK(qf_types_text_like(buf, sizeof buf), "a NUL at byte 1,024 is past what is looked at");
	CHECK(qf_types_text_like(buf, 0), "nothing is text");
	/* the pre-filter answers for PDF, not for zip or compound files */
	CHECK(qf_types_definite(qf_types_sniff((const unsigned char *)"%PDF-1.4\n", 9, 9, -1)),
	      "a PDF is named without libmagic");
	CHECK(!qf_types_definite(qf_types_sniff((const unsigned char *)"PK\3\4xxxx", 8, 8, -1)),
	      "a zip (maybe an Office document) goes to libmagic");
	CHECK(!qf_types_definite(qf_types_sniff((const unsigned char *)"\320\317\021\340\241\261\032\341", 8, 8, -1)),
	      "a compound file (maybe an MSI) goes to libmagic");
	CHECK(!qf_types_definite(NULL), "unknown content goes to libmagic");
	return unit_done();
}
