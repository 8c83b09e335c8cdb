/* parse.c: one line of the rules language, and a whole rules text.
 * A line is "SELECTOR SETTING=VALUE..." (qfilter.rules(5)). Every problem
 * is reported, not just the first: an administrator fixes a file in one go. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"
#include "rules_int.h"

struct line_parse {
	void (*problem)(void *arg, const char *what);
	void *arg;
	int problems;
};

static void problem(struct line_parse *lp, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void problem(struct line_parse *lp, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	lp->problems++;
	lp->problem(lp->arg, buf);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

const char *qf_rule_text(const char *line, size_t *len)
{
	size_t n = *len, start = 0, end;

	while (start < n && is_blank(line[start]))
		start++;
	/* '#' starts a comment at the start of a word only: "a#b@x" is an address */
	for (end = start; end < n; end++)
		if (line[end] == '#' && (end == start || is_blank(line[end - 1])))
			break;
	while (end > start && is_blank(line[end - 1]))
		end--;
	*len = end - start;
	return line + start;
}

static void lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

/* A domain: non-empty labels of letters, digits, '-', '_' or UTF-8 bytes. */
static bool domain_ok(const char *d)
{
	size_t label = 0;

	if (!*d || strlen(d) > 255)
		return false;
	for (; *d; d++) {
		unsigned char c = (unsigned char)*d;
		if (c == '.') {
			if (label == 0)
				return false;
			label = 0;
		} else if (isalnum(c) || c == '-' || c == '_' || c >= 0x80) {
			label++;
		} else {
			return false;
		}
	}
	return label > 0;
}

/* to=/from= values: "user@domain", "@domain", "@.domain", and from=<> */
static void parse_address(struct line_parse *lp, const char *word, const char *v,
			  bool from, struct qf_rule *r)
{
	const char *at = strrchr(v, '@');

	if (from && strcmp(v, "<>") == 0) {
		r->sel = QF_SEL_FROM;     /* the empty sender of bounces */
		r->value = strdup("");
		return;
	}
	if (!at) {
		problem(lp, "%s: not an address (user@domain) or a domain (@domain, @.domain)", word);
		return;
	}
	if (strlen(v) > 1003) {
		problem(lp, "%s: the address is longer than 1003 bytes", word);
		return;
	}
	for (const char *p = v; *p; p++)
		if ((unsigned char)*p < 0x21 || *p == 0x7f || *p == ',') {
			problem(lp, "%s: control character or comma in the address", word);
			return;
		}
	if (at == v) {
		bool sub = v[1] == '.';
		const char *d = v + 1 + sub;
		if (!domain_ok(d)) {
			problem(lp, "%s: not a domain name", word);
			return;
		}
		r->sel = from ? (sub ? QF_SEL_FROM_SUBDOMAINS : QF_SEL_FROM_DOMAIN)
			      : (sub ? QF_SEL_TO_SUBDOMAINS : QF_SEL_TO_DOMAIN);
		r->value = strdup(d);
	} else {
		if (!domain_ok(at + 1)) {
			problem(lp, "%s: the part after @ is not a domain name", word);
			return;
		}
		r->sel = from ? QF_SEL_FROM : QF_SEL_TO;
		r->value = strdup(v);
	}
	if (!r->value) {
		problem(lp, "out of memory");
		return;
	}
	lower(r->value);
}

static void parse_selector(struct line_parse *lp, const char *word, struct qf_rule *r)
{
	char err[256];

	if (strcmp(word, "*") == 0) {
		r->sel = QF_SEL_ALL;
	} else if (strcmp(word, "relay") == 0) {
		r->sel = QF_SEL_RELAY;
	} else if (strncmp(word, "to=", 3) == 0) {
		parse_address(lp, word, word + 3, false, r);
	} else if (strncmp(word, "from=", 5) == 0) {
		parse_address(lp, word, word + 5, true, r);
	} else if (strncmp(word, "ip=", 3) == 0) {
		if (qf_cidr_parse(word + 3, &r->net, err, sizeof err) < 0)
			problem(lp, "%s", err);
		else
			r->sel = QF_SEL_IP;
	} else if (strchr(word, '=')) {
		problem(lp, "%s: a rule starts with a selector (*, to=, from=, ip=, relay)", word);
	} else {
		problem(lp, "%s: not a selector (*, to=, from=, ip=, relay)", word);
	}
}

