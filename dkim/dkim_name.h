/* dkim_name.h: checks of the names that go into key queries and result
 * headers (d=, s=, the domain of i= and of the author). */
#ifndef DKIM_NAME_H
#define DKIM_NAME_H

#include <stdbool.h>

/* A domain name of LDH labels (letters, digits, hyphens, and '_' which
 * selectors and _domainkey use), each 1-63 bytes, at most 253 in all, an
 * optional final dot. */
bool dkim_ldh_domain(const char *s);
/* The domain of an address, after its last '@'; NULL when there is none. */
const char *dkim_addr_domain(const char *addr);

#endif
