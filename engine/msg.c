/* msg.c: the reporting calls filters make on the per-message context. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "exitcodes.h"
#include "log.h"
#include "msg.h"

int qf_msg_ms_left(const struct qf_msg *m)
{
	int64_t left;

	if (!m->deadline_ms)
		return 1 << 30;
	left = m->deadline_ms - qf_now_ms();
	if (left < 0)
		return 0;
	return left > (1 << 30) ? 1 << 30 : (int)left;
}

bool qf_msg_expired(const struct qf_msg *m)
{
	return qf_expired(m->deadline_ms);
}

static struct qf_result *current(struct qf_msg *m)
{
	if (m->current < m->nresults)
		return &m->results[m->current];
	return NULL;
}

static char *vformat(const char *fmt, va_list ap)
{
	char *s = NULL;

	if (vasprintf(&s, fmt, ap) < 0)
		return NULL;
	return s;
}

void qf_msg_error(struct qf_msg *m, int exitcode, const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	text = vformat(fmt, ap);
	va_end(ap);
	qf_log("error: %s", text ? text : "out of memory");
	if (!m->error_exit) {
		m->error_exit = exitcode;
		m->error_text = text;
	} else
		free(text);
}

int qf_msg_add_header(struct qf_msg *m, const char *name, const char *fmt, ...)
{
	struct qf_header *h;
	va_list ap;
	char *value, *n;

	va_start(ap, fmt);
	value = vformat(fmt, ap);
	va_end(ap);
	n = strdup(name);
	h = realloc(m->headers, (m->nheaders + 1) * sizeof *h);
	if (!value || !n || !h) {
		free(value);
		free(n);
		if (h)
			m->headers = h;
		qf_msg_error(m, QF_EXIT_NOMEM, "adding header %s: out of memory", name);
		return -1;
	}
	m->headers = h;
	h[m->nheaders].name = n;
	h[m->nheaders].value = value;
	m->nheaders++;
	return 0;
}

int qf_msg_append_header(struct qf_msg *m, const char *name, const char *text)
{
	size_t i;

	for (i = 0; i < m->nheaders; i++) {
		struct qf_header *h = &m->headers[i];
		size_t have, add = strlen(text);
		char *v;
		if (strcasecmp(h->name, name) != 0)
			continue;
		have = strlen(h->value);
		if (!(v = realloc(h->value, have + add + 1))) {
			qf_msg_error(m, QF_EXIT_NOMEM, "adding to header %s: out of memory", name);
			return -1;
		}
		memcpy(v + have, text, add + 1);
		h->value = v;
		return 0;
	}
	return 1;
}

int qf_msg_skip_range(struct qf_msg *m, uint64_t off, uint64_t len)
{
	struct qf_range *r;

	if (off > m->size || len > m->size - off) {
		qf_msg_error(m, QF_EXIT_BUG, "skip range %llu+%llu outside the message",
			     (unsigned long long)off, (unsigned long long)len);
		return -1;
	}
	r = realloc(m->skip, (m->nskip + 1) * sizeof *r);
	if (!r) {
		qf_msg_error(m, QF_EXIT_NOMEM, "skip range: out of memory");
		return -1;
	}
	m->skip = r;
	r[m->nskip].off = off;
	r[m->nskip].len = len;
	m->nskip++;
	return 0;
}

void qf_msg_result(struct qf_msg *m, const char *fmt, ...)
{
	struct qf_result *r = current(m);
	va_list ap;
	char *s;

	if (!r)
		return;
	va_start(ap, fmt);
	s = vformat(fmt, ap);
	va_end(ap);
	if (!s)
		return;
	free(r->result);
	r->result = s;
}

void qf_msg_finding(struct qf_msg *m, enum qf_action action, const char *dsn,
		    const char *reason, const char *fmt, ...)
{
	struct qf_result *r = current(m);
	va_list ap;
	char *text;

	if (!r) {
		/* a finding nobody would answer for would be lost: fail closed */
		if (action != QF_ACT_OFF)
			qf_msg_error(m, QF_EXIT_BUG, "a finding made outside any filter: %s",
				     reason ? reason : "?");
		return;
	}
	/* the most severe finding of a filter stands; the first of equals */
	if (r->reason && action <= r->action)
		return;
	va_start(ap, fmt);
	text = vformat(fmt, ap);
	va_end(ap);
	free(r->text);
	free(r->dsn);
	free(r->reason);
	r->text = text;
	r->dsn = strdup(dsn ? dsn : (action == QF_ACT_TEMPFAIL ? "4.3.0" : "5.3.0"));
	r->reason = strdup(reason ? reason : (text ? text : "?"));
	r->action = action;
	if (!r->text || !r->dsn || !r->reason)
		qf_msg_error(m, QF_EXIT_NOMEM, "finding: out of memory");
}

void qf_msg_finding_drop(struct qf_msg *m)
{
	struct qf_result *r = current(m);

	if (!r)
		return;
	free(r->text);
	free(r->dsn);
	free(r->reason);
	r->text = r->dsn = r->reason = NULL;
	r->action = QF_ACT_OFF;
}

void qf_msg_warn(struct qf_msg *m, const char *fmt, ...)
{
	struct qf_result *r = current(m);
	char line[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	qf_log("warning: %s: %s", r ? r->filter : "core", line);
}
