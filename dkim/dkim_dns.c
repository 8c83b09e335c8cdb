/* dkim_dns.c: see dkim_dns.h. Key records from the dkim-keys file (the format of
 * libopendkim's DKIM_QUERY_FILE: "<selector>._domainkey.<domain> <TXT
 * value>" per line, '#' comments) or from DNS via libunbound. libunbound
 * rather than the glibc stub that libopendkim uses: the stub cannot be
 * pointed at a name server or port, ignores our timeout and turns
 * NXDOMAIN into a temporary failure. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <signal.h>
#include <unistd.h>
#include <sys/stat.h>
#include <unbound.h>
#include "dkim_dns.h"
#include "exitcodes.h"
#include "log.h"

/* the key file's identity: a change of it empties the cache */
static int file_identity(const char *path, unsigned long long id[4], char *err, size_t errlen)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	id[0] = (unsigned long long)st.st_dev;
	id[1] = (unsigned long long)st.st_ino;
	id[2] = (unsigned long long)st.st_size;
	id[3] = (unsigned long long)st.st_mtim.tv_sec * 1000000000ULL + (unsigned long long)st.st_mtim.tv_nsec;
	return 0;
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
		return errno == ENOMEM ? DKIM_KEY_NOMEM : DKIM_KEY_TEMPFAIL;
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
		st = errno == ENOMEM ? DKIM_KEY_NOMEM : DKIM_KEY_TEMPFAIL;
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

/* Sets up libunbound for the configured servers, or the system's.
 * Nothing is sent and no thread made until the first query. */
static int make_ub(struct dkim_resolver *res, char *err, size_t errlen)
{
	const struct qf_config *cfg = res->cfg;
	struct ub_ctx *ub = ub_ctx_create();
	int r = 0;
	size_t i;

	if (!ub) {
		snprintf(err, errlen, "cannot create a resolver (out of memory)");
		errno = ENOMEM;
		return -1;
	}
	/* a thread rather than a forked process does the work */
	if ((r = ub_ctx_async(ub, 1)) == 0 && cfg && cfg->dns.n > 0) {
		/* our own servers may well be on loopback */
		r = ub_ctx_set_option(ub, "do-not-query-localhost:", "no");
		for (i = 0; r == 0 && i < cfg->dns.n; i++) {
			char spec[300];
			fwd_spec(cfg->dns.v[i], spec, sizeof spec);
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
		errno = r == UB_NOMEM ? ENOMEM : EINVAL;
		return -1;
	}
	res->ub = ub;
	return 0;
}

int dkim_resolver_new(const struct qf_config *cfg, struct dkim_resolver **out,
		      char *err, size_t errlen)
{
	struct dkim_resolver *r = calloc(1, sizeof *r);

	*out = NULL;
	if (!r) {
		snprintf(err, errlen, "out of memory");
		errno = ENOMEM;
		return -1;
	}
	r->cfg = cfg;
	dkim_keycache_init(&r->cache);
	/* keys from a file need no DNS; SPF and DMARC still do */
	if ((!(cfg && cfg->dkim_keys) || (cfg && (cfg->spf || cfg->dmarc))) && make_ub(r, err, errlen) < 0) {
		int e = errno;
		free(r);
		errno = e;
		return -1;
	}
	*out = r;
	return 0;
}

void dkim_resolver_free(struct dkim_resolver *r)
{
	if (!r)
		return;
	if (r->ub)
		ub_ctx_delete(r->ub);
	dkim_keycache_flush(&r->cache);
	free(r);
}

void dkim_keys_begin(struct dkim_keys *k, struct dkim_resolver *r)
{
	memset(k, 0, sizeof *k);
	k->r = r;
}

/* libunbound makes its worker thread at the first query and does not
 * check that it could (1.17: pthread_create's failure is logged, the
 * query waits for an answer that never comes, and ub_ctx_delete then
 * joins a thread that does not exist: a crash). So before that first
 * query one thread of the same stack size is made and joined here: when
 * it cannot be made (an address-space limit), the look-up fails as out
 * of memory; when it can, its stack stays in the C library's cache of
 * stacks, which libunbound's thread then gets. */
#define UB_THREAD_STACK (2 * 1024 * 1024)   /* what libunbound asks for at least */

static void *probe_thread(void *arg)
{
	return arg;
}

static int thread_check(struct dkim_resolver *r, char *err, size_t errlen)
{
	pthread_attr_t attr;
	pthread_t t;
	size_t stack = 0;
	int e;

	if (r->thread_checked)
		return 0;
	if ((e = pthread_attr_init(&attr)) != 0) {
		snprintf(err, errlen, "cannot start the resolver's thread: %s", strerror(e));
		return -1;
	}
	if (pthread_attr_getstacksize(&attr, &stack) == 0 && stack < UB_THREAD_STACK)
		pthread_attr_setstacksize(&attr, UB_THREAD_STACK);
	e = pthread_create(&t, &attr, probe_thread, NULL);
	pthread_attr_destroy(&attr);
	if (e != 0) {
		snprintf(err, errlen, "cannot start the resolver's thread: %s", strerror(e));
		return -1;
	}
	pthread_join(t, NULL);
	r->thread_checked = true;
	return 0;
}

/* libunbound 1.17 sets up its caches at the first query
 * (context_finalize) and does not check every allocation there
 * (rrset_cache_adjust uses what lruhash_create returned: t-faults'
 * injector found it). A crash during that one call can only be such an
 * allocation: it ends the process as out of memory, 51 with a log line,
 * as a failed allocation of libopendkim's does. Outside sanitizer
 * builds (theirs is the better report). */
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_UNDEFINED__)
static char crash_line[160];
static size_t crash_len;

