/* daemon_proto.c: see daemon_proto.h */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include "daemon_proto.h"
#include "exitcodes.h"
#include "io.h"
#include "policy.h"

#define ABSENT 0xffffffffu

/* --- encoding: into a growing buffer */

struct wbuf {
	unsigned char *p;
	size_t len, cap;
	int failed;
};

static void put(struct wbuf *w, const void *data, size_t n)
{
	unsigned char *np;
	size_t cap;

	if (w->failed)
		return;
	if (w->len + n > w->cap) {
		cap = w->cap ? w->cap : 256;
		while (cap < w->len + n)
			cap *= 2;
		if (!(np = realloc(w->p, cap))) {
			w->failed = 1;
			return;
		}
		w->p = np;
		w->cap = cap;
	}
	memcpy(w->p + w->len, data, n);
	w->len += n;
}

static void put_u8(struct wbuf *w, unsigned v)
{
	unsigned char b = v & 0xff;

	put(w, &b, 1);
}

static void put_u32(struct wbuf *w, uint32_t v)
{
	unsigned char b[4] = { v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff };

	put(w, b, 4);
}

static void put_u64(struct wbuf *w, uint64_t v)
{
	put_u32(w, (uint32_t)(v >> 32));
	put_u32(w, (uint32_t)v);
}

/* a string of at most max bytes (cut), or absent when s is NULL */
static void put_str(struct wbuf *w, const char *s, size_t len, size_t max)
{
	if (!s) {
		put_u32(w, ABSENT);
		return;
	}
	if (len > max)
		len = max;
	put_u32(w, (uint32_t)len);
	put(w, s, len);
}

static void put_cstr(struct wbuf *w, const char *s, size_t max)
{
	put_str(w, s, s ? strlen(s) : 0, max);
}

/* the head in front of the body written from offset QF_PROTO_HEAD on */
static int finish(struct wbuf *w, char kind, unsigned flags, unsigned char **out, size_t *outlen)
{
	size_t body = w->len - QF_PROTO_HEAD;
	unsigned char *h = w->p;

	if (w->failed) {
		free(w->p);
		errno = ENOMEM;
		return -1;
	}
	memcpy(h, "QFD", 3);
	h[3] = (unsigned char)kind;
	h[4] = QF_PROTO_VERSION >> 8;
	h[5] = QF_PROTO_VERSION & 0xff;
	h[6] = (flags >> 8) & 0xff;
	h[7] = flags & 0xff;
	h[8] = body >> 24;
	h[9] = (body >> 16) & 0xff;
	h[10] = (body >> 8) & 0xff;
	h[11] = body & 0xff;
	*out = w->p;
	*outlen = w->len;
	return 0;
}

static const char *opt(bool has, const char *s)
{
	return has ? s : NULL;
}

int qf_proto_request_encode(const struct qf_request *r, unsigned char **out, size_t *outlen)
{
	struct wbuf w = { 0 };
	unsigned char zero[QF_PROTO_HEAD] = { 0 };
	unsigned flags = (r->truncated ? QF_PROTO_REQ_TRUNCATED : 0) | (r->relay ? QF_PROTO_REQ_RELAY : 0) |
			 (r->errfd ? QF_PROTO_REQ_ERRFD : 0);
	const char *s[5] = { opt(r->has_remote_ip, r->remote_ip), opt(r->has_remote_host, r->remote_host),
			     opt(r->has_auth_user, r->auth_user), opt(r->has_ppid, r->ppid),
			     opt(r->has_helo, r->helo) };
	int i;

	if (!r->envelope || r->envlen == 0 || r->envlen > QF_ENVELOPE_MAX) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < 5; i++)
		if (s[i] && strlen(s[i]) > QF_PROTO_STR_MAX) {
			errno = EINVAL;
			return -1;
		}
	put(&w, zero, sizeof zero);
	put_u64(&w, r->received);
	put_u64(&w, r->size);
	put_u32(&w, r->ms_left);
	put_u64(&w, r->sent_ms);
	put_str(&w, r->envelope, r->envlen, QF_ENVELOPE_MAX);
	for (i = 0; i < 5; i++)
		put_cstr(&w, s[i], QF_PROTO_STR_MAX);
	return finish(&w, 'Q', flags, out, outlen);
}

