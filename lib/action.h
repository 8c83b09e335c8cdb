/* action.h: what may be done with a message that has a finding, least to
 * most severe. The same order ranks verdicts in the chain and settings in
 * the merge of several recipients. One vocabulary for the control file
 * (lib/config.c) and the rules (rules/), so it lives below both. */
#ifndef QF_ACTION_H
#define QF_ACTION_H

enum qf_action {
	QF_ACT_OFF = 0,      /* as a verdict: pass */
	QF_ACT_TAG,          /* deliver with X-Qfilter-Tag: */
	QF_ACT_TEMPFAIL,     /* 71 / Z text */
	QF_ACT_QUARANTINE,   /* store in the quarantine Maildir, exit 0 */
	QF_ACT_REJECT,       /* 31 / D text */
	QF_ACT_DROP          /* exit 0, not queued */
};
#define QF_ACT_PASS QF_ACT_OFF

const char *qf_action_name(enum qf_action a);        /* "off", "tag", ... */
int qf_action_parse(const char *s, enum qf_action *a); /* 0 or -1 */

#endif
