/* daemon_worker.c: see daemon_worker.h. A worker does for one message
 * what single-process qfilter does up to the exec: the chain, the
 * quarantine, the composed message; the client does the rest as the
 * calling user (external filters, custom error text, the real queue). */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdbool.h>
#include <poll.h>
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

#define ANSWER_WAIT_S 10
#define WAITING_MAX 64      /* connections one worker keeps that have not sent their request */
#define WAITING_WHY "64 connections wait for their request"
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

/* What the worker logs for the message: the client's exit code, which
 * is 82 for a refusal whose text goes to the client's errfd. */
static int logged_exit(const struct qf_request *q, const struct qf_decision *d)
{
	if (q->errfd && d->reply[0] && (d->exit == QF_EXIT_REFUSED || d->exit == QF_EXIT_TEMPFAIL))
		return QF_EXIT_CUSTOM;
	return d->exit;
}

static void answer(int conn, const struct qf_msg *m, const struct qf_decision *d, int outfd)
{
	struct qf_answer *a;
	unsigned char *buf;
	size_t len;

	if ((a = malloc(sizeof *a))) {
		fill_answer(m, d, outfd, a);
		if (qf_proto_answer_encode(a, &buf, &len) == 0) {
			if (qf_proto_send(conn, buf, len, outfd, ANSWER_WAIT_S) < 0)
				qf_log("warning: answering the client: %s", strerror(errno));
			free(buf);
		}
		free(a);
	}
}

