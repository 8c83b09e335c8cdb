/* apply.c: laying one rule's settings over a policy. A later rule wins
 * setting by setting; a list it gives replaces the earlier list whole,
 * so "ban-ext=" (empty) on a later rule clears it (qfilter.rules(5)). */
#include <stdlib.h>
#include <string.h>
#include "rules_int.h"

static void list_free(char **list)
{
	if (!list)
		return;
	for (char **s = list; *s; s++)
		free(*s);
	free(list);
}

static int list_replace(char ***dst, char *const *src)
{
	char **copy = NULL;

	for (; src && *src; src++)
		if (qf_list_add(&copy, *src) < 0) {
			list_free(copy);
			return -1;
		}
	list_free(*dst);
	*dst = copy;
	return 0;
}

int qf_rule_apply(const struct qf_rule *r, struct qf_policy *p)
{
	const struct qf_policy *s = &r->settings;
	unsigned set = r->set;

	if (set & QF_SET_EXE) p->exe = s->exe;
	if (set & QF_SET_VIRUS) p->virus = s->virus;
	if (set & QF_SET_VIRUS_FAIL) p->virus_fail = s->virus_fail;
	if (set & QF_SET_TYPES) p->types = s->types;
	if (set & QF_SET_SIZE) p->size = s->size;
	if (set & QF_SET_PART_SIZE) p->part_size = s->part_size;
	if (set & QF_SET_DKIM) p->dkim_verify = s->dkim_verify;
	if (set & QF_SET_DKIM_FAIL) p->dkim_fail = s->dkim_fail;
	if (set & QF_SET_SIGN) p->sign = s->sign;
	if (set & QF_SET_DMARC_FAIL) p->dmarc_fail = s->dmarc_fail;
	if (set & QF_SET_UNCHECKED) p->unchecked = s->unchecked;
	if (set & QF_SET_AMBIGUOUS) p->ambiguous = s->ambiguous;
	if (set & QF_SET_PARTIAL) p->partial = s->partial;
	if (set & QF_SET_MAX_PARTS) p->max_parts = s->max_parts;
	if (set & QF_SET_MAX_DEPTH) p->max_depth = s->max_depth;
	if ((set & QF_SET_BAN_TYPES) && list_replace(&p->ban_types, s->ban_types) < 0)
		return -1;
	if ((set & QF_SET_BAN_EXT) && list_replace(&p->ban_ext, s->ban_ext) < 0)
		return -1;
	if ((set & QF_SET_DKIM_REQUIRE) && list_replace(&p->dkim_require, s->dkim_require) < 0)
		return -1;
	return 0;
}
