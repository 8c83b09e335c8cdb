/* test_daemon_proto: the qfilter <-> qfilterd wire format: round trips,
 * every way a request or an answer can be malformed, and descriptor
 * passing over a real socket pair. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "daemon_proto.h"
#include "exitcodes.h"
#include "policy.h"
#include "unit.h"

static const char ENV[] = "Fsender@example.net\0Trcpt@example.com\0";   /* + the final \0 */

static void sample_request(struct qf_request *q)
{
	memset(q, 0, sizeof *q);
	q->received = q->size = 1234;
	q->ms_left = 600000;
	q->sent_ms = 123456789012ull;
	q->errfd = true;
	q->relay = true;
	q->envelope = ENV;
	q->envlen = sizeof ENV;
	strcpy(q->remote_ip, "192.0.2.7");
	q->has_remote_ip = true;
	strcpy(q->auth_user, "alice");
	q->has_auth_user = true;
	strcpy(q->ppid, "");   /* set but empty: not the same as absent */
	q->has_ppid = true;
	strcpy(q->helo, "mail.example.net");
	q->has_helo = true;
}

/* encodes, then decodes head and body; returns the decode result */
static int request_trip(const struct qf_request *q, struct qf_request *out, const char **why)
{
	unsigned char *buf;
	size_t len, bodylen;
	unsigned flags;
	int rc;

	if (qf_proto_request_encode(q, &buf, &len) < 0) {
		*why = "encode failed";
		return -1;
	}
	rc = qf_proto_head_decode(buf, 'Q', &flags, &bodylen, why);
	if (rc == 0)
		rc = qf_proto_request_decode(buf + QF_PROTO_HEAD, bodylen, flags, out, why);
	/* out->envelope points into buf: keep a copy for the caller */
	if (rc == 0) {
		static char keep[sizeof ENV + 64];
		memcpy(keep, out->envelope, out->envlen < sizeof keep ? out->envlen : sizeof keep);
		out->envelope = keep;
	}
	free(buf);
	return rc;
}

static void test_request(void)
{
	struct qf_request q, r;
	const char *why = "";
	unsigned char *buf;
	size_t len, i, bodylen;
	unsigned flags;
	int bad = 0;

	sample_request(&q);
	CHECK_INT(request_trip(&q, &r, &why), 0, "request: a round trip decodes (%s)", why);
	CHECK(r.received == 1234 && r.size == 1234 && r.ms_left == 600000, "request: numbers survive");
	CHECK(r.sent_ms == 123456789012ull, "request: the send time survives");
	CHECK(r.relay && !r.truncated && r.errfd, "request: flags survive");
	CHECK(r.envlen == sizeof ENV && memcmp(r.envelope, ENV, sizeof ENV) == 0, "request: envelope survives");
	CHECK_STR(r.remote_ip, "192.0.2.7", "request: TCPREMOTEIP survives");
	CHECK(!r.has_remote_host && !*r.remote_host, "request: an unset variable stays unset");
	CHECK(r.has_ppid && !*r.ppid, "request: a set but empty variable stays set");
	CHECK(r.has_helo && !strcmp(r.helo, "mail.example.net"), "request: the HELO name (helo-env) survives");

	q.size = 1000;
	CHECK_INT(request_trip(&q, &r, &why), -1, "request: fewer bytes stored than received without truncation is refused");
	q.truncated = true;
	CHECK_INT(request_trip(&q, &r, &why), 0, "request: fewer bytes stored with truncation is fine");
	q.size = 2000;
	CHECK_INT(request_trip(&q, &r, &why), -1, "request: more bytes stored than received is refused");
	sample_request(&q);
	q.ms_left = QF_PROTO_TIMEOUT_MAX + 1;
	CHECK_INT(request_trip(&q, &r, &why), -1, "request: time left beyond a day is refused");
	sample_request(&q);
	q.envlen = 0;
	CHECK_INT(qf_proto_request_encode(&q, &buf, &len), -1, "request: no envelope: not encoded");
	sample_request(&q);
	memset(q.remote_host, 'h', QF_PROTO_STR_MAX);
	q.remote_host[QF_PROTO_STR_MAX] = 0;
	q.has_remote_host = true;
	CHECK_INT(request_trip(&q, &r, &why), 0, "request: a string of the maximum length passes");

	/* every shorter body, and a longer one, is refused */
	sample_request(&q);
	qf_proto_request_encode(&q, &buf, &len);
	qf_proto_head_decode(buf, 'Q', &flags, &bodylen, &why);
	for (i = 0; i < bodylen; i++)
		if (qf_proto_request_decode(buf + QF_PROTO_HEAD, i, flags, &r, &why) == 0)
			bad++;
	CHECK_INT(bad, 0, "request: every truncated body is refused");
	buf = realloc(buf, len + 1);
	buf[len] = 0;
	CHECK_INT(qf_proto_request_decode(buf + QF_PROTO_HEAD, bodylen + 1, flags, &r, &why), -1,
		  "request: a trailing byte is refused");
	/* a NUL inside TCPREMOTEIP: offset of its bytes is 28 + 4 + envlen + 4 */
	buf[QF_PROTO_HEAD + 28 + 4 + sizeof ENV + 4 + 2] = 0;
	CHECK_INT(qf_proto_request_decode(buf + QF_PROTO_HEAD, bodylen, flags, &r, &why), -1,
		  "request: a NUL inside a string is refused");
	free(buf);
}

