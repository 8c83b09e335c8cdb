/* fuzz_mime_walk: any bytes as a spooled message through the MIME walk,
 * each part through the exe and types part hooks (tag actions, so that a
 * finding does not end the walk; ban lists set, so that libmagic and the
 * zip name walk run too). Besides not crashing, it checks what the walk
 * promises: heads within QF_PART_HEAD, indexes and counts within
 * max-parts, depths within max-depth. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "filter.h"
#include "mime_walk.h"

extern const struct qf_filter qf_filter_exe, qf_filter_types;

static const struct qf_filter *const hooks[] = { &qf_filter_exe, &qf_filter_types };
#define NHOOKS (sizeof hooks / sizeof hooks[0])
static void *state[NHOOKS];
static struct qf_config cfg;

static int each(const struct qf_part *p, void *arg)
{
	struct qf_msg *m = arg;
	size_t i;

	if (p->head_len > QF_PART_HEAD || p->head_len > p->size || !p->index ||
	    p->index > m->policy.max_parts || p->depth > m->policy.max_depth ||
	    !p->content_type)
		abort();
	if (p->fd >= 0 && lseek(p->fd, 0, SEEK_CUR) != 0)
		abort();
	for (i = 0; i < NHOOKS; i++) {
		m->current = i;
		hooks[i]->part(m, state[i], p);
	}
	return m->error_exit ? -1 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qf_result results[NHOOKS];
	struct qf_mime_walk_in in;
	struct qf_walk_error werr;
	struct qf_msg m;
	char err[200];
	size_t i;
	int fd;

	if (!state[0]) {
		qf_config_defaults(&cfg);
		for (i = 0; i < NHOOKS; i++)
			if (!(state[i] = hooks[i]->init(&cfg, err, sizeof err)))
				abort();
	}
	fd = memfd_create("msg", 0);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	memset(&m, 0, sizeof m);
	memset(results, 0, sizeof results);
	m.cfg = &cfg;
	m.fd = fd;
	m.size = m.received = size;
	m.results = results;
	m.nresults = NHOOKS;
	qf_policy_default(&m.policy);
	m.policy.exe = m.policy.types = QF_ACT_TAG;
	m.policy.max_parts = 50;
	m.policy.max_depth = 8;
	if (qf_list_add(&m.policy.ban_types, "application/x-tar") < 0 ||
	    qf_list_add(&m.policy.ban_ext, "scr") < 0)
		abort();
	in = (struct qf_mime_walk_in){ .fd = fd, .size = size, .max_parts = m.policy.max_parts,
				       .max_depth = m.policy.max_depth, .each = each, .arg = &m };
	if (qf_mime_walk(&in, &m.mime, &werr) < 0 && !werr.exit && !m.error_exit)
		abort();   /* -1 says why, or it is the caller's */
	if (m.mime.parts > m.policy.max_parts || m.mime.depth > m.policy.max_depth)
		abort();
	for (i = 0; i < NHOOKS; i++) {
		free(results[i].result);
		free(results[i].dsn);
		free(results[i].text);
		free(results[i].reason);
	}
	free(m.error_text);
	qf_policy_free(&m.policy);
	close(fd);
	return 0;
}
