/* daemon_proto.h: the one request and the one answer exchanged between
 * qfilter (the thin client) and qfilterd on the daemon's unix stream
 * socket; one connection carries one message.
 *
 *   head (12 bytes): "QFD", kind ('Q' request, 'A' answer),
 *                    version u16, flags u16, body length u32
 *   request body:    received u64, size u64, ms_left u32, sent_ms u64,
 *                    then the strings envelope, remote_ip, remote_host,
 *                    auth_user, ppid, helo
 *                    flags: 1 truncated, 2 relay, 4 the client writes a
 *                    refusal's text to its errfd (it exits 82)
 *                    with it, by SCM_RIGHTS: the spooled message
 *   answer body:     action u8, exit u8, the strings reply and reason,
 *                    a count u8 and that many (filter, result) strings
 *                    flags: 1 a descriptor comes with it: the message to
 *                    queue (only with an accept)
 *   string:          length u32 (0xffffffff: absent), then the bytes
 *
 * Integers are big-endian. Every field is checked on both sides: the
 * daemon takes each byte from the socket as hostile, and the client
 * treats an answer it does not fully understand as "cannot serve" (never
 * as a pass). Nothing here links GMime, libmagic or OpenSSL: the thin
 * client must stay light. */
#ifndef QF_DAEMON_PROTO_H
#define QF_DAEMON_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "envelope.h"

#define QF_PROTO_VERSION 3
#define QF_PROTO_HEAD 12
#define QF_PROTO_STR_MAX 1024          /* client strings (TCPREMOTEHOST, ...) */
#define QF_PROTO_REQUEST_MAX (QF_ENVELOPE_MAX + 8192)
#define QF_PROTO_ANSWER_MAX 65536
#define QF_PROTO_TIMEOUT_MAX 86400000u /* ms: the config's longest timeout */
#define QF_PROTO_REPLY_MAX 255         /* as QF_REPLY_MAX: what qmail reads */
#define QF_PROTO_REASON_MAX 511
#define QF_PROTO_RESULTS_MAX 32
#define QF_PROTO_NAME_MAX 31
#define QF_PROTO_RESULT_MAX 255

#define QF_PROTO_REQ_TRUNCATED 1
#define QF_PROTO_REQ_RELAY 2
#define QF_PROTO_REQ_ERRFD 4
#define QF_PROTO_ANS_FD 1

struct qf_request {
	uint64_t received;        /* bytes the client read from fd 0 */
	uint64_t size;            /* bytes in the spool file */
	uint32_t ms_left;         /* of the message's timeout, when sent */
	uint64_t sent_ms;         /* the client's qf_now_ms() then: the machine's
				     monotonic clock, so qfilterd knows how long the
				     request waited for a worker */
	bool truncated;           /* over max-size: the spool holds a prefix */
	bool relay;               /* RELAYCLIENT set, or an authenticated user */
	bool errfd;               /* refusals become 82 in the client */
	const char *envelope;     /* the raw envelope: into the decoded body */
	size_t envlen;
	/* "" with the has_ flag off: the variable was not set */
	char remote_ip[QF_PROTO_STR_MAX + 1];
	char remote_host[QF_PROTO_STR_MAX + 1];
	char auth_user[QF_PROTO_STR_MAX + 1];
	char ppid[QF_PROTO_STR_MAX + 1];
	char helo[QF_PROTO_STR_MAX + 1];
	bool has_remote_ip, has_remote_host, has_auth_user, has_ppid, has_helo;
};

struct qf_answer_result {
	char filter[QF_PROTO_NAME_MAX + 1];
	char result[QF_PROTO_RESULT_MAX + 1];
};

struct qf_answer {
	unsigned action;          /* enum qf_action */
	unsigned exit;            /* 0, or a code of the exit table */
	bool has_fd;              /* accept: the message to queue comes along */
	char reply[QF_PROTO_REPLY_MAX + 1];   /* "D...", "Z..." or "" */
	char reason[QF_PROTO_REASON_MAX + 1];
	struct qf_answer_result results[QF_PROTO_RESULTS_MAX];
	size_t nresults;          /* filters that ran, for the log line */
};

