/* daemon_worker.c: see daemon_worker.h. A worker does for one message
 * what single-process qfilter does up to the exec: the chain, the
 * quarantine, the composed message; the client does the rest as the
 * calling user (external filters, custom error text, the real queue). */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdbool.h>
#include <sys/epoll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include "daemon_proto.h"
#include "daemon_worker.h"
#include "deliver.h"
#include "exitcodes.h"
#include "external.h"
#include "io.h"
#include "log.h"
#include "output.h"
#include "outcome.h"
#include "process.h"

#define REQUEST_WAIT_S 30   /* the rest of a request that has begun to arrive */
#define ANSWER_WAIT_S 10
#define WORKER_MMAP_THRESHOLD (32 << 20)   /* glibc's own ceiling for it */

/* For the SIGALRM handler, which may have to answer on its own. */
static volatile int serving_conn = -1;
static unsigned char *timeout_answer;
static size_t timeout_answer_len;
static volatile sig_atomic_t stop_asked;

/* The message's time is up: blocking calls give up (qf_io_interrupted),
 * as in qfilter. A filter that still has not returned 5 s later is stuck:
 * answer "timeout" and die; the master starts a fresh worker. */
static void on_alarm(int sig)
{
	if (!qf_io_interrupted) {
		qf_io_interrupted = 1;
		if (qf_external_pgid)
			kill(-qf_external_pgid, SIGKILL);
		alarm(5);
		return;
	}
	if (serving_conn >= 0 && timeout_answer &&
	    write(serving_conn, timeout_answer, timeout_answer_len) < 0) {
		/* the client has its own timeout */
	}
	_exit(QF_EXIT_TIMEOUT);
}

static void on_stop(int sig)
{
	stop_asked = 1;
}

static void set_timer(uint32_t ms)
{
	struct itimerval it;

	memset(&it, 0, sizeof it);
	it.it_value.tv_sec = ms / 1000;
	it.it_value.tv_usec = (ms % 1000) * 1000;
	setitimer(ITIMER_REAL, &it, NULL);
}

static void peer_of(int conn, char *buf, size_t len)
{
	struct ucred cr;
	socklen_t n = sizeof cr;

	if (getsockopt(conn, SOL_SOCKET, SO_PEERCRED, &cr, &n) == 0)
		snprintf(buf, len, "pid=%d uid=%d", (int)cr.pid, (int)cr.uid);
	else
		snprintf(buf, len, "pid=?");
}

/* The spooled message the client lent us: a readable regular file of the
 * size it claims, within max-size (qfilter stores no more than that). */
static const char *spool_check(const struct qf_config *cfg, int fd, const struct qf_request *q)
{
	struct stat st;
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || (fl & O_ACCMODE) == O_WRONLY)
		return "the spool descriptor is not readable";
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return "the spool descriptor is not a regular file";
	if ((uint64_t)st.st_size != q->size)
		return "the spool's size is not what the request says";
	if (cfg->max_size && q->size > cfg->max_size)
		return "the spool is larger than max-size";
	return NULL;
}

static char *opt(bool has, char *s)
{
	return has ? s : NULL;
}

/* s, cut to fit, into dst of size bytes (snprintf "%s" without its
 * formatting machinery: ten of these per message) */
static void put_str(char *dst, size_t size, const char *s)
{
	size_t n = strnlen(s, size - 1);

	memcpy(dst, s, n);
	dst[n] = 0;
}

static void fill_answer(const struct qf_msg *m, const struct qf_decision *d, int outfd,
			struct qf_answer *a)
{
	size_t i;

	/* field by field: zeroing all of it (9 KB of results, most of them
	 * unused) was 3 % of a worker's instructions per message */
	a->action = d->action;
	a->exit = d->exit;
	a->has_fd = outfd >= 0;
	a->nresults = 0;
	put_str(a->reply, sizeof a->reply, d->exit ? d->reply : "");
	put_str(a->reason, sizeof a->reason, d->reason ? d->reason : "");
	for (i = 0; i < m->nresults && a->nresults < QF_PROTO_RESULTS_MAX; i++) {
		const struct qf_result *r = &m->results[i];
		if (!r->ran)
			continue;
		put_str(a->results[a->nresults].filter, sizeof a->results[0].filter, r->filter);
		put_str(a->results[a->nresults].result, sizeof a->results[0].result,
			r->result ? r->result : "ok");
		a->nresults++;
	}
}

