/* rules.h: the compiled rules (a cdb written by qfilter-rules), looked up
 * once per recipient. See qfilter.rules(5) for the language. */
#ifndef QF_RULES_H
#define QF_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include "policy.h"

struct qf_rules;

/* Who a message is for and from: what the selectors look at. */
struct qf_subject {
	const char *sender;   /* envelope sender, "" for bounces */
	const char *rcpt;     /* one envelope recipient */
	const char *ip;       /* TCPREMOTEIP or NULL */
	bool relay;           /* RELAYCLIENT or an authenticated user */
	const struct qf_policy *base; /* what the rules start from (the site's settings
	                                 in qfilter.conf); NULL: qf_policy_default() */
};

/* Opens a compiled rules file. 0, or -1 with a message in err
 * (unreadable, not a qfilter rules file, corrupt): exit 55. */
int qf_rules_open(const char *path, struct qf_rules **r, char *err, size_t errlen);
void qf_rules_close(struct qf_rules *r);

/* The policy of one recipient: the defaults, then every matching rule top
 * to bottom. trace, when not NULL, gets each matching rule as written
 * ("FILE:LINE: text"). 0, or -1 with err (corrupt file, ENOMEM). The
 * rules parsed are kept in r for the next call. */
int qf_rules_policy(struct qf_rules *r, const struct qf_subject *s,
		    struct qf_policy *p,
		    void (*trace)(void *arg, const char *rule), void *arg,
		    char *err, size_t errlen);

#endif
