/* msg.h: the per-message context. The chain builds one for each message
 * and hands it to every filter; filters read the message and the envelope
 * from it and report through the qf_msg_* calls below. A filter never
 * exits and never picks an exit code. */
#ifndef QF_MSG_H
#define QF_MSG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include "config.h"
#include "client_env.h"
#include "clock.h"
#include "envelope.h"
#include "mime_walk.h"
#include "policy.h"

struct qf_header {
	char *name;
	char *value;         /* may contain "\n\t" folds; no final newline */
};

/* A byte range of the spooled message left out of the queued copy
 * (forged Authentication-Results headers). */
struct qf_range {
	uint64_t off, len;
};

/* One filter's part in the message: for the log line and qfilter-test. */
struct qf_result {
	const char *filter;  /* the filter's name */
	char *result;        /* short, no spaces preferred: "clean", "pass:example.net" */
	enum qf_action action; /* what its finding asks for; OFF = nothing */
	char *dsn;           /* enhanced status code of the finding, "5.3.4" */
	char *text;          /* SMTP reply text of the finding, without the code */
	char *reason;        /* for the log: what was found and where */
	double ms;
	bool ran;
};

/* The reply to a message over a size limit, from the core (max-size,
 * before any filter) or the size filter (size=): one wording for both. */
#define QF_SIZE_TEXT "message size exceeds the limit of %llu bytes"

struct qf_engine;
struct dkim_hdr;

/* What the authentication filters hand on to those after them (dkim ->
 * dmarc, spf -> dmarc, arc -> dmarc), filled only when a later one is
 * configured. Results are the enums of their layers, as ints. */
struct qf_auth_dkim {
	char d[256];
	char s[64];
	int result;          /* enum authres_result */
};
struct qf_auth {
	struct qf_auth_dkim *dkim;  /* every DKIM signature's verdict */
	size_t ndkim;
	bool dkim_done;      /* the dkim filter ran (and wrote the A-R header) */
	bool spf_done;       /* the spf filter ran */
	int spf;             /* enum auth_spf_result */
	char spf_domain[256];
	bool spf_helo;       /* spf_domain is the HELO name (null sender) */
	bool arc_done;
	int arc;             /* enum auth_arc_result */
	char arc_sealer[256]; /* d= of the newest ARC-Seal, when arc=pass */
};

struct qf_msg {
	const struct qf_config *cfg;
	struct qf_engine *engine;      /* per-process filter state */
	int fd;                        /* the spooled message: seekable, use pread */
	uint64_t size;                 /* bytes in fd */
	uint64_t received;             /* bytes the client sent (> size when truncated) */
	bool truncated;                /* over max-size: fd holds only a prefix */
	struct qf_envelope env;
	struct qf_client client;
	struct qf_policy policy;       /* the merged policy of all recipients */
	int64_t deadline_ms;           /* CLOCK_MONOTONIC ms; 0 = none */
	int64_t start_ms;

	struct qf_header *headers;     /* to add at the top, in this order */
	size_t nheaders;
	struct qf_range *skip;         /* to leave out, sorted by the composer */
	size_t nskip;
	struct qf_result *results;     /* one per filter of the registry */
	size_t nresults;
	size_t current;                /* index of the filter running now */
	struct qf_mime_stats mime;     /* the MIME walk's summary (mime_walk.h) */
	struct qf_auth auth;           /* dkim, spf, arc -> dmarc */
	struct dkim_hdr *hdr;          /* the header block's fields, scanned once
	                                  by the chain; NULL until then */

	int error_exit;                /* nonzero: an error (51, 53, 81, ...) decides */
	char *error_text;              /* for the log */
	char **rules_trace;            /* qfilter-test: "rcpt: FILE:LINE: rule" */
	bool dry_run;                  /* qfilter-test */
};

/* Adds a header at the top of the queued message. The value is used as
 * given (fold it with "\n\t" when long). 0, or -1 on ENOMEM (recorded). */
int qf_msg_add_header(struct qf_msg *m, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Appends text to the value of the header added before under name (the
 * next method of our Authentication-Results). 0; 1 when no such header
 * was added; -1 on ENOMEM (recorded). */
int qf_msg_append_header(struct qf_msg *m, const char *name, const char *text);
/* Leaves [off, off+len) of the spooled message out of the queued copy. */
int qf_msg_skip_range(struct qf_msg *m, uint64_t off, uint64_t len);
/* Sets the running filter's result word for the log ("clean", "none"). */
void qf_msg_result(struct qf_msg *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Reports a finding of the running filter. action comes from the policy
 * (m->policy.exe, ...) or is QF_ACT_TEMPFAIL for trouble; dsn like
 * "5.3.4"; reason is for the log; the reply text is formatted from fmt
 * and gets " (#dsn)" appended when the message is refused. An OFF action
 * is recorded in the log but changes nothing. The most severe finding of
 * a filter is kept. */
void qf_msg_finding(struct qf_msg *m, enum qf_action action, const char *dsn,
		    const char *reason, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* Withdraws the running filter's finding, for one that a stronger reason
 * of the same action replaces (an executable found where an unchecked
 * archive was reported). */
void qf_msg_finding_drop(struct qf_msg *m);
/* An error that is not a finding: out of memory (51), a write error (53),
 * a bug (81). The first one decides the exit code. Logged with text. */
void qf_msg_error(struct qf_msg *m, int exitcode, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A warning line on fd 2 ("qfilter: warning: filter: ..."), now. */
void qf_msg_warn(struct qf_msg *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Milliseconds left before the timeout (at least 0; a large number when
 * there is no deadline). Use for poll() and socket timeouts. */
int qf_msg_ms_left(const struct qf_msg *m);
bool qf_msg_expired(const struct qf_msg *m);

#endif
