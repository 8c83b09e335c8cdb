/* fuzz_walk_vs_gmime: GMime's full parser as the oracle of the MIME walk
 * (issue 19). Any bytes as a message: GMime parses it whole
 * (g_mime_parser_construct_message), every leaf is decoded, message/rfc822
 * followed; the walk runs with the exe part hook. When GMime decodes a
 * PE (MZ, "PE\0\0" at e_lfanew) from some part and the walk neither finds
 * an executable nor calls the structure ambiguous (nor stops at a limit),
 * the walk has missed a part a reader shows: abort. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <gmime/gmime.h>
#include "filter.h"

extern const struct qf_filter qf_filter_exe;

static void *exe_state;
static struct qf_config cfg;

static int is_pe(const unsigned char *b, size_t n)
{
	size_t lfanew;

	if (n < 0x40 || b[0] != 'M' || b[1] != 'Z')
		return 0;
	lfanew = b[0x3c] | b[0x3d] << 8 | b[0x3e] << 16 | (size_t)b[0x3f] << 24;
	return lfanew + 4 <= n && !memcmp(b + lfanew, "PE\0\0", 4);
}

static int gmime_finds_pe(GMimeObject *o, int depth)
{
	int i, n, found = 0;

	if (!o || depth > 100)
		return 0;
	if (GMIME_IS_MESSAGE(o))
		return gmime_finds_pe(g_mime_message_get_mime_part((GMimeMessage *)o), depth + 1);
	if (GMIME_IS_MESSAGE_PART(o))
		return gmime_finds_pe((GMimeObject *)g_mime_message_part_get_message((GMimeMessagePart *)o),
				      depth + 1);
	if (GMIME_IS_MULTIPART(o)) {
		n = g_mime_multipart_get_count((GMimeMultipart *)o);
		for (i = 0; i < n && !found; i++)
			found = gmime_finds_pe(g_mime_multipart_get_part((GMimeMultipart *)o, i), depth + 1);
		return found;
	}
	if (GMIME_IS_PART(o)) {
		GMimeDataWrapper *w = g_mime_part_get_content((GMimePart *)o);
		GMimeStream *mem;
		GByteArray *b;
		if (!w)
			return 0;
		mem = g_mime_stream_mem_new();
		g_mime_data_wrapper_write_to_stream(w, mem);
		b = g_mime_stream_mem_get_byte_array((GMimeStreamMem *)mem);
		found = is_pe(b->data, b->len);
		g_object_unref(mem);
	}
	return found;
}

static int oracle(const uint8_t *data, size_t size)
{
	GMimeStream *s = g_mime_stream_mem_new_with_buffer((const char *)data, size);
	GMimeParser *p = g_mime_parser_new_with_stream(s);
	GMimeMessage *msg = g_mime_parser_construct_message(p, NULL);
	int found = msg ? gmime_finds_pe((GMimeObject *)msg, 0) : 0;

	if (msg)
		g_object_unref(msg);
	g_object_unref(p);
	g_object_unref(s);
	return found;
}

static int each(const struct qf_part *p, void *arg)
{
	struct qf_msg *m = arg;

	m->current = 0;
	qf_filter_exe.part(m, exe_state, p);
	return m->error_exit ? -1 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qf_result result;
	struct qf_mime_walk_in in;
	struct qf_walk_error werr;
	struct qf_msg m;
	char err[200];
	int fd;

	if (!exe_state) {
		g_mime_init();
		qf_config_defaults(&cfg);
		if (!(exe_state = qf_filter_exe.init(&cfg, err, sizeof err)))
			abort();
	}
	fd = memfd_create("msg", 0);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	memset(&m, 0, sizeof m);
	memset(&result, 0, sizeof result);
	m.cfg = &cfg;
	m.fd = fd;
	m.size = m.received = size;
	m.results = &result;
	m.nresults = 1;
	qf_policy_default(&m.policy);
	m.policy.exe = QF_ACT_TAG;   /* a finding does not end the walk */
	m.policy.max_parts = 200;
	m.policy.max_depth = 20;
	in = (struct qf_mime_walk_in){ .fd = fd, .size = size, .max_parts = m.policy.max_parts,
				       .max_depth = m.policy.max_depth, .each = each, .arg = &m };
	if (qf_mime_walk(&in, &m.mime, &werr) < 0 && werr.exit)
		qf_msg_error(&m, werr.exit, "%s", werr.text);
	if (!m.error_exit && !result.reason && !m.mime.ambiguous[0] && !m.mime.partial &&
	    !m.mime.too_deep && !m.mime.too_many_parts && oracle(data, size))
		abort();
	free(result.result);
	free(result.dsn);
	free(result.text);
	free(result.reason);
	free(m.error_text);
	qf_policy_free(&m.policy);
	close(fd);
	return 0;
}
