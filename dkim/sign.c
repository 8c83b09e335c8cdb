/* sign.c: see sign.h. The message is fed to libopendkim as it is stored
 * (LF line ends; DKIM_LIBFLAGS_FIXCRLF makes them the CRLF that DKIM
 * canonicalizes, as qmail-remote does on the wire). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <gmime/gmime.h>
#include <opendkim/dkim.h>
#include "crypto_start.h"
#include "dkim_name.h"
#include "exitcodes.h"
#include "log.h"
#include "mime_gmime.h"
#include "sign.h"

#define SIGN_CHUNK 65536
#define FROM_MAX 16384      /* bytes of a From: field read to find its domain */

/* The fields a signature covers when the message has them (RFC 6376
 * 5.4.1's list, less what lists and relays rewrite). From: is signed
 * once more than it occurs, so that no From: can be added afterwards. */
static const char *const sign_headers[] = {
	"from", "to", "cc", "subject", "date", "message-id", "mime-version",
	"content-type", "content-transfer-encoding", "reply-to", "in-reply-to",
	"references", NULL
};
static const char *const oversign_headers[] = { "from", NULL };

static void (*lib_nomem)(void);

/* libopendkim does not check every allocation it makes (dkim_verify.c):
 * one that fails ends the process here, through the caller's handler
 * (qfilter-sign's Z report), else as a GLib allocation failure does. */
static void *lib_malloc(void *closure, size_t n)
{
	void *p = malloc(n ? n : 1);

	(void)closure;
	if (!p) {
		if (lib_nomem)
			lib_nomem();
		qf_log("error: libopendkim: out of memory");
		_exit(QF_EXIT_BUG);
	}
	return p;
}

static void lib_free(void *closure, void *p)
{
	(void)closure;
	free(p);
}

void *sign_lib_open(void (*nomem)(void), char *err, size_t errlen)
{
	unsigned int flags = DKIM_LIBFLAGS_FIXCRLF;
	DKIM_LIB *lib;

	if (qf_crypto_start() < 0) {
		snprintf(err, errlen, "OpenSSL failed to start");
		return NULL;
	}
	lib_nomem = nomem;
	if (!(lib = dkim_init(lib_malloc, lib_free))) {
		snprintf(err, errlen, "dkim_init failed");
		return NULL;
	}
	if (!dkim_libfeature(lib, DKIM_FEATURE_SHA256) ||
	    dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_FLAGS, &flags, sizeof flags) != DKIM_STAT_OK ||
	    dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_SIGNHDRS, (void *)sign_headers,
			 sizeof(char **)) != DKIM_STAT_OK ||
	    dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_OVERSIGNHDRS, (void *)oversign_headers,
			 sizeof(char **)) != DKIM_STAT_OK) {
		snprintf(err, errlen, "libopendkim set-up for signing failed");
		dkim_close(lib);
		return NULL;
	}
	return lib;
}

void sign_lib_close(void *lib)
{
	if (lib)
		dkim_close(lib);
}

/* the first mailbox of a list, groups entered */
static InternetAddressMailbox *first_mailbox(InternetAddressList *l)
{
	int i, n = l ? internet_address_list_length(l) : 0;

	for (i = 0; i < n; i++) {
		InternetAddress *a = internet_address_list_get_address(l, i);
		InternetAddressMailbox *mb;
		if (INTERNET_ADDRESS_IS_MAILBOX(a))
			return INTERNET_ADDRESS_MAILBOX(a);
		if (INTERNET_ADDRESS_IS_GROUP(a) &&
		    (mb = first_mailbox(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(a)))))
			return mb;
	}
	return NULL;
}

/* out = the lowercased domain of addr when it is an LDH name, else "" */
static void domain_of(const char *addr, char *out)
{
	const char *d = addr ? dkim_addr_domain(addr) : NULL;
	size_t i;

	out[0] = 0;
	if (!d || !dkim_ldh_domain(d) || strlen(d) >= SIGN_DOMAIN_MAX)
		return;
	for (i = 0; d[i]; i++)
		out[i] = (d[i] >= 'A' && d[i] <= 'Z') ? d[i] + ('a' - 'A') : d[i];
	out[i] = 0;
}

static int from_domain(int fd, const struct dkim_field *f, char *out)
{
	InternetAddressList *l;
	InternetAddressMailbox *mb;
	char *text, *value, *p;

	if (!(text = dkim_field_read(fd, f, FROM_MAX, NULL, NULL)))
		return -1;
	for (p = text; *p; p++)   /* unfolded */
		if (*p == '\r' || *p == '\n')
			*p = ' ';
	value = strchr(text, ':');
	if (value && (l = internet_address_list_parse(qf_gmime_options(), value + 1))) {
		if ((mb = first_mailbox(l)))
			domain_of(internet_address_mailbox_get_idn_addr(mb), out);
		g_object_unref(l);
	}
	free(text);
	return 0;
}

int sign_domains(int fd, const struct dkim_hdr *h, const char *envelope_sender,
		 char from[SIGN_DOMAIN_MAX], char sender[SIGN_DOMAIN_MAX])
{
	size_t i;

	from[0] = sender[0] = 0;
	for (i = 0; i < h->n; i++)
		if (h->f[i].kind == DKIM_HDR_FROM) {
			if (from_domain(fd, &h->f[i], from) < 0)
				return -1;
			break;
		}
	domain_of(envelope_sender, sender);
	if (!strcmp(from, sender))
		sender[0] = 0;
	return 0;
}

/* [i] = how often sign_headers[i] occurs in the header block, From: once
 * more (oversigned). -1 when a name could not be read. */
