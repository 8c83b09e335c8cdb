/* auth_spf.c: see auth_spf.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <spf2/spf.h>
#include "auth_spf.h"
#include "auth_spf_dns.h"
#include "exitcodes.h"
#include "log.h"

struct auth_spf {
	SPF_server_t *server;
	SPF_dns_server_t *dns;
};

const char *auth_spf_result_name(enum auth_spf_result r)
{
	static const char *const names[] = {
		"none", "pass", "fail", "softfail", "neutral", "temperror", "permerror"
	};
	return (unsigned)r < sizeof names / sizeof names[0] ? names[r] : "permerror";
}

/* libspf2 reports through these. Its "error" is an assertion that does
 * not return (a NULL where none may be): the process ends as a bug, with
 * a line, rather than abort()'s core. Warnings are about the record and
 * are in the response too: not repeated on fd 2. */
static void __attribute__((noreturn)) spf_error(const char *file, int line, const char *msg)
{
	fprintf(stderr, "%s: error: spf: libspf2: %s (%s:%d)\n", qf_log_name, msg ? msg : "?",
		file ? file : "?", line);
	_exit(QF_EXIT_BUG);
}

static void spf_quiet(const char *file, int line, const char *msg)
{
	(void)file;
	(void)line;
	(void)msg;
}

int auth_spf_new(const char *receiver, struct auth_spf **out, char *err, size_t errlen)
{
	struct auth_spf *s = calloc(1, sizeof *s);

	*out = NULL;
	SPF_error_handler = spf_error;
	SPF_warning_handler = spf_quiet;
	SPF_info_handler = spf_quiet;
	SPF_debug_handler = spf_quiet;
	if (!s || !(s->dns = auth_spf_dns_new()) || !(s->server = SPF_server_new_dns(s->dns, 0))) {
		if (s)
			free(s->dns);
		free(s);
		snprintf(err, errlen, "spf: out of memory");
		errno = ENOMEM;
		return -1;
	}
	SPF_server_set_max_dns_mech(s->server, AUTH_SPF_MAX_DNS_MECH);
	SPF_server_set_max_dns_mx(s->server, 10);
	SPF_server_set_max_dns_ptr(s->server, 10);
	if (receiver && *receiver)
		SPF_server_set_rec_dom(s->server, receiver);
	*out = s;
	return 0;
}

void auth_spf_free(struct auth_spf *s)
{
	if (!s)
		return;
	if (s->server)
		SPF_server_free(s->server);
	free(s->dns);
	free(s);
}

static enum auth_spf_result from_lib(SPF_result_t r)
{
	switch (r) {
	case SPF_RESULT_PASS: return AUTH_SPF_PASS;
	case SPF_RESULT_FAIL: return AUTH_SPF_FAIL;
	case SPF_RESULT_SOFTFAIL: return AUTH_SPF_SOFTFAIL;
	case SPF_RESULT_NEUTRAL: return AUTH_SPF_NEUTRAL;
	case SPF_RESULT_NONE: return AUTH_SPF_NONE;
	case SPF_RESULT_TEMPERROR: return AUTH_SPF_TEMPERROR;
	default: return AUTH_SPF_PERMERROR;
	}
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void set_comment(struct auth_spf_check *out, const char *fmt, const char *arg)
{
	snprintf(out->comment, sizeof out->comment, fmt, arg ? arg : "");
}

/* A's and AAAA's of ::ffff:a.b.c.d are the v4 address's */
static int set_ip(SPF_request_t *req, const char *ip)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (inet_pton(AF_INET, ip, &a4) == 1)
		return SPF_request_set_ipv4(req, a4) == SPF_E_SUCCESS ? 0 : -1;
	if (inet_pton(AF_INET6, ip, &a6) == 1) {
		if (IN6_IS_ADDR_V4MAPPED(&a6)) {
			memcpy(&a4, &a6.s6_addr[12], 4);
			return SPF_request_set_ipv4(req, a4) == SPF_E_SUCCESS ? 0 : -1;
		}
		return SPF_request_set_ipv6(req, a6) == SPF_E_SUCCESS ? 0 : -1;
	}
	return -1;
}

