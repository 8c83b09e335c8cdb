/* sniff_mail.c: see sniff_mail.h. */
#include <string.h>
#include <strings.h>
#include "sniff_mail.h"

static const char *const key_fields[] = {
	"from", "received", "return-path", "message-id", "mime-version", "content-type",
};

/* The length of a field name followed by ':' at p, or 0 (RFC 5322 ftext:
 * printable ASCII but the colon). */
static size_t field_name(const unsigned char *p, const unsigned char *end)
{
	const unsigned char *q = p;

	while (q < end && *q > 32 && *q < 127 && *q != ':')
		q++;
	return q > p && q < end && *q == ':' ? (size_t)(q - p) : 0;
}

static bool key_field(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof key_fields / sizeof *key_fields; i++)
		if (strlen(key_fields[i]) == n && !strncasecmp((const char *)p, key_fields[i], n))
			return true;
	return false;
}

bool qf_sniff_mail(const unsigned char *h, size_t len)
{
	const unsigned char *p = h, *end = h + len, *nl;
	unsigned fields = 0;
	bool key = false;
	size_t n;

	if (len >= 5 && !memcmp(h, "From ", 5)) {   /* mbox */
		if (!(nl = memchr(p, '\n', len)))
			return false;
		p = nl + 1;
	}
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (p[0] == '\n' || (p[0] == '\r' && p + 1 < end && p[1] == '\n'))
			break;                              /* the end of the header */
		if (p[0] == ' ' || p[0] == '\t') {         /* a continuation */
			if (!fields)
				return false;
		} else if ((n = field_name(p, nl ? nl : end))) {
			fields++;
			key = key || key_field(p, n);
		} else if (nl)
			return false;                       /* not a header line */
		if (!nl)
			break;                              /* the head ends inside the header */
		p = nl + 1;
	}
	return fields >= 2 && key;
}
