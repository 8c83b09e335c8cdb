/* spf.c: the spf filter: SPF (auth/auth_spf.c, libspf2) of the envelope
 * sender against the client's address, its result added to the
 * Authentication-Results header of the dkim filter (spf=, with
 * smtp.mailfrom or smtp.helo), Received-SPF: when asked for, and handed
 * on to the dmarc filter. A result only: what a failing message gets is
 * DMARC's business (dmarc-fail=), never SPF's alone. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "auth_resolver.h"
#include "auth_spf.h"
#include "authres.h"
#include "exitcodes.h"
#include "filter.h"

struct spf_state {
	const struct qf_config *cfg;
	struct auth_spf *spf;     /* libspf2's server: made when first needed */
};

/* Mail from relay clients is ours to send, not to judge, and mail that
 * did not come over SMTP (no TCPREMOTEIP: qmail-inject, a .qmail
 * forward) has no client to judge; the header it goes into is the dkim
 * filter's. */
bool auth_wanted(const struct qf_msg *m)
{
	return m->policy.dkim_verify && !m->client.relay && m->client.remote_ip && *m->client.remote_ip;
}

static bool spf_wanted(const struct qf_msg *m)
{
	return m->cfg && (m->cfg->spf || m->cfg->dmarc) && auth_wanted(m);
}

static void *spf_init(const struct qf_config *cfg, char *err, size_t errlen)
{
	struct spf_state *st = calloc(1, sizeof *st);

	if (!st) {
		snprintf(err, errlen, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	st->cfg = cfg;
	return st;
}

static int spf_make(struct spf_state *st, char *err, size_t errlen)
{
	if (st->spf)
		return 0;
	return auth_spf_new(st->cfg->authserv_id, &st->spf, err, errlen);
}

/* a qfilterd worker: libspf2's server before the first message, when
 * the configuration asks for SPF at all */
static int spf_start(void *state, char *err, size_t errlen)
{
	struct spf_state *st = state;

	if (!st->cfg || !(st->cfg->spf || st->cfg->dmarc))
		return 0;
	return spf_make(state, err, errlen);
}

static void spf_fini(void *state)
{
	struct spf_state *st = state;

	if (st)
		auth_spf_free(st->spf);
	free(st);
}

static void spf_message(struct qf_msg *m, void *state)
{
	struct spf_state *st = state;
	struct auth_spf_check out;
	struct dkim_keys keys;
	struct dkim_resolver *r;
	const char *sender = m->env.sender ? m->env.sender : "";
	const char *helo = m->client.helo;
	char err[200];
	bool nomem;

	if (!m->auth.dkim_done)
		return;   /* no header to add to (the dkim filter was skipped) */
	if (spf_make(st, err, sizeof err) < 0) {
		qf_msg_error(m, QF_EXIT_NOMEM, "%s", err);
		return;
	}
	r = auth_resolver(m, "spf", &nomem);
	if (nomem) {
		qf_msg_error(m, QF_EXIT_NOMEM, "spf: out of memory");
		return;
	}
	dkim_keys_begin(&keys, r);
	auth_spf_run(st->spf, &keys, qf_msg_ms_left(m), m->client.remote_ip, sender, helo,
		     m->cfg->received_spf, &out);
	if (out.nomem) {
		free(out.received_spf);
		qf_msg_error(m, QF_EXIT_NOMEM, "spf: out of memory");
		return;
	}
	if (!r && out.result == AUTH_SPF_TEMPERROR)
		snprintf(out.comment, sizeof out.comment, "no resolver");
	{
		struct authres_prop p[1] = { { *sender ? "smtp.mailfrom" : "smtp.helo",
					       *sender ? sender : helo, true } };
		if (auth_resinfo_add(m, authres_method("spf", auth_spf_result_name(out.result),
						       out.comment, p, 1)) < 0) {
			free(out.received_spf);
			return;
		}
	}
	if (out.received_spf) {
		qf_msg_add_header(m, "Received-SPF", "%s", out.received_spf);
		free(out.received_spf);
	}
	if (out.result == AUTH_SPF_TEMPERROR && *out.comment)
		qf_msg_warn(m, "spf: %s", out.comment);
	m->auth.spf_done = true;
	m->auth.spf = (int)out.result;
	m->auth.spf_helo = !*sender;
	snprintf(m->auth.spf_domain, sizeof m->auth.spf_domain, "%s", out.domain);
	qf_msg_result(m, "%s%s%s", auth_spf_result_name(out.result), *out.domain ? ":" : "",
		      *out.domain ? out.domain : "");
}

const struct qf_filter qf_filter_spf = {
	.name = "spf",
	.wanted = spf_wanted,
	.init = spf_init,
	.start = spf_start,
	.fini = spf_fini,
	.message = spf_message,
};