int qf_proto_answer_encode(const struct qf_answer *a, unsigned char **out, size_t *outlen)
{
	struct wbuf w = { 0 };
	unsigned char zero[QF_PROTO_HEAD] = { 0 };
	size_t i, n = a->nresults < QF_PROTO_RESULTS_MAX ? a->nresults : QF_PROTO_RESULTS_MAX;

	put(&w, zero, sizeof zero);
	put_u8(&w, a->action);
	put_u8(&w, a->exit);
	put_cstr(&w, a->reply, QF_PROTO_REPLY_MAX);
	put_cstr(&w, a->reason, QF_PROTO_REASON_MAX);
	put_u8(&w, (unsigned)n);
	for (i = 0; i < n; i++) {
		put_cstr(&w, a->results[i].filter, QF_PROTO_NAME_MAX);
		put_cstr(&w, a->results[i].result, QF_PROTO_RESULT_MAX);
	}
	return finish(&w, 'A', a->has_fd ? QF_PROTO_ANS_FD : 0, out, outlen);
}

/* --- decoding: every read is bounds-checked */

struct rbuf {
	const unsigned char *p;
	size_t len, pos;
};

static int get_u8(struct rbuf *r, unsigned *v)
{
	if (r->len - r->pos < 1)
		return -1;
	*v = r->p[r->pos++];
	return 0;
}

static int get_u32(struct rbuf *r, uint32_t *v)
{
	const unsigned char *b = r->p + r->pos;

	if (r->len - r->pos < 4)
		return -1;
	*v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	r->pos += 4;
	return 0;
}

static int get_u64(struct rbuf *r, uint64_t *v)
{
	uint32_t hi, lo;

	if (get_u32(r, &hi) < 0 || get_u32(r, &lo) < 0)
		return -1;
	*v = (uint64_t)hi << 32 | lo;
	return 0;
}

/* a string of at most max bytes: *s points into the body; *present 0
 * when absent */
static int get_span(struct rbuf *r, size_t max, const char **s, size_t *len, bool *present)
{
	uint32_t n;

	if (get_u32(r, &n) < 0)
		return -1;
	if (n == ABSENT) {
		*s = NULL;
		*len = 0;
		*present = false;
		return 0;
	}
	if (n > max || r->len - r->pos < n)
		return -1;
	*s = (const char *)r->p + r->pos;
	*len = n;
	*present = true;
	r->pos += n;
	return 0;
}

/* a C string into out[max + 1]: no NUL inside; absent gives "" */
static int get_cstr(struct rbuf *r, char *out, size_t max, bool *present)
{
	const char *s;
	size_t len;
	bool has;

	if (get_span(r, max, &s, &len, &has) < 0 || (has && memchr(s, 0, len)))
		return -1;
	if (has)
		memcpy(out, s, len);
	out[len] = 0;
	if (present)
		*present = has;
	return 0;
}

int qf_proto_head_decode(const unsigned char *head, char kind, unsigned *flags,
			 size_t *bodylen, const char **why)
{
	unsigned version = (unsigned)head[4] << 8 | head[5];
	uint32_t len = (uint32_t)head[8] << 24 | (uint32_t)head[9] << 16 |
		       (uint32_t)head[10] << 8 | head[11];
	unsigned known = kind == 'Q' ? QF_PROTO_REQ_TRUNCATED | QF_PROTO_REQ_RELAY | QF_PROTO_REQ_ERRFD
				     : QF_PROTO_ANS_FD;

	if (memcmp(head, "QFD", 3) != 0 || head[3] != (unsigned char)kind) {
		*why = "not a qfilterd protocol message";
		return -1;
	}
	if (version != QF_PROTO_VERSION) {
		*why = "protocol version mismatch (qfilter and qfilterd are not the same release)";
		return -1;
	}
	*flags = (unsigned)head[6] << 8 | head[7];
	if (*flags & ~known) {
		*why = "unknown flags";
		return -1;
	}
	if (len > (kind == 'Q' ? QF_PROTO_REQUEST_MAX : QF_PROTO_ANSWER_MAX)) {
		*why = "body too long";
		return -1;
	}
	*bodylen = len;
	return 0;
}

