/* early.c: see early.h. GLib's constructor allocates before main() runs.
 * When one of those allocations fails (a tight softlimit on qmail-smtpd
 * does that), GLib 2.74 reports it while holding its slice allocator's
 * lock, and the report allocates a slice: the process hung for good (found
 * by t-faults' allocation injector). So, before any other constructor:
 * slices come from malloc (G_SLICE=always-malloc, which GLib 2.76 made the
 * only way), so the report can be made, and GLib's abort after it becomes
 * exit 81 with a log line, as for any later allocation failure. GObject's
 * constructor has the same trap inside g_once_init_enter(), which no
 * setting avoids: a watchdog ends a start-up that does not reach main()
 * within EARLY_WATCHDOG_S, again with 81 and a log line. After that the
 * message's own timeout bounds everything. */
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "early.h"
#include "exitcodes.h"

#define EARLY_WATCHDOG_S 10   /* start-up takes milliseconds */

static bool slice_env_ours;

/* The watchdog (SIGALRM) and, outside sanitizer builds, GLib's aborts
 * (SIGABRT, SIGTRAP; a sanitizer's report must stand): the caller still
 * gets an exit code of the table and the log a line, 81. */
static void on_fatal(int sig)
{
	static const char stuck[] = "qfilter: error: start-up did not finish (a library is stuck: out of memory?)\n";
	static const char aborted[] = "qfilter: error: a library aborted (out of memory, or a bug)\n";
	static const char crashed[] = "qfilter: error: crashed (a library's unchecked allocation failure, or a bug)\n";
	const char *msg = sig == SIGALRM ? stuck : sig == SIGSEGV || sig == SIGBUS ? crashed : aborted;
	size_t len = strlen(msg);

	if (write(2, msg, len) < 0) {
		/* nothing more to do */
	}
	_exit(QF_EXIT_BUG);
}

__attribute__((constructor(101))) static void early(void)
{
	signal(SIGALRM, on_fatal);
	alarm(EARLY_WATCHDOG_S);
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_UNDEFINED__)
	signal(SIGABRT, on_fatal);
	signal(SIGTRAP, on_fatal);
	/* OpenSSL 3.0 dereferences NULL when its default context cannot be
	 * set up for want of memory (found by t-faults' allocation
	 * injector): the caller still gets a code of the table, 81, and the
	 * log a line. Sanitizer builds keep their own report. */
	signal(SIGSEGV, on_fatal);
	signal(SIGBUS, on_fatal);
#endif
	if (!getenv("G_SLICE"))
		slice_env_ours = setenv("G_SLICE", "always-malloc", 1) == 0;
}

void qf_early_done(void)
{
	alarm(0);   /* main() sets the message's timeout */
	signal(SIGALRM, SIG_DFL);
	/* GLib has read it: external filters and the queue need not see it */
	if (slice_env_ours)
		unsetenv("G_SLICE");
	slice_env_ours = false;
}