/* The request is valid: the message through the chain, then the answer. */
static void serve_message(struct qf_engine *e, int conn, const struct qf_request *q, int spoolfd)
{
	struct qf_spool sp = { spoolfd, q->size, q->received, q->truncated, false };
	struct qf_client client = {
		opt(q->has_remote_ip, (char *)q->remote_ip), opt(q->has_remote_host, (char *)q->remote_host),
		opt(q->has_auth_user, (char *)q->auth_user), opt(q->has_ppid, (char *)q->ppid), q->relay
	};
	struct qf_envelope env;
	struct qf_decision d;
	struct qf_answer *a;
	struct qf_msg m;
	unsigned char *buf;
	size_t len;
	uint32_t ms = q->ms_left;
	int outfd = -1, rc;

	if ((rc = qf_envelope_parse(q->envelope, q->envlen, &env))) {
		qf_log("warning: a client sent an envelope qfilter itself would refuse (exit %d)", rc);
		return;
	}
	if (ms > e->cfg.timeout * 1000u)
		ms = e->cfg.timeout * 1000u;
	if (ms == 0)
		ms = 1;   /* 0 would disarm the timer: the time is up already */
	qf_io_interrupted = 0;
	serving_conn = conn;
	set_timer(ms);
	qf_process(e, &sp, &env, &client, qf_now_ms() + ms, false, &m, &d);
	/* a pipe when it fits: the client makes a file of it for the
	 * external filters, which need to seek */
	outfd = qf_outcome_compose(&m, &d, false);
	set_timer(0);
	serving_conn = -1;
	qf_io_interrupted = 0;
	/* the client waits for the answer; our log line can wait for it */
	if ((a = malloc(sizeof *a))) {
		fill_answer(&m, &d, outfd, a);
		if (qf_proto_answer_encode(a, &buf, &len) == 0) {
			if (qf_proto_send(conn, buf, len, outfd, ANSWER_WAIT_S) < 0)
				qf_log("warning: answering the client: %s", strerror(errno));
			free(buf);
		}
		free(a);
	}
	{
		struct qf_outcome_log l;

		qf_outcome_log_from_msg(&m, &l);
		qf_outcome_log_line(&l, qf_verdict_word(&d), d.reason, d.exit);
	}
	if (outfd >= 0)
		close(outfd);
	qf_msg_close(&m);
}

void qf_daemon_worker_serve(struct qf_engine *e, int conn)
{
	struct qf_request *q = NULL;
	unsigned char *body;
	const char *why;
	char peer[64];
	unsigned flags;
	size_t len;
	int spoolfd;

	if (qf_proto_recv(conn, 'Q', QF_PROTO_FD_ALWAYS, REQUEST_WAIT_S, &body, &len, &flags,
			  &spoolfd, &why) < 0) {
		peer_of(conn, peer, sizeof peer);
		qf_log("warning: client %s: bad request: %s", peer, why);
		return;
	}
	if (!(q = malloc(sizeof *q)))
		why = "out of memory";
	else if (qf_proto_request_decode(body, len, flags, q, &why) == 0 &&
		 !(why = spool_check(&e->cfg, spoolfd, q)))
		serve_message(e, conn, q, spoolfd);
	if (why) {
		peer_of(conn, peer, sizeof peer);
		qf_log("warning: client %s: bad request: %s", peer, why);
	}
	close(spoolfd);
	free(q);
	free(body);
}

static void worker_signals(sigset_t *waiting)
{
	struct sigaction sa;
	sigset_t busy;
	struct qf_answer a;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;   /* no SA_RESTART: blocking calls return */
	sigaction(SIGALRM, &sa, NULL);
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGHUP, SIG_IGN);   /* reloading is the master's job */
	signal(SIGCHLD, SIG_DFL);
	/* a stop waits for the message in hand: only the idle wait takes it */
	sigemptyset(&busy);
	sigaddset(&busy, SIGTERM);
	sigaddset(&busy, SIGINT);
	sigprocmask(SIG_SETMASK, &busy, NULL);
	sigemptyset(waiting);
	memset(&a, 0, sizeof a);
	a.action = QF_ACT_TEMPFAIL;
	a.exit = QF_EXIT_TIMEOUT;
	snprintf(a.reason, sizeof a.reason, "timeout");
	if (qf_proto_answer_encode(&a, &timeout_answer, &timeout_answer_len) < 0)
		timeout_answer = NULL;
}

/* A worker allocates and frees much the same blocks for every message
 * (the walk's 150 KB among them, before mime_walk.c kept its own). glibc
 * gave the top of the heap back after each message and grew it again for
 * the next: a brk down, a brk up and a page fault per page, about 3 % of
 * a 50 KB message end to end. A worker keeps what it grew instead (it is
 * replaced after QF_WORKER_MESSAGES); a block past the mmap threshold is
 * still given back when freed. */
static void keep_heap(void)
{
	mallopt(M_MMAP_THRESHOLD, WORKER_MMAP_THRESHOLD);
	mallopt(M_TRIM_THRESHOLD, 2 * WORKER_MMAP_THRESHOLD);
}

/* One epoll set per worker: the listening socket with EPOLLEXCLUSIVE, so
 * that a connection wakes one idle worker, not all of them to race for
 * one accept (on a 2-core machine the losers took CPU from the client
 * and the winner); and the generation pipe, which every worker must see. */
static int worker_epoll(int listen_fd, int gen_fd)
{
	struct epoll_event ev;
	int ep = epoll_create1(EPOLL_CLOEXEC);

	if (ep < 0)
		return -1;
	memset(&ev, 0, sizeof ev);
	ev.events = EPOLLIN | EPOLLEXCLUSIVE;
	ev.data.fd = listen_fd;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, listen_fd, &ev) < 0)
		goto fail;
	ev.events = EPOLLIN;
	ev.data.fd = gen_fd;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, gen_fd, &ev) < 0)
		goto fail;
	return ep;
