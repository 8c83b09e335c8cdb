/* dmarc.c: the dmarc filter: DMARC (auth/auth_dmarc.c, libopendmarc) on
 * the dkim filter's verdicts and the spf filter's result, the result
 * added to the dkim filter's Authentication-Results (dmarc= with
 * header.from and policy.dmarc), one log field with what an aggregate
 * report needs, and the site's dmarc-fail= for a failure. A failure with
 * a valid ARC chain sealed by a domain of arc-trusted-sealers is only
 * logged: the list re-signed it, its seal vouches for the original. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include "auth_arc.h"
#include "auth_dmarc.h"
#include "auth_resolver.h"
#include "auth_spf.h"
#include "authres.h"
#include "dkim_author.h"
#include "dkim_hdr.h"
#include "exitcodes.h"
#include "filter.h"

#define FIELD_MAX 65536

struct dmarc_state {
	const struct qf_config *cfg;
	bool opened;
	char error[300];
};

static bool dmarc_wanted(const struct qf_msg *m)
{
	return m->cfg && m->cfg->dmarc && auth_wanted(m);
}

static void *dmarc_init(const struct qf_config *cfg, char *err, size_t errlen)
{
	struct dmarc_state *st = calloc(1, sizeof *st);

	if (!st) {
		snprintf(err, errlen, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	st->cfg = cfg;
	srandom((unsigned)time(NULL) ^ (unsigned)getpid());
	return st;
}

/* the public suffix list: named and checked by the first message, read
 * by the first that needs it (a qfilterd worker: at its start) */
static int dmarc_open(struct dmarc_state *st, bool now, char *err, size_t errlen)
{
	const char *psl = st->cfg->public_suffix_list ? st->cfg->public_suffix_list : QF_PSL_DEFAULT;

	if (st->opened && !now)
		return 0;
	if (auth_dmarc_open(psl, now, err, errlen) < 0)
		return -1;
	st->opened = true;
	return 0;
}

static int dmarc_start(void *state, char *err, size_t errlen)
{
	struct dmarc_state *st = state;

	if (!st->cfg || !st->cfg->dmarc)
		return 0;   /* no DMARC configured: no list in memory */
	return dmarc_open(state, true, err, errlen);
}

static void dmarc_fini(void *state)
{
	free(state);
}

struct from_seen {
	char domain[256];
	bool several;          /* mailboxes of more than one domain */
	bool some;
};

static int one_from(const char *addr, void *arg)
{
	struct from_seen *f = arg;
	const char *at = strrchr(addr, '@');

	if (!at || !at[1])
		return 0;
	if (f->some && strcasecmp(f->domain, at + 1) != 0)
		f->several = true;
	if (!f->some)
		snprintf(f->domain, sizeof f->domain, "%s", at + 1);
	f->some = true;
	return 0;
}

/* The one From: domain (RFC 7489 §6.6.1), "" when there is none or more
 * than one. -1: a read error or no memory (recorded). */
static int from_domain(struct qf_msg *m, char *out, size_t outlen)
{
	struct from_seen seen = { 0 };
	size_t i, nfrom = 0;

	*out = 0;
	for (i = 0; i < m->hdr->n; i++) {
		const struct dkim_field *f = &m->hdr->f[i];
		size_t len;
		char *text, *colon;
		if (f->kind != DKIM_HDR_FROM)
			continue;
		if (++nfrom > 1)
			return 0;
		if (!(text = dkim_field_read(m->fd, f, FIELD_MAX, &len, NULL))) {
			qf_msg_error(m, errno == ENOMEM ? QF_EXIT_NOMEM : QF_EXIT_READ,
				     "dmarc: reading From: %s", strerror(errno));
			return -1;
		}
		if ((colon = memchr(text, ':', len)))
			dkim_author_each(colon + 1, len - (size_t)(colon + 1 - text), one_from, &seen);
		free(text);
	}
	if (seen.some && !seen.several)
		snprintf(out, outlen, "%s", seen.domain);
	return 0;
}

static bool trusted_sealer(const struct qf_msg *m)
{
	char *const *v = m->cfg->arc_trusted.v;

	if (!m->auth.arc_done || m->auth.arc != AUTH_ARC_PASS || !*m->auth.arc_sealer)
		return false;
	for (; v && *v; v++)
		if (!strcasecmp(*v, m->auth.arc_sealer))
			return true;
	return false;
}

/* what the site does with a failure the domain asks disp for */
static enum qf_action fail_action(enum qf_dmarc_fail set, enum auth_dmarc_policy disp)
{
	if (disp != AUTH_DMARC_P_QUARANTINE && disp != AUTH_DMARC_P_REJECT)
		return QF_ACT_OFF;     /* p=none: the domain only watches */
	switch (set) {
	case QF_DMARC_OFF: return QF_ACT_OFF;
	case QF_DMARC_TAG: return QF_ACT_TAG;
	case QF_DMARC_QUARANTINE: return QF_ACT_QUARANTINE;
	case QF_DMARC_REJECT: return QF_ACT_REJECT;
	case QF_DMARC_POLICY:
		return disp == AUTH_DMARC_P_REJECT ? QF_ACT_TAG : QF_ACT_QUARANTINE;
	case QF_DMARC_POLICY_REJECT:
		return disp == AUTH_DMARC_P_REJECT ? QF_ACT_REJECT : QF_ACT_QUARANTINE;
	}
	return QF_ACT_OFF;
}