static void test_head(void)
{
	struct qf_request q;
	unsigned char *buf;
	unsigned char h[QF_PROTO_HEAD];
	size_t len, bodylen;
	unsigned flags;
	const char *why;

	sample_request(&q);
	qf_proto_request_encode(&q, &buf, &len);
	memcpy(h, buf, sizeof h);
	free(buf);
	CHECK_INT(qf_proto_head_decode(h, 'Q', &flags, &bodylen, &why), 0, "head: a request head decodes");
	CHECK_INT(bodylen, len - QF_PROTO_HEAD, "head: the body length is right");
	CHECK_INT(qf_proto_head_decode(h, 'A', &flags, &bodylen, &why), -1, "head: a request is not an answer");
	h[0] = 'X';
	CHECK_INT(qf_proto_head_decode(h, 'Q', &flags, &bodylen, &why), -1, "head: bad magic is refused");
	h[0] = 'Q';
	h[5] = QF_PROTO_VERSION + 1;
	CHECK_INT(qf_proto_head_decode(h, 'Q', &flags, &bodylen, &why), -1, "head: another version is refused");
	CHECK(strstr(why, "version") != NULL, "head: ...and says so");
	h[5] = QF_PROTO_VERSION;
	h[7] |= 0x80;
	CHECK_INT(qf_proto_head_decode(h, 'Q', &flags, &bodylen, &why), -1, "head: unknown flags are refused");
	h[7] &= 0x7f;
	h[8] = 0x7f;
	CHECK_INT(qf_proto_head_decode(h, 'Q', &flags, &bodylen, &why), -1, "head: a body over the limit is refused");
}

static int answer_trip(const struct qf_answer *a, struct qf_answer *out, const char **why)
{
	unsigned char *buf;
	size_t len, bodylen;
	unsigned flags;
	int rc;

	if (qf_proto_answer_encode(a, &buf, &len) < 0)
		return -1;
	rc = qf_proto_head_decode(buf, 'A', &flags, &bodylen, why);
	if (rc == 0)
		rc = qf_proto_answer_decode(buf + QF_PROTO_HEAD, bodylen, flags, out, why);
	free(buf);
	return rc;
}

static void answer_with(struct qf_answer *a, unsigned action, unsigned exit, bool fd, const char *reply)
{
	memset(a, 0, sizeof *a);
	a->action = action;
	a->exit = exit;
	a->has_fd = fd;
	snprintf(a->reply, sizeof a->reply, "%s", reply);
}

