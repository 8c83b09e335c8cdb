/* deadline.h: the message's time limit and the signals that end a
 * program qmail runs (qfilter, qfilter-inprocess). */
#ifndef QF_DEADLINE_H
#define QF_DEADLINE_H

/* SIGALRM in seconds: blocking calls then give up (qf_io_interrupted) and
 * external filters are killed; a program still running 5 s later exits 52.
 * SIGTERM, SIGINT and SIGHUP log one error line naming the signal, kill
 * the external filters and end the program by that signal, before
 * anything was queued (qmail-smtpd answers 451). */
void qf_deadline_arm(unsigned seconds);

#endif