fail:
	close(ep);
	return -1;
}

/* Connections accepted that have not sent their request yet. They wait
 * here, in the worker's epoll set, while the worker has no message in
 * hand: a connection that stays silent costs a slot, never the worker,
 * and is closed at daemon-request-timeout. */
#define PENDING_MAX 64

struct pending {
	int fd;
	int64_t since;   /* qf_now_ms() at accept */
};

static void pending_drop(int ep, struct pending *p, size_t *n, size_t i, const char *why)
{
	char peer[64];

	if (why) {
		peer_of(p[i].fd, peer, sizeof peer);
		qf_log("warning: client %s: %s: connection closed", peer, why);
	}
	epoll_ctl(ep, EPOLL_CTL_DEL, p[i].fd, NULL);
	close(p[i].fd);
	p[i] = p[--*n];
}

/* ms until the oldest pending connection's time is up; -1: none */
static int pending_wait(const struct pending *p, size_t n, int64_t limit_ms)
{
	int64_t now = qf_now_ms(), soonest = -1, left;
	size_t i;

	for (i = 0; i < n; i++) {
		left = p[i].since + limit_ms - now;
		if (left < 0)
			left = 0;
		if (soonest < 0 || left < soonest)
			soonest = left;
	}
	return soonest < 0 ? -1 : (int)soonest;
}

void qf_daemon_worker_run(struct qf_engine *e, int listen_fd, int gen_fd)
{
	struct pending pend[PENDING_MAX];
	struct epoll_event ev[16], add;
	sigset_t waiting;
	unsigned served = 0;
	size_t npend = 0, i;
	int64_t limit_ms = (int64_t)(e->cfg.daemon_request_timeout ? e->cfg.daemon_request_timeout : 5) * 1000;
	int conn, ep, n, k;
	bool over, draining = false;

	worker_signals(&waiting);
	keep_heap();
	/* the resolver and the like: this worker's own, before its first message */
	qf_engine_start_all(e);
	if ((ep = worker_epoll(listen_fd, gen_fd)) < 0) {
		qf_log("error: worker: epoll: %s", strerror(errno));
		_exit(111);
	}
	while (served < QF_WORKER_MESSAGES && !stop_asked) {
		n = epoll_pwait(ep, ev, 16, pending_wait(pend, npend, limit_ms), &waiting);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			qf_log("error: worker: epoll_wait: %s", strerror(errno));
			_exit(111);
		}
		over = false;
		conn = -1;
		for (k = 0; k < n; k++) {
			int fd = ev[k].data.fd;
			if (fd == gen_fd) {
				over = true;
			} else if (fd == listen_fd) {
				/* take what waits in the backlog while there is room */
				while (npend < PENDING_MAX) {
					int c = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
					if (c < 0) {
						if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED) {
							qf_log("error: worker: accept: %s", strerror(errno));
							_exit(111);
						}
						break;   /* another worker was quicker, or no more */
					}
					memset(&add, 0, sizeof add);
					add.events = EPOLLIN | EPOLLRDHUP;
					add.data.fd = c;
					if (epoll_ctl(ep, EPOLL_CTL_ADD, c, &add) < 0) {
						close(c);
						continue;
					}
					pend[npend].fd = c;
					pend[npend++].since = qf_now_ms();
				}
			} else if (conn < 0) {
				conn = fd;   /* its request is here: served below */
			}
		}
		if (over && !draining) {
			/* our generation is over: the backlog is the next one's;
			 * what this worker accepted already, it still serves */
			epoll_ctl(ep, EPOLL_CTL_DEL, listen_fd, NULL);
			epoll_ctl(ep, EPOLL_CTL_DEL, gen_fd, NULL);
			draining = true;
		}
		/* silent for too long: closed, with a line */
		for (i = 0; i < npend; )
			if (pend[i].fd != conn && qf_now_ms() - pend[i].since >= limit_ms)
				pending_drop(ep, pend, &npend, i, "no request within daemon-request-timeout");
			else
				i++;
		if (draining && !npend)
			break;
		if (conn < 0)
			continue;
		for (i = 0; i < npend && pend[i].fd != conn; i++)
			;
		if (i == npend)
			continue;
		epoll_ctl(ep, EPOLL_CTL_DEL, conn, NULL);
		pend[i] = pend[--npend];
		/* the rest of the request in blocking reads, as before */
		fcntl(conn, F_SETFL, fcntl(conn, F_GETFL) & ~O_NONBLOCK);
		qf_daemon_worker_serve(e, conn);
		close(conn);
		served++;
		if (draining && !npend)
			break;
	}
	for (i = npend; i > 0; i--)   /* not begun: the clients fall back (daemon-fail) */
		pending_drop(ep, pend, &npend, i - 1, NULL);
	_exit(0);
}
