/* auth_resolver.c: see auth_resolver.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "auth_resolver.h"
#include "dkim_int.h"
#include "engine.h"
#include "exitcodes.h"
#include "filter.h"

struct dkim_resolver *auth_resolver(struct qf_msg *m, const char *who, bool *nomem)
{
	struct dkim_state *st = NULL;
	size_t i;

	*nomem = false;
	for (i = 0; m->engine && i < m->engine->nfilters; i++)
		if (!strcmp(m->engine->filters[i]->name, "dkim")) {
			st = qf_engine_state(m->engine, i);
			break;
		}
	if (!st) {
		qf_msg_warn(m, "%s: no resolver (the dkim filter did not start)", who);
		return NULL;
	}
	if (!st->resolver &&
	    dkim_resolver_new(st->cfg, &st->resolver, st->resolver_error, sizeof st->resolver_error) < 0) {
		*nomem = errno == ENOMEM;
		qf_msg_warn(m, "%s: no resolver: %s", who, st->resolver_error);
		return NULL;
	}
	return st->resolver;
}

int auth_resinfo_add(struct qf_msg *m, char *resinfo)
{
	int r;

	if (!resinfo) {
		qf_msg_error(m, QF_EXIT_NOMEM, "authentication results: out of memory");
		return -1;
	}
	r = qf_msg_append_header(m, "Authentication-Results", resinfo);
	free(resinfo);
	return r < 0 ? -1 : 0;
}
