/* part_report.c: see part_report.h. */
#include <stdio.h>
#include "part_report.h"

const char *qf_part_report_name(const struct qf_part *p, char *buf, size_t len)
{
	if (p->filename && *p->filename)
		return p->filename;
	snprintf(buf, len, "part %u", p->index);
	return buf;
}

struct qf_result *qf_part_report_result(struct qf_msg *m)
{
	return m->current < m->nresults ? &m->results[m->current] : NULL;
}
