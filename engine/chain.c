/* chain.c: runs the registry's filters over one message. The MIME walk
 * is done once, for all filters with a part hook; every leaf part goes to
 * each part hook, and so does every member of the archives among them
 * (archive_walk.h), under one budget per message; whole-message hooks run
 * after it. Once a finding refuses the message outright (reject, drop),
 * later filters are skipped: their work could not change the outcome.
 *
 * The walks know no message context: this file is their adapter. It
 * hands them the spool, the policy's limits, the temp dir and the
 * deadline, answers their "stop now?" from the findings so far, and turns
 * their errors into qf_msg_error(). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "archive_walk.h"
#include "chain.h"
#include "dkim_hdr.h"
#include "exitcodes.h"
#include "filter.h"
#include "log.h"
#include "mime_walk.h"

struct walk {
	struct qf_msg *m;
	bool *active;      /* filters with a part hook that run */
	void **state;
	struct qf_archive_budget budget;   /* what the archive walks spent */
};

static void add_ms(struct qf_msg *m, size_t i, int64_t since)
{
	m->results[i].ms += (double)(qf_now_us() - since) / 1000.0;
}

static enum qf_action worst_so_far(const struct qf_msg *m);

/* A part (or archive member) to every part hook. */
static void hooks(struct qf_msg *m, const struct qf_part *p, struct walk *w)
{
	size_t i;
	int64_t t;

	for (i = 0; i < m->engine->nfilters; i++) {
		if (!w->active[i])
			continue;
		t = qf_now_us();
		m->current = i;
		m->engine->filters[i]->part(m, w->state[i], p);
		add_ms(m, i, t);
	}
	m->current = (size_t)-1;
}

static const char *temp_dir(const struct qf_msg *m)
{
	return m->cfg ? m->cfg->spool : NULL;
}

static bool each_member(const struct qf_part *p, void *arg)
{
	struct walk *w = arg;

	hooks(w->m, p, w);
	return w->m->error_exit || worst_so_far(w->m) >= QF_ACT_REJECT;
}

static int each_part(const struct qf_part *p, void *arg)
{
	struct walk *w = arg;
	struct qf_msg *m = w->m;
	struct qf_walk_error err;

	hooks(m, p, w);
	/* once refused, what the archive holds cannot change the outcome */
	if (!m->error_exit && worst_so_far(m) < QF_ACT_REJECT && qf_archive_wanted(p) &&
	    qf_archive_walk(p, &w->budget, temp_dir(m), m->deadline_ms, each_member, w, &err) < 0)
		qf_msg_error(m, err.exit, "%s", err.text);
	return m->error_exit ? -1 : 0;
}

/* The MIME walk asks after each part: a refusal that stands ends it. */
static bool refused(void *arg)
{
	const struct walk *w = arg;

	return worst_so_far(w->m) >= QF_ACT_REJECT;
}

static void mime_walk(struct qf_msg *m, struct walk *w)
{
	const struct qf_mime_walk_in in = {
		.fd = m->fd, .size = m->size,
		.max_parts = m->policy.max_parts, .max_depth = m->policy.max_depth,
		.dir = temp_dir(m), .deadline_ms = m->deadline_ms,
		.each = each_part, .stop = refused, .arg = w,
	};
	struct qf_walk_error err;

	if (qf_mime_walk(&in, &m->mime, &err) < 0 && err.exit)
		qf_msg_error(m, err.exit, "%s", err.text);
}

static enum qf_action worst_so_far(const struct qf_msg *m)
{
	enum qf_action a = QF_ACT_OFF;
	size_t i;

	for (i = 0; i < m->nresults; i++)
		if (m->results[i].reason && m->results[i].action > a)
			a = m->results[i].action;
	return a;
}

/* "X-Qfilter: 0.1.0 (size exe types dkim)" goes first, then the filters'
 * headers in their order, then one X-Qfilter-Tag: per tag finding. */
