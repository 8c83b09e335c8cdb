/* dkim_name.c: see dkim_name.h. */
#include <string.h>
#include "dkim_name.h"

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