/* Setting values. Each returns 0, or -1 after a problem(). */
typedef int (*value_parser)(struct line_parse *lp, const char *word, const char *v,
			    struct qf_policy *p, size_t field);

static int action_value(struct line_parse *lp, const char *word, const char *v,
			struct qf_policy *p, size_t field)
{
	enum qf_action a;

	if (qf_action_parse(v, &a) < 0) {
		problem(lp, "%s: not an action (reject, tempfail, drop, quarantine, tag, off)", word);
		return -1;
	}
	*(enum qf_action *)((char *)p + field) = a;
	return 0;
}

static int virus_fail_value(struct line_parse *lp, const char *word, const char *v,
			    struct qf_policy *p, size_t field)
{
	if (strcmp(v, "tempfail") == 0)
		p->virus_fail = QF_VFAIL_TEMPFAIL;
	else if (strcmp(v, "pass") == 0)
		p->virus_fail = QF_VFAIL_PASS;
	else {
		problem(lp, "%s: must be tempfail or pass", word);
		return -1;
	}
	return 0;
}

static int dkim_value(struct line_parse *lp, const char *word, const char *v,
		      struct qf_policy *p, size_t field)
{
	if (strcmp(v, "verify") == 0)
		p->dkim_verify = true;
	else if (strcmp(v, "off") == 0)
		p->dkim_verify = false;
	else {
		problem(lp, "%s: must be verify or off", word);
		return -1;
	}
	return 0;
}

static int sign_value(struct line_parse *lp, const char *word, const char *v,
		      struct qf_policy *p, size_t field)
{
	if (strcmp(v, "yes") == 0)
		p->sign = QF_SIGN_YES;
	else if (strcmp(v, "no") == 0)
		p->sign = QF_SIGN_NO;
	else if (strcmp(v, "relay") == 0)
		p->sign = QF_SIGN_RELAY;
	else {
		problem(lp, "%s: must be yes, no or relay", word);
		return -1;
	}
	return 0;
}

static int dmarc_fail_value(struct line_parse *lp, const char *word, const char *v,
			    struct qf_policy *p, size_t field)
{
	for (int d = QF_DMARC_OFF; d <= QF_DMARC_REJECT; d++)
		if (strcmp(v, qf_dmarc_fail_name((enum qf_dmarc_fail)d)) == 0) {
			p->dmarc_fail = (enum qf_dmarc_fail)d;
			return 0;
		}
	problem(lp, "%s: must be reject, quarantine, tag, off, policy or policy-reject", word);
	return -1;
}

static int size_value(struct line_parse *lp, const char *word, const char *v,
		      struct qf_policy *p, size_t field)
{
	uint64_t n = 0;

	if (strcmp(v, "none") != 0 && qf_parse_size(v, &n) < 0) {
		problem(lp, "%s: not a size (bytes, with k, M or G; or none)", word);
		return -1;
	}
	*(uint64_t *)((char *)p + field) = n;
	return 0;
}

static int count_value(struct line_parse *lp, const char *word, const char *v,
		       struct qf_policy *p, size_t field)
{
	unsigned long n = 0;
	const char *s = v;

	for (; *s >= '0' && *s <= '9' && n <= 1000000; s++)
		n = n * 10 + (unsigned long)(*s - '0');
	if (s == v || *s || n < 1 || n > 1000000) {
		problem(lp, "%s: must be a number from 1 to 1000000", word);
		return -1;
	}
	*(unsigned *)((char *)p + field) = (unsigned)n;
	return 0;
}

/* Comma lists; empty or "none" is the empty list (which clears an earlier
 * rule's list, since a later list replaces the earlier one). */