/* Encodings: a malloc'd head + body in *out, its length in *outlen.
 * Strings longer than their limit are cut (the answer's) or refused
 * (the request's: -1, EINVAL). 0, or -1 (errno). */
int qf_proto_request_encode(const struct qf_request *r, unsigned char **out, size_t *outlen);
int qf_proto_answer_encode(const struct qf_answer *a, unsigned char **out, size_t *outlen);

/* The head: checks magic, kind, version, flags and the length limit.
 * 0 and *flags, *bodylen; or -1 with *why. */
int qf_proto_head_decode(const unsigned char *head, char kind, unsigned *flags,
			 size_t *bodylen, const char **why);
/* A body, with the flags of its head. 0, or -1 with *why. The request's
 * envelope points into body, which must outlive r. */
int qf_proto_request_decode(const unsigned char *body, size_t len, unsigned flags,
			    struct qf_request *r, const char **why);
int qf_proto_answer_decode(const unsigned char *body, size_t len, unsigned flags,
			   struct qf_answer *a, const char **why);

/* Sends buf, with fd (when >= 0) attached to its first byte. 0 or -1
 * (errno; EINTR only once qf_io_interrupted is set). wait_s > 0: a send
 * that would block waits at most that long (SO_SNDTIMEO, set only then);
 * 0: as long as it takes (bound it with a signal). */
int qf_proto_send(int sock, const void *buf, size_t len, int fd, int wait_s);
/* Receives one head + body of kind. Exactly one descriptor must come
 * with it when fd_flag is QF_PROTO_FD_ALWAYS or is set in the head's
 * flags, none otherwise. 0 with *body (malloc'd), *len, *flags and *fd
 * (-1 when none); or -1 with *why (descriptors received are closed).
 * EINTR is retried, even after the deadline (see daemon_proto.c); bound
 * the wait with wait_s > 0 (as for qf_proto_send, with SO_RCVTIMEO) or
 * a signal that ends the process. One message per connection: bytes
 * past it may be read and are dropped. */
#define QF_PROTO_FD_ALWAYS 0
int qf_proto_recv(int sock, char kind, unsigned fd_flag, int wait_s, unsigned char **body,
		  size_t *len, unsigned *flags, int *fd, const char **why);

/* The same, a piece at a time, for a reader that must not wait on one
 * peer: qfilterd's worker keeps the connections whose request has not
 * all arrived and serves the first that has (daemon_worker.c). */
#define QF_PROTO_AHEAD 4096   /* body bytes read with the head */
struct qf_proto_reader {
	char kind;
	unsigned fd_flag;
	unsigned char first[QF_PROTO_HEAD + QF_PROTO_AHEAD];
	size_t got;               /* bytes in first, until the head is decoded */
	bool headed;              /* the head is decoded: body, bodylen, flags */
	unsigned char *body;      /* bodylen bytes (malloc'd), have of them in */
	size_t bodylen, have;
	unsigned flags;
	int fds[1], nfds;         /* descriptors that came along (nfds counts extras) */
};
void qf_proto_reader_init(struct qf_proto_reader *r, char kind, unsigned fd_flag);
/* One recvmsg with flags (0, or MSG_DONTWAIT). 1: the whole message is
 * in; 0: not yet (errno EAGAIN or EINTR when nothing came, else 0); -1:
 * the peer closed or sent something wrong, *why says what. */
int qf_proto_reader_read(int sock, struct qf_proto_reader *r, int flags, const char **why);
/* Bytes received so far and bytes expected (the head alone until it is in). */
void qf_proto_reader_progress(const struct qf_proto_reader *r, size_t *got, size_t *want);
/* After 1: hands over what qf_proto_recv returns; the reader keeps nothing. */
void qf_proto_reader_take(struct qf_proto_reader *r, unsigned char **body, size_t *len,
			  unsigned *flags, int *fd);
/* Frees the body, closes the descriptors. */
void qf_proto_reader_free(struct qf_proto_reader *r);

#endif
