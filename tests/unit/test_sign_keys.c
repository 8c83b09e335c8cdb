/* test_sign_keys: the signing key table (dkim/sign_keys.c): its syntax,
 * the choice of keys for a domain (exact, then parents), and key files
 * of every kind a site may have or get wrong. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <opendkim/dkim.h>
#include "sign_keys.h"
#include "unit.h"

static char dir[] = "/tmp/test_sign_keys.XXXXXX";
static char path[512], err[600];

static const char *put(const char *name, const char *text)
{
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (!(f = fopen(path, "w")) || fputs(text, f) < 0 || fclose(f) != 0) {
		perror(path);
		exit(2);
	}
	return path;
}

static void put_key(const char *name, EVP_PKEY *k)
{
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (!(f = fopen(path, "w")) || PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL) != 1 ||
	    fclose(f) != 0) {
		perror(path);
		exit(2);
	}
}

static int load(const char *text, struct sign_keys *t)
{
	return sign_keys_load(put("table", text), t, err, sizeof err);
}

static void test_table(void)
{
	struct sign_keys t;
	const struct sign_key *k[SIGN_MAX_KEYS];
	char want[600];

	CHECK_INT(load("# keys\n\nExample.COM. rsa k1   # comment\nexample.com ed /abs/k2\n"
		       "sub.example.com s k3\nexample.net a k\nexample.net b k\nexample.net c k\n"
		       "example.net d k\nexample.net e k\n", &t), 0, "a table with comments and blank lines loads");
	CHECK_INT(t.n, 8, "eight keys");
	snprintf(want, sizeof want, "%s/k1", dir);
	CHECK_STR(t.n ? t.k[0].path : NULL, want, "a relative key file is in the table's folder");
	CHECK_STR(t.n > 1 ? t.k[1].path : NULL, "/abs/k2", "an absolute one is kept");
	CHECK_INT(sign_keys_find(&t, "example.com", k), 2, "example.com: its two keys");
	CHECK(!strcmp(k[0]->selector, "rsa") && !strcmp(k[1]->selector, "ed"), "... in table order");
	CHECK_STR(k[0]->domain, "example.com", "the domain is lowercased, its final dot cut");
	CHECK_INT(sign_keys_find(&t, "SUB.example.com", k), 1, "sub.example.com: its own key, not the parent's");
	CHECK_STR(k[0]->selector, "s", "... s=s");
	CHECK_INT(sign_keys_find(&t, "a.b.sub.example.com", k), 1, "a.b.sub.example.com: the nearest parent's");
	CHECK_INT(sign_keys_find(&t, "mail.example.com.", k), 2, "a final dot: the same as without");
	CHECK_INT(sign_keys_find(&t, "example.org", k), 0, "example.org: none");
	CHECK_INT(sign_keys_find(&t, "com", k), 0, "com: none (no key of a child signs for a parent)");
	CHECK_INT(sign_keys_find(&t, "xample.com", k), 0, "xample.com: none (labels, not suffixes)");
	CHECK_INT(sign_keys_find(&t, "example.net", k), SIGN_MAX_KEYS, "five keys: the first SIGN_MAX_KEYS");
	CHECK_INT(sign_keys_find(&t, "", k), 0, "an empty domain: none");
	sign_keys_free(&t);

	CHECK_INT(load("example.com rsa\n", &t), -1, "two words: an error");
	CHECK(strstr(err, "table:1: wants three words") != NULL, "... naming file and line");
	CHECK_INT(load("ok.example s k\nexample.com rsa k extra\n", &t), -1, "four words: an error");
	CHECK(strstr(err, "table:2:") != NULL, "... on line 2");
	CHECK_INT(load("ex_ample..com s k\n", &t), -1, "an empty label: not a domain");
	CHECK_INT(load("example.com s(x) k\n", &t), -1, "a selector with other characters");
	CHECK(strstr(err, "not a selector") != NULL, "... says so");
	{
		FILE *f;
		snprintf(path, sizeof path, "%s/nul", dir);
		f = fopen(path, "w");
		if (f) {
			fwrite("example.com s k\n\0x s k\n", 1, 22, f);
			fclose(f);
		}
		CHECK_INT(sign_keys_load(path, &t, err, sizeof err), -1, "a NUL byte in the table is an error");
		CHECK(strstr(err, "NUL byte") != NULL, "... saying so");
	}
	snprintf(path, sizeof path, "%s/none", dir);
	CHECK_INT(sign_keys_load(path, &t, err, sizeof err), -1, "a missing table is an error, not an empty one");
	CHECK(strstr(err, "cannot open: No such file") != NULL, "... saying why");
}

static int read_key(const char *name, struct sign_secret *s)
{
	struct sign_key k = { "example.com", "s", path, 1 };

	snprintf(path, sizeof path, "%s/%s", dir, name);
	return sign_secret_read(&k, s, err, sizeof err);
}

static void test_keys(void)
{
	struct sign_secret s;
	EVP_PKEY *rsa = EVP_RSA_gen(2048), *small = EVP_RSA_gen(512);
	EVP_PKEY *ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	EVP_PKEY *ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");

	if (!rsa || !small || !ed || !ec) {
		CHECK(0, "keys could be made");
		return;
	}
	put_key("rsa.pem", rsa);
	put_key("small.pem", small);
	put_key("ed.pem", ed);
	put_key("ec.pem", ec);
	CHECK_INT(read_key("rsa.pem", &s), 0, "an RSA key reads");
	CHECK(s.alg == DKIM_SIGN_RSASHA256 && s.bits == 2048 && !strcmp(s.alg_name, "rsa-sha256"),
	      "... rsa-sha256, 2048 bits");
	CHECK(s.pem && !strncmp(s.pem, "-----BEGIN PRIVATE KEY-----", 27), "... given on as PKCS#8 PEM");
	sign_secret_free(&s);
	CHECK_INT(read_key("ed.pem", &s), 0, "an Ed25519 key reads");
	CHECK(s.alg == DKIM_SIGN_ED25519SHA256 && !strcmp(s.alg_name, "ed25519-sha256"), "... ed25519-sha256");
	sign_secret_free(&s);
	CHECK_INT(read_key("small.pem", &s), -1, "a 512-bit RSA key is refused");
	CHECK(strstr(err, "512-bit") != NULL, "... saying so");
	CHECK_INT(read_key("ec.pem", &s), -1, "an EC key is refused");
	CHECK(strstr(err, "neither an RSA nor an Ed25519 key") != NULL, "... saying so");
	put("garbage.pem", "-----BEGIN PRIVATE KEY-----\nnot base64 at all\n-----END PRIVATE KEY-----\n");
	CHECK_INT(read_key("garbage.pem", &s), -1, "a damaged PEM is refused");
	CHECK(strstr(err, "not a private key") != NULL, "... as no key");
	CHECK_INT(read_key("missing.pem", &s), -1, "a missing key file is refused");
	CHECK(strstr(err, "cannot open") != NULL, "... saying why");
	{
		FILE *f;
		snprintf(path, sizeof path, "%s/enc.pem", dir);
		f = fopen(path, "w");
		CHECK(f && PEM_write_PrivateKey(f, rsa, EVP_aes_128_cbc(), (unsigned char *)"pw", 2, NULL, NULL) == 1,
		      "an encrypted key file is written");
		if (f)
			fclose(f);
		CHECK_INT(read_key("enc.pem", &s), -1, "an encrypted key is refused, without asking for a passphrase");
	}
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(small);
	EVP_PKEY_free(ed);
	EVP_PKEY_free(ec);
}

int main(void)
{
	char cmd[300];

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_table();
	test_keys();
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (!unit_fail && system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	return unit_done();
}
