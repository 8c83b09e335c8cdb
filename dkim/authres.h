/* authres.h: the Authentication-Results header field (RFC 8601): what
 * qfilter writes, and recognising fields that claim our authserv-id so
 * that forged ones are removed from the queued copy. */
#ifndef AUTHRES_H
#define AUTHRES_H

#include <stdbool.h>
#include <stddef.h>

/* RFC 8601 §2.7.1 results for dkim= and domainkeys=. */
enum authres_result {
	AUTHRES_NONE = 0, AUTHRES_PASS, AUTHRES_FAIL, AUTHRES_POLICY,
	AUTHRES_NEUTRAL, AUTHRES_TEMPERROR, AUTHRES_PERMERROR
};
const char *authres_result_name(enum authres_result r);

/* One signature's result. Empty strings are left out of the header. */
struct authres_sig {
	enum authres_result result;
	char comment[96];    /* "(...)" after the result: key size, reason */
	char d[256];         /* header.d */
	char i[384];         /* header.i (DKIM) */
	char s[256];         /* header.s (DKIM) */
	char a[24];          /* header.a (DKIM) */
	char b[160];         /* header.b: a prefix of b= (RFC 6008) */
	char from[384];      /* header.from or, with sender, header.sender (DomainKeys) */
	bool sender;
};

/* The value of "Authentication-Results:" (without the name): authserv-id,
 * then one resinfo per signature ("dkim=none" / "domainkeys=none" when
 * ndkim / ndk is 0), folded with "\n\t" to stay near 78 columns. Values
 * that are not tokens (or addresses) are quoted. Returns a malloc'd
 * string, or NULL on ENOMEM. */
char *authres_format(const char *authserv_id,
		     const struct authres_sig *dkim, size_t ndkim,
		     const struct authres_sig *dk, size_t ndk);

/* One resinfo of another method (spf=, dmarc=, arc=; RFC 8601 names):
 * ";\n\tmethod=result (comment) name=value ...", to append to the value
 * authres_format gave; folded and quoted the same way. Props with a NULL
 * or empty value are left out; address: a local@domain value may stay
 * unquoted. malloc'd, or NULL on ENOMEM. */
struct authres_prop {
	const char *name;     /* "smtp.mailfrom", "header.from", "policy.dmarc" */
	const char *value;
	bool address;
};
char *authres_method(const char *method, const char *result, const char *comment,
		     const struct authres_prop *props, size_t nprops);

/* Parses the authserv-id at the start of an A-R field's value (after the
 * colon): CFWS, comments and a quoted-string are understood. Copies it to
 * id (NUL-terminated, cut to idlen) and returns its length, or -1 when
 * the value does not start with one. */
long authres_authserv_id(const char *value, size_t len, char *id, size_t idlen);

/* Is this whole header field ("Authentication-Results: ...", inner line
 * ends allowed) an A-R field whose authserv-id equals ours (ignoring
 * case)? A field cut short (cut) whose authserv-id cannot be read within
 * the bytes given counts as ours: it is removed rather than trusted. */
bool authres_is_ours(const char *field, size_t len, bool cut, const char *authserv_id);

#endif
