/* config.c: reads qfilter.conf (qfilter.conf(5)). A missing file means
 * defaults; anything else wrong is an error naming file:line, since mail
 * must never pass under a configuration we did not understand. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "config.h"
#include "io.h"

#define CONF_MAX (1u << 20)   /* a larger qfilter.conf is surely a mistake */
#define WORDS_MAX 256

const char *qf_config_path(void)
{
	const char *p = getenv("QFILTER_CONF");

	return p && *p ? p : QF_CONF_DEFAULT;
}

/* the default authserv-id */
char *qf_hostname(void)
{
	char h[256];

	if (gethostname(h, sizeof h - 1) < 0 || !*h)
		strcpy(h, "localhost");
	h[sizeof h - 1] = 0;
	return strdup(h);
}

void qf_config_defaults(struct qf_config *c)
{
	memset(c, 0, sizeof *c);
	c->errfd = 6;
	c->timeout = 600;
	c->daemon_mode = 0660;
	c->daemon_workers = 4;
	c->daemon_request_timeout = 5;
	c->spool_memory = QF_SPOOL_MEMORY_DEFAULT;
	c->unchecked = QF_ACT_REJECT;
}

/* The actions `unchecked` takes (SPEC section 9): any but drop, which
 * would lose the message without a word. */
static int parse_unchecked(const char *s, enum qf_action *a)
{
	return qf_action_parse(s, a) < 0 || *a == QF_ACT_DROP ? -1 : 0;
}

