/* dkim_addr.c: just enough RFC 5322 address parsing to find the author
 * or sender domain: comments, quoted strings, angle addresses, groups. */
#include <string.h>
#include "dkim_addr.h"

long dkim_addr_first(const char *value, size_t len, char *out, size_t outlen)
{
	size_t n = 0, i;
	int depth = 0;          /* comment nesting */
	bool quoted = false, angle = false;

	if (!outlen)
		return -1;
	for (i = 0; i < len; i++) {
		char c = value[i];
		if (depth > 0) {
			if (c == '\\')
				i++;
			else if (c == '(')
				depth++;
			else if (c == ')')
				depth--;
			continue;
		}
		if (quoted) {
			if (c == '\\' && i + 1 < len)
				c = value[++i];
			else if (c == '"') {
				quoted = false;
				if (n + 1 >= outlen)
					return -1;
				out[n++] = c;
				continue;
			}
			if (c == '\r' || c == '\n')
				continue;
			if (n + 1 >= outlen)
				return -1;
			out[n++] = c;
			continue;
		}
		switch (c) {
		case '(':
			depth++;
			continue;
		case '"':
			quoted = true;
			break;
		case '<':
			n = 0;           /* what came before was a display name */
			angle = true;
			continue;
		case '>':
			if (angle)
				goto done;
			continue;
		case ':':
			if (angle) {     /* obsolete source route "@a,@b:" */
				n = 0;
				continue;
			}
			n = 0;           /* a group's display name */
			continue;
		case ',':
			if (angle)
				continue;    /* inside a source route */
			/* fall through */
		case ';':
			if (n)
				goto done;
			continue;
		case ' ': case '\t': case '\r': case '\n':
			continue;
		}
		if (n + 1 >= outlen)
			return -1;
		out[n++] = c;
	}
done:
	out[n] = 0;
	if (n == 0 || !strchr(out, '@'))
		return -1;
	return (long)n;
}

const char *dkim_addr_domain(const char *addr)
{
	const char *at = strrchr(addr, '@');

	return at && at[1] ? at + 1 : NULL;
}

bool dkim_ldh_domain(const char *s)
{
	size_t total = 0, label = 0;
	const char *p;

	if (!s || !*s)
		return false;
	for (p = s; *p; p++, total++) {
		char c = *p;
		if (c == '.') {
			if (label == 0)
				return false;    /* empty label */
			if (p[-1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
		if (label == 0 && c == '-')
			return false;
		if (++label > 63)
			return false;
	}
	if (total > 253 || p[-1] == '-')
		return false;
	return true;
}
