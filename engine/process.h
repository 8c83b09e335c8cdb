/* process.h: one message through the built-in chain, the same in
 * qfilter, qfilter-test and qfilterd. */
#ifndef QF_PROCESS_H
#define QF_PROCESS_H

#include "chain.h"

/* Opens m from the spool and envelope (moved into m), runs the chain and
 * decides. deadline_ms: when the message must be done (0: from now +
 * timeout). Always fills d; m must be closed with qf_msg_close. */
void qf_process(struct qf_engine *e, const struct qf_spool *s, struct qf_envelope *env,
		const struct qf_client *client, int64_t deadline_ms, bool dry_run,
		struct qf_msg *m, struct qf_decision *d);

#endif
