/* authres.c: writes our Authentication-Results value and reads the
 * authserv-id of existing ones (RFC 8601 §2.2, with RFC 5322 CFWS and
 * RFC 2045 token / quoted-string). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "authres.h"

const char *authres_result_name(enum authres_result r)
{
	static const char *const names[] = {
		"none", "pass", "fail", "policy", "neutral", "temperror", "permerror"
	};
	return (unsigned)r < sizeof names / sizeof names[0] ? names[r] : "permerror";
}

/* RFC 2045 tspecials, which end a token */
static bool tspecial(unsigned char c)
{
	return c && strchr("()<>@,;:\\\"/[]?=", c) != NULL;
}

static bool token_char(unsigned char c)
{
	return c > 0x20 && c < 0x7f && !tspecial(c);
}

static bool atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

/* --- writing --- */

struct sbuf {
	char *s;
	size_t n, cap;
	size_t col;        /* bytes since the last fold */
	bool nomem;
};

static void sb_put(struct sbuf *b, const char *p, size_t n)
{
	if (b->nomem)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *ns;
		while (cap < b->n + n + 1)
			cap *= 2;
		if (!(ns = realloc(b->s, cap))) {
			b->nomem = true;
			return;
		}
		b->s = ns;
		b->cap = cap;
	}
	memcpy(b->s + b->n, p, n);
	b->n += n;
	b->s[b->n] = 0;
	b->col += n;
}

static void sb_str(struct sbuf *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

static void sb_fold(struct sbuf *b)
{
	sb_put(b, "\n\t", 2);
	b->col = 8;
}

/* local-part "@" domain with a dot-atom local part: a pvalue as it is */
static bool plain_address(const char *s)
{
	const char *at = strrchr(s, '@');
	const char *p;

	if (!at || at[1] == 0)
		return false;
	for (p = s; p < at; p++)
		if (!atext((unsigned char)*p) && *p != '.')
			return false;
	for (p = at + 1; *p; p++)
		if (!token_char((unsigned char)*p))
			return false;
	return true;
}

/* A property value: a token as it is, else a quoted-string. */
static void sb_value(struct sbuf *b, const char *v, bool address)
{
	const char *p;
	bool token = *v != 0;

	for (p = v; *p && token; p++)
		token = token_char((unsigned char)*p);
	if (token || (address && plain_address(v))) {
		sb_str(b, v);
		return;
	}
	sb_put(b, "\"", 1);
	for (p = v; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '"' || c == '\\')
			sb_put(b, "\\", 1);
		if (c < 0x20 || c >= 0x7f)
			c = '?';   /* keep the header printable ASCII */
		sb_put(b, (const char *)&c, 1);
	}
	sb_put(b, "\"", 1);
}

/* Room for roughly this many more bytes on the line, else fold first. */
static void sb_room(struct sbuf *b, size_t need)
{
	if (b->col + need > 78)
		sb_fold(b);
	else
		sb_put(b, " ", 1);
}

static void sb_prop(struct sbuf *b, const char *ptype, const char *value, bool address)
{
	char name[32];
	size_t len;

	if (!*value)
		return;
	snprintf(name, sizeof name, "%s=", ptype);
	/* format it aside first to know its width */
	struct sbuf v = { 0 };
	sb_value(&v, value, address);
	if (v.nomem) {
		b->nomem = true;
		return;
	}
	len = strlen(name) + v.n;
	sb_room(b, len);
	sb_str(b, name);
	sb_put(b, v.s, v.n);
	free(v.s);
}

static void sb_comment(struct sbuf *b, const char *c)
{
	const char *p;
	struct sbuf v = { 0 };

	if (!*c)
		return;
	sb_put(&v, "(", 1);
	for (p = c; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch == '(' || ch == ')' || ch == '\\')
			sb_put(&v, "\\", 1);
		if (ch < 0x20 || ch >= 0x7f)
			ch = '?';
		sb_put(&v, (const char *)&ch, 1);
	}
	sb_put(&v, ")", 1);
	if (v.nomem) {
		b->nomem = true;
		free(v.s);
		return;
	}
	sb_room(b, v.n);
	sb_put(b, v.s, v.n);
	free(v.s);
}

