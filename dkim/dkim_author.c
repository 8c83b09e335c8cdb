/* dkim_author.c: see dkim_author.h. GMime's address parser, started as
 * mime/mime_gmime.h says. */
#include <stdio.h>
#include <string.h>
#include <gmime/gmime.h>
#include "dkim_author.h"
#include "mime_gmime.h"
#include "dkim_name.h"

struct walk {
	int (*each)(const char *addr, void *arg);
	void *arg;
	int n;
	int stop;
};

static void walk_list(InternetAddressList *list, struct walk *w, int depth)
{
	int i, len = internet_address_list_length(list);

	for (i = 0; i < len && !w->stop; i++) {
		InternetAddress *a = internet_address_list_get_address(list, i);
		if (INTERNET_ADDRESS_IS_GROUP(a)) {
			if (depth == 0)   /* RFC 5322 groups do not nest */
				walk_list(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(a)), w, 1);
			continue;
		}
		if (!INTERNET_ADDRESS_IS_MAILBOX(a))
			continue;
		w->n++;
		{
			InternetAddressMailbox *mb = INTERNET_ADDRESS_MAILBOX(a);
			const char *addr = internet_address_mailbox_get_idn_addr(mb);
			w->stop = w->each(addr ? addr : "", w->arg);
		}
	}
}

int dkim_author_each(const char *value, size_t len,
		     int (*each)(const char *addr, void *arg), void *arg)
{
	struct walk w = { each, arg, 0, 0 };
	InternetAddressList *list;
	char *copy;

	copy = g_strndup(value, len);
	list = internet_address_list_parse(qf_gmime_options(), copy);
	g_free(copy);
	if (!list)
		return 0;
	walk_list(list, &w, 0);
	g_object_unref(list);
	return w.n;
}

struct first {
	char *out;
	size_t outlen;
	long len;
};

static int take_first(const char *addr, void *arg)
{
	struct first *f = arg;
	const char *dom = dkim_addr_domain(addr);
	size_t n = strlen(addr);

	if (!dom || dom == addr + 1)
		return 0;           /* no domain, or no local part: not a mailbox to use */
	if (n >= f->outlen)
		return 1;           /* does not fit: none */
	memcpy(f->out, addr, n + 1);
	f->len = (long)n;
	return 1;
}

long dkim_author_first(const char *value, size_t len, char *out, size_t outlen)
{
	struct first f = { out, outlen, -1 };

	dkim_author_each(value, len, take_first, &f);
	return f.len;
}
