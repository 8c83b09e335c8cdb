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
#include "mime_part.h"
#include "msg.h"

/* struct qf_part, what every part hook sees (a MIME part or an archive's
 * member), is the walks' product: mime/mime_part.h. */

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

#endif
