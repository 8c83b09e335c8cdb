/* auth_resolver.h: the resolver the spf, arc and dmarc filters share with
 * the dkim filter: one per process (its state's), so that libunbound's
 * cache and thread serve every look-up of a message. */
#ifndef AUTH_RESOLVER_H
#define AUTH_RESOLVER_H

#include "dkim_dns.h"
#include "msg.h"

/* The dkim filter's resolver, made when missing; NULL with the reason
 * warned (a temperror result for the caller). *nomem: for want of memory. */
struct dkim_resolver *auth_resolver(struct qf_msg *m, const char *who, bool *nomem);
/* Whether the spf, arc and dmarc filters judge this message at all:
 * dkim=verify (their header is the dkim filter's), not a relay client,
 * and a client address (it came over SMTP). */
bool auth_wanted(const struct qf_msg *m);
/* Appends one resinfo to the Authentication-Results header the dkim
 * filter added. 0, -1 (out of memory, recorded). */
int auth_resinfo_add(struct qf_msg *m, char *resinfo);

#endif
