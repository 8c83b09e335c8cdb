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

int qf_refuse(const struct qf_config *cfg, const struct qf_decision *d)
{
	if (d->reply[0] && qf_errfd_usable(cfg->errfd) &&
	    qf_write_all(cfg->errfd, d->reply, strlen(d->reply)) == 0)
		return QF_EXIT_CUSTOM;
	return d->exit;
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

const char *qf_verdict_word(const struct qf_decision *d)
{
	if (d->exit && d->exit != QF_EXIT_REFUSED && d->exit != QF_EXIT_TEMPFAIL)
		return "error";
	switch (d->action) {
	case QF_ACT_OFF: return "accept";
	case QF_ACT_TAG: return "tag";
	case QF_ACT_TEMPFAIL: return "tempfail";
	case QF_ACT_QUARANTINE: return "quarantine";
	case QF_ACT_REJECT: return "reject";
	case QF_ACT_DROP: return "drop";
	}
	return "?";
}

void qf_log_message(const struct qf_msg *m, const char *verdict, const char *reason, int exitcode)
{
	char line[4096], num[64], from[QF_ADDR_MAX + 3];
	size_t pos = 0, i;

	line[0] = 0;
	snprintf(num, sizeof num, "%d", (int)getpid());
	qf_log_kv(line, sizeof line, &pos, "pid", num);
	if (m->client.ppid)
		qf_log_kv(line, sizeof line, &pos, "ppid", m->client.ppid);
	qf_log_kv(line, sizeof line, &pos, "ip", m->client.remote_ip ? m->client.remote_ip : "-");
	snprintf(from, sizeof from, "<%s>", m->env.sender ? m->env.sender : "");
	qf_log_kv(line, sizeof line, &pos, "from", from);
	snprintf(num, sizeof num, "%zu", m->env.nrcpts);
	qf_log_kv(line, sizeof line, &pos, "rcpts", num);
	if (m->env.nrcpts) {
		qf_log_kv(line, sizeof line, &pos, "to", m->env.rcpts[0]);
	}
	snprintf(num, sizeof num, "%llu", (unsigned long long)m->received);
	qf_log_kv(line, sizeof line, &pos, "size", num);
	qf_log_kv(line, sizeof line, &pos, "verdict", verdict);
	qf_log_kv(line, sizeof line, &pos, "reason", reason && *reason ? reason : "-");
	snprintf(num, sizeof num, "%d", exitcode);
	qf_log_kv(line, sizeof line, &pos, "exit", num);
	snprintf(num, sizeof num, "%lld", (long long)(qf_now_ms() - m->start_ms));
	qf_log_kv(line, sizeof line, &pos, "ms", num);
	/* one field per filter; the size filter's is "limits=", since
	 * "size=" is the message's size */
	for (i = 0; i < m->nresults; i++)
		if (m->results[i].ran)
			qf_log_kv(line, sizeof line, &pos,
				  strcmp(m->results[i].filter, "size") ? m->results[i].filter : "limits",
				  m->results[i].result ? m->results[i].result : "ok");
	qf_log("%s", line + 1);
}
