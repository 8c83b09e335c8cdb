/* external.c: see external.h. As in qmail-qfilter, each filter gets
 * fd 0 = the message, fd 1 = an empty file for a new message, fd 3 = the
 * envelope, fd 4 = an empty file for a new envelope, and the environment
 * QMAILUSER, QMAILHOST, QMAILRCPTS, NUMRCPTS, MSGSIZE, ENVSIZE, QMAILPPID.
 * fd 2 and the custom-error descriptor are inherited. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "envelope.h"
#include "exitcodes.h"
#include "external.h"
#include "io.h"
#include "log.h"

volatile int qf_external_pgid;

int qf_external_split(char **argv, int argc, char ****out)
{
	char ***v = calloc(argc + 1, sizeof *v);
	int i, n = 0, start = 0;

	if (!v)
		return -1;
	for (i = 0; i <= argc; i++) {
		if (i < argc && strcmp(argv[i], "--") != 0)
			continue;
		if (i == start) {   /* "--" with nothing before it */
			free(v);
			return -1;
		}
		v[n++] = argv + start;
		if (i < argc)
			argv[i] = NULL;   /* ends this filter's argv */
		start = i + 1;
	}
	*out = v;
	return n;
}

/* The qmail-qfilter environment, from the envelope. */
static int set_env(const struct qf_envelope *env, uint64_t msgsize, size_t envsize)
{
	char num[32], *at, *user, *rcpts, *p;
	size_t len = 1, i;
	int rc;

	if (!(user = strdup(env->sender)))
		return -1;
	at = strrchr(user, '@');
	if (at)
		*at++ = 0;
	rc = setenv("QMAILUSER", user, 1) | setenv("QMAILHOST", at ? at : "", 1);
	free(user);
	for (i = 0; i < env->nrcpts; i++)
		len += strlen(env->rcpts[i]) + 1;
	if (rc || !(rcpts = p = malloc(len)))
		return -1;
	for (i = 0; i < env->nrcpts; i++)
		p += sprintf(p, "%s\n", env->rcpts[i]);
	*p = 0;
	rc = setenv("QMAILRCPTS", rcpts, 1);
	free(rcpts);
	snprintf(num, sizeof num, "%zu", env->nrcpts);
	rc |= setenv("NUMRCPTS", num, 1);
	snprintf(num, sizeof num, "%llu", (unsigned long long)msgsize);
	rc |= setenv("MSGSIZE", num, 1);
	snprintf(num, sizeof num, "%zu", envsize);
	rc |= setenv("ENVSIZE", num, 1);
	if (!getenv("QMAILPPID")) {
		snprintf(num, sizeof num, "%d", (int)getppid());
		rc |= setenv("QMAILPPID", num, 1);
	}
	unsetenv("QMAILNAME");
	return rc ? -1 : 0;
}

static void child(char **argv, int msgfd, int outfd, int envfd, int newenvfd)
{
	int fds[5] = { msgfd, outfd, 2, envfd, newenvfd }, tmp[5], i;

	setpgid(0, 0);
	signal(SIGPIPE, SIG_DFL);
	/* move everything out of the way first, then into place */
	for (i = 0; i < 5; i++)
		if (i != 2 && (tmp[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 10)) < 0)
			_exit(QF_EXIT_BUG);
	for (i = 0; i < 5; i++)
		if (i != 2 && dup2(tmp[i], i) < 0)
			_exit(QF_EXIT_BUG);
	execvp(argv[0], argv);
	qf_log("error: cannot run external filter %s: %s", argv[0], strerror(errno));
	_exit(QF_EXIT_BUG);
}

/* A filter's exit status as one of our exit codes. */
static int status_code(const char *prog, int status)
{
	int c;

	if (WIFSIGNALED(status)) {
		qf_log("error: external filter %s killed by signal %d", prog, WTERMSIG(status));
		return QF_EXIT_BUG;
	}
	c = WEXITSTATUS(status);
	if (c == 0 || c == 99 || qf_exit_lookup(c))
		return c;
	/* keep qmail's meaning (11-40 permanent) within our table */
	qf_log("warning: external filter %s exited %d, taken as %d", prog, c,
	       qf_exit_permanent(c) ? QF_EXIT_REFUSED : QF_EXIT_TEMPFAIL);
	return qf_exit_permanent(c) ? QF_EXIT_REFUSED : QF_EXIT_TEMPFAIL;
}

static off_t size_of(int fd)
{
	struct stat st;

	return fstat(fd, &st) < 0 ? -1 : st.st_size;
}

/* fd 4 was written: check it and make it the envelope */
static int take_envelope(const char *prog, int newenv, int *envfd, struct qf_envelope *env)
{
	struct qf_envelope e;
	off_t n = size_of(newenv);
	char *buf;
	int rc;

	if (n < 0 || n > QF_ENVELOPE_MAX || !(buf = malloc(n ? n : 1)))
		return QF_EXIT_ENVELOPE;
	if (pread(newenv, buf, n, 0) != n) {
		free(buf);
		return QF_EXIT_READ;
	}
	rc = qf_envelope_parse(buf, n, &e);
	free(buf);
	if (rc) {
		qf_log("error: external filter %s wrote a bad envelope on fd 4 (exit %d)", prog, rc);
		return rc == QF_EXIT_READ ? QF_EXIT_ENVELOPE : rc;
	}
	qf_envelope_free(env);
	*env = e;
	close(*envfd);
	*envfd = newenv;
	return 0;
}

static int run_one(char **argv, const struct qf_config *cfg, int *msgfd, int *envfd,
		   struct qf_envelope *env)
{
	int out = -1, newenv = -1, status, rc = QF_EXIT_WRITE;
	pid_t pid;

	if (set_env(env, size_of(*msgfd), env->rawlen) < 0)
		return QF_EXIT_NOMEM;
	if ((out = qf_tempfile(cfg->spool)) < 0 || (newenv = qf_tempfile(cfg->spool)) < 0) {
		qf_log("error: external filter temp file: %s", strerror(errno));
		goto done;
	}
	if (lseek(*msgfd, 0, SEEK_SET) < 0 || lseek(*envfd, 0, SEEK_SET) < 0)
		goto done;
	pid = fork();
	if (pid < 0) {
		rc = QF_EXIT_NOMEM;
		goto done;
	}
	if (pid == 0)
		child(argv, *msgfd, out, *envfd, newenv);
	setpgid(pid, pid);
	qf_external_pgid = pid;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno == EINTR && !qf_io_interrupted)
			continue;
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		qf_external_pgid = 0;
		qf_log("error: external filter %s: timeout", argv[0]);
		rc = QF_EXIT_TIMEOUT;
		goto done;
	}
	qf_external_pgid = 0;
	kill(-pid, SIGKILL);   /* leftovers of the filter must not outlive it */
	rc = status_code(argv[0], status);
	if (rc)
		goto done;
	if (size_of(newenv) > 0) {
		if ((rc = take_envelope(argv[0], newenv, envfd, env)))
			goto done;
		newenv = -1;
	}
	if (size_of(out) > 0) {   /* a new message */
		close(*msgfd);
		*msgfd = out;
		out = -1;
	}
done:
	if (out >= 0)
		close(out);
	if (newenv >= 0)
		close(newenv);
	return rc;
}

int qf_external_run(char **const *argvs, size_t n, const struct qf_config *cfg,
		    int *msgfd, int *envfd, struct qf_envelope *env)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++)
		if ((rc = run_one(argvs[i], cfg, msgfd, envfd, env)))
			return rc;
	return 0;
}
