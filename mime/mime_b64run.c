/* mime_b64run.c: see mime_b64run.h. The heads are the magics of
 * sniff_native.c's kinds (the exe filter's) and of the archives and
 * compressed streams archive_sniff.c opens at offset 0. */
#include <string.h>
#include "mime_b64run.h"

static const struct {
	const char *magic;
	size_t len;
} heads[] = {
	{ "MZ", 2 },
	{ "\177ELF", 4 },
	{ "\376\355\372\316", 4 }, { "\376\355\372\317", 4 },   /* Mach-O, big-endian */
	{ "\316\372\355\376", 4 }, { "\317\372\355\376", 4 },   /* little-endian */
	{ "\312\376\272\276", 4 }, { "\312\376\272\277", 4 },   /* universal */
	{ "\320\317\021\340", 4 },                              /* compound file (MSI) */
	/* containers the archive walk opens: a program inside one is found there */
	{ "PK\3\4", 4 }, { "PK\5\6", 4 }, { "7z\274\257\047\034", 6 }, { "Rar!\032\007", 6 },
	{ "\037\213", 2 }, { "BZh", 3 }, { "\3757zXZ", 5 }, { "\050\265\057\375", 4 },
	{ "MSCF", 4 }, { "\004\042\115\030", 4 }, { "LZIP", 4 }, { "\037\235", 2 },
};

static bool letter(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '/';
}

bool qf_b64run_chars(const unsigned char *p, size_t n, bool final, bool *padded)
{
	size_t i;

	*padded = false;
	while (final && n && (p[n - 1] == '\r' || p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	for (i = 0; i < n; i++) {
		if (p[i] == '=')
			*padded = true;
		else if (!letter(p[i]) || *padded)
			return false;   /* '=' only at the end of the data */
	}
	return true;
}

enum qf_b64run_head qf_b64run_head(const unsigned char *h, size_t n)
{
	bool more = false;
	size_t i;

	for (i = 0; i < sizeof heads / sizeof *heads; i++) {
		size_t k = n < heads[i].len ? n : heads[i].len;
		if (memcmp(h, heads[i].magic, k))
			continue;
		if (k == heads[i].len)
			return QF_B64RUN_YES;
		more = true;
	}
	return more ? QF_B64RUN_MORE : QF_B64RUN_NO;
}
