/* lookup.c: the policy of one recipient from a compiled rules file.
 * Only the keys a subject can match are looked up (see compile.c), so
 * the cost depends on the subject, not on the number of rules; the rules
 * found are sorted back into file order and applied top to bottom. */
#include <cdb.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "rules.h"
#include "rules_int.h"

/* Rules parsed once and kept, by the address of their text in the
 * mapped file: a resident qfilterd worker parsed the same rules for
 * every message (4 % of its instructions). */
#define PARSED_KEPT 32

struct parsed {
	const char *text;            /* in the cdb's mapping: stable while r is open */
	struct qf_rule rule;
};

struct qf_rules {
	struct cdb cdb;
	int fd;
	char *source;                /* the rules file's name, for the trace */
	unsigned char prefixes[129]; /* ip= prefix lengths in use */
	unsigned nprefixes;
	struct parsed kept[PARSED_KEPT];
	unsigned nkept;
};

/* Reads the value of a unique record into a fresh string. 1 found, 0 absent, -1 error. */
static int record(struct cdb *c, const char *key, unsigned klen,
		  const unsigned char **val, unsigned *vlen)
{
	int r = cdb_find(c, key, klen);

	if (r <= 0)
		return r;
	*vlen = cdb_datalen(c);
	*val = cdb_get(c, *vlen, cdb_datapos(c));
	return *val ? 1 : -1;
}

int qf_rules_open(const char *path, struct qf_rules **out, char *err, size_t errlen)
{
	struct qf_rules *r = calloc(1, sizeof *r);
	const unsigned char *v;
	unsigned vlen;
	int found;

	*out = NULL;
	if (!r) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	if ((r->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "cannot open rules %s: %s", path, strerror(errno));
		free(r);
		return -1;
	}
	if (cdb_init(&r->cdb, r->fd) < 0) {
		if (errno == EPROTO)   /* too short to be a cdb */
			snprintf(err, errlen, "%s: not a compiled rules file (compile it with qfilter-rules)", path);
		else
			snprintf(err, errlen, "cannot read rules %s: %s", path, strerror(errno));
		close(r->fd);
		free(r);
		return -1;
	}
	found = record(&r->cdb, QF_KEY_FORMAT, sizeof QF_KEY_FORMAT - 1, &v, &vlen);
	if (found < 0)
		goto corrupt;
	if (found == 0 || vlen < 14 || memcmp(v, "qfilter-rules ", 14) != 0) {
		snprintf(err, errlen, "%s: not a compiled rules file (compile it with qfilter-rules)", path);
		goto fail;
	}
	if (vlen != sizeof QF_RULES_FORMAT - 1 || memcmp(v, QF_RULES_FORMAT, vlen) != 0) {
		snprintf(err, errlen, "%s: compiled by another version of qfilter-rules (%.*s, "
			 "this one reads \"%s\"): compile it again", path, (int)(vlen > 40 ? 40 : vlen),
			 (const char *)v, QF_RULES_FORMAT);
		goto fail;
	}
	if (record(&r->cdb, QF_KEY_SOURCE, sizeof QF_KEY_SOURCE - 1, &v, &vlen) != 1 ||
	    !(r->source = strndup((const char *)v, vlen)))
		goto corrupt;
	if (record(&r->cdb, QF_KEY_PREFIXES, sizeof QF_KEY_PREFIXES - 1, &v, &vlen) != 1 ||
	    vlen > 129)
		goto corrupt;
	for (unsigned i = 0; i < vlen; i++) {
		if (v[i] > 128)
			goto corrupt;
		r->prefixes[r->nprefixes++] = v[i];
	}
	*out = r;
	return 0;
corrupt:
	snprintf(err, errlen, "%s: corrupt compiled rules file", path);
fail:
	qf_rules_close(r);
	return -1;
}

void qf_rules_close(struct qf_rules *r)
{
	if (!r)
		return;
	while (r->nkept)
		qf_rule_free(&r->kept[--r->nkept].rule);
	cdb_free(&r->cdb);
	close(r->fd);
	free(r->source);
	free(r);
}

struct match {
	unsigned line;
	const char *text;
	unsigned len;
};

struct search {
	struct cdb cdb;          /* a private copy: cdb_findnext writes into it,
				  * and qfilterd's workers share the rules */
	struct match *m;
	size_t n, cap;
	int error;               /* 0, ENOMEM or EPROTO */
};

static void collect(struct search *s, const char *key, size_t klen)
{
	struct cdb_find f;
	int r;

	if (s->error || cdb_findinit(&f, &s->cdb, key, (unsigned)klen) < 0) {
		s->error = s->error ? s->error : EPROTO;
		return;
	}
	while ((r = cdb_findnext(&f)) > 0) {
		unsigned vlen = cdb_datalen(&s->cdb);
		const unsigned char *v = cdb_get(&s->cdb, vlen, cdb_datapos(&s->cdb));
		if (!v || vlen < 4) {
			s->error = EPROTO;
			return;
		}
		if (s->n == s->cap) {
			size_t cap = s->cap ? s->cap * 2 : 16;
			struct match *m = realloc(s->m, cap * sizeof *m);
			if (!m) {
				s->error = ENOMEM;
				return;
			}
			s->m = m;
			s->cap = cap;
		}
		s->m[s->n].line = (unsigned)v[0] << 24 | (unsigned)v[1] << 16 |
				  (unsigned)v[2] << 8 | v[3];
		s->m[s->n].text = (const char *)v + 4;
		s->m[s->n].len = vlen - 4;
		s->n++;
	}
	if (r < 0)
		s->error = EPROTO;
}

