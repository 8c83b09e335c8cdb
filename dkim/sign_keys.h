/* sign_keys.h: the signing keys table (qfilter-sign(8), KEY TABLE):
 * lines "domain selector keyfile", the key files PEM (or DER) private
 * keys, RSA or Ed25519. The table is read whole; a key file is read only
 * when a message needs it, so that one unreadable key stops only the
 * mail of its domain. */
#ifndef QF_SIGN_KEYS_H
#define QF_SIGN_KEYS_H

#include <stddef.h>

#define SIGN_MAX_KEYS 4          /* signatures per message (RSA and Ed25519 side by side) */
#define SIGN_KEYFILE_MAX 65536   /* a larger key file is surely not a key */

struct sign_key {
	char *domain;     /* lowercase, no final dot */
	char *selector;
	char *path;       /* absolute: relative names are taken from the table's folder */
	unsigned line;    /* in the table, for messages */
};

struct sign_keys {
	char *file;
	struct sign_key *k;
	size_t n;
};

/* The table. 0, or -1 with "file[:line]: what" in err: a missing table is
 * an error too, since a signer without keys is a mistake, never a reason
 * to send unsigned mail. */
int sign_keys_load(const char *path, struct sign_keys *t, char *err, size_t errlen);
void sign_keys_free(struct sign_keys *t);

/* The keys for domain: those of the domain itself, else those of its
 * nearest parent that has any (sub.example.com, then example.com), in
 * table order, at most SIGN_MAX_KEYS. The count; 0 when none. */
size_t sign_keys_find(const struct sign_keys *t, const char *domain,
		      const struct sign_key **out);

/* A key read from its file, in the form libopendkim takes. */
struct sign_secret {
	char *pem;        /* PKCS#8 PEM, NUL-terminated */
	int alg;          /* DKIM_SIGN_RSASHA256 or DKIM_SIGN_ED25519SHA256 */
	const char *alg_name;  /* "rsa-sha256", "ed25519-sha256" */
	unsigned bits;
};

/* Reads and checks k's key file. 0, or -1 with err naming the file
 * (missing, unreadable, not a key, an RSA key under 1024 bits, an
 * encrypted key, another algorithm): all of them temporary failures for
 * the caller, since the key is meant to be there. */
int sign_secret_read(const struct sign_key *k, struct sign_secret *s, char *err, size_t errlen);
void sign_secret_free(struct sign_secret *s);

#endif
