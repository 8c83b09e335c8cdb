/* quarantine.h: storing a message in the quarantine Maildir. */
#ifndef QF_QUARANTINE_H
#define QF_QUARANTINE_H

#include <stddef.h>
#include "msg.h"

/* Writes the message as it would be queued (m's added headers, then the
 * spool minus skipped ranges) into cfg->quarantine, a Maildir: tmp/ then
 * new/, a unique name per the Maildir spec, fsync'd. Headers added in
 * front: X-Qfilter-Quarantine: the reason; X-Qfilter-Envelope-From:,
 * one X-Qfilter-Envelope-To: per recipient; X-Qfilter-Client: the IP.
 * Returns 0, or -1 with err (no quarantine set, unwritable, full): the
 * caller then refuses the message temporarily: nothing is lost. */
int qf_quarantine_store(struct qf_msg *m, const char *reason, char *err, size_t errlen);

#endif