/* The keys of one address: "t:user@dom", "t@dom", then "t@.PARENT" for
 * each parent domain, nearest first (to=@.example.com covers every depth). */
static void collect_address(struct search *s, char kind, const char *addr)
{
	size_t len = strlen(addr);
	char *key = malloc(len + 4), *at, *dom, *end;

	if (!key) {
		s->error = ENOMEM;
		return;
	}
	key[0] = kind;
	key[1] = ':';
	for (size_t i = 0; i <= len; i++)
		key[2 + i] = (char)((addr[i] >= 'A' && addr[i] <= 'Z') ? addr[i] + 32 : addr[i]);
	collect(s, key, len + 2);
	at = strrchr(key + 2, '@');
	if (at && at[1]) {
		dom = at + 1;
		end = dom + strlen(dom);
		if (end[-1] == '.')      /* "example.com." is example.com */
			*--end = 0;
		dom[-2] = kind;          /* overwrite just before "@dom" */
		collect(s, dom - 2, (size_t)(end - dom) + 2);
		for (char *dot = dom; (dot = memchr(dot, '.', (size_t)(end - dot))); dot++) {
			dot[-2] = kind;
			dot[-1] = '@';
			collect(s, dot - 2, (size_t)(end - dot) + 2);
		}
	}
	free(key);
}

static void collect_ip(struct search *s, const struct qf_rules *r, const char *ip)
{
	unsigned char addr[16];
	char key[64];

	if (!ip || !*ip || !r->nprefixes || qf_cidr_addr(ip, addr) < 0)
		return;
	for (unsigned i = 0; i < r->nprefixes; i++)
		if (qf_cidr_key(addr, r->prefixes[i], key, sizeof key) == 0)
			collect(s, key, strlen(key));
}

static int by_line(const void *a, const void *b)
{
	const struct match *x = a, *y = b;

	return x->line < y->line ? -1 : x->line > y->line;
}

struct first_problem {
	char *err;
	size_t errlen;
	bool seen;
};

static void first_problem(void *arg, const char *what)
{
	struct first_problem *fp = arg;

	if (!fp->seen)
		snprintf(fp->err, fp->errlen, "%s", what);
	fp->seen = true;
}

/* The rule whose text is at text: parsed now, or earlier and kept (the
 * first PARSED_KEPT distinct ones; later ones are parsed each time into
 * *scratch, which the caller frees when *rule is scratch). 0, or -1 when
 * the text is not a rule (qf_rule_parse failed, or it is blank: the
 * compiled file holds no blank rules). */
static int parsed_rule(struct qf_rules *r, const char *text, unsigned len, struct qf_rule *scratch,
		       const struct qf_rule **rule, struct first_problem *fp)
{
	unsigned i;

	for (i = 0; i < r->nkept; i++)
		if (r->kept[i].text == text) {
			*rule = &r->kept[i].rule;
			return 0;
		}
	if (qf_rule_parse(text, len, scratch, first_problem, fp) < 0)
		return -1;
	if (scratch->sel == QF_SEL_NONE) {
		qf_rule_free(scratch);
		return -1;
	}
	*rule = scratch;
	if (r->nkept < PARSED_KEPT) {
		r->kept[r->nkept].text = text;
		r->kept[r->nkept].rule = *scratch;
		*rule = &r->kept[r->nkept++].rule;
	}
	return 0;
}

int qf_rules_policy(struct qf_rules *r, const struct qf_subject *subj,
		    struct qf_policy *p,
		    void (*trace)(void *arg, const char *rule), void *arg,
		    char *err, size_t errlen)
{
	struct search s = { .cdb = r->cdb };
	char why[256] = "";
	size_t i;

	if (subj->base) {
		if (qf_policy_copy(p, subj->base) < 0) {
			qf_policy_default(p);
			snprintf(err, errlen, "rules %s: out of memory", r->source);
			return -1;
		}
	} else
		qf_policy_default(p);
	collect(&s, "*", 1);
	if (subj->relay)
		collect(&s, "r", 1);
	if (subj->rcpt)
		collect_address(&s, 't', subj->rcpt);
	if (subj->sender)
		collect_address(&s, 'f', subj->sender);
	collect_ip(&s, r, subj->ip);
	if (s.error)
		goto fail;
	if (s.n)   /* qsort(NULL, 0) is undefined */
		qsort(s.m, s.n, sizeof *s.m, by_line);
	for (i = 0; i < s.n; i++) {
		struct first_problem fp = { why, sizeof why, false };
		struct qf_rule scratch;
		const struct qf_rule *rule;
		int rc;
		if (parsed_rule(r, s.m[i].text, s.m[i].len, &scratch, &rule, &fp) < 0) {
			s.error = EPROTO;
			goto fail;
		}
		rc = qf_rule_apply(rule, p);
		if (rule == &scratch)
			qf_rule_free(&scratch);
		if (rc < 0) {
			s.error = ENOMEM;
			goto fail;
		}
		if (trace) {
			char *line;
			if (asprintf(&line, "%s:%u: %.*s", r->source, s.m[i].line,
				     (int)s.m[i].len, s.m[i].text) < 0) {
				s.error = ENOMEM;
				goto fail;
			}
			trace(arg, line);
			free(line);
		}
	}
	free(s.m);
	return 0;
fail:
	if (s.error == ENOMEM)
		snprintf(err, errlen, "rules %s: out of memory", r->source);
	else
		snprintf(err, errlen, "rules %s: corrupt compiled file%s%s", r->source,
			 *why ? ": " : "", why);
	free(s.m);
	qf_policy_free(p);
	qf_policy_default(p);
	return -1;
}
