/* auth_dmarc.c: see auth_dmarc.h. libopendmarc parses the record, finds
 * the organizational domain and judges alignment; the look-ups and the
 * pct= sampling are ours. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unbound.h>
#include <opendmarc/dmarc.h>
#include "auth_dmarc.h"
#include "auth_spf.h"
#include "authres.h"

#define DMARC_RECORD_MAX 4096    /* libopendmarc copies a record into BUFSIZ */

/* exported by libopendmarc 1.4 but declared only in its internal
 * header: the organizational domain of domain, by the list loaded */
int opendmarc_get_tld(u_char *domain, u_char *tld, size_t tld_len);

static bool psl_loaded;

const char *auth_dmarc_result_name(enum auth_dmarc_result r)
{
	static const char *const names[] = { "none", "pass", "fail", "temperror", "permerror" };
	return (unsigned)r < sizeof names / sizeof names[0] ? names[r] : "permerror";
}

const char *auth_dmarc_policy_name(enum auth_dmarc_policy p)
{
	static const char *const names[] = { "", "none", "quarantine", "reject" };
	return (unsigned)p < sizeof names / sizeof names[0] ? names[p] : "";
}

int auth_dmarc_open(const char *psl, char *err, size_t errlen)
{
	OPENDMARC_LIB_T lib;
	FILE *f;

	if (psl_loaded)
		return 0;
	memset(&lib, 0, sizeof lib);
	/* libopendmarc would take a missing file for "no list" and then
	 * judge every domain its own organizational domain: refuse that */
	if (!(f = fopen(psl, "r"))) {
		snprintf(err, errlen, "public suffix list %s: %s", psl, strerror(errno));
		return -1;
	}
	fclose(f);
	lib.tld_type = OPENDMARC_TLD_TYPE_MOZILLA;
	if (strlen(psl) >= sizeof lib.tld_source_file) {
		snprintf(err, errlen, "public suffix list: path too long");
		errno = EINVAL;
		return -1;
	}
	memcpy(lib.tld_source_file, psl, strlen(psl) + 1);
	if (opendmarc_policy_library_init(&lib) != DMARC_PARSE_OKAY) {
		snprintf(err, errlen, "public suffix list %s: cannot be read", psl);
		if (!errno)
			errno = EINVAL;
		return -1;
	}
	psl_loaded = true;
	return 0;
}

enum found { FOUND, ABSENT, TROUBLE, NOMEM };

/* The one v=DMARC1 record at _dmarc.domain (RFC 7489 §6.6.3: none, or
 * more than one, is no policy). */
static enum found lookup(struct dkim_keys *keys, int timeout_ms, const char *domain,
			 char *rec, size_t reclen, char *why, size_t whylen)
{
	struct ub_result *res;
	enum dkim_key_status st;
	char name[300], txt[DMARC_RECORD_MAX];
	int i, n = 0;

	if ((size_t)snprintf(name, sizeof name, "_dmarc.%s", domain) >= sizeof name)
		return ABSENT;
	st = dkim_dns_query(keys, name, 16 /* TXT */, timeout_ms, &res, why, whylen);
	if (st == DKIM_KEY_NOMEM)
		return NOMEM;
	if (st != DKIM_KEY_FOUND)
		return TROUBLE;
	if (res->rcode != 0 && res->rcode != 3) {
		snprintf(why, whylen, "%.120s: DNS error (rcode %d)", name, res->rcode);
		ub_resolve_free(res);
		return TROUBLE;
	}
	for (i = 0; res->rcode == 0 && res->havedata && res->data[i]; i++) {
		if (dkim_dns_txt_join((const unsigned char *)res->data[i], (size_t)res->len[i],
				      txt, sizeof txt) != DKIM_KEY_FOUND)
			continue;
		if (strncasecmp(txt, "v=DMARC1", 8) != 0 || (txt[8] && txt[8] != ';' && txt[8] != ' ' && txt[8] != '\t'))
			continue;
		if (n++ == 0)
			snprintf(rec, reclen, "%s", txt);
	}
	ub_resolve_free(res);
	if (n > 1)
		snprintf(why, whylen, "%.120s: %d DMARC records", name, n);
	return n == 1 ? FOUND : ABSENT;
}

static int dkim_outcome(int r)
{
	switch ((enum authres_result)r) {
	case AUTHRES_PASS: return DMARC_POLICY_DKIM_OUTCOME_PASS;
	case AUTHRES_TEMPERROR: return DMARC_POLICY_DKIM_OUTCOME_TMPFAIL;
	case AUTHRES_NONE: return DMARC_POLICY_DKIM_OUTCOME_NONE;
	default: return DMARC_POLICY_DKIM_OUTCOME_FAIL;
	}
}

static int spf_outcome(int r)
{
	switch ((enum auth_spf_result)r) {
	case AUTH_SPF_PASS: return DMARC_POLICY_SPF_OUTCOME_PASS;
	case AUTH_SPF_FAIL: case AUTH_SPF_SOFTFAIL: return DMARC_POLICY_SPF_OUTCOME_FAIL;
	case AUTH_SPF_TEMPERROR: return DMARC_POLICY_SPF_OUTCOME_TMPFAIL;
	default: return DMARC_POLICY_SPF_OUTCOME_NONE;
	}
}

static enum auth_dmarc_policy from_lib(int p)
{
	return p == DMARC_RECORD_P_REJECT ? AUTH_DMARC_P_REJECT :
	       p == DMARC_RECORD_P_QUARANTINE ? AUTH_DMARC_P_QUARANTINE :
	       p == DMARC_RECORD_P_NONE ? AUTH_DMARC_P_NONE : AUTH_DMARC_P_UNSET;
}