static void trace_headers(struct qf_msg *m)
{
	char names[512] = "";
	size_t i, n = 0;
	struct qf_header h;

	for (i = 0; i < m->nresults; i++)
		if (m->results[i].ran)
			n += snprintf(names + n, n < sizeof names ? sizeof names - n : 0,
				      "%s%s", n ? " " : "", m->results[i].filter);
	if (n >= sizeof names)
		names[sizeof names - 1] = 0;
	for (i = 0; i < m->nresults; i++)
		if (m->results[i].reason && m->results[i].action == QF_ACT_TAG)
			qf_msg_add_header(m, "X-Qfilter-Tag", "%s %s",
					  m->results[i].filter, m->results[i].reason);
	if (qf_msg_add_header(m, "X-Qfilter", "qfilter %s on %s (%s)", QF_VERSION,
			      m->cfg->authserv_id ? m->cfg->authserv_id : "localhost",
			      *names ? names : "no filters") < 0)
		return;
	/* move the trace header to the top */
	h = m->headers[m->nheaders - 1];
	memmove(m->headers + 1, m->headers, (m->nheaders - 1) * sizeof h);
	m->headers[0] = h;
}

/* X-Qfilter* headers are ours: any that arrive with the message are
 * forgeries (an "X-Qfilter-Virus: clean" a sender wrote himself) and are
 * left out of the queued copy, like forged Authentication-Results. */
static void strip_own_headers(struct qf_msg *m)
{
	struct dkim_hdr *h = malloc(sizeof *h);
	size_t i;
	int r;

	if (!h) {
		qf_msg_error(m, QF_EXIT_NOMEM, "scanning the header: out of memory");
		return;
	}
	dkim_hdr_init(h);
	if ((r = dkim_hdr_scan(h, m->fd, m->size)) < 0) {
		if (r == -1)
			qf_msg_error(m, QF_EXIT_NOMEM, "scanning the header: out of memory");
		else
			qf_msg_error(m, QF_EXIT_READ, "scanning the header: reading the spool: %s",
				     strerror(errno));
		dkim_hdr_free(h);
		free(h);
		return;
	}
	m->hdr = h;    /* kept for the filters (dkim): one scan per message */
	for (i = 0; i < h->n; i++)
		if (h->f[i].kind == DKIM_HDR_QFILTER)
			qf_msg_skip_range(m, h->f[i].off, h->f[i].end - h->f[i].off);
}

void qf_chain_run(struct qf_msg *m)
{
	const struct qf_engine *e = m->engine;
	bool active[e->nfilters ? e->nfilters : 1];
	void *state[e->nfilters ? e->nfilters : 1];
	struct walk w = { m, active, state, { 0, 0 } };
	bool walk = false;
	size_t i;
	int64_t t;

	memset(active, 0, sizeof active);
	memset(state, 0, sizeof state);
	strip_own_headers(m);
	for (i = 0; i < e->nfilters; i++) {
		const struct qf_filter *f = e->filters[i];
		if (!f || (f->wanted && !f->wanted(m)))
			continue;
		m->results[i].ran = true;
		m->current = i;
		t = qf_now_us();
		state[i] = qf_engine_state(m->engine, i);
		add_ms(m, i, t);
		if (!state[i] && m->engine->init_nomem[i]) {
			/* out of memory is qmail-queue's 51, whoever ran out */
			qf_msg_error(m, QF_EXIT_NOMEM, "%s filter: %s", f->name, m->engine->init_error[i]);
			qf_msg_result(m, "unavailable");
			continue;
		}
		if (!state[i]) {
			/* fail closed: a filter that cannot start refuses for now */
			qf_msg_finding(m, QF_ACT_TEMPFAIL, "4.3.0", m->engine->init_error[i],
				       "%s filter unavailable, try again later", f->name);
			qf_msg_result(m, "unavailable");
			continue;
		}
		if (f->part) {
			active[i] = true;
			walk = true;
		}
	}
	m->current = (size_t)-1;
	if (walk && !m->error_exit)
		mime_walk(m, &w);
	for (i = 0; i < e->nfilters; i++) {
		const struct qf_filter *f = e->filters[i];
		if (!m->results[i].ran || !state[i] || !f->message)
			continue;
		m->current = i;
		if (worst_so_far(m) >= QF_ACT_REJECT || m->error_exit) {
			if (!m->results[i].result)   /* keep what its part hook said */
				qf_msg_result(m, "skipped");
			continue;
		}
		if (qf_msg_expired(m)) {
			qf_msg_error(m, QF_EXIT_TIMEOUT, "timeout before the %s filter", f->name);
			continue;
		}
		m->current = i;
		t = qf_now_us();
		f->message(m, state[i]);
		add_ms(m, i, t);
	}
	m->current = (size_t)-1;
	for (i = 0; i < m->nresults; i++)
		if (m->results[i].ran && !m->results[i].result)
			m->results[i].result = strdup(m->results[i].reason ? "found" : "ok");
	trace_headers(m);
}
