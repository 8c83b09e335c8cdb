/* sign.c: the sign filter: DKIM-signs the mail that qfilter takes from
 * relay clients (RELAYCLIENT, an authenticated user) or whoever the
 * rules' sign= names, with the keys of the config's sign-keys table
 * (qfilter-sign(8) gives the table's format and the choice of domain).
 * It signs the message as it arrived: the headers that qfilter and its
 * other filters add are not signed, and those it leaves out (forged
 * Authentication-Results, X-Qfilter*) are not among the signed names.
 * Results: "signed:DOMAIN", "nokey:DOMAIN" (sent unsigned, as a domain
 * without a key is), "unsigned:no-from". A key that cannot be read, or
 * a signature that cannot be made, is a temporary refusal (71), never an
 * unsigned send. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dkim_hdr.h"
#include "exitcodes.h"
#include "filter.h"
#include "sign.h"
#include "sign_keys.h"

#define SIGN_TEMP_TEXT "unable to sign the message, try again later"

struct sign_state {
	void *lib;                 /* DKIM_LIB *, shared by qfilterd's threads as opendkim's is */
	struct sign_keys table;    /* read once; SIGHUP reads it again */
};

static bool sign_wanted(const struct qf_msg *m)
{
	if (!m->cfg || !m->cfg->sign_keys)
		return false;
	return m->policy.sign == QF_SIGN_YES ||
	       (m->policy.sign == QF_SIGN_RELAY && m->client.relay);
}

static void sign_fini(void *state)
{
	struct sign_state *st = state;

	if (!st)
		return;
	sign_lib_close(st->lib);
	sign_keys_free(&st->table);
	free(st);
}

static void *sign_init(const struct qf_config *cfg, char *err, size_t errlen)
{
	struct sign_state *st = calloc(1, sizeof *st);

	if (!st) {
		snprintf(err, errlen, "sign: out of memory");
		return NULL;
	}
	if (!cfg->sign_keys)
		return st;   /* qfilterd starts every filter; this one is never wanted */
	if (sign_keys_load(cfg->sign_keys, &st->table, err, errlen) < 0 ||
	    !(st->lib = sign_lib_open(NULL, err, errlen))) {
		sign_fini(st);
		return NULL;
	}
	return st;
}

static void temp_refusal(struct qf_msg *m, const char *reason)
{
	qf_msg_finding(m, QF_ACT_TEMPFAIL, "4.3.0", reason, SIGN_TEMP_TEXT);
	qf_msg_result(m, "tempfail");
}

static void sign_message_hook(struct qf_msg *m, void *state)
{
	struct sign_state *st = state;
	const struct sign_key *keys[SIGN_MAX_KEYS];
	struct sign_secret secret;
	char from[SIGN_DOMAIN_MAX], envdom[SIGN_DOMAIN_MAX], err[512], reason[700];
	char *value;
	size_t n = 0, i;

	if (!m->hdr || m->truncated)
		return;   /* the chain has refused it already */
	if (sign_domains(m->fd, m->hdr, m->env.sender, from, envdom) < 0) {
		qf_msg_error(m, QF_EXIT_NOMEM, "sign: reading From: failed");
		return;
	}
	if (*from)
		n = sign_keys_find(&st->table, from, keys);
	if (!n && *envdom) {
		n = sign_keys_find(&st->table, envdom, keys);
	}
	if (!n) {
		qf_msg_result(m, "nokey:%s", *from ? from : *envdom ? envdom : "none");
		return;
	}
	for (i = 0; i < n; i++) {
		if (sign_secret_read(keys[i], &secret, err, sizeof err) < 0) {
			snprintf(reason, sizeof reason, "key of %s (%s:%u): %s", keys[i]->domain,
				 st->table.file, keys[i]->line, err);
			temp_refusal(m, reason);
			return;
		}
		switch (sign_message(st->lib, m->fd, m->size, m->hdr, keys[i], &secret, &value, err, sizeof err)) {
		case SIGN_OK:
			break;
		case SIGN_CANNOT:
			sign_secret_free(&secret);
			qf_msg_result(m, "unsigned:no-from");
			return;
		default:
			sign_secret_free(&secret);
			snprintf(reason, sizeof reason, "d=%s s=%s: %s", keys[i]->domain, keys[i]->selector, err);
			temp_refusal(m, reason);
			return;
		}
		sign_secret_free(&secret);
		if (qf_msg_add_header(m, "DKIM-Signature", "%s", value) < 0) {
			free(value);
			return;   /* recorded as out of memory */
		}
		free(value);
	}
	qf_msg_result(m, "signed:%s", keys[0]->domain);
}

const struct qf_filter qf_filter_sign = {
	.name = "sign",
	.wanted = sign_wanted,
	.init = sign_init,
	.fini = sign_fini,
	.message = sign_message_hook,
};
