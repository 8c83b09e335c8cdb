/* dkim_addr.h: the first mailbox of an address-list header value (From:,
 * Sender:), as DKIM policy and DomainKeys need it, and LDH checks of the
 * names that go into DNS queries and result headers. */
#ifndef DKIM_ADDR_H
#define DKIM_ADDR_H

#include <stdbool.h>
#include <stddef.h>

/* Copies the first address ("local@domain", comments, display name and
 * white space removed) of the value to out. Returns its length, or -1
 * when there is none or it does not fit. */
long dkim_addr_first(const char *value, size_t len, char *out, size_t outlen);
/* The domain of an address, after its last '@'; NULL when there is none. */
const char *dkim_addr_domain(const char *addr);
/* A domain name of LDH labels (letters, digits, hyphens, and '_' which
 * selectors and _domainkey use), each 1-63 bytes, at most 253 in all, an
 * optional final dot. */
bool dkim_ldh_domain(const char *s);

#endif
