/* dkim_policy.c: dkim-require=: mail whose From: domain is listed must
 * carry a passing DKIM signature whose d= is exactly that domain (strict
 * alignment, as DMARC's adkim=s: a parent or a subdomain does not do).
 * Every author counts: each mailbox of each From: field (several
 * mailboxes, group members), as GMime's address parser reads them
 * (dkim/dkim_author.c). A key that could not be fetched is a temporary
 * refusal, never a rejection. The findings go to the caller (the dkim
 * filter), which reports them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "dkim_int.h"
#include "dkim_author.h"
#include "dkim_name.h"
#include "exitcodes.h"
#include "list.h"

#define CHECKED_MAX 32   /* distinct listed domains remembered, so each is checked once */

struct authors {
	struct dkim_job *job;
	char *const *require;
	enum qf_action fail;
	void (*fn)(const struct dkim_finding *f, void *arg);
	void *arg;
	char checked[CHECKED_MAX][256];
	size_t nchecked;
	struct dkim_finding f;
};

static void check_domain(struct authors *au, const char *domain)
{
	struct dkim_job *job = au->job;
	struct dkim_finding *f = &au->f;
	bool temp = false, any_pass = false;
	enum qf_action act = au->fail;
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
		f->action = QF_ACT_TEMPFAIL;
		f->dsn = "4.4.3";
		f->reason = "dkim-require: key look-up failed";
		snprintf(f->text, sizeof f->text,
			 "the DKIM key of %s could not be fetched, try again later", domain);
		au->fn(f, au->arg);
		return;
	}
	/* RFC 7372: X.7.20 no passing signature, X.7.22 none author-matched */
	f->action = act;
	f->dsn = act == QF_ACT_TEMPFAIL ? (any_pass ? "4.7.22" : "4.7.20")
					: (any_pass ? "5.7.22" : "5.7.20");
	f->reason = any_pass ? "dkim-require: no passing signature of the From: domain"
			     : "dkim-require: no passing DKIM signature";
	snprintf(f->text, sizeof f->text, "mail from %s must carry a valid DKIM signature of %s",
		 domain, domain);
	au->fn(f, au->arg);
}

static int one_author(const char *addr, void *arg)
{
	struct authors *au = arg;
	const char *dom = dkim_addr_domain(addr);
	char domain[256];
	size_t n, i;

	if (!dom)
		return 0;
	dkim_copy(domain, sizeof domain, dom);
	n = strlen(domain);
	if (n && domain[n - 1] == '.')
		domain[n - 1] = 0;
	if (!qf_list_has(au->require, domain))
		return 0;
	for (i = 0; i < au->nchecked; i++)
		if (!strcasecmp(au->checked[i], domain))
			return 0;
	if (au->nchecked < CHECKED_MAX)
		dkim_copy(au->checked[au->nchecked++], sizeof au->checked[0], domain);
	check_domain(au, domain);
	return 0;
}

static int fail(struct dkim_error *err, int exit, const char *text)
{
	err->exit = exit;
	dkim_copy(err->text, sizeof err->text, text);
	return -1;
}

int dkim_policy_check(struct dkim_job *job, char *const *require, enum qf_action act,
		      void (*fn)(const struct dkim_finding *f, void *arg), void *arg,
		      struct dkim_error *err)
{
	struct authors *au;
	int r = 0;
	size_t i;

	if (!require || !require[0])
		return 0;
	if (!(au = calloc(1, sizeof *au)))
		return fail(err, QF_EXIT_NOMEM, "dkim: dkim-require: out of memory");
	au->job = job;
	au->require = require;
	au->fail = act;
	au->fn = fn;
	au->arg = arg;
	/* every From: field counts, so a second one cannot slip past */
	for (i = 0; i < job->hdr->n; i++) {
		const struct dkim_field *f = &job->hdr->f[i];
		char *text, *colon;
		size_t len;

		if (f->kind != DKIM_HDR_FROM)
			continue;
		if (!(text = dkim_field_read(job->fd, f, DKIM_FIELD_MAX, &len, NULL))) {
			if (errno == ENOMEM)
				r = fail(err, QF_EXIT_NOMEM, "dkim: dkim-require: out of memory");
			else
				r = fail(err, QF_EXIT_READ, "dkim: cannot read the spooled message");
			break;
		}
		if ((colon = memchr(text, ':', len)))
			dkim_author_each(colon + 1, len - (size_t)(colon + 1 - text), one_author, au);
		free(text);
	}
	free(au);
	return r;
}
