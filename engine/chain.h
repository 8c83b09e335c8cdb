/* chain.h: running the built-in filters over one message, and turning
 * their findings into one decision. */
#ifndef QF_CHAIN_H
#define QF_CHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include "engine.h"
#include "msg.h"
#include "spool.h"

#define QF_REPLY_MAX 255   /* the custom-error patch reads at most 255 bytes */

struct qf_decision {
	enum qf_action action;   /* OFF (accept), TAG (accept), TEMPFAIL, QUARANTINE, REJECT, DROP */
	int exit;                /* for refusals and errors: 31, 71, 51...; 0 for accept/drop/quarantine */
	char reply[QF_REPLY_MAX + 1]; /* "D...(#5.3.4)" or "Z..."; "" when accepted */
	const char *filter;      /* the filter that decided, or "core" */
	const char *reason;      /* for the log: "filter: what was found" */
	char why[256];           /* where reason points when built here */
};

/* Sets up m for one message: spool, envelope (moved into m), client,
 * merged policy from the engine's rules (with dry_run, the rules that
 * matched are kept in m->rules_trace for qfilter-test).
 * Returns 0 or an exit code (55 corrupt rules, 51). */
int qf_msg_open(struct qf_msg *m, struct qf_engine *e, const struct qf_spool *s,
		struct qf_envelope *env, const struct qf_client *client, bool dry_run);
void qf_msg_close(struct qf_msg *m);

/* Runs every wanted filter; adds the trace and tag headers. */
void qf_chain_run(struct qf_msg *m);

/* The most severe finding (or error) as a decision. A refusal's reply
 * text is always built; exit is 31 or 71 (the caller makes it 82 when
 * the errfd is usable). */
void qf_decide(const struct qf_msg *m, struct qf_decision *d);

#endif