static void on_setup_crash(int sig)
{
	(void)sig;
	if (write(2, crash_line, crash_len) < 0) {
		/* nothing more to do */
	}
	_exit(QF_EXIT_NOMEM);
}
#endif

static void setup_guard(bool on, struct sigaction *old)
{
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_UNDEFINED__)
	struct sigaction sa;

	if (on) {
		int n = snprintf(crash_line, sizeof crash_line,
				 "%s: error: dkim: out of memory (libunbound crashed setting up its caches)\n",
				 qf_log_name);
		crash_len = n > 0 && (size_t)n < sizeof crash_line ? (size_t)n : 0;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_setup_crash;
		sigaction(SIGSEGV, &sa, &old[0]);
		sigaction(SIGBUS, &sa, &old[1]);
	} else {
		sigaction(SIGSEGV, &old[0], NULL);
		sigaction(SIGBUS, &old[1], NULL);
	}
#else
	(void)on;
	(void)old;
#endif
}

/* On the heap: a query given up (timeout) whose cancel came too late is
 * still answered by a later ub_process(), perhaps in the next message. */
struct query {
	bool done, abandoned;
	int err;
	struct ub_result *result;
};

static void query_done(void *arg, int err, struct ub_result *result)
{
	struct query *q = arg;

	if (q->abandoned) {
		if (result)
			ub_resolve_free(result);
		free(q);
		return;
	}
	q->done = true;
	q->err = err;
	q->result = result;
}

