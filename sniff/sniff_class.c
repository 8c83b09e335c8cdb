/* sniff_class.c: see sniff_class.h. */
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "sniff_class.h"

#define L(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define ISO_VD 0x8001           /* "CD001" of the first volume descriptor (sector 16) */
#define VHD_FOOTER 512

static const char *const pe_aliases[] = { "application/vnd.microsoft.portable-executable",
	"application/x-dosexec", "application/x-msdownload", "application/x-msdos-program",
	"application/x-ms-dos-executable", NULL };

static const struct qf_class classes[] = {
	{ "executable/pe", pe_aliases, NULL, true },
	{ "executable/dos", pe_aliases, NULL, true },
	{ "executable/elf", L("application/x-executable", "application/x-elf",
			      "application/x-sharedlib", "application/x-pie-executable",
			      "application/x-object"), NULL, true },
	{ "executable/macho", L("application/x-mach-binary", "application/x-mach-o-executable"),
	  NULL, true },
	{ "executable/ole", L("application/x-qfilter-ole-executable"), NULL, true },
	{ "installer/msi", L("application/x-msi", "application/x-ms-installer",
			     "application/x-windows-installer", "application/x-ole-msi"),
	  L("msi", "msp", "mst"), false },
	{ "shortcut/lnk", L("application/x-ms-shortcut", "application/x-mslnk"), L("lnk"), false },
	{ "script/hta", L("application/hta", "text/hta"), L("hta"), false },
	{ "script/js", L("application/javascript", "text/javascript", "application/x-javascript",
			 "text/jscript", "application/ecmascript", "text/ecmascript"), L("js"), false },
	{ "script/jse", L("text/jscript.encode", "application/x-jscript-encode"), L("jse"), false },
	{ "script/vbs", L("text/vbscript", "application/x-vbscript", "text/vbs",
			  "application/x-vbs"), L("vbs"), false },
	{ "script/vbe", L("text/vbscript.encode", "application/x-vbscript-encode"), L("vbe"), false },
	{ "script/wsf", L("application/x-wsf", "text/x-wsf"), L("wsf", "wsc"), false },
	{ "script/wsh", L("application/x-wsh"), L("wsh"), false },
	{ "script/ps1", L("application/x-powershell", "text/x-powershell"), L("ps1", "psm1"), false },
	{ "script/bat", L("text/x-msdos-batch", "application/x-msdos-batch", "application/bat",
			  "application/x-bat"), L("bat", "cmd"), false },
	{ "disk-image/iso", L("application/x-iso9660-image", "application/x-cd-image"),
	  L("iso"), false },
	{ "disk-image/vhd", L("application/x-vhd", "application/x-virtualbox-vhd"), L("vhd"), false },
	{ "disk-image/vhdx", L("application/x-vhdx", "application/x-virtualbox-vhdx"),
	  L("vhdx"), false },
	{ "disk-image/raw", L("application/x-raw-disk-image"), L("img"), false },
};
#define NCLASSES (sizeof classes / sizeof classes[0])

const struct qf_class *qf_class_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < NCLASSES; i++)
		if (!strcasecmp(classes[i].name, name))
			return &classes[i];
	return NULL;
}

static bool in_list(const char *const *list, const char *s)
{
	for (; list && *list; list++)
		if (!strcasecmp(*list, s))
			return true;
	return false;
}

const struct qf_class *qf_class_by_type(const char *type, bool declared)
{
	size_t i;

	for (i = 0; i < NCLASSES; i++)
		if ((!declared || !classes[i].native) &&
		    (in_list(classes[i].aliases, type) || !strcasecmp(classes[i].name, type)))
			return &classes[i];
	return NULL;
}

const struct qf_class *qf_class_by_ext(const char *ext)
{
	size_t i;

	for (i = 0; ext && i < NCLASSES; i++)
		if (in_list(classes[i].exts, ext))
			return &classes[i];
	return NULL;
}

/* n bytes at off: from the head, else from the copy. */
static bool bytes_at(const unsigned char *head, size_t len, uint64_t size, int fd,
		     uint64_t off, void *buf, size_t n)
{
	if (off > size || n > size - off)
		return false;
	if (off + n <= len) {
		memcpy(buf, head + off, n);
		return true;
	}
	return fd >= 0 && pread(fd, buf, n, (off_t)off) == (ssize_t)n;
}