static int count_fields(int fd, const struct dkim_hdr *h, unsigned *want)
{
	char name[40];
	size_t i, j, n;
	ssize_t r;

	for (j = 0; sign_headers[j]; j++)
		want[j] = 0;
	want[0] = 1;   /* "from", oversigned */
	for (i = 0; i < h->n; i++) {
		n = h->f[i].len < sizeof name - 1 ? (size_t)h->f[i].len : sizeof name - 1;
		if ((r = pread(fd, name, n, (off_t)h->f[i].off)) != (ssize_t)n)
			return -1;
		name[n] = 0;
		n = strcspn(name, ":");
		while (n && (name[n - 1] == ' ' || name[n - 1] == '\t'))
			n--;
		for (j = 0; sign_headers[j]; j++)
			if (strlen(sign_headers[j]) == n && !strncasecmp(name, sign_headers[j], n))
				want[j]++;
	}
	return 0;
}

/* Whether the h= of a signature names each field as often as want says,
 * and nothing else. libopendkim matches names with regexec(), and takes
 * one that fails (out of memory) for "not to be signed": a signature
 * without From: would go out, which no verifier accepts. */
static bool signs_all(const char *value, const unsigned *want)
{
	unsigned got[sizeof sign_headers / sizeof sign_headers[0]] = { 0 };
	const char *p = value, *end;
	size_t j, n;

	for (;;) {   /* to the h= tag */
		p += strspn(p, " \t\n");
		if (!strncmp(p, "h=", 2))
			break;
		if (!(p = strchr(p, ';')))
			return false;
		p++;
	}
	p += 2;
	end = p + strcspn(p, ";");
	while (p < end) {
		p += strspn(p, " \t\n:");
		n = strcspn(p, " \t\n:;");
		if (p + n > end)
			n = (size_t)(end - p);
		if (!n)
			break;
		for (j = 0; sign_headers[j]; j++)
			if (strlen(sign_headers[j]) == n && !strncasecmp(p, sign_headers[j], n))
				break;
		if (!sign_headers[j])
			return false;
		got[j]++;
		p += n;
	}
	for (j = 0; sign_headers[j]; j++)
		if (got[j] != want[j])
			return false;
	return true;
}

/* libopendkim folds with CRLF; the queue and qmail-remote want LF */
static char *lf_folds(const unsigned char *v, size_t len)
{
	char *out = malloc(len + 1), *o = out;
	size_t i;

	if (!out)
		return NULL;
	for (i = 0; i < len; i++)
		if (v[i] != '\r')
			*o++ = (char)v[i];
	*o = 0;
	return out;
}

enum sign_status sign_message(void *lib, int fd, uint64_t size, const struct dkim_hdr *h,
			      const struct sign_key *k, const struct sign_secret *s,
			      char **value, char *err, size_t errlen)
{
	unsigned want[sizeof sign_headers / sizeof sign_headers[0]];
	static const char name[] = "DKIM-Signature: ";
	enum sign_status rc = SIGN_TEMP;
	DKIM_STAT st;
	DKIM *dkim;
	unsigned char *buf = NULL, *hdr;
	size_t hlen;
	uint64_t off = 0;

	*value = NULL;
	if (h->truncated) {
		snprintf(err, errlen, "cannot be signed: more than %u header fields", DKIM_HDR_MAXFIELDS);
		return SIGN_CANNOT;
	}
	if (count_fields(fd, h, want) < 0) {
		snprintf(err, errlen, "reading the header: %s", strerror(errno));
		return SIGN_TEMP;
	}
	dkim = dkim_sign(lib, (const unsigned char *)"qfilter-sign", NULL,
			 (dkim_sigkey_t)s->pem, (const unsigned char *)k->selector,
			 (const unsigned char *)k->domain, DKIM_CANON_RELAXED, DKIM_CANON_RELAXED,
			 s->alg, -1, &st);
	if (!dkim) {
		snprintf(err, errlen, "dkim_sign: %s", dkim_getresultstr(st));
		return SIGN_TEMP;
	}
	if (!(buf = malloc(SIGN_CHUNK))) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	while (off < size) {
		size_t want = size - off < SIGN_CHUNK ? (size_t)(size - off) : SIGN_CHUNK;
		ssize_t r = pread(fd, buf, want, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			snprintf(err, errlen, "reading the message: %s", r ? strerror(errno) : "short file");
			goto out;
		}
		if ((st = dkim_chunk(dkim, buf, (size_t)r)) != DKIM_STAT_OK)
			goto lib_error;
		off += (uint64_t)r;
	}
	if ((st = dkim_chunk(dkim, NULL, 0)) != DKIM_STAT_OK ||
	    (st = dkim_eom(dkim, NULL)) != DKIM_STAT_OK)
		goto lib_error;
	if ((st = dkim_getsighdr_d(dkim, sizeof name - 1, &hdr, &hlen)) != DKIM_STAT_OK)
		goto lib_error;
	if (!(*value = lf_folds(hdr, hlen))) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (!signs_all(*value, want)) {
		snprintf(err, errlen, "signing failed: libopendkim left fields out of h= (out of memory?)");
		free(*value);
		*value = NULL;
		goto out;
	}
	rc = SIGN_OK;
	goto out;
lib_error:
	{
		const char *why = dkim_geterror(dkim);
		/* a message without From: cannot be signed; anything else is
		 * the library's or the key's trouble */
		if (st == DKIM_STAT_SYNTAX) {
			rc = SIGN_CANNOT;
			snprintf(err, errlen, "cannot be signed: %s", why && *why ? why : "syntax");
		} else
			snprintf(err, errlen, "signing failed: %s%s%s", dkim_getresultstr(st),
				 why && *why ? ": " : "", why ? why : "");
	}
out:
	free(buf);
	dkim_free(dkim);
	return rc;
}
