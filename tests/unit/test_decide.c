/* test_decide: the decision's reply for every action and every kind of
 * finding (its enhanced status code), and for every error exit code of
 * the table: a 4xx reply (Z, exit 71) carries a 4.x.x code, a 5xx one
 * (D, exit 31) a 5.x.x code (RFC 3463), and accepted outcomes none. */
#include <stdlib.h>
#include <string.h>
#include "chain.h"
#include "exitcodes.h"
#include "unit.h"

static const char *code_of(const char *reply)
{
	const char *p = strstr(reply, "(#");
	return p ? p + 2 : "";
}

int main(void)
{
	static const enum qf_action actions[] = { QF_ACT_OFF, QF_ACT_TAG, QF_ACT_TEMPFAIL,
		QF_ACT_QUARANTINE, QF_ACT_REJECT, QF_ACT_DROP };
	/* the kinds of finding the filters report: exe/size, types, virus,
	 * a temporary trouble, none given */
	static const char *const dsns[] = { "5.3.4", "5.7.1", "5.7.0", "4.3.0", NULL };
	struct qf_result r;
	struct qf_msg m;
	struct qf_decision d;
	const struct qf_exit_info *e;
	size_t a, k;

	for (a = 0; a < sizeof actions / sizeof *actions; a++)
		for (k = 0; k < sizeof dsns / sizeof *dsns; k++) {
			const char *dsn = dsns[k] ? dsns[k] : "none";
			memset(&m, 0, sizeof m);
			memset(&r, 0, sizeof r);
			r.filter = "exe";
			r.action = actions[a];
			r.dsn = (char *)dsns[k];
			r.text = (char *)"we don't accept email with executable content";
			r.reason = (char *)"PE executable tool.exe";
			m.results = &r;
			m.nresults = 1;
			qf_decide(&m, &d);
			switch (actions[a]) {
			case QF_ACT_TEMPFAIL:
				CHECK(d.exit == QF_EXIT_TEMPFAIL && d.reply[0] == 'Z' && code_of(d.reply)[0] == '4',
				      "tempfail, finding %s: exit 71, Z, a 4.x.x code (%s)", dsn, d.reply);
				if (dsns[k] && dsns[k][0] == '5')
					CHECK(strstr(d.reply, "held back") && !strncmp(code_of(d.reply) + 1, dsns[k] + 1, strlen(dsns[k]) - 1),
					      "tempfail of a permanent finding %s: says held back, same subject and detail (%s)",
					      dsn, d.reply);
				break;
			case QF_ACT_REJECT:
				CHECK(d.exit == QF_EXIT_REFUSED && d.reply[0] == 'D' && code_of(d.reply)[0] == '5',
				      "reject, finding %s: exit 31, D, a 5.x.x code (%s)", dsn, d.reply);
				break;
			default:
				CHECK(d.exit == 0 && !d.reply[0], "%s, finding %s: exit 0, no reply",
				      qf_action_name(actions[a]), dsn);
			}
			CHECK(strlen(d.reply) <= QF_REPLY_MAX, "reply within %d bytes", QF_REPLY_MAX);
		}
	for (e = qf_exit_table; e->name; e++) {
		if (!e->code || e->code == QF_EXIT_CUSTOM || e->code == QF_EXIT_REFUSED)
			continue;
		memset(&m, 0, sizeof m);
		m.error_exit = e->code;
		qf_decide(&m, &d);
		CHECK(d.exit == e->code && d.reply[0] == (qf_exit_permanent(e->code) ? 'D' : 'Z') &&
		      code_of(d.reply)[0] == (qf_exit_permanent(e->code) ? '5' : '4'),
		      "error exit %d (%s): its own exit, reply class and code class agree (%s)",
		      e->code, e->name, d.reply);
	}
	/* a finding made while no filter runs is not dropped: it is a bug, 81 */
	memset(&m, 0, sizeof m);
	memset(&r, 0, sizeof r);
	r.filter = "exe";
	m.results = &r;
	m.nresults = 1;
	m.current = (size_t)-1;
	qf_msg_finding(&m, QF_ACT_REJECT, "5.3.4", "PE executable", "refused");
	qf_decide(&m, &d);
	CHECK(d.exit == QF_EXIT_BUG && !r.reason, "a finding outside any filter: exit 81, not dropped");
	free(m.error_text);
	return unit_done();
}
