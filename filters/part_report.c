/* part_report.c: see part_report.h. */
#include <stdio.h>
#include "part_report.h"

const char *qf_part_report_name(const struct qf_part *p, char *buf, size_t len)
{
	if (p->container && p->filename && *p->filename)
		snprintf(buf, len, "%.*s in %s", QF_NAME_LOGGED, p->filename, p->container);
	else if (p->container)
		snprintf(buf, len, "%s", p->container);
	else if (p->filename && *p->filename)
		return p->filename;
	else
		snprintf(buf, len, "part %u", p->index);
	return buf;
}

struct qf_result *qf_part_report_result(struct qf_msg *m)
{
	return m->current < m->nresults ? &m->results[m->current] : NULL;
}

void qf_part_report_clean(struct qf_msg *m, void *state)
{
	struct qf_result *r = qf_part_report_result(m);

	(void)state;
	if (r && !r->result)
		qf_msg_result(m, "clean");
}