/* HeaderSize 0x4c, then the LinkCLSID {00021401-0000-0000-C000-000000000046}. */
static bool shortcut(const unsigned char *h, size_t len)
{
	static const unsigned char clsid[16] = { 0x01, 0x14, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
		0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46 };

	return len >= 20 && !memcmp(h, "\x4c\0\0\0", 4) && !memcmp(h + 4, clsid, 16);
}

/* A master boot record (the boot signature and four partition entries
 * whose status bytes are 0 or 0x80, one of them used) or a FAT, exFAT or
 * NTFS boot sector: a raw disk or partition image. */
bool qf_class_raw_disk(const unsigned char *h, size_t len)
{
	unsigned i, used = 0;

	if (len < 512 || h[510] != 0x55 || h[511] != 0xaa)
		return false;
	if ((h[0] == 0xeb && h[2] == 0x90) || h[0] == 0xe9) {
		if (!memcmp(h + 3, "NTFS    ", 8) || !memcmp(h + 3, "EXFAT   ", 8) ||
		    !memcmp(h + 0x36, "FAT", 3) || !memcmp(h + 0x52, "FAT32", 5))
			return true;
	}
	for (i = 0; i < 4; i++) {
		const unsigned char *e = h + 446 + 16 * i;
		if (e[0] != 0 && e[0] != 0x80)
			return false;
		used += e[4] != 0;
	}
	return used > 0;
}

/* "<hta:application" in any case: what makes HTML an HTML application. */
static bool html_application(const unsigned char *h, size_t len)
{
	const unsigned char *p = h, *end = h + len;

	/* markup starts with a tag, after blanks or a byte-order mark */
	if (len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		p += 3;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	if (p == end || *p != '<')
		return false;

	while ((p = memchr(p, '<', end - p)) && end - p >= 16) {
		if (!strncasecmp((const char *)p + 1, "hta:application", 15))
			return true;
		p++;
	}
	return false;
}

/* Microsoft's Script Encoder: "#@~^" and eight base64 letters of length. */
static bool encoded_script(const unsigned char *h, size_t len)
{
	if (len >= 3 && !memcmp(h, "\xef\xbb\xbf", 3)) {
		h += 3;
		len -= 3;
	}
	return len >= 12 && !memcmp(h, "#@~^", 4) && !memcmp(h + 10, "==", 2);
}

const struct qf_class *qf_class_by_content(const unsigned char *head, size_t len, uint64_t size,
					   int fd, const struct qf_ole_info *ole, const char *ext)
{
	unsigned char buf[8];

	if (ole && ole->ole)
		return ole->msi ? qf_class_by_name("installer/msi") : NULL;
	if (shortcut(head, len))
		return qf_class_by_name("shortcut/lnk");
	if (len >= 8 && !memcmp(head, "vhdxfile", 8))
		return qf_class_by_name("disk-image/vhdx");
	if (len >= 8 && !memcmp(head, "conectix", 8))
		return qf_class_by_name("disk-image/vhd");
	if (bytes_at(head, len, size, fd, ISO_VD, buf, 5) &&
	    (!memcmp(buf, "CD001", 5) || !memcmp(buf, "BEA01", 5)))
		return qf_class_by_name("disk-image/iso");
	if (size >= VHD_FOOTER && bytes_at(head, len, size, fd, size - VHD_FOOTER, buf, 8) &&
	    !memcmp(buf, "conectix", 8))
		return qf_class_by_name("disk-image/vhd");
	if (qf_class_raw_disk(head, len))
		return qf_class_by_name("disk-image/raw");
	if (encoded_script(head, len))
		return qf_class_by_name(ext && !strcmp(ext, "jse") ? "script/jse" : "script/vbe");
	if (html_application(head, len))
		return qf_class_by_name("script/hta");
	return NULL;
}

bool qf_type_banned_by(const char *type, const char *entry)
{
	size_t n = strlen(entry);

	if (!type || !*type)
		return false;
	if (n >= 2 && !strcmp(entry + n - 2, "/*"))
		return !strncasecmp(entry, type, n - 1);
	return !strcasecmp(entry, type);
}

bool qf_class_banned_by(const struct qf_class *c, const char *entry)
{
	return c && (qf_type_banned_by(c->name, entry) || in_list(c->aliases, entry));
}
