/* test_dkim_verdict.c: every libopendkim signature error against the
 * RFC 8601 §2.7.1 result it must give (dkim/dkim_verdict.c), and the q=
 * and tag-list checks libopendkim leaves to us. */
#include <opendkim/dkim.h>
#include "unit.h"
#include "dkim_verdict.h"

/* the whole table: each DKIM_SIGERROR_* of libopendkim 2.11 with its
 * result and why (RFC 6376 / RFC 8601 section) */
static const struct { int err; const char *name; enum authres_result want; } table[] = {
	{ DKIM_SIGERROR_UNKNOWN, "UNKNOWN (flags decide)", AUTHRES_NONE },
	{ DKIM_SIGERROR_OK, "OK (flags decide)", AUTHRES_NONE },
	{ DKIM_SIGERROR_VERSION, "VERSION: v= not 1 (6376 3.5)", AUTHRES_PERMERROR },
	{ DKIM_SIGERROR_DOMAIN, "DOMAIN: i= not in d= (6376 6.1.1)", AUTHRES_PERMERROR },
	{ DKIM_SIGERROR_EXPIRED, "EXPIRED: x= passed (6376 6.1.1)", AUTHRES_PERMERROR },
	{ DKIM_SIGERROR_FUTURE, "FUTURE: t= ahead (6376 3.5)", AUTHRES_PERMERROR },
	{ DKIM_SIGERROR_TIMESTAMPS, "TIMESTAMPS: x= < t= (6376 3.5)", AUTHRES_PERMERROR },
	{ DKIM_SIGERROR_INVALID_HC, "INVALID_HC: c= (6376 3.5)", AUTHRES_PERMERROR },
	{ DKIM_SIGERROR_INVALID_BC, "INVALID_BC: c= (6376 3.5)", AUTHRES_PERMERROR },
	{ DKIM_SIGERROR_MISSING_A, "MISSING_A (6376 6.1.1)", AUTHRES_PERMERROR },
	{ DKIM_SIGERROR_INVALID_A, "INVALID_A (6376 6.1.1)", AUTHRES_PERMERROR },
	{ DKIM_SIGERROR_MISSING_H, "MISSING_H (6376 6.1.1)", AUTHRES_PERMERROR },
	{ DKIM_SIGERROR_INVALID_L, "INVALID_L (6376 3.5)", AUTHRES_PERMERROR },
	{ DKIM_SIGERROR_INVALID_Q, "INVALID_Q: no method we use (6376 3.5)", AUTHRES_PERMERROR },
	{ DKIM_SIGERROR_INVALID_QO, "INVALID_QO: q= option (6376 3.5)", AUTHRES_PERMERROR },
	{ DKIM_SIGERROR_MISSING_D, "MISSING_D (6376 6.1.1)", AUTHRES_PERMERROR },
	{ DKIM_SIGERROR_EMPTY_D, "EMPTY_D (6376 6.1.1)", AUTHRES_PERMERROR },
	{ DKIM_SIGERROR_MISSING_S, "MISSING_S (6376 6.1.1)", AUTHRES_PERMERROR },
	{ DKIM_SIGERROR_EMPTY_S, "EMPTY_S (6376 6.1.1)", AUTHRES_PERMERROR },
	{ DKIM_SIGERROR_MISSING_B, "MISSING_B (6376 6.1.1)", AUTHRES_PERMERROR },
	{ DKIM_SIGERROR_EMPTY_B, "EMPTY_B (6376 6.1.1)", AUTHRES_PERMERROR },
	{ DKIM_SIGERROR_CORRUPT_B, "CORRUPT_B (6376 6.1.1)", AUTHRES_PERMERROR },
	{ DKIM_SIGERROR_NOKEY, "NOKEY: no record (6376 6.1.2)", AUTHRES_PERMERROR },
	{ DKIM_SIGERROR_DNSSYNTAX, "DNSSYNTAX: record unreadable (6376 6.1.2)", AUTHRES_PERMERROR },
	{ DKIM_SIGERROR_KEYFAIL, "KEYFAIL: query failed (6376 6.1.2, 8601 2.7.1)", AUTHRES_TEMPERROR },
	{ DKIM_SIGERROR_MISSING_BH, "MISSING_BH (6376 6.1.1)", AUTHRES_PERMERROR },
	{ DKIM_SIGERROR_EMPTY_BH, "EMPTY_BH (6376 6.1.1)", AUTHRES_PERMERROR },
	{ DKIM_SIGERROR_CORRUPT_BH, "CORRUPT_BH (6376 6.1.1)", AUTHRES_PERMERROR },
	{ DKIM_SIGERROR_BADSIG, "BADSIG: mismatch (6376 6.1.3)", AUTHRES_FAIL },
	{ DKIM_SIGERROR_SUBDOMAIN, "SUBDOMAIN: t=s key, i= below d= (6376 3.6.1)", AUTHRES_PERMERROR },
	{ DKIM_SIGERROR_MULTIREPLY, "MULTIREPLY: several records (6376 3.6.2.2)", AUTHRES_PERMERROR },
	{ DKIM_SIGERROR_EMPTY_H, "EMPTY_H (6376 6.1.1)", AUTHRES_PERMERROR },
	{ DKIM_SIGERROR_INVALID_H, "INVALID_H: From: not signed (6376 5.4, 6.1.1)", AUTHRES_PERMERROR },
	{ DKIM_SIGERROR_TOOLARGE_L, "TOOLARGE_L: l= past the body (6376 3.5)", AUTHRES_PERMERROR },
	{ DKIM_SIGERROR_MBSFAILED, "MBSFAILED: local must-be-signed list (8601 2.7.1)", AUTHRES_POLICY },
	{ DKIM_SIGERROR_KEYVERSION, "KEYVERSION (6376 3.6.1)", AUTHRES_PERMERROR },
	{ DKIM_SIGERROR_KEYUNKNOWNHASH, "KEYUNKNOWNHASH (6376 3.6.1)", AUTHRES_PERMERROR },
	{ DKIM_SIGERROR_KEYHASHMISMATCH, "KEYHASHMISMATCH: h= of the key (6376 3.6.1)", AUTHRES_PERMERROR },
	{ DKIM_SIGERROR_NOTEMAILKEY, "NOTEMAILKEY: s= of the key (6376 3.6.1)", AUTHRES_PERMERROR },
	{ DKIM_SIGERROR_KEYTYPEMISSING, "KEYTYPEMISSING (6376 3.6.1)", AUTHRES_PERMERROR },
	{ DKIM_SIGERROR_KEYTYPEUNKNOWN, "KEYTYPEUNKNOWN (6376 3.6.1)", AUTHRES_PERMERROR },
	{ DKIM_SIGERROR_KEYREVOKED, "KEYREVOKED: p= empty (6376 3.6.1)", AUTHRES_PERMERROR },
	{ DKIM_SIGERROR_KEYDECODE, "KEYDECODE (6376 6.1.2)", AUTHRES_PERMERROR },
	{ DKIM_SIGERROR_MISSING_V, "MISSING_V (6376 6.1.1)", AUTHRES_PERMERROR },
	{ DKIM_SIGERROR_EMPTY_V, "EMPTY_V (6376 6.1.1)", AUTHRES_PERMERROR },
	{ DKIM_SIGERROR_KEYTOOSMALL, "KEYTOOSMALL: valid, below our minimum (8601 2.7.1)", AUTHRES_POLICY },
	{ DKIM_SIGERROR_CONDITIONAL, "CONDITIONAL (not used)", AUTHRES_PERMERROR },
	{ DKIM_SIGERROR_CONDLOOP, "CONDLOOP (not used)", AUTHRES_PERMERROR },
};

