/* decide.c: the most severe finding becomes the message's decision, and
 * a refusal gets its reply text, fit for the custom-error descriptor:
 * one line, at most 255 bytes, ending with the enhanced status code. */
#include <stdio.h>
#include <string.h>
#include "chain.h"
#include "exitcodes.h"

static void reply(struct qf_decision *d, char kind, const char *text, const char *dsn)
{
	char code[32];
	size_t n, room, i;

	snprintf(code, sizeof code, " (#%s)", dsn ? dsn : (kind == 'D' ? "5.3.0" : "4.3.0"));
	room = QF_REPLY_MAX - 1 - strlen(code);
	n = strlen(text);
	if (n > room)
		n = room;
	d->reply[0] = kind;
	memcpy(d->reply + 1, text, n);
	for (i = 1; i <= n; i++)
		if ((unsigned char)d->reply[i] < 0x20 || d->reply[i] == 0x7f)
			d->reply[i] = ' ';   /* qmail-smtpd prints it verbatim */
	strcpy(d->reply + 1 + n, code);
}

void qf_decide(const struct qf_msg *m, struct qf_decision *d)
{
	const struct qf_result *worst = NULL;
	size_t i;

	memset(d, 0, sizeof *d);
	d->filter = "core";
	if (m->error_exit) {
		const struct qf_exit_info *e = qf_exit_lookup(m->error_exit);
		d->action = QF_ACT_TEMPFAIL;
		d->exit = m->error_exit;
		d->reason = m->error_text ? m->error_text : (e ? e->name : "error");
		reply(d, qf_exit_permanent(d->exit) ? 'D' : 'Z', e ? e->meaning : "error", NULL);
		return;
	}
	for (i = 0; i < m->nresults; i++) {
		const struct qf_result *r = &m->results[i];
		if (r->reason && r->action != QF_ACT_OFF && (!worst || r->action > worst->action))
			worst = r;
	}
	if (!worst)
		return;   /* accepted */
	d->action = worst->action;
	d->filter = worst->filter;
	/* the log names the filter first: "exe: PE executable tool.exe" */
	snprintf(d->why, sizeof d->why, "%s: %s", worst->filter, worst->reason);
	d->reason = d->why;
	switch (worst->action) {
	case QF_ACT_TEMPFAIL:
		d->exit = QF_EXIT_TEMPFAIL;
		if (worst->dsn && worst->dsn[0] == '5') {
			/* a finding that would refuse for good, held back for now by
			 * policy (exe=tempfail): a 4xx reply carries a 4.x.x code
			 * (RFC 3463) and says it is not a final no */
			char dsn[16], text[QF_REPLY_MAX];
			snprintf(dsn, sizeof dsn, "4%s", worst->dsn + 1);
			snprintf(text, sizeof text, "message held back for now: %s",
				 worst->text ? worst->text : "refused by policy");
			reply(d, 'Z', text, dsn);
		} else {
			reply(d, 'Z', worst->text ? worst->text : "temporary problem", worst->dsn);
		}
		break;
	case QF_ACT_REJECT:
		d->exit = QF_EXIT_REFUSED;
		/* a temporary kind of finding (4.x.x) that policy refuses for
		 * good is a 5.x.x refusal: the class follows the reply */
		if (worst->dsn && worst->dsn[0] == '4') {
			char dsn[16];
			snprintf(dsn, sizeof dsn, "5%s", worst->dsn + 1);
			reply(d, 'D', worst->text ? worst->text : "message refused", dsn);
		} else {
			reply(d, 'D', worst->text ? worst->text : "message refused", worst->dsn);
		}
		break;
	default:   /* tag: accepted; drop, quarantine: exit 0 */
		d->exit = 0;
	}
}