static int list_value(struct line_parse *lp, const char *word, const char *v,
		      char ***list, bool (*item_ok)(char *item), const char *what)
{
	char *copy, *item, *save = NULL;
	int bad = 0;

	if (*v == 0 || strcmp(v, "none") == 0)
		return 0;
	if (!(copy = strdup(v))) {
		problem(lp, "out of memory");
		return -1;
	}
	for (item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		lower(item);
		if (!item_ok(item)) {
			problem(lp, "%s: \"%s\" is not %s", word, item, what);
			bad = -1;
		} else if (!bad && qf_list_add(list, item) < 0) {
			problem(lp, "out of memory");
			bad = -1;
		}
	}
	free(copy);
	return bad;
}

static bool token_ok(const char *s, const char *end)
{
	if (s == end)
		return false;
	for (; s < end; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f ||
		    strchr("()<>@,;:\\\"/[]?=", *s))
			return false;
	return true;
}

static bool mime_type_ok(char *t)
{
	char *slash = strchr(t, '/');

	return slash && token_ok(t, slash) && token_ok(slash + 1, slash + strlen(slash));
}

/* "exe", ".exe", "tar.gz": a leading dot is dropped */
static bool ext_ok(char *e)
{
	if (*e == '.')
		memmove(e, e + 1, strlen(e));
	if (!*e || strlen(e) > 64)
		return false;
	for (; *e; e++)
		if ((unsigned char)*e <= 0x20 || *e == '/' || *e == '\\' || *e == 0x7f)
			return false;
	return true;
}

static bool domain_item_ok(char *d)
{
	return domain_ok(d);
}

static int ban_types_value(struct line_parse *lp, const char *word, const char *v,
			   struct qf_policy *p, size_t field)
{
	return list_value(lp, word, v, &p->ban_types, mime_type_ok, "a MIME type (type/subtype)");
}

static int ban_ext_value(struct line_parse *lp, const char *word, const char *v,
			 struct qf_policy *p, size_t field)
{
	return list_value(lp, word, v, &p->ban_ext, ext_ok, "a file name extension");
}

static int dkim_require_value(struct line_parse *lp, const char *word, const char *v,
			      struct qf_policy *p, size_t field)
{
	return list_value(lp, word, v, &p->dkim_require, domain_item_ok, "a domain name");
}

static const struct setting {
	const char *name;
	unsigned bit;
	value_parser parse;
	size_t field;
} settings[] = {
	{ "exe", QF_SET_EXE, action_value, offsetof(struct qf_policy, exe) },
	{ "virus", QF_SET_VIRUS, action_value, offsetof(struct qf_policy, virus) },
	{ "virus-fail", QF_SET_VIRUS_FAIL, virus_fail_value, 0 },
	{ "types", QF_SET_TYPES, action_value, offsetof(struct qf_policy, types) },
	{ "ban-types", QF_SET_BAN_TYPES, ban_types_value, 0 },
	{ "ban-ext", QF_SET_BAN_EXT, ban_ext_value, 0 },
	{ "size", QF_SET_SIZE, size_value, offsetof(struct qf_policy, size) },
	{ "part-size", QF_SET_PART_SIZE, size_value, offsetof(struct qf_policy, part_size) },
	{ "dkim", QF_SET_DKIM, dkim_value, 0 },
	{ "dkim-require", QF_SET_DKIM_REQUIRE, dkim_require_value, 0 },
	{ "dkim-fail", QF_SET_DKIM_FAIL, action_value, offsetof(struct qf_policy, dkim_fail) },
	{ "sign", QF_SET_SIGN, sign_value, 0 },
	{ "dmarc-fail", QF_SET_DMARC_FAIL, dmarc_fail_value, 0 },
	{ "unchecked", QF_SET_UNCHECKED, action_value, offsetof(struct qf_policy, unchecked) },
	{ "ambiguous-mime", QF_SET_AMBIGUOUS, action_value, offsetof(struct qf_policy, ambiguous) },
	{ "message-partial", QF_SET_PARTIAL, action_value, offsetof(struct qf_policy, partial) },
	{ "max-parts", QF_SET_MAX_PARTS, count_value, offsetof(struct qf_policy, max_parts) },
	{ "max-depth", QF_SET_MAX_DEPTH, count_value, offsetof(struct qf_policy, max_depth) },
};