int main(void)
{
	size_t i;
	int covered = 0, e;

	for (i = 0; i < sizeof table / sizeof table[0]; i++)
		CHECK_STR(authres_result_name(dkim_sigerror_result(table[i].err)),
			  authres_result_name(table[i].want), "DKIM_SIGERROR_%s -> %s", table[i].name,
			  authres_result_name(table[i].want));
	/* the table names every code the library has (the two OBSOLETE aside) */
	for (e = DKIM_SIGERROR_OK; e <= DKIM_SIGERROR_CONDLOOP; e++) {
		bool in = e == DKIM_SIGERROR_UNUSED || e == DKIM_SIGERROR_UNUSED2;
		for (i = 0; !in && i < sizeof table / sizeof table[0]; i++)
			in = table[i].err == e;
		covered += in;
	}
	CHECK_INT(covered, DKIM_SIGERROR_CONDLOOP + 1, "every DKIM_SIGERROR_* code is in the table");
	CHECK(dkim_sigerror_result(DKIM_SIGERROR_CONDLOOP + 1) == AUTHRES_PERMERROR,
	      "a code unknown to us: permerror, never pass");

	CHECK(dkim_query_supported(NULL), "no q=: the default dns/txt");
	CHECK(dkim_query_supported("dns/txt"), "q=dns/txt");
	CHECK(dkim_query_supported("DNS/TXT"), "q=DNS/TXT (case)");
	CHECK(dkim_query_supported("http:dns/txt"), "q=http:dns/txt: unknown methods ignored (RFC 6376 3.5)");
	CHECK(dkim_query_supported(" http : dns/txt \r\n "), "q= with FWS");
	CHECK(!dkim_query_supported("http"), "q=http: none we use");
	CHECK(!dkim_query_supported("dns/odd"), "q=dns/odd: an unknown option");
	CHECK(!dkim_query_supported("dns"), "q=dns: the txt option MUST be there (RFC 6376 3.5)");
	CHECK(!dkim_query_supported(""), "q= empty");
	CHECK(!dkim_query_supported("dns/txtx:xdns/txt"), "no prefix or suffix match");

#define TAGS(s) dkim_tags_unique(s, sizeof s - 1)
	CHECK(TAGS(" v=1; a=rsa-sha256; d=example.net; s=x; b=abc; bh=def"), "distinct tags");
	CHECK(TAGS(" v=1; a=rsa-sha256;"), "a final ';'");
	CHECK(!TAGS(" v=1; q=dns/txt; a=x; q=dns/txt"), "q= twice");
	CHECK(!TAGS(" v=1;\r\n\tb=abc;\r\n b=def"), "b= twice, folded");
	CHECK(TAGS(" b=abc; B=def"), "names are case-sensitive (RFC 6376 3.2)");
	CHECK(TAGS(" b=abc; bh=def"), "b and bh differ");
	return unit_done();
}
