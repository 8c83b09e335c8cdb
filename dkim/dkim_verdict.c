/* dkim_verdict.c: libopendkim's signature errors as RFC 8601 results,
 * and the q= and tag-list checks libopendkim 2.11 skips: it accepts a
 * tag named twice, and never looks at q= when the key comes from a
 * look-up callback (ours, dkim_verify.c). See dkim_verdict.h. */
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <opendkim/dkim.h>
#include "dkim_verdict.h"

enum authres_result dkim_sigerror_result(int sigerror)
{
	switch (sigerror) {
	case DKIM_SIGERROR_OK:
	case DKIM_SIGERROR_UNKNOWN:
		return AUTHRES_NONE;          /* decided by the flags */
	case DKIM_SIGERROR_BADSIG:
		return AUTHRES_FAIL;          /* RFC 6376 §6.1.3 */
	case DKIM_SIGERROR_KEYFAIL:
		return AUTHRES_TEMPERROR;     /* RFC 6376 §6.1.2: the query failed */
	case DKIM_SIGERROR_KEYTOOSMALL:
	case DKIM_SIGERROR_MBSFAILED:
		return AUTHRES_POLICY;        /* valid, not acceptable here (RFC 8601 §2.7.1) */
	default:
		/* syntax (version, tags, c=, a=, h=, l=, q=, d=, s=, b=, bh=),
		 * no key (RFC 6376 §6.1.2: NXDOMAIN is PERMFAIL), a bad or
		 * revoked key, x= passed, t= in the future, i= outside d=,
		 * l= past the body: the signature cannot be verified */
		return AUTHRES_PERMERROR;
	}
}

static bool fws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool dkim_query_supported(const char *q)
{
	const char *p = q;

	if (!q)
		return true;
	while (*p) {
		const char *e = strchr(p, ':'), *a, *b;
		if (!e)
			e = p + strlen(p);
		for (a = p; a < e && fws(*a); a++)
			;
		for (b = e; b > a && fws(b[-1]); b--)
			;
		if (b - a == 7 && !strncasecmp(a, "dns/txt", 7))
			return true;
		p = *e ? e + 1 : e;
	}
	return false;
}

bool dkim_tags_unique(const char *value, size_t len)
{
	/* the names seen: a DKIM-Signature has a dozen tags; more than this
	 * many distinct ones are not checked */
	enum { MAXTAGS = 64, MAXNAME = 32 };
	char names[MAXTAGS][MAXNAME];
	size_t n = 0, i = 0, k;

	while (i < len) {
		size_t a, b, e = i;
		while (e < len && value[e] != ';')
			e++;
		for (a = i; a < e && fws(value[a]); a++)
			;
		for (b = a; b < e && (isalnum((unsigned char)value[b]) || value[b] == '_'); b++)
			;
		if (b > a && b - a < MAXNAME) {
			for (k = 0; k < n; k++)
				if (strlen(names[k]) == b - a && !memcmp(names[k], value + a, b - a))
					return false;
			if (n < MAXTAGS) {
				memcpy(names[n], value + a, b - a);
				names[n++][b - a] = 0;
			}
		}
		i = e + 1;
	}
	return true;
}