static bool loopback(const char *ip)
{
	return !strncmp(ip, "127.", 4) || !strcmp(ip, "::1") || !strncasecmp(ip, "::ffff:127.", 11);
}

void auth_spf_run(struct auth_spf *s, struct dkim_keys *keys, int timeout_ms,
		  const char *ip, const char *sender, const char *helo, bool received,
		  struct auth_spf_check *out)
{
	struct auth_spf_dns_job job = { 0 };
	SPF_request_t *req = NULL;
	SPF_response_t *resp = NULL;
	const char *at;

	memset(out, 0, sizeof *out);
	out->result = AUTH_SPF_NONE;
	at = sender ? strrchr(sender, '@') : NULL;
	if (sender && *sender)
		snprintf(out->domain, sizeof out->domain, "%s", at ? at + 1 : sender);
	else if (helo && *helo)
		snprintf(out->domain, sizeof out->domain, "%s", helo);
	if (!ip || !*ip) {
		set_comment(out, "no client address", NULL);
		return;
	}
	if (loopback(ip)) {
		/* libspf2 passes loopback; nothing was checked */
		set_comment(out, "local client %s", ip);
		return;
	}
	if (!out->domain[0]) {
		set_comment(out, "null sender and no HELO name", NULL);
		return;
	}
	if (!(req = SPF_request_new(s->server))) {
		out->nomem = true;
		return;
	}
	if (set_ip(req, ip) < 0) {
		out->result = AUTH_SPF_PERMERROR;
		set_comment(out, "client address %s unreadable", ip);
		goto done;
	}
	if (helo && *helo && SPF_request_set_helo_dom(req, helo) != SPF_E_SUCCESS) {
		out->nomem = true;
		goto done;
	}
	if (sender && *sender && SPF_request_set_env_from(req, sender) != 0) {
		out->result = AUTH_SPF_PERMERROR;
		set_comment(out, "envelope sender unreadable", NULL);
		goto done;
	}
	job.keys = keys;
	keys->max_lookups = keys->lookups + AUTH_SPF_MAX_QUERIES;
	job.deadline_ms = mono_ms() + timeout_ms;
	s->dns->hook = &job;
	(void)SPF_request_query_mailfrom(req, &resp);
	s->dns->hook = NULL;
	if (job.nomem) {
		out->nomem = true;
		goto done;
	}
	if (job.void_over) {
		out->result = AUTH_SPF_PERMERROR;
		set_comment(out, "%s", job.why);
	} else if (job.tempfail) {
		out->result = AUTH_SPF_TEMPERROR;
		set_comment(out, "%s", job.why);
	} else if (!resp) {
		out->nomem = true;
		goto done;
	} else {
		SPF_errcode_t e = SPF_response_errcode(resp);
		out->result = from_lib(SPF_response_result(resp));
		if (out->result == AUTH_SPF_PERMERROR || out->result == AUTH_SPF_TEMPERROR) {
			/* the record's first error says more than the code */
			const char *why = e == SPF_E_BIG_DNS ? "more than 10 DNS mechanisms" : NULL;
			for (int i = 0; !why && i < SPF_response_messages(resp); i++) {
				SPF_error_t *er = SPF_response_message(resp, i);
				if (SPF_error_errorp(er) && SPF_error_message(er))
					why = SPF_error_message(er);
			}
			set_comment(out, "%s", why ? why : SPF_strerror(e));
		}
	}
	if (received) {
		/* libspf2's field when its verdict is ours (not for void
		 * look-ups or time, which are ours), else one of our own
		 * (RFC 7208 §9.1) */
		const char *v = resp ? SPF_response_get_received_spf_value(resp) : NULL;
		const char *name = auth_spf_result_name(out->result);
		size_t nl = strlen(name);
		char *rs = NULL;
		int n;
		if (v && !strncmp(v, name, nl) && v[nl] == ' ')
			n = asprintf(&rs, "%s", v);
		else
			n = asprintf(&rs, "%s (%s) client-ip=%s; envelope-from=%s;", name,
				     out->comment[0] ? out->comment : "no reason given", ip,
				     sender && *sender ? sender : "<>");
		if (n < 0)
			out->nomem = true;
		else
			out->received_spf = rs;
	}
done:
	if (resp)
		SPF_response_free(resp);
	SPF_request_free(req);
}
