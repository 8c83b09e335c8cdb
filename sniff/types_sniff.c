/* types_sniff.c: see types_sniff.h. */
#include <string.h>
#include <strings.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include "exe_header.h"
#include "types_sniff.h"

#define TEXT_SNIFF 1024     /* bytes of the head looked at for text */

static const char *const exe_types[] = {
	"application/x-dosexec", "application/vnd.microsoft.portable-executable",
	"application/x-msdownload", "application/x-msdos-program",
	"application/x-ms-dos-executable", "application/octet-stream", NULL
};
static const char *const exe_exts[] = {
	"exe", "dll", "com", "scr", "sys", "cpl", "ocx", "drv", "efi", "pif", "mui", "ax", NULL
};
static const char *const elf_types[] = { "application/x-executable", "application/x-elf",
	"application/x-sharedlib", "application/x-pie-executable", "application/octet-stream", NULL };
static const char *const elf_exts[] = { "so", "bin", "elf", "o", "ko", "out", "run", NULL };
static const char *const zip_types[] = { "application/zip", "application/x-zip",
	"application/x-zip-compressed", "application/java-archive", "application/epub+zip",
	"application/vnd.", "application/octet-stream", NULL };
static const char *const zip_exts[] = { "zip", "jar", "docx", "xlsx", "pptx", "docm", "xlsm",
	"pptm", "odt", "ods", "odp", "odg", "epub", "apk", "xpi", "kmz", "vsdx", "ipa", NULL };
static const char *const pdf_types[] = { "application/pdf", "application/x-pdf",
	"application/octet-stream", NULL };
static const char *const pdf_exts[] = { "pdf", "ai", NULL };
static const char *const jpeg_types[] = { "image/jpeg", "image/jpg", "image/pjpeg", NULL };
static const char *const jpeg_exts[] = { "jpg", "jpeg", "jpe", "jfif", NULL };
static const char *const png_types[] = { "image/png", "image/x-png", NULL };
static const char *const png_exts[] = { "png", NULL };
static const char *const gif_types[] = { "image/gif", NULL };
static const char *const gif_exts[] = { "gif", NULL };
static const char *const ole_types[] = { "application/msword", "application/vnd.",
	"application/x-msi", "application/x-ole-storage", "application/octet-stream", NULL };
static const char *const ole_exts[] = { "doc", "xls", "ppt", "msi", "msg", "pps", "dot",
	"xlt", "vsd", "pub", NULL };
static const char *const rar_types[] = { "application/x-rar", "application/vnd.rar",
	"application/x-rar-compressed", "application/octet-stream", NULL };
static const char *const rar_exts[] = { "rar", NULL };
static const char *const sevenz_types[] = { "application/x-7z-compressed",
	"application/octet-stream", NULL };
static const char *const sevenz_exts[] = { "7z", NULL };
static const char *const gzip_types[] = { "application/gzip", "application/x-gzip",
	"application/x-compressed-tar", "application/octet-stream", NULL };
static const char *const gzip_exts[] = { "gz", "tgz", NULL };

enum { PE, MZ, ELF, ZIP, PDF, JPEG, PNG, GIF, OLE, RAR, SEVENZ, GZIP, NKINDS };
static const struct qf_kind kinds[NKINDS] = {
	[PE] = { "application/vnd.microsoft.portable-executable", exe_types, exe_exts },
	[MZ] = { "application/x-dosexec", exe_types, exe_exts },
	[ELF] = { "application/x-executable", elf_types, elf_exts },
	[ZIP] = { "application/zip", zip_types, zip_exts },
	[PDF] = { "application/pdf", pdf_types, pdf_exts },
	[JPEG] = { "image/jpeg", jpeg_types, jpeg_exts },
	[PNG] = { "image/png", png_types, png_exts },
	[GIF] = { "image/gif", gif_types, gif_exts },
	[OLE] = { "application/x-ole-storage", ole_types, ole_exts },
	[RAR] = { "application/x-rar", rar_types, rar_exts },
	[SEVENZ] = { "application/x-7z-compressed", sevenz_types, sevenz_exts },
	[GZIP] = { "application/gzip", gzip_types, gzip_exts },
};

