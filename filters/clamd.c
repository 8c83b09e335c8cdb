/* clamd.c: the clamd client. One connection per scan carries an
 * IDSESSION with two commands: VERSION (so the trace header can name the
 * engine and its signature version at no extra connection) and INSTREAM,
 * which streams the spooled message in chunks read with pread, so the
 * message is never loaded whole. Sockets are non-blocking and every wait
 * is bounded by the deadline. The reply parser is strict: an answer we do
 * not understand is an error, and an error is never a pass. */
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "clamd.h"

#define CLAMD_CHUNK 65536       /* bytes per INSTREAM chunk */
#define CLAMD_REPLY_MAX 4096    /* a longer reply is not clamd's */
#define CLAMD_ID_VERSION 1      /* session ids: commands are numbered from 1 */
#define CLAMD_ID_INSTREAM 2

static int64_t clamd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void clamd_fail(struct qf_clamav_scan *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void clamd_fail(struct qf_clamav_scan *out, const char *fmt, ...)
{
	va_list ap;

	out->status = QF_CLAMAV_ERROR;
	va_start(ap, fmt);
	vsnprintf(out->detail, sizeof out->detail, fmt, ap);
	va_end(ap);
}

/* Copies untrusted reply text for a log line or header: printable ASCII
 * only, cut to the destination. */
static void clamd_copy_text(char *dst, size_t dstlen, const char *src, size_t len)
{
	size_t i;

	if (len >= dstlen)
		len = dstlen - 1;
	for (i = 0; i < len; i++)
		dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? src[i] : '?';
	dst[len] = '\0';
}

static bool clamd_printable(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] < 0x20 || s[i] >= 0x7f)
			return false;
	return true;
}

/* out->detail = prefix + the untrusted text, made printable. */
static void clamd_fail_text(struct qf_clamav_scan *out, const char *prefix,
			    const char *text, size_t len)
{
	size_t pl;

	clamd_fail(out, "%s", prefix);
	pl = strlen(out->detail);
	clamd_copy_text(out->detail + pl, sizeof out->detail - pl, text, len);
}

enum qf_clamav_status qf_clamd_reply_parse(const char *reply, size_t len,
					   struct qf_clamav_scan *out)
{
	static const char stream[] = "stream: ";
	static const char found[] = " FOUND", error[] = " ERROR";
	const size_t sl = sizeof stream - 1, fl = sizeof found - 1, el = sizeof error - 1;
	bool printable = clamd_printable(reply, len);
	bool is_stream = len > sl && memcmp(reply, stream, sl) == 0;

	out->name[0] = '\0';
	if (printable && is_stream && len == sl + 2 && memcmp(reply + sl, "OK", 2) == 0) {
		out->status = QF_CLAMAV_CLEAN;
		return out->status;
	}
	if (printable && is_stream && len > sl + fl && reply[sl] != ' ' &&
	    memcmp(reply + len - fl, found, fl) == 0) {
		/* A name cut to fit is still a virus: refusing beats retrying. */
		clamd_copy_text(out->name, sizeof out->name, reply + sl, len - sl - fl);
		out->status = QF_CLAMAV_FOUND;
		return out->status;
	}
	if (printable && len > el && memcmp(reply + len - el, error, el) == 0)
		clamd_fail_text(out, "clamd: ", reply, len);
	else
		clamd_fail_text(out, "unexpected clamd reply: ", reply, len);
	return out->status;
}

int qf_clamd_record_split(const char *rec, size_t len, unsigned *id,
			  const char **text, size_t *textlen)
{
	size_t i = 0;
	unsigned long v = 0;

	while (i < len && i < 9 && rec[i] >= '0' && rec[i] <= '9')
		v = v * 10 + (unsigned long)(rec[i++] - '0');
	if (i == 0 || i + 2 > len || rec[i] != ':' || rec[i + 1] != ' ')
		return -1;
	*id = (unsigned)v;
	*text = rec + i + 2;
	*textlen = len - i - 2;
	return 0;
}

/* Waits for events on fd until the deadline. 0, or -1 with errno
 * (ETIMEDOUT when the time is up). */