static void parse_setting(struct line_parse *lp, const char *word, struct qf_rule *r)
{
	const char *eq = strchr(word, '=');
	size_t nlen = eq ? (size_t)(eq - word) : 0;

	if (!eq) {
		if (strcmp(word, "*") == 0 || strcmp(word, "relay") == 0)
			problem(lp, "%s: only one selector per line", word);
		else
			problem(lp, "%s: not a setting (name=value)", word);
		return;
	}
	if ((nlen == 2 && strncmp(word, "to", 2) == 0) || (nlen == 4 && strncmp(word, "from", 4) == 0) ||
	    (nlen == 2 && strncmp(word, "ip", 2) == 0)) {
		problem(lp, "%s: only one selector per line", word);
		return;
	}
	for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
		const struct setting *s = &settings[i];
		if (strlen(s->name) != nlen || strncmp(word, s->name, nlen) != 0)
			continue;
		if (r->set & s->bit) {
			problem(lp, "%s: %s= is given twice in this rule", word, s->name);
			return;
		}
		if (s->parse(lp, word, eq + 1, &r->settings, s->field) == 0)
			r->set |= s->bit;
		return;
	}
	problem(lp, "%.*s=: unknown setting", (int)nlen, word);
}

void qf_rule_free(struct qf_rule *r)
{
	free(r->value);
	qf_policy_free(&r->settings);
	memset(r, 0, sizeof *r);
}

int qf_rule_parse(const char *line, size_t len, struct qf_rule *r,
		  void (*problem_fn)(void *arg, const char *what), void *arg)
{
	struct line_parse lp = { problem_fn, arg, 0 };
	char word[QF_RULE_LINE_MAX + 1];
	const char *text = qf_rule_text(line, &len);
	size_t i = 0;
	int words = 0;

	memset(r, 0, sizeof *r);
	if (len > QF_RULE_LINE_MAX) {
		problem(&lp, "the line is longer than %d bytes", QF_RULE_LINE_MAX);
		return -1;
	}
	if (memchr(text, 0, len)) {
		problem(&lp, "the line contains a NUL byte");
		return -1;
	}
	while (i < len) {
		size_t start = i;
		while (i < len && !is_blank(text[i]))
			i++;
		memcpy(word, text + start, i - start);
		word[i - start] = 0;
		if (words++ == 0)
			parse_selector(&lp, word, r);
		else
			parse_setting(&lp, word, r);
		while (i < len && is_blank(text[i]))
			i++;
	}
	if (words == 1 && lp.problems == 0)
		problem(&lp, "%s: no settings after the selector", word);
	if (lp.problems) {
		qf_rule_free(r);
		return -1;
	}
	return 0;
}

struct text_parse {
	const char *name;
	unsigned line;
	const struct qf_rules_parser *p;
};

static void line_problem(void *arg, const char *what)
{
	struct text_parse *tp = arg;
	char buf[1024];

	snprintf(buf, sizeof buf, "%s:%u: %s", tp->name, tp->line, what);
	tp->p->error(tp->p->arg, buf);
}

int qf_rules_parse(const char *name, const char *text, size_t len,
		   const struct qf_rules_parser *p)
{
	struct text_parse tp = { name, 0, p };
	size_t pos = 0;
	int errors = 0;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		size_t tlen = end - pos;
		const char *t = qf_rule_text(text + pos, &tlen);
		struct qf_rule r;

		tp.line++;
		if (qf_rule_parse(text + pos, end - pos, &r, line_problem, &tp) < 0) {
			errors++;
		} else if (r.sel != QF_SEL_NONE) {
			if (p->rule(p->arg, tp.line, t, tlen, &r) != 0)
				return -1;
		}
		pos = end + 1;
	}
	return errors;
}
