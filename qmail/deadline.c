/* deadline.c: see deadline.h. The handlers only use what is safe in a
 * signal handler: write, kill, alarm, _exit, raise. */
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include "deadline.h"
#include "exitcodes.h"
#include "external.h"
#include "io.h"
#include "log.h"

#define GRACE_S 5   /* after the deadline, for blocked calls to return */

static void on_alarm(int sig)
{
	(void)sig;
	if (qf_io_interrupted)
		_exit(QF_EXIT_TIMEOUT);   /* stuck past the grace period */
	qf_io_interrupted = 1;
	if (qf_external_pgid)
		kill(-qf_external_pgid, SIGKILL);
	alarm(GRACE_S);
}

static size_t put(char *buf, size_t pos, size_t len, const char *s)
{
	while (*s && pos < len)
		buf[pos++] = *s++;
	return pos;
}

static void on_end(int sig)
{
	char buf[160], num[12];
	const char *name = sig == SIGTERM ? "SIGTERM" : sig == SIGINT ? "SIGINT" :
			   sig == SIGHUP ? "SIGHUP" : NULL;
	size_t n = 0, i = sizeof num - 1;
	int v = sig;

	num[i] = 0;
	do
		num[--i] = (char)('0' + v % 10);
	while ((v /= 10) && i);
	n = put(buf, n, sizeof buf, qf_log_name);
	n = put(buf, n, sizeof buf, ": error: killed by signal ");
	n = put(buf, n, sizeof buf, num + i);
	if (name) {
		n = put(buf, n, sizeof buf, " (");
		n = put(buf, n, sizeof buf, name);
		n = put(buf, n, sizeof buf, ")");
	}
	n = put(buf, n, sizeof buf, ": the message was not queued\n");
	if (!qf_log_muted && write(2, buf, n) < 0) {
		/* nowhere left to report it */
	}
	if (qf_external_pgid)
		kill(-qf_external_pgid, SIGKILL);
	raise(sig);
	_exit(QF_EXIT_TEMPFAIL);   /* the signal was blocked: end all the same */
}

void qf_deadline_arm(unsigned seconds)
{
	static const int ends[] = { SIGTERM, SIGINT, SIGHUP };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;   /* no SA_RESTART: blocking calls return */
	sigaction(SIGALRM, &sa, NULL);
	sa.sa_handler = on_end;
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;   /* so that raise() ends the program */
	for (i = 0; i < sizeof ends / sizeof *ends; i++)
		sigaction(ends[i], &sa, NULL);
	alarm(seconds);
}
