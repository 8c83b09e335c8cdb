/* auth_tags.c: see auth_tags.h. */
#include <string.h>
#include <strings.h>
#include "auth_tags.h"

static bool wsp(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool name_char(char c)
{
	return alpha(c) || (c >= '0' && c <= '9') || c == '_';
}

/* tval characters (%x21-3A / %x3C-7E) and the FWS between them */
static bool value_char(char c)
{
	unsigned char u = (unsigned char)c;
	return wsp(c) || (u >= 0x21 && u <= 0x7e && u != ';');
}

int auth_tags_parse(const char *v, size_t len, struct auth_tags *out)
{
	size_t i = 0;

	out->n = 0;
	while (i < len) {
		struct auth_tag *t;
		size_t ns, ne, vs, ve, j;
		while (i < len && wsp(v[i]))
			i++;
		if (i == len)
			break;               /* a final ';' (or white space only) */
		ns = i;
		while (i < len && name_char(v[i]))
			i++;
		ne = i;
		if (ne == ns || !alpha(v[ns]))
			return -1;
		while (i < len && wsp(v[i]))
			i++;
		if (i == len || v[i] != '=')
			return -1;
		i++;
		vs = i;
		while (i < len && v[i] != ';') {
			if (!value_char(v[i]))
				return -1;
			i++;
		}
		if (out->n == AUTH_TAGS_MAX)
			return -1;
		t = &out->t[out->n];
		t->raw_start = vs;
		t->raw_end = i;
		ve = i;
		while (vs < ve && wsp(v[vs]))
			vs++;
		while (ve > vs && wsp(v[ve - 1]))
			ve--;
		t->name = v + ns;
		t->namelen = ne - ns;
		t->val = v + vs;
		t->vallen = ve - vs;
		for (j = 0; j < out->n; j++)
			if (out->t[j].namelen == t->namelen && !memcmp(out->t[j].name, t->name, t->namelen))
				return -1;   /* RFC 6376 §3.2: a tag twice makes it invalid */
		out->n++;
		if (i < len)
			i++;             /* the ';' */
	}
	return 0;
}

const struct auth_tag *auth_tags_get(const struct auth_tags *t, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < t->n; i++)
		if (t->t[i].namelen == n && !memcmp(t->t[i].name, name, n))
			return &t->t[i];
	return NULL;
}

long auth_tag_copy(const struct auth_tag *t, char *out, size_t outlen)
{
	size_t i, n = 0;

	for (i = 0; i < t->vallen; i++) {
		if (wsp(t->val[i]))
			continue;
		if (n + 1 >= outlen)
			return -1;
		out[n++] = t->val[i];
	}
	if (!outlen)
		return -1;
	out[n] = 0;
	return (long)n;
}