/* Has the client hung up? It gives up a little after its deadline. */
static bool peer_gone(int conn)
{
	struct pollfd p = { conn, POLLRDHUP, 0 };

	return poll(&p, 1, 0) == 1 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

/* The message's time ran out before a worker was free (every worker was
 * busy, and the request waited in the socket): refused for now, never
 * filtered late and passed. */
static void too_late(struct qf_engine *e, int conn, const struct qf_request *q,
		     struct qf_envelope *env, const struct qf_client *client, int64_t waited)
{
	struct qf_outcome_log l;
	struct qf_decision d;
	struct qf_msg m;
	char peer[64];

	memset(&m, 0, sizeof m);
	memset(&d, 0, sizeof d);
	m.cfg = &e->cfg;
	m.env = *env;
	m.client = *client;
	m.received = q->received;
	m.start_ms = qf_now_ms() - waited;
	if (peer_gone(conn)) {
		peer_of(conn, peer, sizeof peer);
		qf_log("warning: client %s gave up before a worker was free (waited %lld ms): not served",
		       peer, (long long)waited);
		return;
	}
	d.action = QF_ACT_TEMPFAIL;
	d.exit = QF_EXIT_TEMPFAIL;
	d.reason = "time ran out waiting for a worker";
	snprintf(d.reply, sizeof d.reply, "Zcontent filter busy, try again later (#4.3.2)");
	answer(conn, &m, &d, -1);
	qf_outcome_log_from_msg(&m, &l);
	qf_outcome_log_line(&l, qf_verdict_word(&d), d.reason, logged_exit(q, &d));
}

/* The request is valid: the message through the chain, then the answer.
 * Its time is what the client had left when it sent the request, less
 * the time the request waited for a worker. */
static void serve_message(struct qf_engine *e, int conn, const struct qf_request *q, int spoolfd,
			  int64_t accepted_ms)
{
	struct qf_spool sp = { spoolfd, q->size, q->received, q->truncated, false };
	struct qf_client client = {
		opt(q->has_remote_ip, (char *)q->remote_ip), opt(q->has_remote_host, (char *)q->remote_host),
		opt(q->has_auth_user, (char *)q->auth_user), opt(q->has_ppid, (char *)q->ppid), q->relay,
		opt(q->has_helo, (char *)q->helo)
	};
	struct qf_outcome_log l;
	struct qf_envelope env;
	struct qf_decision d;
	struct qf_msg m;
	int64_t now = qf_now_ms(), waited = now - (int64_t)q->sent_ms, left;
	int outfd = -1, rc;

	if ((rc = qf_envelope_parse(q->envelope, q->envlen, &env))) {
		qf_log("warning: a client sent an envelope qfilter itself would refuse (exit %d)", rc);
		return;
	}
	if (waited < 0 || waited > (int64_t)QF_PROTO_TIMEOUT_MAX)
		waited = now - accepted_ms;   /* not our clock (another time namespace) */
	left = (int64_t)q->ms_left - waited;
	if (left <= 0) {
		too_late(e, conn, q, &env, &client, waited);
		qf_envelope_free(&env);
		return;
	}
	if (left > e->cfg.timeout * 1000LL)
		left = e->cfg.timeout * 1000LL;
	qf_io_interrupted = 0;
	serving_conn = conn;
	set_timer((uint32_t)left);
	qf_process(e, &sp, &env, &client, now + left, false, &m, &d);
	/* a pipe when it fits: the client makes a file of it for the
	 * external filters, which need to seek */
	outfd = qf_outcome_compose(&m, &d, false);
	set_timer(0);
	serving_conn = -1;
	qf_io_interrupted = 0;
	/* the client waits for the answer; our log line can wait for it */
	answer(conn, &m, &d, outfd);
	qf_outcome_log_from_msg(&m, &l);
	qf_outcome_log_line(&l, qf_verdict_word(&d), d.reason, logged_exit(q, &d));
	if (outfd >= 0)
		close(outfd);
	qf_msg_close(&m);
}

/* A connection whose request is all in: checked, then served. */
static void serve(struct qf_engine *e, int conn, struct qf_proto_reader *r, int64_t accepted_ms)
{
	struct qf_request *q = NULL;
	unsigned char *body;
	const char *why;
	char peer[64];
	unsigned flags;
	size_t len;
	int spoolfd;

	qf_proto_reader_take(r, &body, &len, &flags, &spoolfd);
	if (!(q = malloc(sizeof *q)))
		why = "out of memory";
	else if (qf_proto_request_decode(body, len, flags, q, &why) == 0 &&
		 !(why = spool_check(&e->cfg, spoolfd, q)))
		serve_message(e, conn, q, spoolfd, accepted_ms);
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

/* --- the connections of one worker
 *
 * A worker serves one message at a time, but takes every connection it
 * is offered while idle, and keeps those whose request has not all
 * arrived (up to WAITING_MAX, each for daemon-request-timeout) until it
 * has: so a peer that sends nothing, or half a request, holds no worker,
 * and the next ready request is served at once. Nearly always the
 * request is there by the time of the accept, and is served without
 * touching the epoll set. */

struct waiting {
	int fd;
	int64_t accepted_ms;
	bool ready;               /* the whole request is in */
	bool polled;              /* in the epoll set */
	struct qf_proto_reader r;
};

struct worker {
	struct qf_engine *e;
	int ep, listen_fd, gen_fd;
	bool accepting;
	struct waiting *w[WAITING_MAX];
	size_t nw;
};

static void forget(struct worker *wk, struct waiting *w)
{
	if (w->polled)
		epoll_ctl(wk->ep, EPOLL_CTL_DEL, w->fd, NULL);
	qf_proto_reader_free(&w->r);
	close(w->fd);
	free(w);
}

static void drop(struct worker *wk, size_t i, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void drop(struct worker *wk, size_t i, const char *fmt, ...)
{
	struct waiting *w = wk->w[i];
	char peer[64], why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	peer_of(w->fd, peer, sizeof peer);
	qf_log("warning: client %s: %s", peer, why);
	forget(wk, w);
	wk->w[i] = wk->w[--wk->nw];
}

/* Reads what has come: 1 the request is all in, 0 not yet, -1 it was
 * bad or the peer closed, and the connection is dropped. */
static int read_request(struct worker *wk, size_t i)
{
	struct waiting *w = wk->w[i];
	const char *why;
	int rc;

	while ((rc = qf_proto_reader_read(w->fd, &w->r, MSG_DONTWAIT, &why)) == 0 && errno != EAGAIN)
		;
	if (rc > 0)
		w->ready = true;
	else if (rc < 0)
		drop(wk, i, "bad request: %s", why);
	return rc;
}

/* The connection waiting longest for its request gives way to a new one:
 * a flood of idle connections cannot keep a ready client out. */
static void make_room(struct worker *wk, const char *why)
{
	size_t i, oldest = WAITING_MAX;

	for (i = 0; i < wk->nw; i++)
		if (!wk->w[i]->ready &&
		    (oldest == WAITING_MAX || wk->w[i]->accepted_ms < wk->w[oldest]->accepted_ms))
			oldest = i;
	if (oldest < WAITING_MAX)
		drop(wk, oldest, "%s: dropped the oldest", why);
}

static void take_connection(struct worker *wk)
{
	struct epoll_event ev;
	struct waiting *w;
	int conn;

	conn = accept4(wk->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0) {
		if (errno == EAGAIN || errno == EINTR || errno == ECONNABORTED)
			return;   /* another worker was quicker */
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
			/* the connection stays in the backlog: make room, or pause
			 * rather than spin on it */
			qf_log("warning: worker: accept: %s", strerror(errno));
			if (wk->nw)
				make_room(wk, "out of descriptors or memory");
			else
				poll(NULL, 0, 100);
			return;
		}
		qf_log("error: worker: accept: %s", strerror(errno));
		_exit(111);
	}
	if (!(w = malloc(sizeof *w))) {
		qf_log("warning: worker: out of memory for a connection: closed");
		close(conn);
		return;
	}
	w->fd = conn;
	w->accepted_ms = qf_now_ms();
	w->ready = false;
	qf_proto_reader_init(&w->r, 'Q', QF_PROTO_FD_ALWAYS);
	if (wk->nw == WAITING_MAX)
		make_room(wk, WAITING_WHY);
	if (wk->nw == WAITING_MAX) {   /* all ready: cannot happen, WAITING_MAX > 1 */
		free(w);
		close(conn);
		return;
	}
	w->polled = false;
	wk->w[wk->nw++] = w;
	if (read_request(wk, wk->nw - 1) != 0)
		return;   /* ready to serve (nearly always), or dropped */
	memset(&ev, 0, sizeof ev);
	ev.events = EPOLLIN | EPOLLRDHUP;
	ev.data.ptr = w;
	if (epoll_ctl(wk->ep, EPOLL_CTL_ADD, conn, &ev) < 0)
		drop(wk, wk->nw - 1, "worker: epoll: %s: dropped", strerror(errno));
	else
		w->polled = true;
}

static size_t find(const struct worker *wk, const struct waiting *w)
{
	size_t i;

	for (i = 0; i < wk->nw && wk->w[i] != w; i++)
		;
	return i;
}

/* ms until the first request timeout, or -1; 0 when one is ready */
static int next_wait(const struct worker *wk)
{
	int64_t first = -1, until;
	size_t i;

	for (i = 0; i < wk->nw; i++) {
		if (wk->w[i]->ready)
			return 0;
		until = wk->w[i]->accepted_ms + wk->e->cfg.daemon_request_timeout * 1000LL;
		if (first < 0 || until < first)
			first = until;
	}
	if (first < 0)
		return -1;
	first -= qf_now_ms();
	return first < 0 ? 0 : first > 60000 ? 60000 : (int)first;
}

static void expire(struct worker *wk)
{
	int64_t now = qf_now_ms(), limit = wk->e->cfg.daemon_request_timeout * 1000LL;
	size_t i = 0, got, want;

	while (i < wk->nw) {
		struct waiting *w = wk->w[i];
		if (w->ready || now - w->accepted_ms < limit) {
			i++;
			continue;
		}
		qf_proto_reader_progress(&w->r, &got, &want);
		if (got)
			drop(wk, i, "no request within daemon-request-timeout (%u s), %zu of %zu bytes: dropped",
			     wk->e->cfg.daemon_request_timeout, got, want);
		else
			drop(wk, i, "no request within daemon-request-timeout (%u s): dropped",
			     wk->e->cfg.daemon_request_timeout);
	}
}

/* The ready request that came first: 1 when one was served. */
static int serve_one(struct worker *wk)
{
	struct waiting *w;
	size_t i, first = WAITING_MAX;

	for (i = 0; i < wk->nw; i++)
		if (wk->w[i]->ready &&
		    (first == WAITING_MAX || wk->w[i]->accepted_ms < wk->w[first]->accepted_ms))
			first = i;
	if (first == WAITING_MAX)
		return 0;
	w = wk->w[first];
	wk->w[first] = wk->w[--wk->nw];
	serve(wk->e, w->fd, &w->r, w->accepted_ms);
	forget(wk, w);
	return 1;
}

/* The pipe's hang-up and the backlog would wake us for ever: both leave
 * the epoll set. */
static void stop_accepting(struct worker *wk)
{
	if (wk->accepting) {
		epoll_ctl(wk->ep, EPOLL_CTL_DEL, wk->listen_fd, NULL);
		epoll_ctl(wk->ep, EPOLL_CTL_DEL, wk->gen_fd, NULL);
	}
	wk->accepting = false;
}

/* One epoll set per worker: the listening socket with EPOLLEXCLUSIVE, so
 * that a connection wakes one idle worker, not all of them to race for
 * one accept (on a 2-core machine the losers took CPU from the client
 * and the winner); the generation pipe, which every worker must see; and
 * the connections still sending their request. */
static int listen_mark, gen_mark;   /* their epoll tags */

static int worker_epoll(int listen_fd, int gen_fd)
{
	struct epoll_event ev;
	int ep = epoll_create1(EPOLL_CLOEXEC);

	if (ep < 0)
		return -1;
	memset(&ev, 0, sizeof ev);
	ev.events = EPOLLIN | EPOLLEXCLUSIVE;
	ev.data.ptr = &listen_mark;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, listen_fd, &ev) < 0)
		goto fail;
	ev.events = EPOLLIN;
	ev.data.ptr = &gen_mark;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, gen_fd, &ev) < 0)
		goto fail;
	return ep;