int qf_proto_request_decode(const unsigned char *body, size_t len, unsigned flags,
			    struct qf_request *q, const char **why)
{
	struct rbuf r = { body, len, 0 };
	bool has;

	memset(q, 0, sizeof *q);
	q->truncated = flags & QF_PROTO_REQ_TRUNCATED;
	q->relay = flags & QF_PROTO_REQ_RELAY;
	q->errfd = flags & QF_PROTO_REQ_ERRFD;
	*why = "truncated or malformed request";
	if (get_u64(&r, &q->received) < 0 || get_u64(&r, &q->size) < 0 ||
	    get_u32(&r, &q->ms_left) < 0 || get_u64(&r, &q->sent_ms) < 0 ||
	    get_span(&r, QF_ENVELOPE_MAX, &q->envelope, &q->envlen, &has) < 0 ||
	    get_cstr(&r, q->remote_ip, QF_PROTO_STR_MAX, &q->has_remote_ip) < 0 ||
	    get_cstr(&r, q->remote_host, QF_PROTO_STR_MAX, &q->has_remote_host) < 0 ||
	    get_cstr(&r, q->auth_user, QF_PROTO_STR_MAX, &q->has_auth_user) < 0 ||
	    get_cstr(&r, q->ppid, QF_PROTO_STR_MAX, &q->has_ppid) < 0 ||
	    get_cstr(&r, q->helo, QF_PROTO_STR_MAX, &q->has_helo) < 0)
		return -1;
	if (r.pos != r.len) {
		*why = "trailing bytes after the request";
		return -1;
	}
	if (!has || q->envlen == 0) {
		*why = "no envelope";
		return -1;
	}
	if (q->size > q->received || (!q->truncated && q->size != q->received)) {
		*why = "sizes do not add up";
		return -1;
	}
	if (q->ms_left > QF_PROTO_TIMEOUT_MAX) {
		*why = "time left out of range";
		return -1;
	}
	return 0;
}

static int name_ok(const char *s)
{
	return *s && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == strlen(s);
}

/* The answer must make sense as a whole: an accept without the message
 * to queue, or a refusal with exit 0, is garbage, not a verdict. */
static const char *answer_check(const struct qf_answer *a)
{
	bool accept = a->action == QF_ACT_OFF || a->action == QF_ACT_TAG;

	if (a->action > QF_ACT_DROP)
		return "unknown action";
	if (a->exit && (!qf_exit_lookup((int)a->exit) || a->exit == QF_EXIT_CUSTOM))
		return "exit code outside the table";
	if (a->exit == 0 && accept != a->has_fd)
		return accept ? "accept without the message to queue" : "a descriptor with a non-accept";
	if (a->exit == 0 && (a->action == QF_ACT_TEMPFAIL || a->action == QF_ACT_REJECT))
		return "refusal with exit 0";
	if (a->exit && a->has_fd)
		return "a descriptor with a refusal";
	if (a->reply[0] && ((a->reply[0] != 'D' && a->reply[0] != 'Z') || a->exit == 0 ||
			    strpbrk(a->reply, "\r\n")))
		return "bad reply text";
	return NULL;
}

int qf_proto_answer_decode(const unsigned char *body, size_t len, unsigned flags,
			   struct qf_answer *a, const char **why)
{
	struct rbuf r = { body, len, 0 };
	unsigned n;
	size_t i;

