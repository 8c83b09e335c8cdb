/* dkim_dns.c: key records from the dkim-keys file (the format of
 * libopendkim's DKIM_QUERY_FILE: "<selector>._domainkey.<domain> <TXT
 * value>" per line, '#' comments) or from DNS via libunbound. libunbound
 * rather than the glibc stub that libopendkim uses: the stub cannot be
 * pointed at a name server or port, ignores our timeout and turns
 * NXDOMAIN into a temporary failure. */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unbound.h>
#include "dkim_dns.h"

struct dkim_keys {
	const struct qf_config *cfg;
	struct ub_ctx *ub;
	unsigned lookups;
	int spent_ms;         /* waiting for DNS, this message */
};

struct dkim_keys *dkim_keys_new(const struct qf_config *cfg)
{
	struct dkim_keys *k = calloc(1, sizeof *k);

	if (k)
		k->cfg = cfg;
	return k;
}

void dkim_keys_free(struct dkim_keys *k)
{
	if (!k)
		return;
	if (k->ub)
		ub_ctx_delete(k->ub);
	free(k);
}

/* compares two domain names, ignoring case and a final dot */
static bool same_name(const char *a, size_t alen, const char *b)
{
	size_t blen = strlen(b);

	if (alen && a[alen - 1] == '.')
		alen--;
	if (blen && b[blen - 1] == '.')
		blen--;
	return alen == blen && !strncasecmp(a, b, alen);
}

static enum dkim_key_status file_lookup(const char *path, const char *name,
					char *buf, size_t len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	enum dkim_key_status st = DKIM_KEY_ABSENT;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return DKIM_KEY_TEMPFAIL;
	}
	snprintf(err, errlen, "no key for %s in %s", name, path);
	errno = 0;
	while ((n = getline(&line, &cap, f)) > 0) {
		size_t nl, vs, ve = (size_t)n;
		while (ve > 0 && (line[ve - 1] == '\n' || line[ve - 1] == '\r'))
			ve--;
		if (ve == 0 || line[0] == '#')
			continue;
		for (nl = 0; nl < ve && line[nl] != ' ' && line[nl] != '\t'; nl++)
			;
		if (!same_name(line, nl, name))
			continue;
		for (vs = nl; vs < ve && (line[vs] == ' ' || line[vs] == '\t'); vs++)
			;
		if (ve - vs >= len) {
			snprintf(err, errlen, "the key record of %s is too long", name);
			st = DKIM_KEY_TOOBIG;
		} else {
			memcpy(buf, line + vs, ve - vs);
			buf[ve - vs] = 0;
			st = DKIM_KEY_FOUND;
		}
		break;
	}
	/* getline's -1 is end of file only without an error: out of memory
	 * must not read as "no key" (a permanent result) */
	if (ferror(f) || (n < 0 && errno == ENOMEM)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno ? errno : EIO));
		st = DKIM_KEY_TEMPFAIL;
	}
	free(line);
	fclose(f);
	return st;
}

/* "ADDR[:PORT]" (or "[V6]:PORT", or a bare IPv6 address) as unbound's
 * "ADDR@PORT" */
static void fwd_spec(const char *in, char *out, size_t outlen)
{
	const char *colon = strrchr(in, ':');

	if (in[0] == '[') {
		const char *close = strchr(in, ']');
		size_t n = close ? (size_t)(close - in - 1) : strlen(in + 1);
		if (close && close[1] == ':')
			snprintf(out, outlen, "%.*s@%s", (int)n, in + 1, close + 2);
		else
			snprintf(out, outlen, "%.*s", (int)n, in + 1);
	} else if (colon && strchr(in, ':') == colon) {
		snprintf(out, outlen, "%.*s@%s", (int)(colon - in), in, colon + 1);
	} else {
		snprintf(out, outlen, "%s", in);
	}
}

static int make_resolver(struct dkim_keys *k, char *err, size_t errlen)
{
	struct ub_ctx *ub = ub_ctx_create();
	int r = 0;
	size_t i;

	if (!ub) {
		snprintf(err, errlen, "cannot create a resolver");
		return -1;
	}
	/* a thread rather than a forked process does the work */
	if ((r = ub_ctx_async(ub, 1)) == 0 && k->cfg && k->cfg->dns.n > 0) {
		/* our own servers may well be on loopback */
		r = ub_ctx_set_option(ub, "do-not-query-localhost:", "no");
		for (i = 0; r == 0 && i < k->cfg->dns.n; i++) {
			char spec[300];
			fwd_spec(k->cfg->dns.v[i], spec, sizeof spec);
			r = ub_ctx_set_fwd(ub, spec);
		}
	} else if (r == 0) {
		/* the system's name servers, which are often on loopback too */
		r = ub_ctx_set_option(ub, "do-not-query-localhost:", "no");
		if (r == 0 && ub_ctx_resolvconf(ub, NULL) != 0)
			r = 0;   /* no resolv.conf: unbound resolves from the roots */
	}
	if (r != 0) {
		snprintf(err, errlen, "resolver set-up: %s", ub_strerror(r));
		ub_ctx_delete(ub);
		return -1;
	}
	k->ub = ub;
	return 0;
}

struct query {
	bool done;
	int err;
	struct ub_result *result;
};