fail:
	close(ep);
	return -1;
}

void qf_daemon_worker_run(struct qf_engine *e, int listen_fd, int gen_fd)
{
	struct epoll_event ev[16];
	struct worker wk;
	sigset_t waiting;
	unsigned served = 0;
	bool offered;
	size_t at;
	int n, i;

	worker_signals(&waiting);
	keep_heap();
	/* the resolver and the like: this worker's own, before its first message */
	qf_engine_start_all(e);
	memset(&wk, 0, sizeof wk);
	wk.e = e;
	wk.listen_fd = listen_fd;
	wk.gen_fd = gen_fd;
	wk.accepting = true;
	if ((wk.ep = worker_epoll(listen_fd, gen_fd)) < 0) {
		qf_log("error: worker: epoll: %s", strerror(errno));
		_exit(111);
	}
	/* after a stop, a reload or its last message the worker takes no new
	 * connection, and finishes those it has (each within the request
	 * timeout, then its message) */
	while (wk.accepting || wk.nw) {
		n = epoll_pwait(wk.ep, ev, sizeof ev / sizeof *ev, next_wait(&wk), &waiting);
		if (n < 0) {
			if (errno != EINTR) {
				qf_log("error: worker: epoll_wait: %s", strerror(errno));
				_exit(111);
			}
			n = 0;
		}
		offered = false;
		for (i = 0; i < n; i++) {
			if (ev[i].data.ptr == &gen_mark)
				stop_accepting(&wk);   /* our generation is over: the backlog is the next's */
			else if (ev[i].data.ptr == &listen_mark)
				offered = true;
			else if ((at = find(&wk, ev[i].data.ptr)) < wk.nw)
				read_request(&wk, at);
		}
		if (stop_asked || served >= QF_WORKER_MESSAGES)
			stop_accepting(&wk);
		if (offered && wk.accepting)
			take_connection(&wk);
		expire(&wk);
		served += serve_one(&wk);
	}
	_exit(0);
}
