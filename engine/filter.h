/* filter.h: what a built-in filter is. A filter is a struct of optional
 * hooks; the chain calls the ones it has, in registry order (registry.c).
 * Adding a filter means adding one file and one line in registry.c.
 *
 * Per-process state (a loaded database, an open library) comes from init
 * and is passed back to every hook; it is created lazily, the first time a
 * message needs the filter (qfilterd creates it at start and on SIGHUP).
 * Per-message state lives in struct qf_msg. Findings and headers go
 * through the qf_msg_* calls of msg.h. */
#ifndef QF_FILTER_H
#define QF_FILTER_H

#include <stdbool.h>
#include "msg.h"

#define QF_PART_HEAD 8192   /* decoded bytes of each part kept for sniffing */

/* One leaf part of the message, decoded, as the MIME walk gives it, or
 * one member of an archive inside such a part (archive_walk.h): every
 * part hook sees both alike. */
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
	                              (containers and MZ, up to QF_PART_COPY_MAX); else -1 */
};

struct qf_filter {
	const char *name;          /* as in logs, headers and qfilter-test */
	/* Does this message need the filter? (policy, config). NULL: yes. */
	bool (*wanted)(const struct qf_msg *m);
	/* Per-process set-up. Returns the state (non-NULL) or NULL with a
	 * message in err; the chain then refuses the message temporarily,
	 * or with exit 51 when init set errno to ENOMEM. */
	void *(*init)(const struct qf_config *cfg, char *err, size_t errlen);
	/* What may not cross a fork (threads, sockets, a resolver), made in
	 * each qfilterd worker when it starts, before its first message
	 * (init ran in the master). A single-message process never calls it:
	 * the filter makes such things when a message first needs them, and
	 * also retries there after a failure here. 0, or -1 with err. */
	int (*start)(void *state, char *err, size_t errlen);
	/* qfilterd, in the master at start and at reload, after init: load
	 * now what a single-message process loads only when a message first
	 * needs it (libmagic's database), so that a resident engine has it
	 * in memory for every worker and a broken one fails the start, not
	 * a message. 0, or -1 with err (the start or reload fails). */
	int (*preload)(void *state, char *err, size_t errlen);
	void (*fini)(void *state);
	/* Called for every decoded leaf part when present; the chain walks
	 * the MIME structure once for all filters that have this hook. */
	void (*part)(struct qf_msg *m, void *state, const struct qf_part *p);
	/* Called once per message, after the walk. */
	void (*message)(struct qf_msg *m, void *state);
};

/* The MIME walk (mime_walk.c): parses m->fd once and calls each(part)
 * for every leaf in depth-first order, within m->policy's max-parts and
 * max-depth; fills m->mime. Returns 0, or -1 after qf_msg_error(). */
int qf_mime_walk(struct qf_msg *m,
		 void (*each)(struct qf_msg *m, const struct qf_part *p, void *arg),
		 void *arg);

#endif
