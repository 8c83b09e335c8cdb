/* outcome.h: carrying out a decision, one way for every program, in two
 * phases.
 *
 * Compose runs where the chain ran (qfilter-inprocess, a qfilterd worker)
 * and needs the message context: for an accept it writes the copy to
 * queue, for a quarantine it stores the message (or turns the decision
 * into a temporary refusal when it cannot).
 *
 * Finish runs in the process qmail started (qfilter-inprocess itself, or
 * the front with qfilterd's answer) and needs only what the light front
 * links: the external filters, the custom-error text, the one log line
 * of the message and the exec of the real queue. What it logs comes in a
 * struct qf_outcome_log, filled from the message context or from the
 * daemon's answer. */
#ifndef QF_OUTCOME_H
#define QF_OUTCOME_H

#include <stdbool.h>
#include <stdint.h>
#include "chain.h"

#define QF_OUTCOME_FILTERS 32   /* filter fields in one log line */

/* What the message's log line says besides the verdict. */
struct qf_outcome_log {
	const struct qf_config *cfg;
	struct qf_envelope *env;
	const struct qf_client *client;
	uint64_t received;           /* bytes the client sent */
	int64_t start_ms;            /* qf_now_ms() when the message began */
	size_t nfilters;
	const char *filter[QF_OUTCOME_FILTERS];  /* the filters that ran ... */
	const char *result[QF_OUTCOME_FILTERS];  /* ... and their result words */
};

/* Phase 1. For an accept, the copy to queue: its descriptor, read from
 * the start (a pipe when !seekable and it fits, see qf_output_fd); -1 for
 * every other outcome. d may change: a failed compose is 53, a quarantine
 * that cannot be stored a temporary refusal; d->exit is then one of the
 * table and never 82 (only finish may make it that). */
int qf_outcome_compose(struct qf_msg *m, struct qf_decision *d, bool seekable);
/* The log line's fields from the message context. */
void qf_outcome_log_from_msg(const struct qf_msg *m, struct qf_outcome_log *l);

/* Phase 2. msgfd: compose's descriptor for an accept (a pipe is copied
 * to a seekable file first when external filters run), else -1; envfd:
 * the envelope for the queue, or -1 to make it here. Runs the command
 * line's external filters (argvs) then the configuration's, logs the
 * line and execs the queue; otherwise writes the refusal's text to the
 * errfd and logs. Returns the exit code when there is no exec (or it
 * failed). Takes msgfd and envfd over. */
int qf_outcome_finish(const struct qf_outcome_log *l, struct qf_decision *d, int msgfd, int envfd,
		      char ***argvs, size_t nargvs);

/* The parts finish is made of, for the front's own refusals. */
int qf_refuse(const struct qf_config *cfg, const struct qf_decision *d);
void qf_outcome_log_line(const struct qf_outcome_log *l, const char *verdict, const char *reason,
			 int exitcode);
/* verdict word of a decision: accept, tag, reject, tempfail, drop, quarantine, error */
const char *qf_verdict_word(const struct qf_decision *d);

#endif