static void query_done(void *arg, int err, struct ub_result *result)
{
	struct query *q = arg;

	q->done = true;
	q->err = err;
	q->result = result;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* joins the character-strings of one TXT rdata into buf */
static enum dkim_key_status txt_join(const unsigned char *rd, size_t rdlen, char *buf, size_t len)
{
	size_t i = 0, n = 0;

	while (i < rdlen) {
		size_t sl = rd[i++];
		if (sl > rdlen - i)
			sl = rdlen - i;
		if (n + sl >= len)
			return DKIM_KEY_TOOBIG;
		memcpy(buf + n, rd + i, sl);
		n += sl;
		i += sl;
	}
	buf[n] = 0;
	return DKIM_KEY_FOUND;
}

static enum dkim_key_status dns_lookup(struct dkim_keys *k, const char *name, int timeout_ms,
				       char *buf, size_t len, char *err, size_t errlen)
{
	struct query q = { 0 };
	struct ub_result *res;
	int64_t deadline = now_ms() + timeout_ms;
	enum dkim_key_status st;
	int id, r, i, pick = 0;

	if (!k->ub && make_resolver(k, err, errlen) < 0)
		return DKIM_KEY_TEMPFAIL;
	if ((r = ub_resolve_async(k->ub, name, 16 /* TXT */, 1 /* IN */, &q, query_done, &id)) != 0) {
		snprintf(err, errlen, "%s: %s", name, ub_strerror(r));
		return DKIM_KEY_TEMPFAIL;
	}
	while (!q.done) {
		int64_t left = deadline - now_ms();
		struct pollfd pfd = { .fd = ub_fd(k->ub), .events = POLLIN };
		if (left <= 0) {
			ub_cancel(k->ub, id);
			snprintf(err, errlen, "%s: DNS query timed out", name);
			return DKIM_KEY_TEMPFAIL;
		}
		r = poll(&pfd, 1, (int)left);
		if (r < 0 && errno != EINTR) {
			ub_cancel(k->ub, id);
			snprintf(err, errlen, "poll: %s", strerror(errno));
			return DKIM_KEY_TEMPFAIL;
		}
		if (r > 0 && (r = ub_process(k->ub)) != 0) {
			ub_cancel(k->ub, id);
			snprintf(err, errlen, "%s: %s", name, ub_strerror(r));
			return DKIM_KEY_TEMPFAIL;
		}
	}
	if (q.err != 0) {
		snprintf(err, errlen, "%s: %s", name, ub_strerror(q.err));
		return DKIM_KEY_TEMPFAIL;
	}
	res = q.result;
	if (res->rcode == 3 /* NXDOMAIN */) {
		snprintf(err, errlen, "%s: no such name", name);
		st = DKIM_KEY_ABSENT;
	} else if (res->rcode != 0) {
		/* SERVFAIL, REFUSED, ...: not an answer, so not "no key" */
		snprintf(err, errlen, "%s: DNS error (rcode %d)", name, res->rcode);
		st = DKIM_KEY_TEMPFAIL;
	} else if (!res->havedata || !res->data[0]) {
		snprintf(err, errlen, "%s: no TXT record", name);
		st = DKIM_KEY_ABSENT;
	} else {
		/* several TXT records: take the first that looks like a key */
		for (i = 0; res->data[i]; i++)
			if (memmem(res->data[i], (size_t)res->len[i], "p=", 2)) {
				pick = i;
				break;
			}
		st = txt_join((const unsigned char *)res->data[pick], (size_t)res->len[pick], buf, len);
		if (st == DKIM_KEY_TOOBIG)
			snprintf(err, errlen, "the key record of %s is too long", name);
	}
	ub_resolve_free(res);
	return st;
}

enum dkim_key_status dkim_keys_lookup(struct dkim_keys *k, const char *selector,
				      const char *domain, int timeout_ms,
				      char *buf, size_t len, char *err, size_t errlen)
{
	char name[600];

	if (!len)
		return DKIM_KEY_TOOBIG;
	if ((size_t)snprintf(name, sizeof name, "%s._domainkey.%s", selector, domain) >= sizeof name ||
	    strlen(name) > 253 + 1) {
		snprintf(err, errlen, "key name too long");
		return DKIM_KEY_ABSENT;
	}
	if (++k->lookups > DKIM_DNS_MAX_LOOKUPS) {
		snprintf(err, errlen, "too many key look-ups in one message");
		return DKIM_KEY_TEMPFAIL;
	}
	if (k->cfg && k->cfg->dkim_keys)
		return file_lookup(k->cfg->dkim_keys, name, buf, len, err, errlen);
	/* one slow look-up may not eat the time of the others: a lookup gets
	 * at most DKIM_DNS_LOOKUP_MS, and all of them DKIM_DNS_BUDGET_MS; and
	 * DNS trouble may take only half of the time the message has left, so
	 * that it ends as dkim=temperror, not as a timeout of the message */
	timeout_ms /= 2;
	if (timeout_ms > DKIM_DNS_LOOKUP_MS)
		timeout_ms = DKIM_DNS_LOOKUP_MS;
	if (timeout_ms > DKIM_DNS_BUDGET_MS - k->spent_ms)
		timeout_ms = DKIM_DNS_BUDGET_MS - k->spent_ms;
	if (timeout_ms <= 0) {
		snprintf(err, errlen, "%s: DNS time for this message used up", name);
		return DKIM_KEY_TEMPFAIL;
	}
	{
		int64_t t0 = now_ms();
		enum dkim_key_status st = dns_lookup(k, name, timeout_ms, buf, len, err, errlen);
		k->spent_ms += (int)(now_ms() - t0);
		return st;
	}
}
