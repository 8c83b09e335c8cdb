/* engine.c: see engine.h */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "engine.h"
#include "filter.h"
#include "log.h"
#include "rules.h"

int qf_engine_open(struct qf_engine *e, const struct qf_filter *const *filters, size_t nfilters,
		   const char *confpath, char *err, size_t errlen)
{
	struct qf_config cfg;

	memset(e, 0, sizeof *e);
	if (qf_config_load(confpath, &cfg, err, errlen) < 0)
		return -1;
	return qf_engine_open_config(e, filters, nfilters, &cfg, err, errlen);
}

int qf_engine_open_config(struct qf_engine *e, const struct qf_filter *const *filters, size_t nfilters,
			  struct qf_config *cfg, char *err, size_t errlen)
{
	memset(e, 0, sizeof *e);
	e->filters = filters;
	e->nfilters = nfilters;
	e->cfg = *cfg;
	e->state = calloc(nfilters ? nfilters : 1, sizeof *e->state);
	e->tried = calloc(nfilters ? nfilters : 1, sizeof *e->tried);
	e->init_error = calloc(nfilters ? nfilters : 1, sizeof *e->init_error);
	e->init_nomem = calloc(nfilters ? nfilters : 1, sizeof *e->init_nomem);
	if (!e->state || !e->tried || !e->init_error || !e->init_nomem) {
		snprintf(err, errlen, "engine: out of memory");
		qf_engine_close(e);
		return -1;
	}
	if (e->cfg.rules && qf_rules_open(e->cfg.rules, &e->rules, err, errlen) < 0) {
		qf_engine_close(e);
		return -1;
	}
	return 0;
}

void *qf_engine_state(struct qf_engine *e, size_t i)
{
	const struct qf_filter *f = e->filters[i];
	char err[512] = "";

	if (e->tried[i])
		return e->state[i];
	e->tried[i] = true;
	if (!f->init)
		return e->state[i] = (void *)f;   /* stateless: any non-NULL */
	errno = 0;
	e->state[i] = f->init(&e->cfg, err, sizeof err);
	if (!e->state[i]) {
		e->init_nomem[i] = errno == ENOMEM;
		e->init_error[i] = strdup(*err ? err : "initialisation failed");
	}
	return e->state[i];
}

void qf_engine_start_all(struct qf_engine *e)
{
	size_t i;

	for (i = 0; i < e->nfilters; i++) {
		const struct qf_filter *f = e->filters[i];
		char err[512] = "";
		if (f && f->start && e->state[i] && f->init && f->start(e->state[i], err, sizeof err) < 0)
			qf_log("warning: filter %s: %s (tried again for the messages that need it)",
			       f->name, *err ? err : "start failed");
	}
}

void qf_engine_init_all(struct qf_engine *e)
{
	size_t i;

	for (i = 0; i < e->nfilters; i++) {
		const struct qf_filter *f = e->filters[i];
		char err[512] = "";
		void *state = f ? qf_engine_state(e, i) : NULL;

		if (!state || !f->preload || !f->init)
			continue;
		errno = 0;
		if (f->preload(state, err, sizeof err) < 0) {
			/* as a failed init: qfilterd does not start with it */
			e->init_nomem[i] = errno == ENOMEM;
			e->init_error[i] = strdup(*err ? err : "loading failed");
		}
	}
}

void qf_engine_close(struct qf_engine *e)
{
	size_t i;

	for (i = 0; e->state && i < e->nfilters; i++) {
		const struct qf_filter *f = e->filters[i];
		if (f && f->init && e->state[i] && f->fini)
			f->fini(e->state[i]);
		if (e->init_error)
			free(e->init_error[i]);
	}
	free(e->state);
	free(e->tried);
	free(e->init_error);
	free(e->init_nomem);
	if (e->rules)
		qf_rules_close(e->rules);
	qf_config_free(&e->cfg);
	memset(e, 0, sizeof *e);
}
