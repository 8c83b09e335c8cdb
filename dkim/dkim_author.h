/* dkim_author.h: the mailboxes of an address-list field (From:, Sender:)
 * for dkim-require= and DomainKeys, read by GMime's address parser
 * (internet_address_list_parse), the one the rest of the mail world
 * shares: RFC 2047 words in display names, comments, quoted strings,
 * source routes and groups are its business. */
#ifndef DKIM_AUTHOR_H
#define DKIM_AUTHOR_H

#include <stddef.h>

/* Calls each(addr, arg) for every mailbox of the value (the text after
 * the field's colon, folds included), group members in their place, in
 * order: addr is "local@domain" with the domain in its ASCII (IDNA) form.
 * Mailboxes without an '@' and a domain are passed as they are; the
 * caller decides. Stops when each returns nonzero. Returns the number of
 * mailboxes passed. (The field was read at most DKIM_FIELD_MAX bytes:
 * that bounds the work.) */
int dkim_author_each(const char *value, size_t len,
		     int (*each)(const char *addr, void *arg), void *arg);
/* The first mailbox that has a domain, copied to out: its length, or -1
 * when there is none or it does not fit. */
long dkim_author_first(const char *value, size_t len, char *out, size_t outlen);

#endif
