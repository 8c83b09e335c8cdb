/* sign_keys.c: see sign_keys.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <opendkim/dkim.h>
#include "crypto_start.h"
#include "dkim_name.h"
#include "io.h"
#include "sign_keys.h"

#define TABLE_MAX (4u << 20)

static void lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s += 'a' - 'A';
}

void sign_keys_free(struct sign_keys *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free(t->k[i].domain);
		free(t->k[i].selector);
		free(t->k[i].path);
	}
	free(t->k);
	free(t->file);
	memset(t, 0, sizeof *t);
}

/* a key file's name, absolute: relative ones are under the table's folder */
static char *key_path(const char *table, const char *name)
{
	const char *slash = strrchr(table, '/');
	char *p;

	if (name[0] == '/' || !slash)
		return strdup(name);
	if (asprintf(&p, "%.*s/%s", (int)(slash - table), table, name) < 0)
		return NULL;
	return p;
}

static int add_line(struct sign_keys *t, unsigned lineno, char **w, const char **why)
{
	struct sign_key *k;
	size_t dl = strlen(w[0]);

	if (dl && w[0][dl - 1] == '.')
		w[0][--dl] = 0;
	if (!dkim_ldh_domain(w[0])) {
		*why = "not a domain name";
		return -1;
	}
	if (!dkim_ldh_domain(w[1])) {
		*why = "not a selector (letters, digits, '-', '_' and dots)";
		return -1;
	}
	if (!(k = realloc(t->k, (t->n + 1) * sizeof *k))) {
		*why = "out of memory";
		return -1;
	}
	t->k = k;
	k += t->n;
	k->domain = strdup(w[0]);
	k->selector = strdup(w[1]);
	k->path = key_path(t->file, w[2]);
	k->line = lineno;
	t->n++;
	if (!k->domain || !k->selector || !k->path) {
		*why = "out of memory";
		return -1;
	}
	lower(k->domain);
	return 0;
}

int sign_keys_load(const char *path, struct sign_keys *t, char *err, size_t errlen)
{
	char *text, *line, *next, *w[4];
	const char *why;
	unsigned lineno = 0;
	size_t len;
	int n;

	memset(t, 0, sizeof *t);
	if (!(text = qf_read_file(path, TABLE_MAX, &len, err, errlen)))
		return -1;
	if (!(t->file = strdup(path))) {
		snprintf(err, errlen, "%s: out of memory", path);
		free(text);
		return -1;
	}
	if (strlen(text) != len) {
		snprintf(err, errlen, "%s: NUL byte in the table", path);
		goto fail;
	}
	for (line = text; line; line = next) {
		char *hash, *save = NULL, *word;
		lineno++;
		if ((next = strchr(line, '\n')))
			*next++ = 0;
		if ((hash = strchr(line, '#')))
			*hash = 0;
		n = 0;
		for (word = strtok_r(line, " \t\r", &save); word; word = strtok_r(NULL, " \t\r", &save)) {
			if (n == 3) {
				n++;
				break;
			}
			w[n++] = word;
		}
		if (n == 0)
			continue;
		if (n != 3) {
			snprintf(err, errlen, "%s:%u: wants three words: domain selector keyfile", path, lineno);
			goto fail;
		}
		if (add_line(t, lineno, w, &why) < 0) {
			snprintf(err, errlen, "%s:%u: %s", path, lineno, why);
			goto fail;
		}
	}
	free(text);
	return 0;
fail:
	free(text);
	sign_keys_free(t);
	return -1;
}

size_t sign_keys_find(const struct sign_keys *t, const char *domain,
		      const struct sign_key **out)
{
	const char *d = domain;
	size_t i, n, dl;

	while (d && *d) {
		dl = strlen(d);
		if (d[dl - 1] == '.')
			dl--;
		for (i = n = 0; i < t->n && n < SIGN_MAX_KEYS; i++)
			if (strlen(t->k[i].domain) == dl && !strncasecmp(t->k[i].domain, d, dl))
				out[n++] = &t->k[i];
		if (n)
			return n;
		d = strchr(d, '.');    /* the parent domain */
		if (d)
			d++;
	}
	return 0;
}

/* never prompt on the terminal for an encrypted key's passphrase */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	return -1;
}

void sign_secret_free(struct sign_secret *s)
{
	if (s->pem) {
		explicit_bzero(s->pem, strlen(s->pem));
		free(s->pem);
	}
	memset(s, 0, sizeof *s);
}

/* The key as PKCS#8 PEM: libopendkim tells PEM from DER by a leading
 * "-----", which a key file with a comment line before it would fool. */
static char *pem_of(EVP_PKEY *pk)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data, *pem = NULL;
	long len;

	if (!b)
		return NULL;
	if (PEM_write_bio_PKCS8PrivateKey(b, pk, NULL, NULL, 0, NULL, NULL) == 1 &&
	    (len = BIO_get_mem_data(b, &data)) > 0) {
		if ((pem = malloc((size_t)len + 1))) {
			memcpy(pem, data, (size_t)len);
			pem[len] = 0;
		}
		explicit_bzero(data, (size_t)len);
	}
	BIO_free(b);
	return pem;
}

int sign_secret_read(const struct sign_key *k, struct sign_secret *s, char *err, size_t errlen)
{
	EVP_PKEY *pk = NULL;
	BIO *b;
	size_t len;
	char *text;
	int rc = -1;

	memset(s, 0, sizeof *s);
	if (qf_crypto_start() < 0) {
		snprintf(err, errlen, "OpenSSL failed to start");
		return -1;
	}
	if (!(text = qf_read_file(k->path, SIGN_KEYFILE_MAX, &len, err, errlen)))
		return -1;
	if ((b = BIO_new_mem_buf(text, (int)len))) {
		pk = PEM_read_bio_PrivateKey(b, NULL, no_passphrase, NULL);
		if (!pk && BIO_reset(b) == 1)
			pk = d2i_PrivateKey_bio(b, NULL);
		BIO_free(b);
	}
	ERR_clear_error();   /* the PEM attempt's complaint, when it was DER */
	explicit_bzero(text, len);
	free(text);
	if (!pk) {
		snprintf(err, errlen, "%s: not a private key (PEM or DER, unencrypted)", k->path);
		return -1;
	}
	switch (EVP_PKEY_get_base_id(pk)) {
	case EVP_PKEY_RSA:
		s->alg = DKIM_SIGN_RSASHA256;
		s->alg_name = "rsa-sha256";
		s->bits = (unsigned)EVP_PKEY_get_bits(pk);
		if (s->bits < 1024) {   /* RFC 8301: verifiers refuse them */
			snprintf(err, errlen, "%s: a %u-bit RSA key, under 1024 bits", k->path, s->bits);
			goto out;
		}
		break;
	case EVP_PKEY_ED25519:
		s->alg = DKIM_SIGN_ED25519SHA256;
		s->alg_name = "ed25519-sha256";
		s->bits = 256;
		break;
	default:
		snprintf(err, errlen, "%s: neither an RSA nor an Ed25519 key", k->path);
		goto out;
	}
	if (!(s->pem = pem_of(pk))) {
		snprintf(err, errlen, "%s: out of memory", k->path);
		goto out;
	}
	rc = 0;
out:
	EVP_PKEY_free(pk);
	return rc;
}
