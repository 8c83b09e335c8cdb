/* archive_sniff.h: from its first bytes, whether content may be a
 * container that the archive walk opens (archive_walk.h). Decides which
 * parts the MIME walk keeps a copy of, so it must be cheap and must not
 * take plain text for an archive. */
#ifndef QF_ARCHIVE_SNIFF_H
#define QF_ARCHIVE_SNIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum qf_archive_kind {
	QF_ARCHIVE_NO = 0,   /* nothing a container starts with */
	QF_ARCHIVE_MAYBE,    /* could be one (zip signature inside the head, an
	                        ISO's empty system area, MZ of a self-extractor,
	                        a weak signature): opened if libarchive agrees,
	                        silently left alone if not */
	QF_ARCHIVE_YES,      /* a container's signature at the start: one that
	                        cannot be opened is unchecked */
	QF_ARCHIVE_TNEF,     /* application/ms-tnef (archive_tnef.h) */
	QF_ARCHIVE_ONENOTE,  /* a OneNote section (archive_onenote.h) */
	QF_ARCHIVE_CLOSED    /* a container that no reader here opens (ARJ,
	                        CHM, ...), yet a recipient's unpacker does:
	                        unchecked, never passed unseen */
};

enum qf_archive_kind qf_archive_sniff(const unsigned char *head, size_t len);
/* For QF_ARCHIVE_CLOSED: what it is ("an ARJ archive"); else NULL. */
const char *qf_archive_closed(const unsigned char *head, size_t len);
/* The same for the closed kinds that the MIME walk decodes when they are
 * inside a text part (BinHex, uuencode): there they are checked already. */
const char *qf_archive_closed_in_text(const unsigned char *head, size_t len);
/* A zip's end of central directory record and how far from the end of
 * the content it can lie (its comment, the zip64 locator before it). */
#define QF_ZIP_EOCD_LEN 22
#define QF_ZIP_END_TAIL (QF_ZIP_EOCD_LEN + 65535 + 20)
/* Whether the record at r, left bytes before the content's end, is the
 * end of a single-disk zip: disk numbers 0, this disk's entries all of
 * them. Its comment need not reach the end: unzip, Python, 7-Zip and
 * libarchive all read a zip with bytes after it. Bytes in other data
 * rarely look so (eight fixed bytes and two equal counts). */
bool qf_archive_zip_end_record(const unsigned char *r, size_t left);
/* Whether a zip ends the content whose last len bytes (at most
 * QF_ZIP_END_TAIL) are at tail: unzip and 7-Zip find a zip from its end,
 * whatever comes before it (a picture, a document). */
bool qf_archive_zip_ends(const unsigned char *tail, size_t len);
/* Archives inside other content, where 7-Zip finds them: it looks for
 * the signatures of the formats it opens through the whole file (a zip's
 * local header, 7z, RAR, cab), and opens an archive at one, in a picture
 * or a document as well. Whether a signature starts in buf (whose first
 * byte is at offset base of the content) past offset 0 (the head is
 * sniffed as a whole) and lies in it whole; *at the first. Blocks that
 * overlap by QF_INNER_SIG_MAX - 1 bytes miss none. */
#define QF_INNER_SIG_MAX 8   /* the longest signature, in bytes */
enum qf_inner_kind { QF_INNER_ZIP, QF_INNER_7Z, QF_INNER_RAR, QF_INNER_CAB, QF_INNER_KINDS };
bool qf_archive_inner_first(const unsigned char *buf, size_t len, uint64_t base, uint64_t *at,
			    enum qf_inner_kind *kind);
/* The same through the size bytes of fd from offset from on, read into
 * buf (bufsize bytes, more than QF_INNER_SIG_MAX) in such blocks: 1 with
 * *at and *kind, 0 when there is none, -1 with errno when fd cannot be
 * read. */
int qf_archive_inner_next(int fd, uint64_t from, uint64_t size, unsigned char *buf, size_t bufsize,
			  uint64_t *at, enum qf_inner_kind *kind);
/* Whether a file of this name is one volume of a set that an unpacker
 * joins before it reads it (tool.001, a.z01, a.r00, a.part1.rar): what
 * it is, or NULL. No volume can be checked alone. */
const char *qf_archive_split_volume(const char *name);

#endif
