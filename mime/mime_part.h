/* mime_part.h: what the walks hand on: one leaf part of the message,
 * decoded, as the MIME walk gives it (mime_walk.h), or one member of an
 * archive inside such a part (archive_walk.h): every filter's part hook
 * (engine/filter.h) sees both alike. And how a walk says it could not go
 * on: an exit code of qmail-queue's table and a line for the log, which
 * the caller records (the engine: qf_msg_error). */
#ifndef QF_MIME_PART_H
#define QF_MIME_PART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define QF_PART_HEAD 8192   /* decoded bytes of each part kept for sniffing */

struct qf_part {
	unsigned index;            /* 1-based, depth-first order; a member has its MIME part's */
	unsigned depth;            /* 0: the message itself is the leaf */
	unsigned level;            /* 0: a MIME part; 1: a member of an archive in one; 2: ... */
	const char *container;     /* a member's archives, "b.zip in a.7z"; NULL for a MIME part */
	const char *unchecked;     /* why the content could not be read whole (encrypted,
	                              damaged, truncated, over a limit: "truncated entry
	                              setup.exe"), or NULL; what was read is still here */
	const char *content_type;  /* declared "type/subtype", lowercase */
	const char *filename;      /* Content-Disposition filename, else Content-Type name, else NULL */
	const char *const *names;  /* every name a mail reader might save the part under (both
	                              headers, every copy, every parameter): filename first */
	size_t nnames;
	const char *encoding;      /* declared Content-Transfer-Encoding, lowercase, or NULL */
	bool uuencoded;            /* a "begin NNN name" block found inside a text part */
	bool decode_error;         /* the encoding was damaged; content is what could be decoded */
	const unsigned char *head; /* the first head_len decoded bytes */
	size_t head_len;           /* at most QF_PART_HEAD */
	uint64_t size;             /* decoded size of the whole part */
	int fd;                    /* whole decoded content, seekable, when the walk kept it
	                              (longer than the head, or a container, up to
	                              QF_PART_COPY_MAX: mime_sink.h); else -1 */
	bool zip_end;              /* a zip ends the content, which is not one by its head
	                              (unzip finds it behind a picture): walked as a zip */
	uint64_t inner_at;         /* where the first archive signature inside it lies, past
	                              its start, as 7-Zip finds one (archive_sniff.h); 0: none */
};

/* A walk's own trouble (out of memory 51, a temp file 53, reading the
 * spool 54, the deadline 52): exit 0 when the walk ended for its
 * caller's reason instead (a callback said so). */
struct qf_walk_error {
	int exit;
	char text[256];            /* "mime walk: keeping a part's copy: No space left on device" */
};

#endif