	memset(a, 0, sizeof *a);
	a->has_fd = flags & QF_PROTO_ANS_FD;
	*why = "truncated or malformed answer";
	if (get_u8(&r, &a->action) < 0 || get_u8(&r, &a->exit) < 0 ||
	    get_cstr(&r, a->reply, QF_PROTO_REPLY_MAX, NULL) < 0 ||
	    get_cstr(&r, a->reason, QF_PROTO_REASON_MAX, NULL) < 0 ||
	    get_u8(&r, &n) < 0)
		return -1;
	if (n > QF_PROTO_RESULTS_MAX) {
		*why = "too many filter results";
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (get_cstr(&r, a->results[i].filter, QF_PROTO_NAME_MAX, NULL) < 0 ||
		    get_cstr(&r, a->results[i].result, QF_PROTO_RESULT_MAX, NULL) < 0)
			return -1;
		if (!name_ok(a->results[i].filter)) {
			*why = "bad filter name";
			return -1;
		}
	}
	a->nresults = n;
	if (r.pos != r.len) {
		*why = "trailing bytes after the answer";
		return -1;
	}
	if ((*why = answer_check(a)))
		return -1;
	return 0;
}

/* --- the socket */

/* A socket call that would block: from now on it may, for wait_s
 * seconds (SO_RCVTIMEO or SO_SNDTIMEO). Set only then, so that a peer
 * that keeps up costs no setsockopt per message. */
static int start_waiting(int sock, int option, int wait_s)
{
	struct timeval tv = { wait_s, 0 };

	return setsockopt(sock, SOL_SOCKET, option, &tv, sizeof tv);
}

int qf_proto_send(int sock, const void *buf, size_t len, int fd, int wait_s)
{
	int dontwait = wait_s > 0 ? MSG_DONTWAIT : 0;
	const char *p = buf;
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov;
	struct msghdr mh;
	ssize_t n;

	while (len) {
		memset(&mh, 0, sizeof mh);
		iov.iov_base = (void *)p;
		iov.iov_len = len;
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		if (fd >= 0) {   /* rides on the first byte sent */
			memset(&ctl, 0, sizeof ctl);
			mh.msg_control = ctl.space;
			mh.msg_controllen = sizeof ctl.space;
			ctl.h.cmsg_level = SOL_SOCKET;
			ctl.h.cmsg_type = SCM_RIGHTS;
			ctl.h.cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(&ctl.h), &fd, sizeof fd);
		}
		n = sendmsg(sock, &mh, MSG_NOSIGNAL | dontwait);
		if (n < 0) {
			if (errno == EINTR && !qf_io_interrupted)
				continue;
			if (errno == EAGAIN && dontwait) {
				dontwait = 0;
				if (start_waiting(sock, SO_SNDTIMEO, wait_s) == 0)
					continue;
			}
			return -1;
		}
		fd = -1;
		p += n;
		len -= n;
	}
	return 0;
}

/* --- receiving, a piece at a time */

void qf_proto_reader_init(struct qf_proto_reader *r, char kind, unsigned fd_flag)
{
	r->kind = kind;
	r->fd_flag = fd_flag;
	r->got = r->bodylen = r->have = 0;
	r->headed = false;
	r->body = NULL;
	r->flags = 0;
	r->fds[0] = -1;
	r->nfds = 0;
}

void qf_proto_reader_free(struct qf_proto_reader *r)
{
	if (r->fds[0] >= 0)
		close(r->fds[0]);
	r->fds[0] = -1;
	free(r->body);
	r->body = NULL;
}

void qf_proto_reader_progress(const struct qf_proto_reader *r, size_t *got, size_t *want)
{
	*got = r->headed ? QF_PROTO_HEAD + r->have : r->got;
	*want = r->headed ? QF_PROTO_HEAD + r->bodylen : QF_PROTO_HEAD;
}

void qf_proto_reader_take(struct qf_proto_reader *r, unsigned char **body, size_t *len,
			  unsigned *flags, int *fd)
{
	*body = r->body;
	*len = r->bodylen;
	*flags = r->flags;
	*fd = r->fds[0];
	r->body = NULL;
	r->fds[0] = -1;
}

/* Descriptors that came with a recvmsg: the first is kept, any more are
 * closed and counted, so that the check at the end refuses them. */
