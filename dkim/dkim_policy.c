/* dkim_policy.c: dkim-require=: mail whose From: domain is listed must
 * carry a passing DKIM signature whose d= is exactly that domain (strict
 * alignment, as DMARC's adkim=s: a parent or a subdomain does not do).
 * A key that could not be fetched is a temporary refusal, never a
 * rejection. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "dkim_int.h"
#include "dkim_addr.h"
#include "exitcodes.h"

static void check_domain(struct dkim_job *job, const char *domain)
{
	struct qf_msg *m = job->m;
	bool temp = false, any_pass = false;
	enum qf_action act = m->policy.dkim_fail;
	size_t i;

	for (i = 0; i < job->ndkim; i++) {
		const struct authres_sig *a = &job->dkim[i];
		if (a->result == AUTHRES_PASS) {
			any_pass = true;
			if (!strcasecmp(a->d, domain))
				return;    /* satisfied */
		}
		if (a->result == AUTHRES_TEMPERROR && (!*a->d || !strcasecmp(a->d, domain)))
			temp = true;
	}
	if (temp) {
		qf_msg_finding(m, QF_ACT_TEMPFAIL, "4.4.3", "dkim-require: key look-up failed",
			       "the DKIM key of %s could not be fetched, try again later", domain);
		return;
	}
	/* RFC 7372: X.7.20 no passing signature, X.7.22 none author-matched */
	qf_msg_finding(m, act, act == QF_ACT_TEMPFAIL ? (any_pass ? "4.7.22" : "4.7.20")
						      : (any_pass ? "5.7.22" : "5.7.20"),
		       any_pass ? "dkim-require: no passing signature of the From: domain"
				: "dkim-require: no passing DKIM signature",
		       "mail from %s must carry a valid DKIM signature of %s", domain, domain);
}

void dkim_policy_check(struct dkim_job *job)
{
	struct qf_msg *m = job->m;
	size_t i;

	if (!m->policy.dkim_require || !m->policy.dkim_require[0])
		return;
	/* every From: field counts, so a second one cannot slip past */
	for (i = 0; i < job->hdr->n; i++) {
		const struct dkim_field *f = &job->hdr->f[i];
		char addr[384], domain[256], *text, *colon;
		const char *dom;
		size_t len, n;

		if (f->kind != DKIM_HDR_FROM)
			continue;
		if (!(text = dkim_field_read(m->fd, f, DKIM_FIELD_MAX, &len, NULL))) {
			qf_msg_error(m, QF_EXIT_READ, "dkim: cannot read the spooled message");
			return;
		}
		colon = memchr(text, ':', len);
		if (!colon || dkim_addr_first(colon + 1, len - (size_t)(colon + 1 - text), addr, sizeof addr) < 0 ||
		    !(dom = dkim_addr_domain(addr))) {
			free(text);
			continue;
		}
		free(text);
		dkim_copy(domain, sizeof domain, dom);
		n = strlen(domain);
		if (n && domain[n - 1] == '.')
			domain[n - 1] = 0;
		if (qf_list_has(m->policy.dkim_require, domain))
			check_domain(job, domain);
	}
}
