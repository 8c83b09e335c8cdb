/* fuzz_daemon_proto: qfilterd's request parser (and the client's answer
 * parser) on any bytes. The first byte picks the kind; the rest is what
 * would come from the socket: head, then body. Besides not crashing, it
 * checks that whatever decodes encodes back to something that decodes to
 * the same values, and that a decoded envelope is safe to parse. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "daemon_proto.h"

static void request(const uint8_t *d, size_t n, unsigned flags)
{
	struct qf_request *q = malloc(sizeof *q), *again = malloc(sizeof *again);
	struct qf_envelope env;
	unsigned char *buf;
	size_t len, bodylen;
	unsigned f2;
	const char *why;

	if (!q || !again)
		abort();
	if (qf_proto_request_decode(d, n, flags, q, &why) == 0) {
		if (qf_envelope_parse(q->envelope, q->envlen, &env) == 0)
			qf_envelope_free(&env);
		if (qf_proto_request_encode(q, &buf, &len) < 0 ||
		    qf_proto_head_decode(buf, 'Q', &f2, &bodylen, &why) < 0 || bodylen != len - QF_PROTO_HEAD ||
		    qf_proto_request_decode(buf + QF_PROTO_HEAD, bodylen, f2, again, &why) < 0 ||
		    again->received != q->received || again->size != q->size ||
		    again->ms_left != q->ms_left || again->sent_ms != q->sent_ms ||
		    again->errfd != q->errfd || again->envlen != q->envlen ||
		    memcmp(again->envelope, q->envelope, q->envlen) != 0 ||
		    strcmp(again->remote_ip, q->remote_ip) || strcmp(again->remote_host, q->remote_host) ||
		    strcmp(again->auth_user, q->auth_user) || strcmp(again->ppid, q->ppid) ||
		    again->has_ppid != q->has_ppid || again->relay != q->relay ||
		    strcmp(again->helo, q->helo) || again->has_helo != q->has_helo ||
		    again->truncated != q->truncated)
			abort();
		free(buf);
	}
	free(q);
	free(again);
}

static void answer(const uint8_t *d, size_t n, unsigned flags)
{
	struct qf_answer *a = malloc(sizeof *a), *again = malloc(sizeof *again);
	unsigned char *buf;
	size_t len, bodylen, i;
	unsigned f2;
	const char *why;

	if (!a || !again)
		abort();
	if (qf_proto_answer_decode(d, n, flags, a, &why) == 0) {
		if (qf_proto_answer_encode(a, &buf, &len) < 0 ||
		    qf_proto_head_decode(buf, 'A', &f2, &bodylen, &why) < 0 ||
		    qf_proto_answer_decode(buf + QF_PROTO_HEAD, bodylen, f2, again, &why) < 0 ||
		    again->action != a->action || again->exit != a->exit || again->has_fd != a->has_fd ||
		    strcmp(again->reply, a->reply) || strcmp(again->reason, a->reason) ||
		    again->nresults != a->nresults)
			abort();
		for (i = 0; i < a->nresults; i++)
			if (strcmp(again->results[i].filter, a->results[i].filter) ||
			    strcmp(again->results[i].result, a->results[i].result))
				abort();
		free(buf);
	}
	free(a);
	free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char kind;
	unsigned flags;
	size_t bodylen;
	const char *why;

	if (size < 1 + QF_PROTO_HEAD)
		return 0;
	kind = data[0] & 1 ? 'A' : 'Q';
	data++;
	size--;
	if (qf_proto_head_decode(data, kind, &flags, &bodylen, &why) < 0)
		return 0;
	data += QF_PROTO_HEAD;
	size -= QF_PROTO_HEAD;
	if (bodylen > size)
		bodylen = size;   /* as if the peer closed early: the parser sees less */
	if (kind == 'Q')
		request(data, bodylen, flags);
	else
		answer(data, bodylen, flags);
	return 0;
}
