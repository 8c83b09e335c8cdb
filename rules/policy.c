/* policy.c: the default policy and the merge of several recipients'
 * policies into the strictest one (qfilter.rules(5), "SEVERAL RECIPIENTS"). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "policy.h"

void qf_policy_default(struct qf_policy *p)
{
	memset(p, 0, sizeof *p);
	p->exe = QF_ACT_REJECT;
	p->virus = QF_ACT_REJECT;
	p->virus_fail = QF_VFAIL_TEMPFAIL;
	p->types = QF_ACT_REJECT;
	p->dkim_fail = QF_ACT_REJECT;
	p->unchecked = QF_ACT_REJECT;
	p->ambiguous = QF_ACT_REJECT;
	p->partial = QF_ACT_REJECT;
	p->dkim_verify = true;
	p->sign = QF_SIGN_RELAY;
	p->dmarc_fail = QF_DMARC_POLICY;
	p->max_parts = 1000;
	p->max_depth = 30;
}

const char *qf_dmarc_fail_name(enum qf_dmarc_fail d)
{
	static const char *const names[] = {
		"off", "tag", "policy", "quarantine", "policy-reject", "reject"
	};
	return (unsigned)d < sizeof names / sizeof names[0] ? names[d] : "?";
}

int qf_list_add(char ***list, const char *s)
{
	size_t n = 0;
	char **v;

	if (qf_list_has(*list, s))
		return 0;
	while (*list && (*list)[n])
		n++;
	v = realloc(*list, (n + 2) * sizeof *v);
	if (!v)
		return -1;
	*list = v;
	if (!(v[n] = strdup(s)))
		return -1;
	v[n + 1] = NULL;
	return 0;
}

static void list_free(char **list)
{
	char **p;

	for (p = list; p && *p; p++)
		free(*p);
	free(list);
}

static int list_union(char ***into, char *const *from)
{
	for (; from && *from; from++)
		if (qf_list_add(into, *from) < 0)
			return -1;
	return 0;
}

/* the smaller of two limits where 0 means "none" */
static uint64_t limit_min(uint64_t a, uint64_t b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	return a < b ? a : b;
}

#define MAX(a, b) ((a) > (b) ? (a) : (b))

int qf_policy_merge(struct qf_policy *into, const struct qf_policy *from)
{
	into->exe = MAX(into->exe, from->exe);
	into->virus = MAX(into->virus, from->virus);
	into->types = MAX(into->types, from->types);
	into->dkim_fail = MAX(into->dkim_fail, from->dkim_fail);
	into->unchecked = MAX(into->unchecked, from->unchecked);
	into->ambiguous = MAX(into->ambiguous, from->ambiguous);
	into->partial = MAX(into->partial, from->partial);
	/* a scanner failure tempfails unless every recipient says pass */
	if (from->virus_fail == QF_VFAIL_TEMPFAIL)
		into->virus_fail = QF_VFAIL_TEMPFAIL;
	into->dkim_verify = into->dkim_verify || from->dkim_verify;
	/* signed when any recipient's rules would sign it */
	into->sign = MAX(into->sign, from->sign);
	into->dmarc_fail = MAX(into->dmarc_fail, from->dmarc_fail);
	into->size = limit_min(into->size, from->size);
	into->part_size = limit_min(into->part_size, from->part_size);
	into->max_parts = (unsigned)limit_min(into->max_parts, from->max_parts);
	into->max_depth = (unsigned)limit_min(into->max_depth, from->max_depth);
	if (list_union(&into->ban_types, from->ban_types) < 0 ||
	    list_union(&into->ban_ext, from->ban_ext) < 0 ||
	    list_union(&into->dkim_require, from->dkim_require) < 0)
		return -1;
	return 0;
}

int qf_policy_copy(struct qf_policy *dst, const struct qf_policy *src)
{
	*dst = *src;
	dst->ban_types = dst->ban_ext = dst->dkim_require = NULL;
	if (list_union(&dst->ban_types, src->ban_types) < 0 ||
	    list_union(&dst->ban_ext, src->ban_ext) < 0 ||
	    list_union(&dst->dkim_require, src->dkim_require) < 0) {
		qf_policy_free(dst);
		return -1;
	}
	return 0;
}

void qf_policy_free(struct qf_policy *p)
{
	list_free(p->ban_types);
	list_free(p->ban_ext);
	list_free(p->dkim_require);
	p->ban_types = p->ban_ext = p->dkim_require = NULL;
}
