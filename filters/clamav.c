/* clamav.c: the virus filter (qfilter.8, CLAMAV). The message is scanned
 * by each clamd of the `clamd` setting in turn until one answers, then,
 * when `clamav-db` is set, by libclamav in this process. A virus is a
 * finding with the policy's virus= action; a scanner that cannot answer
 * is a temporary refusal unless the policy says virus-fail=pass: a
 * message is never passed as clean when nothing scanned it. */
#include <stdio.h>
#include <stdlib.h>
#include "filter.h"
#include "clamd.h"
#include "clamav_lib.h"

#define CLAMAV_HEADER "X-Qfilter-Virus"
#define CLAMAV_DSN_VIRUS "5.7.1"    /* delivery not authorized, message refused */
#define CLAMAV_DSN_FAIL "4.3.0"     /* mail system status: try again later */

struct clamav_state {
	struct qf_clamav_lib *lib;  /* NULL without clamav-db or when it failed */
	char lib_error[200];        /* why it failed: reported per message, so
	                               that virus-fail= decides what happens */
};

static bool clamav_wanted(const struct qf_msg *m)
{
	return m->policy.virus != QF_ACT_OFF &&
	       (m->cfg->clamd.n > 0 || m->cfg->clamav_db);
}

static void *clamav_init(const struct qf_config *cfg, char *err, size_t errlen)
{
	struct clamav_state *st = calloc(1, sizeof *st);

	if (!st) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (cfg->clamav_db)
		st->lib = qf_clamav_lib_open(cfg->clamav_db, cfg->spool, cfg->timeout,
					     st->lib_error, sizeof st->lib_error);
	return st;
}

static void clamav_fini(void *state)
{
	struct clamav_state *st = state;

	if (st)
		qf_clamav_lib_close(st->lib);
	free(st);
}

/* A server that accepts and then stalls must not eat the whole time
 * limit while another could answer: all but the last get half of it.
 * And the scan leaves the rest of the chain a tenth (at most 2 s), so
 * that virus-fail=pass can still pass a message whose scanner hangs. */
#define CLAMAV_RESERVE_MS 2000

static int64_t clamav_deadline(const struct qf_msg *m, bool last)
{
	int64_t left = qf_msg_ms_left(m);

	left -= left / 10 < CLAMAV_RESERVE_MS ? left / 10 : CLAMAV_RESERVE_MS;
	return qf_now_ms() + (last ? left : left / 2);
}

static void clamav_scan(struct qf_msg *m, struct clamav_state *st,
			struct qf_clamav_scan *scan)
{
	const struct qf_strlist *servers = &m->cfg->clamd;
	size_t i;

	for (i = 0; i < servers->n; i++) {
		bool last = i + 1 == servers->n && !m->cfg->clamav_db;

		qf_clamd_scan(servers->v[i], m->fd, m->size, clamav_deadline(m, last), scan);
		if (scan->status != QF_CLAMAV_ERROR || scan->local_error)
			return;
		qf_msg_warn(m, "%s: %s", servers->v[i], scan->detail);
	}
	if (!m->cfg->clamav_db)
		return;
	if (st->lib) {
		qf_clamav_lib_scan(st->lib, m->fd, scan);
		if (scan->status == QF_CLAMAV_ERROR)
			qf_msg_warn(m, "%s", scan->detail);
	} else {
		snprintf(scan->detail, sizeof scan->detail, "libclamav: %s", st->lib_error);
		qf_msg_warn(m, "%s", scan->detail);
	}
}

static void clamav_report(struct qf_msg *m, const struct qf_clamav_scan *scan)
{
	char reason[sizeof scan->name + sizeof scan->detail + 32];

	switch (scan->status) {
	case QF_CLAMAV_CLEAN:
		qf_msg_result(m, "clean");
		qf_msg_add_header(m, CLAMAV_HEADER, "clean (%s)", scan->engine);
		return;
	case QF_CLAMAV_FOUND:
		/* The header matters when virus=tag or quarantine keeps it. */
		qf_msg_result(m, "virus:%s", scan->name);
		qf_msg_add_header(m, CLAMAV_HEADER, "infected: %s (%s)", scan->name, scan->engine);
		snprintf(reason, sizeof reason, "virus %s", scan->name);
		qf_msg_finding(m, m->policy.virus, CLAMAV_DSN_VIRUS, reason,
			       "message contains a virus (%s)", scan->name);
		return;
	case QF_CLAMAV_ERROR:
		break;
	}
	snprintf(reason, sizeof reason, "virus scan failed: %s", scan->detail);
	if (m->policy.virus_fail == QF_VFAIL_PASS) {
		/* OFF: the log keeps the reason; the header says what happened */
		qf_msg_result(m, "unscanned");
		qf_msg_add_header(m, CLAMAV_HEADER, "not scanned (virus scanner unavailable)");
		qf_msg_finding(m, QF_ACT_OFF, CLAMAV_DSN_FAIL, reason, "virus scanner unavailable");
	} else {
		qf_msg_result(m, "error");
		qf_msg_finding(m, QF_ACT_TEMPFAIL, CLAMAV_DSN_FAIL, reason,
			       "virus scanner unavailable, try again later");
	}
}

static void clamav_message(struct qf_msg *m, void *state)
{
	struct qf_clamav_scan scan = { .status = QF_CLAMAV_ERROR,
				       .detail = "no scanner configured" };

	clamav_scan(m, state, &scan);
	if (scan.status == QF_CLAMAV_ERROR && scan.local_error) {
		qf_msg_error(m, scan.local_error, "clamav: %s", scan.detail);
		return;
	}
	clamav_report(m, &scan);
}

const struct qf_filter qf_filter_clamav = {
	.name = "clamav",
	.wanted = clamav_wanted,
	.init = clamav_init,
	.fini = clamav_fini,
	.message = clamav_message,
};
