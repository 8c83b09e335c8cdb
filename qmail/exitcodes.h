/* exitcodes.h: the only exit codes qfilter may use (qmail-queue(8)).
 * The table in exitcodes.c gives each its name and meaning; the man page's
 * EXIT CODES section is checked against that table by tests/unit. */
#ifndef QF_EXITCODES_H
#define QF_EXITCODES_H

enum qf_exit {
	QF_EXIT_OK = 0,          /* queued, or dropped by policy */
	QF_EXIT_ADDR_LONG = 11,  /* an envelope address of 1003 bytes or more */
	QF_EXIT_REFUSED = 31,    /* permanent refusal by policy */
	QF_EXIT_NOMEM = 51,      /* out of memory */
	QF_EXIT_TIMEOUT = 52,    /* the timeout setting expired */
	QF_EXIT_WRITE = 53,      /* write error (spool full, ...) */
	QF_EXIT_READ = 54,       /* unable to read the message or the envelope */
	QF_EXIT_CONFIG = 55,     /* unable to read the configuration or the rules */
	QF_EXIT_TEMPFAIL = 71,   /* temporary refusal */
	QF_EXIT_BUG = 81,        /* internal error */
	QF_EXIT_CUSTOM = 82,     /* refusal with a custom text on errfd */
	QF_EXIT_ENVELOPE = 91    /* envelope format error */
};

struct qf_exit_info {
	int code;
	const char *name;        /* as logged: "refused", "timeout", ... */
	const char *meaning;     /* as in the man page */
};

extern const struct qf_exit_info qf_exit_table[];   /* ends with name == 0 */
const struct qf_exit_info *qf_exit_lookup(int code);
/* true for 11-40: qmail-queue's permanent range */
int qf_exit_permanent(int code);

#endif