static void test_answer(void)
{
	struct qf_answer a, r;
	const char *why = "";
	size_t i;

	answer_with(&a, QF_ACT_TAG, 0, true, "");
	strcpy(a.reason, "exe: tool.exe");
	a.nresults = 2;
	strcpy(a.results[0].filter, "exe");
	strcpy(a.results[0].result, "tag:tool.exe");
	strcpy(a.results[1].filter, "dkim");
	strcpy(a.results[1].result, "none");
	CHECK_INT(answer_trip(&a, &r, &why), 0, "answer: a tag with its message decodes (%s)", why);
	CHECK(r.action == QF_ACT_TAG && r.exit == 0 && r.has_fd, "answer: verdict survives");
	CHECK(r.nresults == 2 && !strcmp(r.results[1].filter, "dkim") && !strcmp(r.results[0].result, "tag:tool.exe"),
	      "answer: filter results survive");
	CHECK_STR(r.reason, "exe: tool.exe", "answer: the reason survives");

	answer_with(&a, QF_ACT_REJECT, QF_EXIT_REFUSED, false, "Dwe don't accept email with executable content (#5.3.4)");
	CHECK_INT(answer_trip(&a, &r, &why), 0, "answer: a refusal decodes");
	CHECK_STR(r.reply, a.reply, "answer: the reply text survives");
	answer_with(&a, QF_ACT_DROP, 0, false, "");
	CHECK_INT(answer_trip(&a, &r, &why), 0, "answer: a drop decodes");
	answer_with(&a, QF_ACT_QUARANTINE, 0, false, "");
	CHECK_INT(answer_trip(&a, &r, &why), 0, "answer: a quarantine decodes");
	answer_with(&a, QF_ACT_TEMPFAIL, QF_EXIT_TIMEOUT, false, "");
	CHECK_INT(answer_trip(&a, &r, &why), 0, "answer: a timeout decodes");
	answer_with(&a, QF_ACT_OFF, QF_EXIT_WRITE, false, "");
	CHECK_INT(answer_trip(&a, &r, &why), 0, "answer: an error after an accept decodes");

	/* garbage that must never turn into a pass */
	answer_with(&a, QF_ACT_OFF, 0, false, "");
	CHECK_INT(answer_trip(&a, &r, &why), -1, "answer: an accept without the message is refused");
	answer_with(&a, QF_ACT_REJECT, QF_EXIT_REFUSED, true, "Dno (#5.3.0)");
	CHECK_INT(answer_trip(&a, &r, &why), -1, "answer: a refusal with a descriptor is refused");
	answer_with(&a, QF_ACT_REJECT, 0, false, "");
	CHECK_INT(answer_trip(&a, &r, &why), -1, "answer: a reject with exit 0 is refused");
	answer_with(&a, QF_ACT_DROP, 0, true, "");
	CHECK_INT(answer_trip(&a, &r, &why), -1, "answer: a drop with a descriptor is refused");
	answer_with(&a, QF_ACT_REJECT, QF_EXIT_CUSTOM, false, "Dno (#5.3.0)");
	CHECK_INT(answer_trip(&a, &r, &why), -1, "answer: exit 82 from the daemon is refused");
	answer_with(&a, QF_ACT_REJECT, 99, false, "");
	CHECK_INT(answer_trip(&a, &r, &why), -1, "answer: an exit outside the table is refused");
	answer_with(&a, QF_ACT_DROP + 1, QF_EXIT_REFUSED, false, "");
	CHECK_INT(answer_trip(&a, &r, &why), -1, "answer: an unknown action is refused");
	answer_with(&a, QF_ACT_REJECT, QF_EXIT_REFUSED, false, "Dtwo\nlines (#5.3.0)");
	CHECK_INT(answer_trip(&a, &r, &why), -1, "answer: a reply with a newline is refused");
	answer_with(&a, QF_ACT_REJECT, QF_EXIT_REFUSED, false, "250 ok");
	CHECK_INT(answer_trip(&a, &r, &why), -1, "answer: a reply not starting with D or Z is refused");
	answer_with(&a, QF_ACT_DROP, 0, false, "Dno");
	CHECK_INT(answer_trip(&a, &r, &why), -1, "answer: a reply text with exit 0 is refused");
	answer_with(&a, QF_ACT_REJECT, QF_EXIT_REFUSED, false, "");
	a.nresults = 1;
	strcpy(a.results[0].filter, "Bad Name");
	CHECK_INT(answer_trip(&a, &r, &why), -1, "answer: a filter name with spaces is refused");

	/* the encoder cuts what is too long; the decoder accepts the cut */
	answer_with(&a, QF_ACT_REJECT, QF_EXIT_REFUSED, false, "");
	memset(a.reason, 'r', sizeof a.reason - 1);
	a.nresults = QF_PROTO_RESULTS_MAX;
	for (i = 0; i < a.nresults; i++) {
		strcpy(a.results[i].filter, "f");
		memset(a.results[i].result, 'x', QF_PROTO_RESULT_MAX);
	}
	CHECK_INT(answer_trip(&a, &r, &why), 0, "answer: the largest answer decodes");
	CHECK_INT(r.nresults, QF_PROTO_RESULTS_MAX, "answer: ...with every result");
}

