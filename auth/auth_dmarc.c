/* auth_dmarc.c: see auth_dmarc.h. libopendmarc parses the record, finds
 * the organizational domain and judges alignment; the look-ups and the
 * pct= sampling are ours, and so is the alignment (see aligned()). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <sys/stat.h>
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
static char psl_path[MAXPATHLEN];

/* The list into libopendmarc's table (some 20 M instructions): only when
 * a message first needs an organizational domain, or at a qfilterd
 * worker's start. */
static int load_psl(char *err, size_t errlen)
{
	OPENDMARC_LIB_T lib;

	if (psl_loaded)
		return 0;
	if (!psl_path[0]) {
		snprintf(err, errlen, "public suffix list: not opened");
		return -1;
	}
	memset(&lib, 0, sizeof lib);
	lib.tld_type = OPENDMARC_TLD_TYPE_MOZILLA;
	memcpy(lib.tld_source_file, psl_path, strlen(psl_path) + 1);
	errno = 0;
	if (opendmarc_policy_library_init(&lib) != DMARC_PARSE_OKAY) {
		snprintf(err, errlen, "public suffix list %s: cannot be read", psl_path);
		return -1;
	}
	psl_loaded = true;
	return 0;
}

/* the organizational domain of d (RFC 7489 §3.2): 0, or -1 (no list) */
static int org_domain(const char *d, u_char *out, size_t outlen, bool *nolist)
{
	char err[300];

	*out = 0;
	if (load_psl(err, sizeof err) < 0) {
		*nolist = true;
		return -1;
	}
	return opendmarc_get_tld((u_char *)d, out, outlen) == 0 && *out ? 0 : -1;
}

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

int auth_dmarc_open(const char *psl, bool now, char *err, size_t errlen)
{
	struct stat st;

	if (psl_loaded)
		return 0;
	/* libopendmarc would take a missing file for "no list" and then
	 * judge every domain its own organizational domain: refuse that */
	if (stat(psl, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "public suffix list %s: %s", psl,
			 errno ? strerror(errno) : "not a file");
		return -1;
	}
	if (strlen(psl) >= sizeof psl_path) {
		snprintf(err, errlen, "public suffix list: path too long");
		return -1;
	}
	memcpy(psl_path, psl, strlen(psl) + 1);
	return now ? load_psl(err, errlen) : 0;
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

/* Identifier alignment (RFC 7489 §3.1): strict, the same name; relaxed,
 * the same organizational domain. Ours rather than libopendmarc 1.4's
 * opendmarc_policy_check_alignment, which in strict mode compares the
 * organizational domain of the other name with the From: domain (so that
 * mail.example.org passes strict alignment with example.org). */
static bool aligned(const char *from, const char *d, bool strict, bool *nolist)
{
	u_char a[256], b[256], c[256];
	size_t dl = strlen(d);

	if (dl && d[dl - 1] == '.')
		dl--;
	if (strlen(from) == dl && !strncasecmp(from, d, dl))
		return true;
	if (strict || dl >= sizeof b)
		return false;
	memcpy(b, d, dl);
	b[dl] = 0;
	return org_domain(from, a, sizeof a, nolist) == 0 && org_domain((char *)b, c, sizeof c, nolist) == 0 &&
	       !strcasecmp((char *)a, (char *)c);
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
	int st, p = 0, sp = 0, pct = 100, adkim = 0, aspf = 0;
	bool temp = false, nolist = false;

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
		if (org_domain(from, (u_char *)org, sizeof org, &nolist) < 0 || !strcasecmp(org, from)) {
			out->result = nolist ? AUTH_DMARC_TEMPERROR : AUTH_DMARC_NONE;
			if (nolist)
				snprintf(out->comment, sizeof out->comment, "no public suffix list");
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
	opendmarc_policy_fetch_adkim(pctx, &adkim);
	opendmarc_policy_fetch_aspf(pctx, &aspf);
	opendmarc_policy_fetch_p(pctx, &p);
	opendmarc_policy_fetch_sp(pctx, &sp);
	opendmarc_policy_fetch_pct(pctx, &pct);
	for (i = 0; i < in->ndkim; i++) {
		if (!in->dkim[i].d || !aligned(from, in->dkim[i].d, adkim == DMARC_RECORD_A_STRICT, &nolist))
			continue;
		out->dkim_aligned |= in->dkim[i].result == AUTHRES_PASS;
		temp |= in->dkim[i].result == AUTHRES_TEMPERROR;
	}
	if (in->spf >= 0 && in->spf_domain && aligned(from, in->spf_domain, aspf == DMARC_RECORD_A_STRICT, &nolist)) {
		out->spf_aligned = in->spf == AUTH_SPF_PASS;
		temp |= in->spf == AUTH_SPF_TEMPERROR;
	}
	out->policy = from_lib(out->subdomain && sp != DMARC_RECORD_P_UNSPECIFIED ? sp : p);
	out->pct = pct;
	if (nolist && !out->dkim_aligned && !out->spf_aligned) {
		/* alignment could not be judged: never a guess */
		out->result = AUTH_DMARC_TEMPERROR;
		snprintf(out->comment, sizeof out->comment, "no public suffix list");
	} else if (out->dkim_aligned || out->spf_aligned) {
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