static int clamd_wait(int fd, short events, int64_t deadline)
{
	for (;;) {
		int64_t left = deadline - clamd_now_ms();
		struct pollfd p = { .fd = fd, .events = events };
		int n;

		if (left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		n = poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (n > 0)
			return 0;   /* ready, or an error the next call reports */
		if (n < 0 && errno != EINTR)
			return -1;
	}
}

/* Connects one socket, without blocking past the deadline. */
static int clamd_connect_one(int family, const struct sockaddr *sa, socklen_t salen,
			     int64_t deadline)
{
	int s, e;
	socklen_t elen = sizeof e;

	s = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -1;
	if (connect(s, sa, salen) == 0)
		return s;
	/* A unix socket with a full backlog says EAGAIN: the server is busy,
	 * and another one may not be. */
	if (errno != EINPROGRESS)
		goto fail;
	if (clamd_wait(s, POLLOUT, deadline) < 0)
		goto fail;
	if (getsockopt(s, SOL_SOCKET, SO_ERROR, &e, &elen) < 0)
		goto fail;
	if (e == 0)
		return s;
	errno = e;
fail:
	e = errno;
	close(s);
	errno = e;
	return -1;
}

/* Splits "host:port" or "[v6]:port"; a bare IPv6 address splits at its
 * last colon. 0, or -1 when there is no port. */
static int clamd_split_hostport(const char *addr, char *host, size_t hostlen,
				const char **port)
{
	const char *colon, *h = addr, *end;

	if (*addr == '[') {
		end = strchr(addr, ']');
		if (!end || end[1] != ':')
			return -1;
		h = addr + 1;
		colon = end + 1;
	} else {
		colon = strrchr(addr, ':');
		if (!colon)
			return -1;
		end = colon;
	}
	if (end == h || colon[1] == '\0' || (size_t)(end - h) >= hostlen)
		return -1;
	memcpy(host, h, (size_t)(end - h));
	host[end - h] = '\0';
	*port = colon + 1;
	return 0;
}

static int clamd_connect(const char *addr, int64_t deadline, struct qf_clamav_scan *out)
{
	int64_t cdeadline = clamd_now_ms() + QF_CLAMD_CONNECT_MS;
	char host[256];
	const char *port;
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV };
	struct addrinfo *res, *ai;
	int s = -1, rc;

	if (cdeadline > deadline)
		cdeadline = deadline;
	if (strncmp(addr, "unix:", 5) == 0) {
		struct sockaddr_un sun = { .sun_family = AF_UNIX };

		if (strlen(addr + 5) >= sizeof sun.sun_path || addr[5] != '/') {
			clamd_fail(out, "bad clamd address %s", addr);
			return -1;
		}
		strcpy(sun.sun_path, addr + 5);
		s = clamd_connect_one(AF_UNIX, (struct sockaddr *)&sun, sizeof sun, cdeadline);
		if (s < 0)
			clamd_fail(out, "connect: %s", strerror(errno));
		return s;
	}
	if (clamd_split_hostport(addr, host, sizeof host, &port) < 0) {
		clamd_fail(out, "bad clamd address %s", addr);
		return -1;
	}
	/* A host name costs a resolver look-up per message: configure
	 * addresses where the time matters (qfilter.conf(5)). */
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		clamd_fail(out, "resolve %s: %s", host, gai_strerror(rc));
		return -1;
	}
	errno = ENOENT;
	for (ai = res; ai && s < 0; ai = ai->ai_next)
		s = clamd_connect_one(ai->ai_family, ai->ai_addr, ai->ai_addrlen, cdeadline);
	if (s < 0)
		clamd_fail(out, "connect: %s", strerror(errno));
	freeaddrinfo(res);
	return s;
}

/* Sends all of buf. 0, or -1 with errno (EPIPE, ECONNRESET when clamd
 * hung up; ETIMEDOUT). MSG_NOSIGNAL: a hang-up must not kill us. */
