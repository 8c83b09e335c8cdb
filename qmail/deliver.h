/* deliver.h: what qmail-queue's caller and the real queue need from us:
 * the custom-error descriptor, the queue's path and descriptors, its exec. */
#ifndef QF_DELIVER_H
#define QF_DELIVER_H

#include "config.h"
#include "envelope.h"

/* True when fd is open and a pipe: only then is a custom-error text
 * written (a plain qmail would not read it, and 82 would become 451). */
int qf_errfd_usable(int fd);
/* With errfd 2 (indimail) a pipe, whatever is written to fd 2 becomes the
 * SMTP reply: the log is muted for this process. */
void qf_log_mute_for_errfd(const struct qf_config *cfg);
/* The real queue: $QQF_QMAILQUEUE, the queue setting, the default.
 * Never $QMAILQUEUE: that is qfilter itself. */
const char *qf_queue_path(const struct qf_config *cfg);
/* An fd holding the envelope bytes, positioned at 0; -1 on error. */
int qf_envelope_fd(const struct qf_envelope *env);
/* Execs the queue with fd 0 = msgfd, fd 1 = envfd. Returns only on
 * failure, with the exit code to use (71). */
int qf_exec_queue(const char *path, int msgfd, int envfd);

#endif
