/* sniff_class.h: the type classes that ban-types= can name beside MIME
 * types (qfilter.rules(5), TYPE CLASSES): native executables
 * (executable/pe, /dos, /elf, /macho, /ole: the exe filter's findings),
 * and what Windows runs or mounts although it is no program: installers
 * (installer/msi), shortcuts (shortcut/lnk), scripts (script/hta, /js,
 * /jse, /vbs, /vbe, /wsf, /wsh, /ps1, /bat) and disk images
 * (disk-image/iso, /vhd, /vhdx, /raw).
 *
 * Native executables are told by their content only: their headers are
 * unambiguous. The other classes are also told by the declared type and
 * the file name's extension, since a script has no signature and Windows
 * picks what runs or mounts a file by its name. */
#ifndef QF_SNIFF_CLASS_H
#define QF_SNIFF_CLASS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sniff_ole.h"

struct qf_class {
	const char *name;              /* "script/js" */
	const char *const *aliases;    /* MIME types of the same content (libmagic's, declared) */
	const char *const *exts;       /* extensions that name it; NULL for native executables */
	bool native;                   /* a native executable: exe= refuses it */
};

#define QF_CLASSES_MAX 6           /* classes one part can have: by content, magic, type, name */

/* The class named name ("script/js"), or NULL. */
const struct qf_class *qf_class_by_name(const char *name);
/* The class a MIME type (libmagic's or declared) stands for, or NULL;
 * with declared, native classes are not given (the content decides). */
const struct qf_class *qf_class_by_type(const char *type, bool declared);
/* The class a lowercase extension names (never a native one), or NULL. */
const struct qf_class *qf_class_by_ext(const char *ext);

/* The non-native class the content shows, by its header: a shortcut,
 * a disk image, an MSI package (ole: what qf_sniff_ole saw, or NULL),
 * an HTA, an encoded script (ext decides .jse from .vbe). Reads past the
 * head from fd as qf_sniff_ole does. NULL when none. */
const struct qf_class *qf_class_by_content(const unsigned char *head, size_t len, uint64_t size,
					   int fd, const struct qf_ole_info *ole, const char *ext);

/* A master boot record or a FAT, exFAT or NTFS boot sector at the start
 * of head: a raw disk or partition image (disk-image/raw; archive_sniff.c
 * takes it for a container it cannot open). */
bool qf_class_raw_disk(const unsigned char *head, size_t len);

/* Whether entry (a ban-types= item: a MIME type, a class name, or
 * "type/" "*") names class c. */
bool qf_class_banned_by(const struct qf_class *c, const char *entry);
/* Whether entry names the MIME type (exactly, or as "type/" "*"). */
bool qf_type_banned_by(const char *type, const char *entry);

#endif