static void dmarc_message(struct qf_msg *m, void *state)
{
	struct dmarc_state *st = state;
	struct auth_dmarc_dkim dk[32];
	struct auth_dmarc_in in = { 0 };
	struct auth_dmarc_check out;
	struct dkim_keys keys;
	struct dkim_resolver *r;
	enum qf_action act = QF_ACT_OFF;
	const char *actword = "none";
	char from[256], err[300];
	bool nomem;
	size_t i;

	if (!m->auth.dkim_done)
		return;
	if (from_domain(m, from, sizeof from) < 0)
		return;
	if (dmarc_open(st, false, err, sizeof err) < 0) {
		/* no list: alignment and the organizational domain cannot be judged */
		qf_msg_warn(m, "dmarc: %s", err);
		memset(&out, 0, sizeof out);
		out.result = AUTH_DMARC_TEMPERROR;
		snprintf(out.comment, sizeof out.comment, "no public suffix list");
	} else {
		r = auth_resolver(m, "dmarc", &nomem);
		if (nomem) {
			qf_msg_error(m, QF_EXIT_NOMEM, "dmarc: out of memory");
			return;
		}
		dkim_keys_begin(&keys, r);
		for (i = 0; i < m->auth.ndkim && i < sizeof dk / sizeof dk[0]; i++) {
			dk[i].d = m->auth.dkim[i].d;
			dk[i].s = m->auth.dkim[i].s;
			dk[i].result = m->auth.dkim[i].result;
		}
		in.from_domain = from;
		in.dkim = dk;
		in.ndkim = i;
		in.spf = m->auth.spf_done ? m->auth.spf : -1;
		in.spf_domain = m->auth.spf_domain;
		in.spf_helo = m->auth.spf_helo;
		in.ip = m->client.remote_ip;
		auth_dmarc_run(&keys, qf_msg_ms_left(m), &in, (unsigned)random() % 100, &out);
		if (out.nomem) {
			qf_msg_error(m, QF_EXIT_NOMEM, "dmarc: out of memory");
			return;
		}
	}
	{
		struct authres_prop p[2] = {
			{ "header.from", from, false },
			{ "policy.dmarc", auth_dmarc_policy_name(out.policy), false },
		};
		if (auth_resinfo_add(m, authres_method("dmarc", auth_dmarc_result_name(out.result),
						       out.comment, p, 2)) < 0)
			return;
	}
	if (out.result == AUTH_DMARC_FAIL) {
		act = fail_action(m->policy.dmarc_fail, out.disposition);
		if (act != QF_ACT_OFF && trusted_sealer(m)) {
			act = QF_ACT_OFF;
			actword = "arc-trusted";
		} else
			actword = qf_action_name(act);
	} else if (out.result == AUTH_DMARC_TEMPERROR) {
		/* a policy we could not learn, or alignment we could not judge,
		 * where the domain might ask for something: try again later,
		 * unless the site never acts on DMARC */
		bool may_act = out.policy != AUTH_DMARC_P_NONE;
		if (may_act && m->policy.dmarc_fail != QF_DMARC_OFF)
			act = m->policy.dmarc_fail == QF_DMARC_TAG ? QF_ACT_TAG : QF_ACT_TEMPFAIL;
		actword = qf_action_name(act);
	}
	/* the aggregate-report row (RFC 7489 appendix C): header_from, the
	 * record's domain, p, pct, the disposition asked for, what we did,
	 * the DKIM and SPF alignment; ip= is in the line already */
	if (!out.policy)
		out.pct = 0;   /* no record: no pct either */
	qf_msg_result(m, "%s:from=%s,domain=%s,p=%s,pct=%d,disposition=%s,action=%s,dkim=%s,spf=%s",
		      auth_dmarc_result_name(out.result), *from ? from : "-",
		      *out.record_domain ? out.record_domain : "-",
		      out.policy ? auth_dmarc_policy_name(out.policy) : "-", out.pct,
		      out.disposition ? auth_dmarc_policy_name(out.disposition) : "-", actword,
		      out.dkim_aligned ? "pass" : "fail", out.spf_aligned ? "pass" : "fail");
	if (act == QF_ACT_TEMPFAIL)
		qf_msg_finding(m, act, "4.7.26", "dmarc temperror",
			       "the DMARC policy of %s could not be checked, try again later", from);
	else if (act != QF_ACT_OFF)
		qf_msg_finding(m, act, "5.7.26", "dmarc fail",
			       "message fails the DMARC policy of %s (p=%s)", from,
			       auth_dmarc_policy_name(out.policy));
}

const struct qf_filter qf_filter_dmarc = {
	.name = "dmarc",
	.wanted = dmarc_wanted,
	.init = dmarc_init,
	.start = dmarc_start,
	.fini = dmarc_fini,
	.message = dmarc_message,
};