static const struct {
	const char *magic;
	size_t len;
	int kind;
} magics[] = {
	{ "\177ELF", 4, ELF },
	{ "PK\3\4", 4, ZIP },
	{ "PK\5\6", 4, ZIP },
	{ "%PDF-", 5, PDF },
	{ "\377\330\377", 3, JPEG },
	{ "\211PNG\r\n\032\n", 8, PNG },
	{ "GIF87a", 6, GIF },
	{ "GIF89a", 6, GIF },
	{ "\320\317\021\340\241\261\032\341", 8, OLE },
	{ "Rar!\032\007", 6, RAR },
	{ "7z\274\257\047\034", 6, SEVENZ },
	{ "\037\213", 2, GZIP },
};

const struct qf_kind *qf_types_sniff(const unsigned char *head, size_t len,
				     uint64_t size, int fd)
{
	size_t i;

	switch (qf_exe_header_kind(head, len, size, fd)) {
	case QF_EXE_PE:
		return &kinds[PE];
	case QF_EXE_MZ:
		return &kinds[MZ];
	default:
		break;
	}
	for (i = 0; i < sizeof magics / sizeof magics[0]; i++)
		if (len >= magics[i].len && !memcmp(head, magics[i].magic, magics[i].len))
			return &kinds[magics[i].kind];
	return NULL;
}

bool qf_types_definite(const struct qf_kind *k)
{
	return k && k != &kinds[ZIP] && k != &kinds[OLE];
}

static bool in_list(const char *const *list, const char *s)
{
	for (; *list; list++) {
		size_t n = strlen(*list);
		/* "application/vnd." stands for every vnd. type */
		if ((*list)[n - 1] == '.' ? !strncasecmp(*list, s, n) : !strcasecmp(*list, s))
			return true;
	}
	return false;
}

bool qf_types_fits(const struct qf_kind *k, const char *declared_type)
{
	return in_list(k->types, declared_type);
}

bool qf_types_ext_fits(const struct qf_kind *k, const char *ext)
{
	return in_list(k->exts, ext);
}

const struct qf_kind *qf_types_by_ext(const char *ext)
{
	int i;

	for (i = 0; i < NKINDS; i++)
		if (in_list(kinds[i].exts, ext))
			return &kinds[i];
	return NULL;
}

const struct qf_kind *qf_types_by_declared(const char *type)
{
	int i;

	if (!strcasecmp(type, "application/octet-stream"))
		return NULL;
	for (i = 0; i < NKINDS; i++)
		if (in_list(kinds[i].types, type))
			return &kinds[i];
	return NULL;
}

/* A control character that text has no business with. */
static bool binary_byte(unsigned char c)
{
	return (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1b) || c == 0x7f;
}

#ifdef __SSE2__
/* Whether any of the 16 bytes at p is a binary_byte. */
static bool binary16(const unsigned char *p)
{
	const __m128i x = _mm_loadu_si128((const __m128i *)p);
	/* below 0x20, unsigned: max(x, 0x1f) is 0x1f */
	__m128i ctl = _mm_cmpeq_epi8(_mm_max_epu8(x, _mm_set1_epi8(0x1f)), _mm_set1_epi8(0x1f));
	__m128i fine = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\t')), _mm_cmpeq_epi8(x, _mm_set1_epi8('\n')));

	fine = _mm_or_si128(fine, _mm_cmpeq_epi8(x, _mm_set1_epi8('\r')));
	fine = _mm_or_si128(fine, _mm_cmpeq_epi8(x, _mm_set1_epi8('\f')));
	fine = _mm_or_si128(fine, _mm_cmpeq_epi8(x, _mm_set1_epi8(0x1b)));
	ctl = _mm_or_si128(_mm_andnot_si128(fine, ctl), _mm_cmpeq_epi8(x, _mm_set1_epi8(0x7f)));
	return _mm_movemask_epi8(ctl) != 0;
}
#endif

bool qf_types_text_like(const unsigned char *head, size_t len)
{
	size_t i = 0;

	if (len > TEXT_SNIFF)
		len = TEXT_SNIFF;
#ifdef __SSE2__
	for (; i + 16 <= len; i += 16)
		if (binary16(head + i))
			return false;
#endif
	for (; i < len; i++)
		if (binary_byte(head[i]))
			return false;
	return true;
}

bool qf_types_is_exe_type(const char *type)
{
	return strcasecmp(type, "application/octet-stream") && in_list(exe_types, type);
}
