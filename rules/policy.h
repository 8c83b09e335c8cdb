/* policy.h: the settings that apply to one message (qfilter.rules(5)).
 * The rules give one policy per recipient; the message gets the strictest
 * of them (policy_merge). With no rules file, qf_policy_default(). */
#ifndef QF_POLICY_H
#define QF_POLICY_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include "action.h"   /* enum qf_action: lib/, shared with the control file */
#include "list.h"     /* qf_list_has */

enum qf_virus_fail { QF_VFAIL_TEMPFAIL = 0, QF_VFAIL_PASS };
/* sign=: who gets a DKIM signature (filters/sign.c), in merge order */
enum qf_sign { QF_SIGN_NO = 0, QF_SIGN_RELAY, QF_SIGN_YES };
/* dmarc-fail=: what a DMARC failure gets (filters/dmarc.c), mildest
 * first, which is the merge order. policy: the domain's p= (sp=), with
 * reject taken as tag; policy-reject: p= as published. */
enum qf_dmarc_fail {
	QF_DMARC_OFF = 0, QF_DMARC_TAG, QF_DMARC_POLICY, QF_DMARC_QUARANTINE,
	QF_DMARC_POLICY_REJECT, QF_DMARC_REJECT
};
const char *qf_dmarc_fail_name(enum qf_dmarc_fail d);

struct qf_policy {
	enum qf_action exe;        /* exe= (reject) */
	enum qf_action virus;      /* virus= (reject) */
	enum qf_virus_fail virus_fail; /* virus-fail= (tempfail) */
	enum qf_action types;      /* types= (reject) */
	enum qf_action dkim_fail;  /* dkim-fail= (reject) */
	enum qf_action unchecked;  /* unchecked= (reject): content that could not be checked */
	enum qf_action ambiguous;  /* ambiguous-mime= (reject): readers could disagree */
	enum qf_action partial;    /* message-partial= (reject): a fragment, not checkable */
	bool dkim_verify;          /* dkim=verify|off (verify) */
	enum qf_sign sign;         /* sign=yes|no|relay (relay: relay clients only) */
	enum qf_dmarc_fail dmarc_fail; /* dmarc-fail= (policy) */
	uint64_t size;             /* size= bytes, 0 = none */
	uint64_t part_size;        /* part-size= bytes, 0 = none */
	unsigned max_parts;        /* max-parts= (1000) */
	unsigned max_depth;        /* max-depth= (30) */
	char **ban_types;          /* ban-types= lowercased MIME types, NULL-terminated or NULL */
	char **ban_ext;            /* ban-ext= lowercased extensions without dot */
	char **dkim_require;       /* dkim-require= lowercased domains */
};

void qf_policy_default(struct qf_policy *p);
/* into = the strictest of into and from (see qfilter.rules(5)). 0 or -1 (ENOMEM). */
int qf_policy_merge(struct qf_policy *into, const struct qf_policy *from);
int qf_policy_copy(struct qf_policy *dst, const struct qf_policy *src);
void qf_policy_free(struct qf_policy *p);
/* list helpers: NULL-terminated arrays of strings */
int qf_list_add(char ***list, const char *s);         /* no duplicates; 0 or -1 */

#endif