static int clamd_send_all(int s, const void *buf, size_t len, int64_t deadline)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = send(s, p, len, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return -1;
			if (clamd_wait(s, POLLOUT, deadline) < 0)
				return -1;
			continue;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The session: commands, the message as INSTREAM chunks, the end mark.
 * 0; -1 with errno when the server failed; -2 when our spool did. */
static int clamd_send_message(int s, int fd, uint64_t size, int64_t deadline,
			      unsigned char *buf, struct qf_clamav_scan *out)
{
	/* Each command ends with a NUL; the literal's own NUL ends the last. */
	static const char hello[] = "zIDSESSION\0zVERSION\0zINSTREAM";
	static const char bye[] = "\0\0\0\0zEND";  /* zero-length chunk, END */
	uint64_t off = 0;

	if (clamd_send_all(s, hello, sizeof hello, deadline) < 0)
		return -1;
	while (off < size) {
		size_t want = size - off < CLAMD_CHUNK ? (size_t)(size - off) : CLAMD_CHUNK;
		ssize_t n = pread(fd, buf + 4, want, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			clamd_fail(out, "read spool: %s", n < 0 ? strerror(errno) : "unexpected end");
			out->local_error = 54;
			return -2;
		}
		buf[0] = (unsigned char)(n >> 24);
		buf[1] = (unsigned char)(n >> 16);
		buf[2] = (unsigned char)(n >> 8);
		buf[3] = (unsigned char)n;
		if (clamd_send_all(s, buf, 4 + (size_t)n, deadline) < 0)
			return -1;
		off += (uint64_t)n;
	}
	return clamd_send_all(s, bye, sizeof bye, deadline);
}

/* Handles one complete reply record. 1 when the INSTREAM answer is in
 * out, 0 to read on. */
static int clamd_record(const char *rec, size_t len, struct qf_clamav_scan *out)
{
	unsigned id;
	const char *text;
	size_t tlen;

	if (qf_clamd_record_split(rec, len, &id, &text, &tlen) < 0) {
		/* outside the session: "UNKNOWN COMMAND", a read timeout, ... */
		clamd_fail_text(out, "clamd: ", rec, len);
		return 1;
	}
	if (id == CLAMD_ID_VERSION) {
		if (tlen == 0)
			return 0;
		strcpy(out->engine, "clamd ");
		clamd_copy_text(out->engine + 6, sizeof out->engine - 6, text, tlen);
		return 0;
	}
	if (id == CLAMD_ID_INSTREAM) {
		qf_clamd_reply_parse(text, tlen, out);
		return 1;
	}
	clamd_fail(out, "clamd reply to unknown session id %u", id);
	return 1;
}

/* Reads NUL-terminated records until the INSTREAM answer. */
static void clamd_read_reply(int s, int64_t deadline, const char *sendfail,
			     struct qf_clamav_scan *out)
{
	char buf[CLAMD_REPLY_MAX];
	size_t have = 0, start = 0, i;

	for (;;) {
		ssize_t n;

		for (i = start; i < have; i++) {
			if (buf[i] != '\0')
				continue;
			if (clamd_record(buf + start, i - start, out))
				return;
			start = i + 1;
		}
		if (start > 0) {
			memmove(buf, buf + start, have - start);
			have -= start;
			start = 0;
		}
		if (have == sizeof buf) {
			clamd_fail(out, "clamd reply too long");
			return;
		}
		n = recv(s, buf + have, sizeof buf - have, 0);
		if (n > 0) {
			have += (size_t)n;
			continue;
		}
		if (n == 0) {
			if (sendfail)
				clamd_fail(out, "send: %s", sendfail);
			else
				clamd_fail(out, "clamd closed the connection %s",
					   have ? "in the middle of its reply" : "without a reply");
			return;
		}
		if (errno == EINTR)
			continue;
		if ((errno == EAGAIN || errno == EWOULDBLOCK) && clamd_wait(s, POLLIN, deadline) == 0)
			continue;
		if (errno == ETIMEDOUT)
			clamd_fail(out, "no reply from clamd in time");
		else
			clamd_fail(out, "receive: %s%s%s", strerror(errno),
				   sendfail ? ", after send: " : "", sendfail ? sendfail : "");
		return;
	}
}

void qf_clamd_scan(const char *addr, int fd, uint64_t size, int64_t deadline_ms,
		   struct qf_clamav_scan *out)
{
	unsigned char *buf;
	const char *sendfail = NULL;
	int s, rc;

	memset(out, 0, sizeof *out);
	snprintf(out->engine, sizeof out->engine, "clamd");
	s = clamd_connect(addr, deadline_ms, out);
	if (s < 0)
		return;
	buf = malloc(4 + CLAMD_CHUNK);
	if (!buf) {
		clamd_fail(out, "out of memory");
		out->local_error = 51;
		close(s);
		return;
	}
	rc = clamd_send_message(s, fd, size, deadline_ms, buf, out);
	free(buf);
	if (rc == -1 && errno == ETIMEDOUT) {
		clamd_fail(out, "timeout sending to clamd");
	} else if (rc != -2) {
		/* After a hang-up while sending (StreamMaxLength), clamd has
		 * usually said why: read that before calling it a failure. */
		if (rc == -1)
			sendfail = strerror(errno);
		clamd_read_reply(s, deadline_ms, sendfail, out);
	}
	close(s);
}