static void resinfo(struct sbuf *b, const char *method, const struct authres_sig *r, bool dkim)
{
	sb_put(b, ";", 1);
	sb_fold(b);
	sb_str(b, method);
	sb_put(b, "=", 1);
	sb_str(b, authres_result_name(r ? r->result : AUTHRES_NONE));
	if (!r)
		return;
	sb_comment(b, r->comment);
	sb_prop(b, "header.d", r->d, false);
	if (dkim) {
		sb_prop(b, "header.i", r->i, true);
		sb_prop(b, "header.s", r->s, false);
		sb_prop(b, "header.a", r->a, false);
		/* b= prefixes hold '/', '+' and '=': always a quoted-string */
		if (*r->b) {
			struct sbuf v = { 0 };
			sb_put(&v, "header.b=\"", 10);
			for (const char *p = r->b; *p; p++)
				if (token_char((unsigned char)*p) || strchr("/+=", *p))
					sb_put(&v, p, 1);
			sb_put(&v, "\"", 1);
			if (v.nomem)
				b->nomem = true;
			else {
				sb_room(b, v.n);
				sb_put(b, v.s, v.n);
			}
			free(v.s);
		}
	} else {
		sb_prop(b, r->sender ? "header.sender" : "header.from", r->from, true);
	}
}

char *authres_format(const char *authserv_id,
		     const struct authres_sig *dkim, size_t ndkim,
		     const struct authres_sig *dk, size_t ndk)
{
	struct sbuf b = { 0 };
	size_t i;

	b.col = sizeof "Authentication-Results: " - 1;
	sb_value(&b, authserv_id && *authserv_id ? authserv_id : "localhost", false);
	if (!ndkim)
		resinfo(&b, "dkim", NULL, true);
	for (i = 0; i < ndkim; i++)
		resinfo(&b, "dkim", &dkim[i], true);
	if (!ndk)
		resinfo(&b, "domainkeys", NULL, false);
	for (i = 0; i < ndk; i++)
		resinfo(&b, "domainkeys", &dk[i], false);
	if (b.nomem) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

char *authres_method(const char *method, const char *result, const char *comment,
		     const struct authres_prop *props, size_t nprops)
{
	struct sbuf b = { 0 };
	size_t i;

	sb_put(&b, ";", 1);
	sb_fold(&b);
	sb_str(&b, method);
	sb_put(&b, "=", 1);
	sb_str(&b, result);
	if (comment)
		sb_comment(&b, comment);
	for (i = 0; i < nprops; i++)
		if (props[i].value)
			sb_prop(&b, props[i].name, props[i].value, props[i].address);
	if (b.nomem) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

/* --- reading --- */

/* Skips CFWS from p: whitespace, line ends and nested comments with
 * quoted-pairs. Returns the new position, or NULL when a comment runs off
 * the end. */
static const char *skip_cfws(const char *p, const char *end)
{
	int depth = 0;

	while (p < end) {
		char c = *p;
		if (depth == 0 && (c == ' ' || c == '\t' || c == '\r' || c == '\n')) {
			p++;
		} else if (c == '(') {
			depth++;
			p++;
		} else if (depth > 0) {
			if (c == '\\')
				p++;
			else if (c == ')')
				depth--;
			p++;
		} else {
			return p;
		}
	}
	return depth > 0 ? NULL : p;
}

static long parse_id(const char *value, size_t len, char *id, size_t idlen, const char **after)
{
	const char *end = value + len, *p = skip_cfws(value, end);
	size_t n = 0;

	if (!p || p == end)
		return -1;
	if (*p == '"') {
		for (p++; p < end && *p != '"'; p++) {
			if (*p == '\r' || *p == '\n')
				continue;   /* folding inside the quoted-string */
			if (*p == '\\' && p + 1 < end)
				p++;
			if (n + 1 < idlen)
				id[n] = *p;
			n++;
		}
		if (p == end)
			return -1;   /* unterminated */
		p++;
	} else {
		for (; p < end && (token_char((unsigned char)*p) || (unsigned char)*p >= 0x80); p++) {
			if (n + 1 < idlen)
				id[n] = *p;
			n++;
		}
		if (n == 0)
			return -1;
	}
	if (idlen)
		id[n < idlen ? n : idlen - 1] = 0;
	*after = p;
	return (long)n;
}

long authres_authserv_id(const char *value, size_t len, char *id, size_t idlen)
{
	const char *after;

	return parse_id(value, len, id, idlen, &after);
}

bool authres_is_ours(const char *field, size_t len, bool cut, const char *authserv_id)
{
	static const char name[] = "Authentication-Results";
	const char *colon = memchr(field, ':', len), *end = field + len;
	char id[256];
	const char *after;
	size_t n;
	long idn;

	if (!colon)
		return false;
	n = (size_t)(colon - field);
	while (n > 0 && (field[n - 1] == ' ' || field[n - 1] == '\t'))
		n--;
	if (n != sizeof name - 1 || strncasecmp(field, name, n))
		return false;
	idn = parse_id(colon + 1, (size_t)(end - colon - 1), id, sizeof id, &after);
	/* an authserv-id cut off by our read limit: remove the field rather
	 * than let a forger hide ours behind a long comment */
	if (cut && (idn < 0 || after == end))
		return true;
	if (idn < 0 || (size_t)idn >= sizeof id)
		return false;   /* none, or longer than any host name: not ours */
	return strcasecmp(id, authserv_id) == 0;
}
