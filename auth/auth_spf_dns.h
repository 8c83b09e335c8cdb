/* auth_spf_dns.h: libspf2's DNS layer on our resolver (dkim_dns_query):
 * libspf2 asks, we answer from libunbound within the message's budget,
 * and count the void look-ups that libspf2 does not. */
#ifndef AUTH_SPF_DNS_H
#define AUTH_SPF_DNS_H

#include <stdbool.h>
#include <stdint.h>
#include <spf2/spf.h>
#include "dkim_dns.h"

/* one check's DNS (the layer's hook while it runs) */
struct auth_spf_dns_job {
	struct dkim_keys *keys;
	int64_t deadline_ms;       /* CLOCK_MONOTONIC */
	unsigned voids;            /* NXDOMAIN or no record of the type */
	bool void_over;            /* more than AUTH_SPF_MAX_VOID: permerror */
	bool tempfail;             /* a query got no answer */
	bool nomem;
	char why[160];             /* the first trouble */
};

/* The layer: not freed by libspf2 (destroy is NULL); free() it after
 * SPF_server_free. NULL on ENOMEM. */
SPF_dns_server_t *auth_spf_dns_new(void);

#endif
