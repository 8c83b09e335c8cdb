/* daemon_client.c: see daemon_client.h. One connection, one request
 * (the spool as a read-only descriptor, the envelope, the client's
 * policy-relevant environment, the time left), one answer (the verdict
 * and, for an accept, the message to queue). Then the client carries out
 * the verdict itself, as the calling user: external filters, custom
 * error text, the exec of the real queue.
 *
 * Only light parts are used here (io, log, envelope, config, deliver,
 * external, daemon_proto): nothing of GMime, libmagic, OpenSSL or
 * libclamav, so that a thin qfilter can be built from it. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>
#include "daemon_client.h"
#include "daemon_proto.h"
#include "deliver.h"
#include "outcome.h"
#include "exitcodes.h"
#include "external.h"
#include "io.h"
#include "log.h"
#include "spool.h"

/* What the client knows for its own log line. */
struct client_msg {
	const struct qf_config *cfg;
	struct qf_envelope *env;
	const struct qf_client *client;
	uint64_t received;
	int64_t t0;
};

/* The log line's fields: the answer's filter results, when there is one. */
static void log_of(const struct client_msg *cm, const struct qf_answer *a, struct qf_outcome_log *l)
{
	size_t i;

	memset(l, 0, sizeof *l);
	l->cfg = cm->cfg;
	l->env = cm->env;
	l->client = cm->client;
	l->received = cm->received;
	l->start_ms = cm->t0;
	for (i = 0; a && i < a->nresults && i < QF_OUTCOME_FILTERS; i++) {
		l->filter[i] = a->results[i].filter;
		l->result[i] = a->results[i].result;
		l->nfilters++;
	}
}

static void log_line(const struct client_msg *cm, const struct qf_answer *a,
		     const char *verdict, const char *reason, int exitcode)
{
	struct qf_outcome_log l;

	log_of(cm, a, &l);
	qf_outcome_log_line(&l, verdict, reason, exitcode);
}

/* -1: the caller filters in process. The spool was only lent read-only,
 * but be sure it reads from the start. */
static int in_process(const struct qf_spool *s)
{
	if (lseek(s->fd, 0, SEEK_SET) < 0) {
		qf_log("error: spool seek: %s", strerror(errno));
		return QF_EXIT_WRITE;
	}
	return -1;
}

