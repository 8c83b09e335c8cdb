/* archive_walk.h: the members of a container part (every format
 * libarchive reads, compressed single streams, TNEF), and of the
 * containers among them, each handed on as a struct qf_part so that every
 * filter's part hook judges a member as it judges a MIME part.
 *
 * The bounds are checked before the work they bound, and one budget
 * covers every archive and level of a message, so that a bomb (42.zip,
 * overlapping entries, a 1000:1 stream) ends at the limit. A member that
 * cannot be read whole (encrypted, damaged, truncated, lying about its
 * size, an unsupported method, over a limit) is handed on with
 * p->unchecked saying why, and with whatever bytes were read before the
 * trouble; trouble with the container itself (a damaged directory, too
 * many entries, nested too deeply) comes as a member of no name and no
 * content whose p->unchecked says so. */
#ifndef QF_ARCHIVE_WALK_H
#define QF_ARCHIVE_WALK_H

#include <stdbool.h>
#include <stdint.h>
#include "mime_part.h"

#define QF_ARCHIVE_MAX_DEPTH 4                /* archive levels looked into */
#define QF_ARCHIVE_MAX_ENTRIES 10000          /* members, all archives of a message */
#define QF_ARCHIVE_MAX_BYTES (64ULL << 20)    /* bytes unpacked, all archives of a message */
#define QF_ARCHIVE_RATIO 100                  /* unpacked bytes per packed byte of one
                                                 archive, ... */
#define QF_ARCHIVE_RATIO_FREE (1ULL << 20)    /* ... past its first MiB */
#define QF_ARCHIVE_WHERE 400                  /* bytes of a member's container path */

/* One per message: what the walks of its parts have spent. */
struct qf_archive_budget {
	unsigned entries;
	uint64_t bytes;
};

/* Hands one member on; returns true to stop (a refusal already stands,
 * or trouble of the caller's own). */
typedef bool (*qf_archive_fn)(const struct qf_part *member, void *arg);

/* Whether p is worth a walk: its content was kept (p->fd) and starts like
 * a container, or a zip ends it (p->zip_end). */
bool qf_archive_wanted(const struct qf_part *p);

/* Walks the container in p->fd (its offset is changed), calling fn for
 * each member, depth first (a member before the members inside it),
 * within b, with the members' copies in dir (NULL: $TMPDIR or /tmp),
 * until deadline_ms (qf_now_ms() time; 0 = none). Returns 0 (also when
 * fn or a bound stopped it), or -1 with err's exit code and text (out of
 * memory, a temp file, the deadline). */
int qf_archive_walk(const struct qf_part *p, struct qf_archive_budget *b, const char *dir,
		    int64_t deadline_ms, qf_archive_fn fn, void *arg, struct qf_walk_error *err);

#endif
