/* auth_spf_dns.c: see auth_spf_dns.h. The answer's records are read from
 * libunbound's answer packet with the C library's resolver parser
 * (ns_initparse, ns_name_uncompress), not a parser of our own. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <resolv.h>
#include <unbound.h>
#include "auth_spf.h"
#include "auth_spf_dns.h"

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void note(struct auth_spf_dns_job *job, const char *why)
{
	if (!job->why[0])
		snprintf(job->why, sizeof job->why, "%.150s", why);
}

/* copies one record's data into rr->rr[i] as libspf2 keeps it */
static int put_rr(SPF_dns_rr_t *rr, int i, ns_type type, const ns_msg *msg, const ns_rr *r)
{
	const unsigned char *rd = ns_rr_rdata(*r);
	size_t rdlen = ns_rr_rdlen(*r);
	char name[NS_MAXDNAME];

	switch (type) {
	case ns_t_a:
		if (rdlen != 4)
			return 1;      /* not an address: skipped */
		if (SPF_dns_rr_buf_realloc(rr, i, sizeof(struct in_addr)) != SPF_E_SUCCESS)
			return -1;
		memcpy(&rr->rr[i]->a, rd, 4);
		return 0;
	case ns_t_aaaa:
		if (rdlen != 16)
			return 1;
		if (SPF_dns_rr_buf_realloc(rr, i, sizeof(struct in6_addr)) != SPF_E_SUCCESS)
			return -1;
		memcpy(&rr->rr[i]->aaaa, rd, 16);
		return 0;
	case ns_t_mx:
	case ns_t_ptr: {
		const unsigned char *p = type == ns_t_mx ? rd + 2 : rd;
		if ((type == ns_t_mx && rdlen < 3) ||
		    ns_name_uncompress(ns_msg_base(*msg), ns_msg_end(*msg), p, name, sizeof name) < 0)
			return 1;
		if (SPF_dns_rr_buf_realloc(rr, i, strlen(name) + 1) != SPF_E_SUCCESS)
			return -1;
		memcpy(rr->rr[i]->mx, name, strlen(name) + 1);
		return 0;
	}
	case ns_t_txt: {
		/* the character-strings joined, as RFC 7208 §3.3 says */
		size_t j = 0, n = 0;
		if (SPF_dns_rr_buf_realloc(rr, i, rdlen + 1) != SPF_E_SUCCESS)
			return -1;
		while (j < rdlen) {
			size_t sl = rd[j++];
			if (sl > rdlen - j)
				sl = rdlen - j;
			memcpy(rr->rr[i]->txt + n, rd + j, sl);
			n += sl;
			j += sl;
		}
		rr->rr[i]->txt[n] = 0;
		return 0;
	}
	default:
		return 1;
	}
}

static SPF_dns_rr_t *answer(SPF_dns_server_t *srv, const char *domain, ns_type type, int herrno)
{
	return SPF_dns_rr_new_init(srv, domain, type, 0, herrno);
}

static SPF_dns_rr_t *lookup(SPF_dns_server_t *srv, const char *domain, ns_type type, int should_cache)
{
	struct auth_spf_dns_job *job = srv->hook;
	struct ub_result *res = NULL;
	enum dkim_key_status st;
	SPF_dns_rr_t *rr;
	ns_msg msg;
	char err[200];
	int left, count, i, n = 0;

	(void)should_cache;   /* libunbound caches */
	/* the SPF RR type (99) is obsolete (RFC 7208 §3.1): never asked */
	if (type == ns_t_spf || !job)
		return answer(srv, domain, type, NO_DATA);
	if (job->void_over || job->nomem || job->tempfail)
		return answer(srv, domain, type, TRY_AGAIN);   /* the check is over */
	left = (int)(job->deadline_ms - mono_ms());
	st = dkim_dns_query(job->keys, domain, type, left > 0 ? left : 0, &res, err, sizeof err);
	if (st == DKIM_KEY_NOMEM) {
		job->nomem = true;
		note(job, err);
		return answer(srv, domain, type, TRY_AGAIN);
	}
	if (st != DKIM_KEY_FOUND) {
		job->tempfail = true;
		note(job, err);
		return answer(srv, domain, type, TRY_AGAIN);
	}
	if (res->rcode != 0 && res->rcode != 3) {
		snprintf(err, sizeof err, "%s: DNS error (rcode %d)", domain, res->rcode);
		job->tempfail = true;
		note(job, err);
		ub_resolve_free(res);
		return answer(srv, domain, type, TRY_AGAIN);
	}
	if (res->rcode == 3 || !res->havedata) {
		int nx = res->rcode == 3;
		ub_resolve_free(res);
		if (++job->voids > AUTH_SPF_MAX_VOID) {
			job->void_over = true;
			snprintf(err, sizeof err, "more than %d void DNS look-ups", AUTH_SPF_MAX_VOID);
			note(job, err);
			return answer(srv, domain, type, TRY_AGAIN);
		}
		return answer(srv, domain, type, nx ? HOST_NOT_FOUND : NO_DATA);
	}
	if (!(rr = answer(srv, domain, type, NETDB_SUCCESS))) {
		ub_resolve_free(res);
		job->nomem = true;
		note(job, "out of memory");
		return NULL;
	}
	rr->ttl = res->ttl;
	if (ns_initparse(res->answer_packet, res->answer_len, &msg) < 0) {
		ub_resolve_free(res);
		SPF_dns_rr_free(rr);
		job->tempfail = true;
		note(job, "an unreadable DNS answer");
		return answer(srv, domain, type, TRY_AGAIN);
	}
	count = ns_msg_count(msg, ns_s_an);
	for (i = 0; i < count; i++) {
		ns_rr r;
		int put;
		if (ns_parserr(&msg, ns_s_an, i, &r) < 0)
			break;
		if (ns_rr_type(r) != type)
			continue;      /* the CNAMEs on the way */
		if ((put = put_rr(rr, n, type, &msg, &r)) < 0) {
			job->nomem = true;
			note(job, "out of memory");
			break;
		}
		n += put == 0;
	}
	ub_resolve_free(res);
	rr->num_rr = n;
	if (job->nomem) {
		SPF_dns_rr_free(rr);
		return answer(srv, domain, type, TRY_AGAIN);
	}
	if (n == 0)
		rr->herrno = NO_DATA;
	return rr;
}

SPF_dns_server_t *auth_spf_dns_new(void)
{
	SPF_dns_server_t *srv = calloc(1, sizeof *srv);

	if (!srv)
		return NULL;
	srv->lookup = lookup;   /* get_spf, get_exp, add_cache: libspf2's own, on this */
	srv->name = "qfilter";
	return srv;
}