/* sends raw bytes with n descriptors */
static void send_fds(int sock, const void *buf, size_t len, const int *fds, int n)
{
	char space[CMSG_SPACE(4 * sizeof(int))];
	struct iovec iov = { (void *)buf, len };
	struct msghdr mh;
	struct cmsghdr *c;

	memset(&mh, 0, sizeof mh);
	memset(space, 0, sizeof space);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (n) {
		mh.msg_control = space;
		mh.msg_controllen = CMSG_SPACE(n * sizeof(int));
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(n * sizeof(int));
		memcpy(CMSG_DATA(c), fds, n * sizeof(int));
	}
	if (sendmsg(sock, &mh, 0) < 0)
		perror("sendmsg");
}

static int open_fds(void)
{
	int fd, n = 0;

	for (fd = 0; fd < 256; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			n++;
	return n;
}

static void test_socket(void)
{
	struct qf_request q, r;
	unsigned char *buf, *body;
	size_t len, blen;
	unsigned flags;
	const char *why = "";
	struct stat st;
	int sv[2], mfd, fd, fds[2], before;

	sample_request(&q);
	qf_proto_request_encode(&q, &buf, &len);
	mfd = memfd_create("spool", MFD_CLOEXEC);
	if (write(mfd, "hello\n", 6) != 6)
		perror("write");
	before = open_fds();

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	CHECK_INT(qf_proto_send(sv[0], buf, len, mfd, 0), 0, "socket: a request with its descriptor is sent");
	CHECK_INT(qf_proto_recv(sv[1], 'Q', QF_PROTO_FD_ALWAYS, 0, &body, &blen, &flags, &fd, &why), 0,
		  "socket: ...and received (%s)", why);
	CHECK(fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 6, "socket: the descriptor is the spool");
	CHECK_INT(qf_proto_request_decode(body, blen, flags, &r, &why), 0, "socket: the body decodes");
	free(body);
	close(fd);

	send_fds(sv[0], buf, len, NULL, 0);
	CHECK_INT(qf_proto_recv(sv[1], 'Q', QF_PROTO_FD_ALWAYS, 0, &body, &blen, &flags, &fd, &why), -1,
		  "socket: a request without a descriptor is refused");
	fds[0] = fds[1] = mfd;
	send_fds(sv[0], buf, len, fds, 2);
	CHECK_INT(qf_proto_recv(sv[1], 'Q', QF_PROTO_FD_ALWAYS, 0, &body, &blen, &flags, &fd, &why), -1,
		  "socket: a request with two descriptors is refused");
	send_fds(sv[0], buf, len - 3, fds, 1);
	close(sv[0]);
	CHECK_INT(qf_proto_recv(sv[1], 'Q', QF_PROTO_FD_ALWAYS, 0, &body, &blen, &flags, &fd, &why), -1,
		  "socket: a request cut short by a hang-up is refused");
	CHECK(strstr(why, "closed") != NULL, "socket: ...as a closed connection (%s)", why);
	close(sv[1]);
	CHECK_INT(open_fds(), before, "socket: no descriptor leaked on the error paths");
	close(mfd);
	free(buf);
}

/* The reader a worker keeps per connection: it takes what has come, never
 * waits, says how far it got, and refuses what qf_proto_recv refuses. */
static void test_reader(void)
{
	struct qf_proto_reader rd;
	struct qf_request q, r;
	unsigned char *buf, *body;
	size_t len, blen, got, want;
	unsigned flags;
	const char *why = "";
	int sv[2], mfd, fd, rc;

	sample_request(&q);
	qf_proto_request_encode(&q, &buf, &len);
	mfd = memfd_create("spool", MFD_CLOEXEC);
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	qf_proto_reader_init(&rd, 'Q', QF_PROTO_FD_ALWAYS);
	errno = 0;
	CHECK_INT(qf_proto_reader_read(sv[1], &rd, MSG_DONTWAIT, &why), 0, "reader: nothing sent: not yet");
	CHECK_INT(errno, EAGAIN, "reader: ...without waiting (EAGAIN)");
	send_fds(sv[0], buf, 6, &mfd, 1);
	CHECK_INT(qf_proto_reader_read(sv[1], &rd, MSG_DONTWAIT, &why), 0, "reader: half a head: not yet");
	qf_proto_reader_progress(&rd, &got, &want);
	CHECK(got == 6 && want == QF_PROTO_HEAD, "reader: ...6 of the head's 12 bytes (%zu of %zu)", got, want);
	send_fds(sv[0], buf + 6, 30, NULL, 0);
	CHECK_INT(qf_proto_reader_read(sv[1], &rd, MSG_DONTWAIT, &why), 0, "reader: the head and some: not yet");
	qf_proto_reader_progress(&rd, &got, &want);
	CHECK(got == 36 && want == len, "reader: ...36 of the request's %zu bytes (%zu of %zu)", len, got, want);
	send_fds(sv[0], buf + 36, len - 36, NULL, 0);
	CHECK_INT(qf_proto_reader_read(sv[1], &rd, MSG_DONTWAIT, &why), 1, "reader: the rest: complete (%s)", why);
	qf_proto_reader_take(&rd, &body, &blen, &flags, &fd);
	CHECK(fd >= 0 && qf_proto_request_decode(body, blen, flags, &r, &why) == 0 && r.sent_ms == q.sent_ms,
	      "reader: ...the request decodes, with its descriptor");
	qf_proto_reader_free(&rd);
	free(body);
	close(fd);

	qf_proto_reader_init(&rd, 'Q', QF_PROTO_FD_ALWAYS);
	send_fds(sv[0], buf, len, NULL, 0);
	while ((rc = qf_proto_reader_read(sv[1], &rd, MSG_DONTWAIT, &why)) == 0 && errno != EAGAIN)
		;
	CHECK_INT(rc, -1, "reader: a whole request without its descriptor is refused");
	qf_proto_reader_free(&rd);

	qf_proto_reader_init(&rd, 'Q', QF_PROTO_FD_ALWAYS);
	send_fds(sv[0], "GET / HTTP/1.0\r\n\r\n", 18, NULL, 0);
	CHECK_INT(qf_proto_reader_read(sv[1], &rd, MSG_DONTWAIT, &why), -1, "reader: garbage is refused at once");
	CHECK(strstr(why, "not a qfilterd") != NULL, "reader: ...as such (%s)", why);
	qf_proto_reader_free(&rd);

	qf_proto_reader_init(&rd, 'Q', QF_PROTO_FD_ALWAYS);
	send_fds(sv[0], buf, 20, &mfd, 1);
	close(sv[0]);
	while ((rc = qf_proto_reader_read(sv[1], &rd, MSG_DONTWAIT, &why)) == 0 && errno != EAGAIN)
		;
	CHECK_INT(rc, -1, "reader: a hang-up in the middle is refused");
	CHECK(strstr(why, "in the middle") != NULL, "reader: ...as such (%s)", why);
	qf_proto_reader_free(&rd);
	close(sv[1]);
	close(mfd);
	free(buf);
}

/* A request larger than what is read with the head, and one that comes
 * in two pieces: both arrive whole. A peer that sends nothing, or reads
 * nothing, is waited for wait_s seconds and no longer. */
static void test_socket_waits(void)
{
	struct qf_request q, r;
	unsigned char *buf, *body, junk[65536];
	size_t len, blen, i, at = 0;
	unsigned flags;
	const char *why = "";
	char *env = malloc(40000);
	int sv[2], mfd, fd, sndbuf = 4096;
	pid_t pid;

	env[at++] = 'F';
	env[at++] = 0;
	for (i = 0; i < 1000; i++)
		at += (size_t)sprintf(env + at, "Tuser%04zu@example.com", i) + 1;
	env[at++] = 0;
	sample_request(&q);
	q.envelope = env;
	q.envlen = at;
	qf_proto_request_encode(&q, &buf, &len);
	mfd = memfd_create("spool", MFD_CLOEXEC);
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	qf_proto_send(sv[0], buf, len, mfd, 0);
	CHECK_INT(qf_proto_recv(sv[1], 'Q', QF_PROTO_FD_ALWAYS, 5, &body, &blen, &flags, &fd, &why), 0,
		  "socket: a %zu-byte request is received (%s)", len, why);
	CHECK(qf_proto_request_decode(body, blen, flags, &r, &why) == 0 && r.envlen == at &&
	      !memcmp(r.envelope, env, at), "socket: ...whole: its 1000 recipients survive");
	free(body);
	close(fd);

	if ((pid = fork()) == 0) {   /* the head and some, then the rest */
		send_fds(sv[0], buf, 100, &mfd, 1);
		usleep(100000);
		send_fds(sv[0], buf + 100, len - 100, NULL, 0);
		_exit(0);
	}
	why = "";
	CHECK_INT(qf_proto_recv(sv[1], 'Q', QF_PROTO_FD_ALWAYS, 5, &body, &blen, &flags, &fd, &why), 0,
		  "socket: a request in two pieces 0.1 s apart is received (%s)", why);
	CHECK(qf_proto_request_decode(body, blen, flags, &r, &why) == 0 && r.envlen == at,
	      "socket: ...whole");
	waitpid(pid, NULL, 0);
	free(body);
	close(fd);

	CHECK_INT(qf_proto_recv(sv[1], 'Q', QF_PROTO_FD_ALWAYS, 1, &body, &blen, &flags, &fd, &why), -1,
		  "socket: a client that sends nothing is given up after wait_s");
	CHECK(strstr(why, "timed out") != NULL, "socket: ...as timed out (%s)", why);

	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
	while (send(sv[0], junk, sizeof junk, MSG_DONTWAIT) > 0)
		;   /* the peer reads nothing: its buffer is full */
	CHECK_INT(qf_proto_send(sv[0], buf, len, -1, 1), -1,
		  "socket: an answer to a client that reads nothing is given up after wait_s");
	close(sv[0]);
	close(sv[1]);
	close(mfd);
	free(buf);
	free(env);
}

int main(void)
{
	test_head();
	test_request();
	test_answer();
	test_socket();
	test_reader();
	test_socket_waits();
	return unit_done();
}