static void strlist_free(struct qf_strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void qf_config_free(struct qf_config *c)
{
	size_t i;

	free(c->path);
	free(c->queue);
	free(c->spool);
	free(c->rules);
	free(c->authserv_id);
	strlist_free(&c->clamd);
	free(c->clamav_db);
	free(c->dkim_keys);
	strlist_free(&c->dns);
	free(c->quarantine);
	for (i = 0; i < c->nfilters; i++)
		strlist_free(&c->filters[i]);
	free(c->filters);
	free(c->daemon);
	free(c->daemon_group);
	free(c->sign_keys);
	free(c->sign_remote);
	free(c->sign_log);
	free(c->helo_env);
	free(c->public_suffix_list);
	strlist_free(&c->arc_trusted);
	qf_config_defaults(c);
}

int qf_parse_size(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;
	unsigned shift = 0;

	if (!*s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	switch (*end) {
	case 0: break;
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	default: return -1;
	}
	if (*end || v > (UINT64_MAX >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

static int parse_uint(const char *s, unsigned base, unsigned max, unsigned *out)
{
	unsigned long v;
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoul(s, &end, base);
	if (errno || *end || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* words of one line, split on blanks; returns the count or -1 */
static int split(char *line, char **w)
{
	int n = 0;
	char *p = line;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			return n;
		if (n == WORDS_MAX)
			return -1;
		w[n++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (*p)
			*p++ = 0;
	}
}

static int set_string(char **slot, char *const *w, int n, const char **why)
{
	if (n != 1) {
		*why = "wants exactly one value";
		return -1;
	}
	free(*slot);
	*slot = strdup(w[0]);
	return *slot ? 0 : -1;
}

static int set_list(struct qf_strlist *l, char *const *w, int n, const char **why)
{
	int i;

	if (n < 1) {
		*why = "wants at least one value";
		return -1;
	}
	strlist_free(l);
	l->v = calloc(n + 1, sizeof *l->v);
	if (!l->v)
		return -1;
	for (i = 0; i < n; i++)
		if (!(l->v[l->n++] = strdup(w[i])))
			return -1;
	return 0;
}

static int clamd_addr_ok(const char *a)
{
	const char *colon;

	if (strncmp(a, "unix:", 5) == 0)
		return a[5] == '/';
	colon = strrchr(a, ':');
	if (!colon || colon == a || !colon[1])
		return 0;
	return strspn(colon + 1, "0123456789") == strlen(colon + 1);
}

/* one "key value..." line; *why explains a failure (NULL: out of memory) */
static int set_key(struct qf_config *c, const char *key, char **w, int n, const char **why)
{
	unsigned u;
	int i;

	*why = "bad value";
	if (!strcmp(key, "queue")) {
		if (n == 1 && w[0][0] != '/') {
			*why = "queue must be an absolute path";
			return -1;
		}
		return set_string(&c->queue, w, n, why);
	}
	if (!strcmp(key, "spool"))
		return set_string(&c->spool, w, n, why);
	if (!strcmp(key, "rules"))
		return set_string(&c->rules, w, n, why);
	if (!strcmp(key, "authserv-id"))
		return set_string(&c->authserv_id, w, n, why);
	if (!strcmp(key, "clamav-db"))
		return set_string(&c->clamav_db, w, n, why);
	if (!strcmp(key, "dkim-keys"))
		return set_string(&c->dkim_keys, w, n, why);
	if (!strcmp(key, "quarantine"))
		return set_string(&c->quarantine, w, n, why);
	if (!strcmp(key, "sign-keys"))
		return set_string(&c->sign_keys, w, n, why);
	if (!strcmp(key, "sign-log"))
		return set_string(&c->sign_log, w, n, why);
	if (!strcmp(key, "sign-remote")) {
		if (n == 1 && w[0][0] != '/') {
			*why = "sign-remote must be an absolute path";
			return -1;
		}
		return set_string(&c->sign_remote, w, n, why);
	}
	if (!strcmp(key, "daemon-group"))
		return set_string(&c->daemon_group, w, n, why);
	if (!strcmp(key, "dns"))
		return set_list(&c->dns, w, n, why);
	if (!strcmp(key, "arc-trusted-sealers"))
		return set_list(&c->arc_trusted, w, n, why);
	if (!strcmp(key, "public-suffix-list"))
		return set_string(&c->public_suffix_list, w, n, why);
	if (!strcmp(key, "helo-env"))
		return set_string(&c->helo_env, w, n, why);
	if (!strcmp(key, "clamd")) {
		for (i = 0; i < n; i++)
			if (!clamd_addr_ok(w[i])) {
				*why = "clamd addresses are unix:/path or host:port";
				return -1;
			}
		return set_list(&c->clamd, w, n, why);
	}
	if (!strcmp(key, "filter")) {
		struct qf_strlist *f = realloc(c->filters, (c->nfilters + 1) * sizeof *f);
		if (!f)
			return -1;
		c->filters = f;
		memset(&f[c->nfilters], 0, sizeof *f);
		if (set_list(&f[c->nfilters], w, n, why) < 0) {
			strlist_free(&f[c->nfilters]);
			return -1;
		}
		c->nfilters++;
		return 0;
	}
	if (n != 1) {
		*why = "wants exactly one value";
		return -1;
	}
	if (!strcmp(key, "errfd")) {
		if (!strcmp(w[0], "off")) {
			c->errfd = -1;
			return 0;
		}
		if (parse_uint(w[0], 10, 1023, &u) < 0 || u < 2) {
			*why = "errfd is a descriptor number (2 or more) or off";
			return -1;
		}
		c->errfd = (int)u;
		return 0;
	}
	if (!strcmp(key, "timeout")) {
		if (parse_uint(w[0], 10, 86400, &u) < 0 || u == 0) {
			*why = "timeout is 1 to 86400 seconds";
			return -1;
		}
		c->timeout = u;
		return 0;
	}
	if (!strcmp(key, "spool-memory")) {
		if (qf_parse_size(w[0], &c->spool_memory) < 0) {
			*why = "spool-memory is a number of bytes, with k, M or G";
			return -1;
		}
		return 0;
	}
	if (!strcmp(key, "max-size")) {
		if (qf_parse_size(w[0], &c->max_size) < 0) {
			*why = "max-size is a number of bytes, with k, M or G";
			return -1;
		}
		return 0;
	}
	if (!strcmp(key, "daemon")) {
		if (strncmp(w[0], "unix:/", 6) != 0) {
			*why = "daemon is unix:/path";
			return -1;
		}
		free(c->daemon);
		return (c->daemon = strdup(w[0] + 5)) ? 0 : -1;
	}
	if (!strcmp(key, "daemon-fail")) {
		if (!strcmp(w[0], "inprocess"))
			c->daemon_fail_tempfail = 0;
		else if (!strcmp(w[0], "tempfail"))
			c->daemon_fail_tempfail = 1;
		else {
			*why = "daemon-fail is inprocess or tempfail";
			return -1;
		}
		return 0;
	}
	if (!strcmp(key, "unchecked")) {
		if (parse_unchecked(w[0], &c->unchecked) < 0) {
			*why = "unchecked is reject, tempfail, quarantine, tag or off";
			return -1;
		}
		return 0;
	}
	if (!strcmp(key, "spf") || !strcmp(key, "received-spf") || !strcmp(key, "dmarc") ||
	    !strcmp(key, "arc")) {
		int *slot = !strcmp(key, "spf") ? &c->spf : !strcmp(key, "dmarc") ? &c->dmarc :
			    !strcmp(key, "arc") ? &c->arc : &c->received_spf;
		if (strcmp(w[0], "yes") && strcmp(w[0], "no")) {
			*why = "wants yes or no";
			return -1;
		}
		*slot = !strcmp(w[0], "yes");
		return 0;
	}
	if (!strcmp(key, "daemon-mode"))
		return parse_uint(w[0], 8, 0777, &c->daemon_mode);
	if (!strcmp(key, "daemon-request-timeout")) {
		if (parse_uint(w[0], 10, 3600, &u) < 0 || u == 0) {
			*why = "daemon-request-timeout is 1 to 3600 seconds";
			return -1;
		}
		c->daemon_request_timeout = u;
		return 0;
	}
	if (!strcmp(key, "daemon-workers")) {
		if (parse_uint(w[0], 10, 1024, &u) < 0 || u == 0)
			return -1;
		c->daemon_workers = u;
		return 0;
	}
	*why = "unknown key";
	return -1;
}

int qf_config_parse(const char *name, const char *text, size_t len,
		    struct qf_config *c, char *err, size_t errlen)
{
	char *copy, *line, *next, *hash, *w[WORDS_MAX];
	unsigned lineno = 0;
	const char *why;
	int n;

	if (!(copy = malloc(len + 1))) {
		snprintf(err, errlen, "%s: out of memory", name);
		return -1;
	}
	memcpy(copy, text, len);
	copy[len] = 0;
	for (line = copy; line; line = next) {
		lineno++;
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		if (strlen(line) != (size_t)((next ? next - 1 : copy + len) - line)) {
			snprintf(err, errlen, "%s:%u: NUL byte in line", name, lineno);
			goto fail;
		}
		if ((hash = strchr(line, '#')))
			*hash = 0;
		n = strlen(line);
		if (n && line[n - 1] == '\r')
			line[n - 1] = 0;
		n = split(line, w);
		if (n < 0) {
			snprintf(err, errlen, "%s:%u: too many words", name, lineno);
			goto fail;
		}
		if (n == 0)
			continue;
		if (set_key(c, w[0], w + 1, n - 1, &why) < 0) {
			if (!why)
				why = "out of memory";
			snprintf(err, errlen, "%s:%u: %s: %s", name, lineno, w[0], why);
			goto fail;
		}
	}
	free(copy);
	return 0;
fail:
	free(copy);
	return -1;
}

int qf_config_load(const char *path, struct qf_config *c, char *err, size_t errlen)
{
	char *buf;
	size_t got = 0;
	int rc;

	qf_config_defaults(c);
	if (!(buf = qf_read_file(path, CONF_MAX, &got, err, errlen))) {
		if (errno == ENOENT) {   /* no file: every default */
			if (!(c->authserv_id = qf_hostname())) {
				snprintf(err, errlen, "%s: out of memory", path);
				return -1;
			}
			return 0;
		}
		return -1;
	}
	rc = qf_config_parse(path, buf, got, c, err, errlen);
	free(buf);
	if (rc == 0 && !c->authserv_id)
		c->authserv_id = qf_hostname();
	if (rc == 0 && (!c->authserv_id || !(c->path = strdup(path)))) {
		snprintf(err, errlen, "%s: out of memory", path);
		rc = -1;
	}
	if (rc < 0)
		qf_config_free(c);
	return rc;
}