void auth_dmarc_run(struct dkim_keys *keys, int timeout_ms, const struct auth_dmarc_in *in,
		    unsigned pick, struct auth_dmarc_check *out)
{
	DMARC_POLICY_T *pctx = NULL;
	char rec[DMARC_RECORD_MAX], org[256] = "", from[256];
	enum found f;
	size_t i;
	int st, p = 0, sp = 0, pct = 100, da = 0, sa = 0;
	bool temp = false;

	memset(out, 0, sizeof *out);
	if (!in->from_domain || !*in->from_domain || strlen(in->from_domain) >= sizeof from) {
		out->result = AUTH_DMARC_PERMERROR;
		snprintf(out->comment, sizeof out->comment, "no single From: domain");
		return;
	}
	snprintf(from, sizeof from, "%s", in->from_domain);
	for (char *c = from; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	if (from[strlen(from) - 1] == '.')
		from[strlen(from) - 1] = 0;
	f = lookup(keys, timeout_ms, from, rec, sizeof rec, out->comment, sizeof out->comment);
	snprintf(out->record_domain, sizeof out->record_domain, "%s", from);
	if (f == ABSENT) {
		/* the organizational domain's record, when it is another */
		if (opendmarc_get_tld((u_char *)from, (u_char *)org, sizeof org) != 0 || !*org ||
		    !strcasecmp(org, from)) {
			out->result = AUTH_DMARC_NONE;
			return;
		}
		out->comment[0] = 0;
		f = lookup(keys, timeout_ms, org, rec, sizeof rec, out->comment, sizeof out->comment);
		snprintf(out->record_domain, sizeof out->record_domain, "%s", org);
		out->subdomain = true;
	}
	if (f == NOMEM) {
		out->nomem = true;
		return;
	}
	if (f == TROUBLE) {
		out->result = AUTH_DMARC_TEMPERROR;
		return;
	}
	if (f == ABSENT) {
		out->result = AUTH_DMARC_NONE;
		return;
	}
	out->comment[0] = 0;
	if (!(pctx = opendmarc_policy_connect_init((u_char *)(in->ip && *in->ip ? in->ip : "0.0.0.0"),
						   in->ip && strchr(in->ip, ':')))) {
		out->nomem = true;
		return;
	}
	if ((st = opendmarc_policy_store_from_domain(pctx, (u_char *)from)) != DMARC_PARSE_OKAY ||
	    (st = opendmarc_policy_store_dmarc(pctx, (u_char *)rec, (u_char *)from,
					       out->subdomain ? (u_char *)org : NULL)) != DMARC_PARSE_OKAY) {
		out->nomem = st == DMARC_PARSE_ERROR_NO_ALLOC;
		out->result = AUTH_DMARC_PERMERROR;
		snprintf(out->comment, sizeof out->comment, "%s", opendmarc_policy_status_to_str(st));
		goto done;
	}
	for (i = 0; i < in->ndkim; i++) {
		if (!in->dkim[i].d || !*in->dkim[i].d)
			continue;
		/* a d= that is no domain is not aligned: skipped, as the library does */
		(void)opendmarc_policy_store_dkim(pctx, (u_char *)in->dkim[i].d, (u_char *)in->dkim[i].s,
						  dkim_outcome(in->dkim[i].result), NULL);
		temp |= in->dkim[i].result == AUTHRES_TEMPERROR;
	}
	if (in->spf >= 0 && in->spf_domain && *in->spf_domain) {
		(void)opendmarc_policy_store_spf(pctx, (u_char *)in->spf_domain, spf_outcome(in->spf),
						 in->spf_helo ? DMARC_POLICY_SPF_ORIGIN_HELO
							      : DMARC_POLICY_SPF_ORIGIN_MAILFROM, NULL);
		temp |= in->spf == AUTH_SPF_TEMPERROR;
	}
	st = opendmarc_get_policy_to_enforce(pctx);
	opendmarc_policy_fetch_alignment(pctx, &da, &sa);
	opendmarc_policy_fetch_p(pctx, &p);
	opendmarc_policy_fetch_sp(pctx, &sp);
	opendmarc_policy_fetch_pct(pctx, &pct);
	out->dkim_aligned = da == DMARC_POLICY_DKIM_ALIGNMENT_PASS;
	out->spf_aligned = sa == DMARC_POLICY_SPF_ALIGNMENT_PASS;
	out->policy = from_lib(out->subdomain && sp != DMARC_RECORD_P_UNSPECIFIED ? sp : p);
	out->pct = pct;
	if (st == DMARC_POLICY_PASS) {
		out->result = AUTH_DMARC_PASS;
		out->disposition = AUTH_DMARC_P_NONE;
	} else if (temp) {
		/* an answer that did not come might have passed */
		out->result = AUTH_DMARC_TEMPERROR;
		snprintf(out->comment, sizeof out->comment, "DKIM or SPF could not be checked");
	} else {
		out->result = AUTH_DMARC_FAIL;
		out->disposition = out->policy;
		/* outside the pct= sample: one step milder (RFC 7489 §6.6.4) */
		if (pct < 100 && (int)(pick % 100) >= pct && out->disposition > AUTH_DMARC_P_NONE) {
			out->disposition--;
			snprintf(out->comment, sizeof out->comment, "not in the pct=%d sample", pct);
		}
	}
done:
	opendmarc_policy_connect_shutdown(pctx);
}