static void give_up(struct ub_ctx *ub, struct query *q, int id)
{
	if (ub_cancel(ub, id) == 0)
		free(q);
	else
		q->abandoned = true;   /* its answer is on the way: query_done frees it */
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

enum dkim_key_status dkim_dns_txt_join(const unsigned char *rd, size_t rdlen, char *buf, size_t len)
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

/* Sends one query and waits for its answer, at most timeout_ms: FOUND
 * with *out (whatever its rcode; ub_resolve_free it), else the trouble. */
static enum dkim_key_status resolve(struct dkim_resolver *rs, const char *name, int rrtype,
				    int timeout_ms, struct ub_result **out, char *err, size_t errlen)
{
	struct query *q;
	int64_t deadline = now_ms() + timeout_ms;
	int id, r;

	*out = NULL;
	if (!rs->ub) {
		snprintf(err, errlen, "no resolver");
		return DKIM_KEY_TEMPFAIL;
	}
	if (thread_check(rs, err, errlen) < 0)
		return DKIM_KEY_NOMEM;
	if (!(q = calloc(1, sizeof *q))) {
		snprintf(err, errlen, "%s: out of memory", name);
		return DKIM_KEY_NOMEM;
	}
	rs->queries++;
	{
		struct sigaction old[2];
		bool first = !rs->set_up;
		if (first)
			setup_guard(true, old);
		r = ub_resolve_async(rs->ub, name, rrtype, 1 /* IN */, q, query_done, &id);
		if (first)
			setup_guard(false, old);
		if (r == 0)
			rs->set_up = true;
	}
	if (r != 0) {
		free(q);
		snprintf(err, errlen, "%s: %s", name, ub_strerror(r));
		return r == UB_NOMEM ? DKIM_KEY_NOMEM : DKIM_KEY_TEMPFAIL;
	}
	while (!q->done) {
		int64_t left = deadline - now_ms();
		struct pollfd pfd = { .fd = ub_fd(rs->ub), .events = POLLIN };
		if (left <= 0) {
			give_up(rs->ub, q, id);
			snprintf(err, errlen, "%s: DNS query timed out", name);
			return DKIM_KEY_TEMPFAIL;
		}
		r = poll(&pfd, 1, (int)left);
		if (r < 0 && errno != EINTR) {
			give_up(rs->ub, q, id);
			snprintf(err, errlen, "poll: %s", strerror(errno));
			return DKIM_KEY_TEMPFAIL;
		}
		if (r > 0 && (r = ub_process(rs->ub)) != 0) {
			if (!q->done)
				give_up(rs->ub, q, id);
			else if (q->result)
				ub_resolve_free(q->result);
			if (q->done)
				free(q);
			snprintf(err, errlen, "%s: %s", name, ub_strerror(r));
			return r == UB_NOMEM ? DKIM_KEY_NOMEM : DKIM_KEY_TEMPFAIL;
		}
	}
	*out = q->result;
	r = q->err;
	free(q);
	if (r != 0) {
		if (*out)
			ub_resolve_free(*out);
		*out = NULL;
		snprintf(err, errlen, "%s: %s", name, ub_strerror(r));
		return r == UB_NOMEM ? DKIM_KEY_NOMEM : DKIM_KEY_TEMPFAIL;
	}
	return DKIM_KEY_FOUND;
}

static enum dkim_key_status dns_lookup(struct dkim_resolver *rs, const char *name, int timeout_ms,
				       char *buf, size_t len, int64_t *expires,
				       char *err, size_t errlen)
{
	struct ub_result *res;
	enum dkim_key_status st;
	int i, pick = 0;

	if ((st = resolve(rs, name, 16 /* TXT */, timeout_ms, &res, err, errlen)) != DKIM_KEY_FOUND)
		return st;
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
		st = dkim_dns_txt_join((const unsigned char *)res->data[pick], (size_t)res->len[pick], buf, len);
		if (st == DKIM_KEY_TOOBIG)
			snprintf(err, errlen, "the key record of %s is too long", name);
		*expires = now_ms() / 1000 + (res->ttl < DKIM_KEY_TTL_MAX ? res->ttl : DKIM_KEY_TTL_MAX);
	}
	ub_resolve_free(res);
	return st;
}

/* The time one look-up of k may wait: one slow look-up may not eat the
 * time of the others (DKIM_DNS_LOOKUP_MS each, DKIM_DNS_BUDGET_MS for
 * all of a message), and DNS trouble may take only half of the time the
 * message has left, so that it ends as a temperror result, not as a
 * timeout of the message. 0: none left. */
static int lookup_ms(const struct dkim_keys *k, int timeout_ms)
{
	timeout_ms /= 2;
	if (timeout_ms > DKIM_DNS_LOOKUP_MS)
		timeout_ms = DKIM_DNS_LOOKUP_MS;
	if (timeout_ms > DKIM_DNS_BUDGET_MS - k->spent_ms)
		timeout_ms = DKIM_DNS_BUDGET_MS - k->spent_ms;
	return timeout_ms > 0 ? timeout_ms : 0;
}

enum dkim_key_status dkim_dns_query(struct dkim_keys *k, const char *name, int rrtype,
				    int timeout_ms, struct ub_result **out, char *err, size_t errlen)
{
	unsigned max = k->max_lookups ? k->max_lookups : DKIM_DNS_MAX_LOOKUPS;
	enum dkim_key_status st;
	int64_t t0;

	*out = NULL;
	if (!k->r || !k->r->ub) {
		snprintf(err, errlen, "no resolver%s", k->r ? " (dkim-keys is a file)" : "");
		return DKIM_KEY_TEMPFAIL;
	}
	if (++k->lookups > max) {
		snprintf(err, errlen, "too many DNS look-ups in one message");
		return DKIM_KEY_TEMPFAIL;
	}
	if (!(timeout_ms = lookup_ms(k, timeout_ms))) {
		snprintf(err, errlen, "%s: DNS time for this message used up", name);
		return DKIM_KEY_TEMPFAIL;
	}
	t0 = now_ms();
	st = resolve(k->r, name, rrtype, timeout_ms, out, err, errlen);
	k->spent_ms += (int)(now_ms() - t0);
	return st;
}

