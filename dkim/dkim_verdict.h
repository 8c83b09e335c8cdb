/* dkim_verdict.h: how a DKIM signature's outcome becomes an RFC 8601
 * result word (dkim=pass, fail, policy, neutral, temperror, permerror),
 * and the checks of a signature that libopendkim 2.11 leaves undone. One
 * table, so that tests/unit/test_dkim_verdict.c can hold every entry
 * against the registry's definitions (RFC 8601 §2.7.1):
 *   pass       the signature verified;
 *   fail       it did not (signature or body hash mismatch, RFC 6376 §6.1.3);
 *   policy     it verified, but local policy does not accept it (a key
 *              below the minimum size, a body only partly signed, l=);
 *   neutral    not verified (beyond DKIM_MAX_SIGS; a testing key's failure);
 *   temperror  the key could not be fetched for now (RFC 6376 §6.1.2);
 *   permerror  it cannot be verified: bad syntax, a missing tag, no key,
 *              a bad key, no query method we know, no From: field
 *              (RFC 6376 §3.5, §5.4, §6.1.1, §6.1.2). */
#ifndef DKIM_VERDICT_H
#define DKIM_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include "authres.h"

/* The result for a DKIM_SIGERROR_* code of libopendkim, when the code is
 * an error (not DKIM_SIGERROR_OK or _UNKNOWN, whose result comes from the
 * signature's flags): AUTHRES_NONE for those two. */
enum authres_result dkim_sigerror_result(int sigerror);

/* Does a q= value (RFC 6376 §3.5, a colon-separated list of methods,
 * FWS allowed) name one we use, "dns/txt"? Others are ignored; NULL (no
 * q=) means the default, dns/txt. */
bool dkim_query_supported(const char *q);

/* Is every tag name of a tag-list (a DKIM-Signature value) there once?
 * RFC 6376 §3.2: a tag-list with a name twice is invalid whole. */
bool dkim_tags_unique(const char *value, size_t len);

#endif