static void keep_fds(struct qf_proto_reader *r, struct msghdr *mh)
{
	struct cmsghdr *c;
	size_t k, cnt;
	int fd;

	for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		cnt = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (k = 0; k < cnt; k++) {
			memcpy(&fd, CMSG_DATA(c) + k * sizeof(int), sizeof fd);
			if (r->nfds++ < 1)
				r->fds[0] = fd;
			else
				close(fd);
		}
	}
	if (mh->msg_flags & MSG_CTRUNC)
		r->nfds += 2;   /* descriptors were lost: never trust this */
}

/* The head is in: the body's buffer, with what came along with the head
 * (bytes past the body belong to no one: one message per connection). */
static int start_body(struct qf_proto_reader *r, const char **why)
{
	size_t extra;

	if (qf_proto_head_decode(r->first, r->kind, &r->flags, &r->bodylen, why) < 0)
		return -1;
	if (!(r->body = malloc(r->bodylen ? r->bodylen : 1))) {
		*why = "out of memory";
		return -1;
	}
	extra = r->got - QF_PROTO_HEAD;
	r->have = extra < r->bodylen ? extra : r->bodylen;
	memcpy(r->body, r->first + QF_PROTO_HEAD, r->have);
	r->headed = true;
	return 0;
}

int qf_proto_reader_read(int sock, struct qf_proto_reader *r, int flags, const char **why)
{
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(4 * sizeof(int))];
	} ctl;
	struct iovec iov;
	struct msghdr mh;
	ssize_t n;
	bool want;

	memset(&mh, 0, sizeof mh);
	/* the head and, nearly always, the whole body in one call */
	if (r->headed) {
		iov.iov_base = r->body + r->have;
		iov.iov_len = r->bodylen - r->have;
	} else {
		iov.iov_base = r->first + r->got;
		iov.iov_len = sizeof r->first - r->got;
	}
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = ctl.space;
	mh.msg_controllen = sizeof ctl.space;
	if (iov.iov_len) {
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC | flags);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				return 0;
			*why = strerror(errno);
			return -1;
		}
		keep_fds(r, &mh);
		if (n == 0) {
			*why = r->got || r->have ? "connection closed in the middle" : "connection closed";
			return -1;
		}
		if (r->headed)
			r->have += (size_t)n;
		else
			r->got += (size_t)n;
	}
	errno = 0;
	if (!r->headed && (r->got < QF_PROTO_HEAD || start_body(r, why) < 0))
		return r->got < QF_PROTO_HEAD ? 0 : -1;
	if (r->have < r->bodylen)
		return 0;
	want = r->fd_flag == QF_PROTO_FD_ALWAYS || (r->flags & r->fd_flag);
	if (r->nfds != (want ? 1 : 0)) {
		*why = r->nfds > 1 ? "too many descriptors" : "descriptor missing or unexpected";
		return -1;
	}
	return 1;
}

int qf_proto_recv(int sock, char kind, unsigned fd_flag, int wait_s, unsigned char **body,
		  size_t *len, unsigned *flags, int *fd, const char **why)
{
	struct qf_proto_reader r;
	int dontwait = wait_s > 0 ? MSG_DONTWAIT : 0, rc;

	*body = NULL;
	*fd = -1;
	qf_proto_reader_init(&r, kind, fd_flag);
	while ((rc = qf_proto_reader_read(sock, &r, dontwait, why)) == 0) {
		/* EINTR: on, even past the deadline: qfilterd keeps the same
		 * deadline and answers "timeout" itself, and the caller's
		 * grace alarm bounds this wait */
		if (errno != EAGAIN)
			continue;
		if (dontwait && start_waiting(sock, SO_RCVTIMEO, wait_s) == 0) {
			dontwait = 0;
			continue;
		}
		*why = dontwait ? strerror(errno) : "timed out waiting";
		rc = -1;
		break;
	}
	if (rc < 0) {
		qf_proto_reader_free(&r);
		return -1;
	}
	qf_proto_reader_take(&r, body, len, flags, fd);
	return 0;
}
