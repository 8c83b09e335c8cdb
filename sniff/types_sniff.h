/* types_sniff.h: the few content kinds worth knowing without libmagic,
 * by their magic bytes, with the types and extensions that fit them.
 * They serve the types filter's mismatch report (an executable named
 * .jpg) and spare libmagic for the rest. */
#ifndef QF_TYPES_SNIFF_H
#define QF_TYPES_SNIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct qf_kind {
	const char *type;              /* as libmagic names it */
	const char *const *types;      /* declared types that fit (NULL-ended; "x/" a prefix) */
	const char *const *exts;       /* file name extensions that fit */
};

/* The kind of content starting with head (size bytes in all; fd as for
 * qf_exe_header_kind), or NULL. */
const struct qf_kind *qf_types_sniff(const unsigned char *head, size_t len,
				     uint64_t size, int fd);
/* Whether libmagic would name the kind by the same leading bytes, so
 * that its answer is known without asking it: every kind but zip and
 * compound files, which hold Office documents, jars, MSI packages. */
bool qf_types_definite(const struct qf_kind *k);
/* The kind an extension (lowercase, no dot) or a declared type names. */
const struct qf_kind *qf_types_by_ext(const char *ext);
const struct qf_kind *qf_types_by_declared(const char *type);
bool qf_types_fits(const struct qf_kind *k, const char *declared_type);
bool qf_types_ext_fits(const struct qf_kind *k, const char *ext);
/* Text a mail reader shows as text: no NUL, no control bytes but
 * tab, newline, CR, form feed and escape (ISO-2022); 8-bit bytes allowed. */
bool qf_types_text_like(const unsigned char *head, size_t len);
/* Executables go by several type names; a ban of one bans them all. */
bool qf_types_is_exe_type(const char *type);

#endif