/* qfilterd could not serve: daemon-fail decides. Never a pass. */
static int cannot_serve(const struct client_msg *cm, const struct qf_spool *s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int cannot_serve(const struct client_msg *cm, const struct qf_spool *s, const char *fmt, ...)
{
	struct qf_decision d;
	char why[256];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	if (qf_io_interrupted) {   /* the message's own timeout: no time left to retry */
		qf_log("warning: qfilterd at %s did not answer within the timeout (%s)", cm->cfg->daemon, why);
		log_line(cm, NULL, "error", "qfilterd did not answer within the timeout", QF_EXIT_TIMEOUT);
		return QF_EXIT_TIMEOUT;
	}
	if (!cm->cfg->daemon_fail_tempfail) {
		qf_log("warning: qfilterd at %s cannot serve (%s): filtering in process", cm->cfg->daemon, why);
		return in_process(s);
	}
	qf_log("warning: qfilterd at %s cannot serve (%s): refusing temporarily (daemon-fail tempfail)",
	       cm->cfg->daemon, why);
	memset(&d, 0, sizeof d);
	d.action = QF_ACT_TEMPFAIL;
	d.exit = QF_EXIT_TEMPFAIL;
	d.reason = "qfilterd cannot serve";
	snprintf(d.reply, sizeof d.reply,
		 "Zcontent filter temporarily unavailable, try again later (#4.3.0)");
	rc = qf_refuse(cm->cfg, &d);
	log_line(cm, NULL, "tempfail", d.reason, rc);
	return rc;
}

static int connect_daemon(const char *path, const char **why)
{
	struct sockaddr_un sa;
	int sock;

	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sa.sun_path) {
		*why = "socket path too long";
		return -1;
	}
	strcpy(sa.sun_path, path);
	if ((sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		*why = strerror(errno);
		return -1;
	}
	/* blocks while every worker is busy and the backlog is full: the
	 * message's timeout (SIGALRM) bounds the wait */
	while (connect(sock, (struct sockaddr *)&sa, sizeof sa) < 0) {
		if (errno == EINTR && !qf_io_interrupted)
			continue;
		*why = strerror(errno);
		int e = errno;
		close(sock);
		errno = e;   /* the caller tells a refused permission apart */
		return -1;
	}
	return sock;
}

/* A read-only description of the spool with its own offset: whatever
 * qfilterd does, our copy stays intact for an in-process fallback. */
static int spool_lend(int fd)
{
	char path[64];
	int ro;

	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	ro = open(path, O_RDONLY | O_CLOEXEC);
	return ro >= 0 ? ro : fcntl(fd, F_DUPFD_CLOEXEC, 0);
}

/* Milliseconds left of the alarm qfilter set for the whole message. */
static uint32_t time_left(const struct qf_config *cfg)
{
	struct itimerval it;
	uint64_t ms;

	if (getitimer(ITIMER_REAL, &it) < 0 || (!it.it_value.tv_sec && !it.it_value.tv_usec))
		ms = (uint64_t)cfg->timeout * 1000;
	else
		ms = (uint64_t)it.it_value.tv_sec * 1000 + it.it_value.tv_usec / 1000;
	return ms > QF_PROTO_TIMEOUT_MAX ? QF_PROTO_TIMEOUT_MAX : (uint32_t)ms;
}

static int put_client(char *dst, bool *has, const char *src)
{
	if (!src)
		return 0;
	if (strlen(src) > QF_PROTO_STR_MAX)
		return -1;
	strcpy(dst, src);
	*has = true;
	return 0;
}

/* *deadline_ms: when the message's time is up, by the clock sent along */
static int send_request(int sock, const struct qf_config *cfg, const struct qf_spool *s,
			const struct qf_envelope *env, const struct qf_client *c,
			int64_t *deadline_ms, const char **why)
{
	struct qf_request req, *q = &req;   /* on the stack: see qf_daemon_client */
	unsigned char *buf = NULL;
	size_t len;
	int lent = -1, rc = -1;

	memset(q, 0, sizeof *q);
	*why = "out of memory";
	q->received = s->received;
	q->size = s->size;
	q->truncated = s->truncated;
	q->relay = c->relay;
	q->ms_left = time_left(cfg);
	q->sent_ms = (uint64_t)qf_now_ms();
	*deadline_ms = (int64_t)q->sent_ms + q->ms_left;
	/* qfilterd logs the exit code we will end with */
	q->errfd = qf_errfd_usable(cfg->errfd);
	q->envelope = env->raw;
	q->envlen = env->rawlen;
	if (put_client(q->remote_ip, &q->has_remote_ip, c->remote_ip) < 0 ||
	    put_client(q->remote_host, &q->has_remote_host, c->remote_host) < 0 ||
	    put_client(q->auth_user, &q->has_auth_user, c->auth_user) < 0 ||
	    put_client(q->ppid, &q->has_ppid, c->ppid) < 0 ||
	    put_client(q->helo, &q->has_helo, c->helo) < 0) {
		*why = "an environment value is too long to pass on";
		goto done;
	}
	if (qf_proto_request_encode(q, &buf, &len) < 0)
		goto done;
	/* a sealed spool cannot be changed by anyone: lent as it is */
	if ((lent = s->sealed ? s->fd : spool_lend(s->fd)) < 0) {
		*why = strerror(errno);
		goto done;
	}
	if (qf_proto_send(sock, buf, len, lent, 0) < 0) {
		*why = strerror(errno);
		goto done;
	}
	rc = 0;
done:
	if (lent >= 0 && lent != s->fd)
		close(lent);
	free(buf);
	return rc;
}

/* Waits for the answer to begin. A worker keeps the message's deadline
 * and answers by then, or, for a request that waited past it for a free
 * worker, as soon as one takes it (71): that answer is worth waiting
 * ANSWER_GRACE_MS for. After that qfilter gives up with a log line, before
 * the deadline's grace alarm (5 s) would end it without one. 0, or -1
 * with the time up. */
#define ANSWER_GRACE_MS 3000
static int wait_answer(int sock, int64_t deadline_ms)
{
	struct pollfd p = { sock, POLLIN, 0 };
	int64_t left;
	int n;

	for (;;) {
		left = deadline_ms + ANSWER_GRACE_MS - qf_now_ms();
		if (left <= 0)
			break;
		n = poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (n > 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
			return 0;   /* readable, hung up, or poll is broken: the read says which */
	}
	qf_io_interrupted = 1;
	return -1;
}

/* The verdict, carried out as qfilter-inprocess does (engine/outcome.h). */
static int carry_out(struct client_msg *cm, struct qf_answer *a, int msgfd, int envfd,
		     char ***argvs, int nargvs)
{
	struct qf_outcome_log l;
	struct qf_decision d;

	memset(&d, 0, sizeof d);
	d.action = a->action;
	d.exit = a->exit;
	d.reason = a->reason;
	snprintf(d.reply, sizeof d.reply, "%s", a->reply);
	log_of(cm, a, &l);
	return qf_outcome_finish(&l, &d, a->has_fd ? msgfd : -1, envfd, argvs, (size_t)nargvs);
}

int qf_daemon_client(const struct qf_config *cfg, const struct qf_spool *s,
		     struct qf_envelope *env, const struct qf_client *c,
		     char ***argvs, int nargvs)
{
	struct client_msg cm = { cfg, env, c, s->received, qf_now_ms() };
	/* The request and the answer (4 and 10 KB) live on the stack: in the
	 * static front each heap block of that size was an mmap, page faults
	 * and a munmap, 6 % of the client's time. */
	struct qf_answer a;
	unsigned char *body;
	const char *why;
	struct stat st;
	unsigned flags;
	size_t len;
	int64_t deadline_ms;
	int sock, msgfd, envfd, rc;

	if ((sock = connect_daemon(cfg->daemon, &why)) < 0) {
		if ((errno == EACCES || errno == EPERM) && !cfg->daemon_fail_tempfail) {
			/* A local user outside the socket's group (qmail-inject):
			 * expected, and every such message would warn. A note,
			 * and the in-process chain (qfilterd(8), LOCAL INJECTION). */
			qf_log("note: qfilterd at %s not permitted for uid %u (the socket's mode and group): filtering in process",
			       cfg->daemon, (unsigned)getuid());
			return in_process(s);
		}
		return cannot_serve(&cm, s, "connect: %s", why);
	}
	if (send_request(sock, cfg, s, env, c, &deadline_ms, &why) < 0) {
		close(sock);
		return cannot_serve(&cm, s, "sending the request: %s", why);
	}
	/* the queue's envelope is made while qfilterd works, not after */
	envfd = qf_envelope_fd(env);
	if (wait_answer(sock, deadline_ms) < 0) {
		close(sock);
		if (envfd >= 0)
			close(envfd);
		return cannot_serve(&cm, s, "no answer %d ms past the deadline", ANSWER_GRACE_MS);
	}
	rc = qf_proto_recv(sock, 'A', QF_PROTO_ANS_FD, 0, &body, &len, &flags, &msgfd, &why);
	close(sock);
	if (rc < 0) {
		if (envfd >= 0)
			close(envfd);
		return cannot_serve(&cm, s, "no answer: %s", why);
	}
	rc = qf_proto_answer_decode(body, len, flags, &a, &why);
	free(body);
	if (rc == 0 && a.has_fd && (fstat(msgfd, &st) < 0 || !(S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode)))) {
		why = "the message to queue is neither a file nor a pipe";
		rc = -1;
	}
	if (rc < 0) {
		if (msgfd >= 0)
			close(msgfd);
		if (envfd >= 0)
			close(envfd);
		return cannot_serve(&cm, s, "bad answer: %s", why);
	}
	return carry_out(&cm, &a, msgfd, envfd, argvs, nargvs);
}
