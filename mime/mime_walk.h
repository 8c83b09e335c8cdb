/* mime_walk.h: the MIME walk's API (mime_walk.c). It knows no message
 * context: the caller says what to read and within which limits, takes
 * each leaf part through a callback, answers whether to stop, and gets
 * the structure's summary and the walk's own errors back. */
#ifndef QF_MIME_WALK_H
#define QF_MIME_WALK_H

#include <stdbool.h>
#include <stdint.h>
#include "mime_limits.h"
#include "mime_part.h"

/* The MIME structure as the walk saw it. */
struct qf_mime_stats {
	unsigned parts;          /* leaf parts seen */
	unsigned depth;          /* deepest nesting seen */
	uint64_t largest_part;   /* decoded bytes of the largest leaf */
	bool too_many_parts;     /* the walk stopped at max_parts */
	bool too_deep;           /* the walk stopped at max_depth */
	bool broken;             /* the parser had to guess (missing boundary, bad encoding) */
	bool partial;            /* a message/partial fragment was seen */
	char ambiguous[160];     /* what mail readers could read two ways, or "": the first one */
	bool walked;             /* the walk ran to its end or to a limit (not an error) */
};

struct qf_mime_walk_in {
	int fd;                  /* the spooled message: seekable, read with pread */
	uint64_t size;           /* bytes in fd */
	unsigned max_parts;      /* 0: QF_MIME_MAX_PARTS */
	unsigned max_depth;      /* 0: QF_MIME_MAX_DEPTH */
	const char *dir;         /* for the parts' copies; NULL: $TMPDIR or /tmp */
	int64_t deadline_ms;     /* qf_now_ms() time; 0 = none */
	/* Each leaf part, depth first. 0, or -1 for trouble of the
	 * caller's own (recorded by it): the walk ends with -1. */
	int (*each)(const struct qf_part *p, void *arg);
	/* Asked after each part and each message inside one: true ends
	 * the walk (a refusal stands, so the rest cannot matter). NULL:
	 * never. */
	bool (*stop)(void *arg);
	void *arg;
};

/* Parses in->fd once, calling in->each for every leaf in depth-first
 * order within the limits; fills *st. Returns 0 (also when a limit or
 * in->stop ended it), or -1: err->exit and err->text say why, or
 * err->exit is 0 when in->each returned -1. */
int qf_mime_walk(const struct qf_mime_walk_in *in, struct qf_mime_stats *st,
		 struct qf_walk_error *err);

#endif