/* A record of the cache, when it holds one for name */
static enum dkim_key_status cached(struct dkim_resolver *r, const char *name,
				   char *buf, size_t len, char *err, size_t errlen)
{
	struct dkim_cached_key *c = dkim_keycache_get(&r->cache, name, now_ms() / 1000);
	size_t n;

	if (!c)
		return DKIM_KEY_ABSENT;
	if ((n = strlen(c->txt)) >= len) {
		snprintf(err, errlen, "the key record of %s is too long", name);
		return DKIM_KEY_TOOBIG;
	}
	memcpy(buf, c->txt, n + 1);
	return DKIM_KEY_FOUND;
}

enum dkim_key_status dkim_keys_lookup(struct dkim_keys *k, const char *selector,
				      const char *domain, int timeout_ms,
				      char *buf, size_t len, char *err, size_t errlen)
{
	struct dkim_resolver *r = k->r;
	const char *file = r && r->cfg ? r->cfg->dkim_keys : NULL;
	int64_t expires = DKIM_KEYCACHE_FOREVER;
	enum dkim_key_status st;
	char name[600];

	if (!len)
		return DKIM_KEY_TOOBIG;
	if (!r) {
		snprintf(err, errlen, "no resolver");
		return DKIM_KEY_TEMPFAIL;
	}
	if ((size_t)snprintf(name, sizeof name, "%s._domainkey.%s", selector, domain) >= sizeof name ||
	    strlen(name) > 253 + 1) {
		snprintf(err, errlen, "key name too long");
		return DKIM_KEY_ABSENT;
	}
	if (++k->lookups > DKIM_DNS_MAX_LOOKUPS) {
		snprintf(err, errlen, "too many key look-ups in one message");
		return DKIM_KEY_TEMPFAIL;
	}
	if (file) {
		unsigned long long id[4];
		if (file_identity(file, id, err, errlen) < 0)
			return errno == ENOMEM ? DKIM_KEY_NOMEM : DKIM_KEY_TEMPFAIL;
		if (!r->file_known || memcmp(id, r->file_id, sizeof id) != 0) {
			dkim_keycache_flush(&r->cache);   /* the file changed */
			memcpy(r->file_id, id, sizeof id);
			r->file_known = true;
		}
	}
	if ((st = cached(r, name, buf, len, err, errlen)) != DKIM_KEY_ABSENT)
		return st;
	if (file) {
		st = file_lookup(file, name, buf, len, err, errlen);
	} else {
		int64_t t0 = now_ms();
		if (!(timeout_ms = lookup_ms(k, timeout_ms))) {
			snprintf(err, errlen, "%s: DNS time for this message used up", name);
			return DKIM_KEY_TEMPFAIL;
		}
		st = dns_lookup(r, name, timeout_ms, buf, len, &expires, err, errlen);
		k->spent_ms += (int)(now_ms() - t0);
	}
	/* only records: NXDOMAIN and the like are libunbound's to cache */
	if (st == DKIM_KEY_FOUND && expires > now_ms() / 1000)
		(void)dkim_keycache_put(&r->cache, name, buf, expires);
	return st;
}

EVP_PKEY *dkim_keys_pkey(struct dkim_keys *k, const char *selector, const char *domain,
			 const unsigned char *der, size_t derlen,
			 EVP_PKEY *(*decode)(const unsigned char *der, size_t derlen))
{
	struct dkim_cached_key *c = NULL;
	EVP_PKEY *pkey;
	char name[600];

	if (k->r && (size_t)snprintf(name, sizeof name, "%s._domainkey.%s", selector, domain) < sizeof name)
		c = dkim_keycache_get(&k->r->cache, name, now_ms() / 1000);
	if (c && c->pkey && c->derlen == derlen && !memcmp(c->der, der, derlen) &&
	    EVP_PKEY_up_ref(c->pkey) == 1)
		return c->pkey;
	if ((pkey = decode(der, derlen)) && c)
		dkim_keycache_set_pkey(c, pkey, der, derlen);
	return pkey;
}
