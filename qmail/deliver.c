/* deliver.c: see deliver.h */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "deliver.h"
#include "exitcodes.h"
#include "io.h"
#include "log.h"

int qf_errfd_usable(int fd)
{
	struct stat st;

	if (fd < 0 || fcntl(fd, F_GETFD) < 0 || fstat(fd, &st) < 0)
		return 0;
	return S_ISFIFO(st.st_mode);
}

void qf_log_mute_for_errfd(const struct qf_config *cfg)
{
	if (cfg->errfd == 2 && qf_errfd_usable(2))
		qf_log_muted = 1;
}

const char *qf_queue_path(const struct qf_config *cfg)
{
	const char *q = getenv("QQF_QMAILQUEUE");

	if (q && *q)
		return q;
	return cfg->queue ? cfg->queue : QF_QUEUE_DEFAULT;
}

int qf_envelope_fd(const struct qf_envelope *env)
{
	int fd = memfd_create("qfilter-envelope", MFD_CLOEXEC);

	if (fd < 0)
		return -1;
	if (qf_write_all(fd, env->raw, env->rawlen) < 0 || lseek(fd, 0, SEEK_SET) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int qf_exec_queue(const char *path, int msgfd, int envfd)
{
	char *argv[2] = { (char *)path, NULL };

	/* the queue is not ours to time out (a timer outlives execve), and
	 * must see default signals: execve resets the ones we catch
	 * (SIGALRM; SIGABRT and SIGTRAP in early.c), the one we ignore is
	 * ours to restore */
	alarm(0);
	signal(SIGPIPE, SIG_DFL);
	/* the message may be a pipe (qf_output_fd), read from its start */
	if ((lseek(msgfd, 0, SEEK_SET) < 0 && errno != ESPIPE) || lseek(envfd, 0, SEEK_SET) < 0 ||
	    dup2(msgfd, 0) < 0 || dup2(envfd, 1) < 0) {
		qf_log("error: preparing the queue's descriptors: %s", strerror(errno));
		return QF_EXIT_BUG;
	}
	execv(path, argv);
	qf_log("error: cannot exec the real queue %s: %s", path, strerror(errno));
	return QF_EXIT_TEMPFAIL;
}

