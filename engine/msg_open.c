/* msg_open.c: setting up and tearing down the per-message context, and
 * the policy it carries: the strictest of its recipients' policies. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "chain.h"
#include "dkim_hdr.h"
#include "exitcodes.h"
#include "filter.h"
#include "log.h"
#include "rules.h"

static void client_copy(struct qf_client *dst, const struct qf_client *src)
{
	memset(dst, 0, sizeof *dst);
	dst->remote_ip = src->remote_ip ? strdup(src->remote_ip) : NULL;
	dst->remote_host = src->remote_host ? strdup(src->remote_host) : NULL;
	dst->auth_user = src->auth_user ? strdup(src->auth_user) : NULL;
	dst->ppid = src->ppid ? strdup(src->ppid) : NULL;
	dst->relay = src->relay;
	dst->helo = src->helo ? strdup(src->helo) : NULL;
}

struct trace_arg {
	struct qf_msg *m;
	const char *rcpt;
};

static void keep_trace(void *arg, const char *rule)
{
	struct trace_arg *t = arg;
	char *line;

	if (asprintf(&line, "%s: %s", t->rcpt, rule) >= 0 &&
	    qf_list_add(&t->m->rules_trace, line) < 0)
		qf_msg_error(t->m, QF_EXIT_NOMEM, "rules trace: out of memory");
	free(line);
}

static int msg_policy(struct qf_msg *m)
{
	struct qf_policy p, base;
	struct qf_subject s = { 0 };
	struct trace_arg t = { m, NULL };
	char err[512];
	size_t i;

	/* the site's settings of qfilter.conf, then the rules over them */
	qf_policy_default(&m->policy);
	if (m->cfg)
		m->policy.unchecked = m->cfg->unchecked;
	if (!m->engine->rules)
		return 0;
	s.base = &m->policy;
	for (i = 0; i < m->env.nrcpts; i++) {
		s.sender = m->env.sender;
		s.rcpt = t.rcpt = m->env.rcpts[i];
		s.ip = m->client.remote_ip;
		s.relay = m->client.relay;
		if (qf_rules_policy(m->engine->rules, &s, &p, m->dry_run ? keep_trace : NULL,
				    &t, err, sizeof err) < 0) {
			qf_log("error: rules: %s", err);
			return QF_EXIT_CONFIG;
		}
		if (i == 0) {
			base = m->policy;   /* no lists: nothing to free, and s.base stays valid */
			s.base = &base;
			m->policy = p;
			continue;
		}
		if (qf_policy_merge(&m->policy, &p) < 0) {
			qf_policy_free(&p);
			return QF_EXIT_NOMEM;
		}
		qf_policy_free(&p);
	}
	return 0;
}

int qf_msg_open(struct qf_msg *m, struct qf_engine *e, const struct qf_spool *s,
		struct qf_envelope *env, const struct qf_client *client, bool dry_run)
{
	size_t i;

	memset(m, 0, sizeof *m);
	m->cfg = &e->cfg;
	m->engine = e;
	m->dry_run = dry_run;
	m->fd = s->fd;
	m->size = s->size;
	m->received = s->received;
	m->truncated = s->truncated;
	m->env = *env;
	memset(env, 0, sizeof *env);
	client_copy(&m->client, client);
	m->start_ms = qf_now_ms();
	m->deadline_ms = m->start_ms + (int64_t)e->cfg.timeout * 1000;
	m->current = (size_t)-1;
	m->results = calloc(e->nfilters ? e->nfilters : 1, sizeof *m->results);
	if (!m->results)
		return QF_EXIT_NOMEM;   /* nresults stays 0: nothing to walk */
	m->nresults = e->nfilters;
	for (i = 0; i < e->nfilters; i++)
		m->results[i].filter = e->filters[i] ? e->filters[i]->name : "-";
	return msg_policy(m);
}

void qf_msg_close(struct qf_msg *m)
{
	size_t i;

	for (i = 0; i < m->nheaders; i++) {
		free(m->headers[i].name);
		free(m->headers[i].value);
	}
	free(m->headers);
	free(m->skip);
	free(m->auth.dkim);
	for (i = 0; i < m->nresults; i++) {
		free(m->results[i].result);
		free(m->results[i].dsn);
		free(m->results[i].text);
		free(m->results[i].reason);
	}
	free(m->results);
	free(m->error_text);
	if (m->hdr) {
		dkim_hdr_free(m->hdr);
		free(m->hdr);
	}
	for (i = 0; m->rules_trace && m->rules_trace[i]; i++)
		free(m->rules_trace[i]);
	free(m->rules_trace);
	qf_policy_free(&m->policy);
	qf_envelope_free(&m->env);
	qf_client_free(&m->client);
	memset(m, 0, sizeof *m);
	m->fd = -1;
}
