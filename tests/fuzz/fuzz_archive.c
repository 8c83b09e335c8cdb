/* fuzz_archive: any bytes as a part, kept by the MIME sink as the walk
 * keeps one (its copy, a zip at its end, the archive signatures inside
 * it), through the bounded archive walk (every format it opens), each member through the exe and
 * types part hooks (tag actions, so that a finding does not end the walk).
 * Besides not crashing or hanging, it checks the walk's bounds: members,
 * unpacked bytes, levels, head sizes, and parts handed on: one per entry
 * (an entry read again, by a zip's local headers or an ISO's other tree,
 * counts again) and at most NOTES notes of trouble per container (closed,
 * two end records, and one per reading: the archive, its local headers or
 * a zip at its end, two more ISO trees), and for content with archives
 * inside it (every archive at a signature is read) two per entry (each
 * archive read there has one at least: its damage, its local headers'),
 * besides two for the whole walk
 * (its copy cut, too many entries); and that a member handed on with no
 * content says why. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "archive_sniff.h"
#include "archive_walk.h"
#include "filter.h"
#include "mime_sink.h"

extern const struct qf_filter qf_filter_exe, qf_filter_types;

static const struct qf_filter *const hooks[] = { &qf_filter_exe, &qf_filter_types };
#define NHOOKS (sizeof hooks / sizeof hooks[0])
static void *state[NHOOKS];
static struct qf_config cfg;
static unsigned seen, containers;
static bool inside;
#define NOTES 6

static bool member(const struct qf_part *p, void *arg)
{
	struct qf_msg *m = arg;
	size_t i;

	if (p->head_len > QF_PART_HEAD || p->head_len > p->size || !p->level ||
	    p->level > QF_ARCHIVE_MAX_DEPTH + 1 || !p->container || !p->content_type ||
	    (!p->filename && !p->unchecked))
		abort();
	for (i = 0; i < NHOOKS; i++) {
		m->current = i;
		hooks[i]->part(m, state[i], p);
	}
	seen++;
	if (p->fd >= 0 && (qf_archive_sniff(p->head, p->head_len) != QF_ARCHIVE_NO || p->zip_end))
		containers++;
	if (p->fd >= 0 && p->inner_at)
		inside = true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qf_result results[NHOOKS];
	struct qf_archive_budget budget = { 0, 0 };
	struct qf_walk_error werr;
	struct qf_mime_sink sink;
	struct qf_part p;
	struct qf_msg m;
	char err[200];
	size_t i;

	if (!state[0]) {
		qf_config_defaults(&cfg);
		for (i = 0; i < NHOOKS; i++)
			if (!(state[i] = hooks[i]->init(&cfg, err, sizeof err)))
				abort();
	}
	qf_mime_sink_init(&sink, NULL);
	if (qf_mime_sink_write(&sink, data, size) < 0 || qf_mime_sink_end(&sink) < 0)
		abort();
	memset(&m, 0, sizeof m);
	memset(results, 0, sizeof results);
	m.cfg = &cfg;
	m.results = results;
	m.nresults = NHOOKS;
	qf_policy_default(&m.policy);
	m.policy.exe = m.policy.types = m.policy.unchecked = QF_ACT_TAG;
	if (qf_list_add(&m.policy.ban_ext, "scr") < 0)
		abort();
	memset(&p, 0, sizeof p);
	p.index = 1;
	p.content_type = "application/octet-stream";
	p.filename = "fuzz.bin";
	qf_mime_sink_part(&sink, &p);
	seen = 0;
	containers = 1;
	inside = sink.inner_at != 0;
	if (qf_archive_walk(&p, &budget, NULL, 0, member, &m, &werr) == 0 &&
	    (budget.entries > QF_ARCHIVE_MAX_ENTRIES || budget.bytes > QF_ARCHIVE_MAX_BYTES ||
	     seen > budget.entries * (inside ? 3 : 1) + NOTES * (containers + inside) + 2))
		abort();
	for (i = 0; i < NHOOKS; i++) {
		free(results[i].result);
		free(results[i].dsn);
		free(results[i].text);
		free(results[i].reason);
	}
	free(m.error_text);
	qf_policy_free(&m.policy);
	qf_mime_sink_free(&sink);
	return 0;
}
