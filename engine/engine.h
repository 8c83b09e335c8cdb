/* engine.h: per-process state: the configuration, the compiled rules and
 * each filter's init state. qfilter makes one per process and lets the
 * filters initialise lazily; qfilterd builds a new one on SIGHUP. */
#ifndef QF_ENGINE_H
#define QF_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include "config.h"

struct qf_rules;
struct qf_filter;

struct qf_engine {
	/* the filters, in the order they run: given by the program (the
	 * registry is filters/, a layer above this one) */
	const struct qf_filter *const *filters;
	size_t nfilters;
	struct qf_config cfg;
	struct qf_rules *rules;  /* NULL: the default policy */
	void **state;            /* per filter, NULL until initialised */
	bool *tried;             /* init was attempted */
	char **init_error;       /* per filter, when init failed */
	bool *init_nomem;        /* ... for want of memory (exit 51) */
};

/* Loads the configuration and the rules. 0, or -1 with err: exit 55. */
int qf_engine_open(struct qf_engine *e, const struct qf_filter *const *filters, size_t nfilters,
		   const char *confpath, char *err, size_t errlen);
/* The same on a configuration already loaded, which the engine takes
 * over (it is freed with the engine, or here on failure). */
int qf_engine_open_config(struct qf_engine *e, const struct qf_filter *const *filters, size_t nfilters,
			  struct qf_config *cfg, char *err, size_t errlen);
/* Initialises every filter now, and has each preload what it would load
 * at a message's first need (qfilterd); failures are kept per filter. */
void qf_engine_init_all(struct qf_engine *e);
/* In a qfilterd worker, after the fork: each filter's start hook. A
 * failure is logged; the filter retries when a message needs it. */
void qf_engine_start_all(struct qf_engine *e);
/* The filter's state, initialising it on first use; NULL on failure with
 * the reason in e->init_error[i]. */
void *qf_engine_state(struct qf_engine *e, size_t i);
void qf_engine_close(struct qf_engine *e);

#endif
