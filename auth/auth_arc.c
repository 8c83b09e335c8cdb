/* auth_arc.c: see auth_arc.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <openssl/evp.h>
#include "auth_arc.h"
#include "auth_tags.h"
#include "dkim_base64.h"
#include "dkim_bodyhash.h"
#include "domainkeys.h"

#define SIG_MAX 1024            /* bytes of a decoded b= (RSA 8192) */
#define KEY_TXT_MAX 4096

const char *auth_arc_result_name(enum auth_arc_result r)
{
	static const char *const names[] = { "none", "pass", "fail" };
	return (unsigned)r < sizeof names / sizeof names[0] ? names[r] : "fail";
}

/* one field of the header block read into memory */
struct field {
	const char *text;        /* "Name: value", inner line ends, no final one */
	size_t len;
	const char *value;       /* after the colon */
	size_t vlen;
	struct auth_tags tags;   /* ARC-Seal, ARC-Message-Signature */
};

struct arc_set {
	struct field *as, *ams, *aar;
};

struct job {
	int fd;
	uint64_t size;
	const struct dkim_hdr *hdr;
	char *block;             /* the header block */
	struct field *f;         /* per header field, in order */
	struct arc_set set[AUTH_ARC_MAX_SETS + 1];
	unsigned n;
	struct dkim_keys *keys;
	int timeout_ms;
	struct auth_arc_check *out;
	char *buf;               /* the canonical hash input */
	size_t blen, bcap;
};

static int __attribute__((format(printf, 2, 0))) fail(struct job *j, const char *fmt, const char *arg)
{
	char why[400];

	j->out->result = AUTH_ARC_FAIL;
	if (!j->out->comment[0]) {
		snprintf(why, sizeof why, fmt, arg ? arg : "");
		snprintf(j->out->comment, sizeof j->out->comment, "%.150s", why);
	}
	return -1;
}

static int nomem(struct job *j)
{
	j->out->nomem = true;
	return -1;
}

static int put(struct job *j, const char *p, size_t n)
{
	if (j->blen + n > j->bcap) {
		size_t cap = j->bcap ? j->bcap : 4096;
		char *b;
		while (cap < j->blen + n)
			cap *= 2;
		if (!(b = realloc(j->buf, cap)))
			return nomem(j);
		j->buf = b;
		j->bcap = cap;
	}
	memcpy(j->buf + j->blen, p, n);
	j->blen += n;
	return 0;
}

static bool wsp(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* A field canonicalized (RFC 6376 §3.4.1, §3.4.2), leaving out the bytes
 * [cut_s, cut_e) of the text (a b= value), with a CRLF after it or not. */
static int canon(struct job *j, const struct field *f, bool relaxed, size_t cut_s, size_t cut_e, bool crlf)
{
	size_t i, colon = (size_t)(f->value - f->text) - 1;

	if (!relaxed) {
		for (i = 0; i < f->len; i++) {
			if (i >= cut_s && i < cut_e)
				continue;
			if (f->text[i] == '\n' ? put(j, "\r\n", 2) : put(j, &f->text[i], 1))
				return -1;
		}
	} else {
		bool space = false, any = false;
		size_t ne = colon;
		while (ne > 0 && wsp(f->text[ne - 1]))
			ne--;
		for (i = 0; i < ne; i++) {
			char c = f->text[i];
			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			if (put(j, &c, 1))
				return -1;
		}
		if (put(j, ":", 1))
			return -1;
		for (i = colon + 1; i < f->len; i++) {
			if (i >= cut_s && i < cut_e)
				continue;
			if (wsp(f->text[i])) {
				space = true;
				continue;
			}
			if ((space && any && put(j, " ", 1)) || put(j, &f->text[i], 1))
				return -1;
			space = false;
			any = true;
		}
	}
	return crlf ? put(j, "\r\n", 2) : 0;
}

/* the offsets in f->text of the b= value, to leave out */
static void b_range(const struct field *f, size_t *s, size_t *e)
{
	const struct auth_tag *b = auth_tags_get(&f->tags, "b");
	size_t base = (size_t)(f->value - f->text);

	*s = *e = 0;
	if (b) {
		*s = base + b->raw_start;
		*e = base + b->raw_end;
	}
}

static bool tag_is(const struct field *f, const char *name, const char *want)
{
	const struct auth_tag *t = auth_tags_get(&f->tags, name);
	return t && t->vallen == strlen(want) && !strncasecmp(t->val, want, t->vallen);
}

static int tag_str(struct job *j, const struct field *f, const char *name, char *out, size_t outlen)
{
	const struct auth_tag *t = auth_tags_get(&f->tags, name);

	if (!t || auth_tag_copy(t, out, outlen) <= 0)
		return fail(j, "%s= missing or too long", name);
	return 0;
}

/* The key of s= and d=, from DNS or the key file; NULL with the reason. */
static EVP_PKEY *key_of(struct job *j, const struct field *f)
{
	char s[256], d[256], txt[KEY_TXT_MAX], err[200];
	struct dk_key key;
	const char *why;
	EVP_PKEY *pkey;
	enum dkim_key_status st;

	if (tag_str(j, f, "s", s, sizeof s) || tag_str(j, f, "d", d, sizeof d))
		return NULL;
	st = dkim_keys_lookup(j->keys, s, d, j->timeout_ms, txt, sizeof txt, err, sizeof err);
	if (st == DKIM_KEY_NOMEM) {
		nomem(j);
		return NULL;
	}
	if (st != DKIM_KEY_FOUND) {
		fail(j, st == DKIM_KEY_ABSENT ? "no key for %s" : "key look-up failed for %s", d);
		return NULL;
	}
	if (dk_key_parse(txt, &key, &why) < 0) {
		if (errno == ENOMEM)
			nomem(j);
		fail(j, "key record: %s", why);
		return NULL;
	}
	if (key.revoked) {
		dk_key_free(&key);
		fail(j, "key of %s revoked", d);
		return NULL;
	}
	pkey = dkim_keys_pkey(j->keys, s, d, key.der, key.derlen, dk_key_decode);
	dk_key_free(&key);
	if (!pkey) {
		fail(j, "key of %s is no key", d);
		return NULL;
	}
	if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA || EVP_PKEY_get_bits(pkey) < 1024) {
		EVP_PKEY_free(pkey);
		fail(j, "key of %s is not RSA of 1024 bits or more", d);
		return NULL;
	}
	return pkey;
}

/* b= over j->buf with the key of f (rsa-sha256, RFC 8617 §4.1.3) */
static int check_sig(struct job *j, const struct field *f, const char *what)
{
	const struct auth_tag *b = auth_tags_get(&f->tags, "b");
	unsigned char sig[SIG_MAX];
	long siglen;
	EVP_PKEY *pkey;
	EVP_MD_CTX *ctx;
	int ok;

	if (!tag_is(f, "a", "rsa-sha256"))
		return fail(j, "%s: a= is not rsa-sha256", what);
	siglen = b ? dkim_base64_tag(b->val, b->vallen, sig, sizeof sig) : -1;
	if (siglen <= 0)
		return siglen == -2 ? nomem(j) : fail(j, "%s: b= unreadable", what);
	if (!(pkey = key_of(j, f)))
		return -1;
	if (!(ctx = EVP_MD_CTX_new())) {
		EVP_PKEY_free(pkey);
		return nomem(j);
	}
	ok = EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, pkey) == 1 &&
	     EVP_DigestVerify(ctx, sig, (size_t)siglen, (const unsigned char *)j->buf, j->blen) == 1;
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	return ok ? 0 : fail(j, "%s: bad signature", what);
}

/* the body hash of c= (its body half) against bh= */
static int check_body(struct job *j, const struct field *ams, bool relaxed)
{
	const struct auth_tag *bh = auth_tags_get(&ams->tags, "bh");
	struct dkim_bodyhash h;
	unsigned char want[BODYHASH_MAX];
	long wantlen;
	uint64_t off = j->hdr->body_off;
	char *chunk;

	wantlen = bh ? dkim_base64_tag(bh->val, bh->vallen, want, sizeof want) : -1;
	if (wantlen <= 0)
		return wantlen == -2 ? nomem(j) : fail(j, "bh= unreadable", NULL);
	if (!(chunk = malloc(65536)))
		return nomem(j);
	if (qf_bodyhash_init(&h, relaxed, false) < 0) {
		free(chunk);
		return nomem(j);
	}
	while (off < j->size) {
		size_t want_n = j->size - off < 65536 ? (size_t)(j->size - off) : 65536;
		ssize_t r = pread(j->fd, chunk, want_n, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			free(chunk);
			qf_bodyhash_free(&h);
			return fail(j, "the spooled body could not be read", NULL);
		}
		qf_bodyhash_feed(&h, chunk, (size_t)r);
		off += (uint64_t)r;
	}
	free(chunk);
	if (!qf_bodyhash_final(&h)) {
		qf_bodyhash_free(&h);
		return fail(j, "body with a bare CR or no final line end", NULL);
	}
	if ((size_t)wantlen != h.mdlen || memcmp(want, h.md, h.mdlen)) {
		qf_bodyhash_free(&h);
		return fail(j, "body hash mismatch", NULL);
	}
	qf_bodyhash_free(&h);
	return 0;
}

static bool name_is(const struct field *f, const char *name, size_t n)
{
	size_t ne = (size_t)(f->value - f->text) - 1;

	while (ne > 0 && wsp(f->text[ne - 1]))
		ne--;
	return ne == n && !strncasecmp(f->text, name, n);
}

/* The newest ARC-Message-Signature (RFC 8617 §5.1.2, RFC 6376 §3.7) */
static int check_ams(struct job *j)
{
	struct field *ams = j->set[j->n].ams;
	const struct auth_tag *c = auth_tags_get(&ams->tags, "c");
	const struct auth_tag *ht = auth_tags_get(&ams->tags, "h");
	bool hrel = false, brel = false, *used;
	char h[4096], *name, *save = NULL;
	size_t s, e, k;

	if (c) {
		char cv[64];
		if (auth_tag_copy(c, cv, sizeof cv) < 0)
			return fail(j, "AMS: bad c=", NULL);
		hrel = !strncasecmp(cv, "relaxed", 7);
		brel = !strcasecmp(cv, "relaxed/relaxed") || !strcasecmp(cv, "simple/relaxed");
	}
	if (!ht || auth_tag_copy(ht, h, sizeof h) <= 0)
		return fail(j, "AMS: h= missing", NULL);
	if (check_body(j, ams, brel) < 0)
		return -1;
	if (!(used = calloc(j->hdr->n ? j->hdr->n : 1, sizeof *used)))
		return nomem(j);
	j->blen = 0;
	for (name = strtok_r(h, ":", &save); name; name = strtok_r(NULL, ":", &save)) {
		size_t n = strlen(name);
		for (k = j->hdr->n; k-- > 0;)
			if (!used[k] && j->f[k].value && name_is(&j->f[k], name, n))
				break;
		if (k == (size_t)-1)
			continue;    /* a name with no field (left): nothing hashed */
		if (!strcasecmp(name, "arc-seal")) {
			free(used);
			return fail(j, "AMS: h= signs ARC-Seal", NULL);
		}
		used[k] = true;
		if (canon(j, &j->f[k], hrel, 0, 0, true) < 0) {
			free(used);
			return -1;
		}
	}
	free(used);
	b_range(ams, &s, &e);
	if (canon(j, ams, hrel, s, e, false) < 0)
		return -1;
	return check_sig(j, ams, "AMS");
}

/* ARC-Seal i (RFC 8617 §5.1.1): the sets 1..i, AAR, AMS, AS each, relaxed */
static int check_seal(struct job *j, unsigned i)
{
	unsigned k;
	size_t s, e;

	j->blen = 0;
	for (k = 1; k <= i; k++) {
		if (canon(j, j->set[k].aar, true, 0, 0, true) < 0 ||
		    canon(j, j->set[k].ams, true, 0, 0, true) < 0)
			return -1;
		if (k < i && canon(j, j->set[k].as, true, 0, 0, true) < 0)
			return -1;
	}
	b_range(j->set[i].as, &s, &e);
	if (canon(j, j->set[i].as, true, s, e, false) < 0)
		return -1;
	return check_sig(j, j->set[i].as, "seal");
}

/* i= of an ARC field: 1..AUTH_ARC_MAX_SETS, else 0 */
static unsigned instance(const struct field *f, enum dkim_hdr_kind kind)
{
	const char *p = f->value, *end = f->value + f->vlen;
	unsigned long v = 0;
	const struct auth_tag *t;

	if (kind != DKIM_HDR_ARC_AUTHRES) {
		if (!(t = auth_tags_get(&f->tags, "i")))
			return 0;
		p = t->val;
		end = t->val + t->vallen;
	} else {
		/* "i=N;" then the A-R value (RFC 8617 §4.1.1) */
		while (p < end && wsp(*p))
			p++;
		if (end - p < 2 || p[0] != 'i' || p[1] != '=')
			return 0;
		p += 2;
		while (p < end && wsp(*p))
			p++;
		{
			const char *q = p;
			while (q < end && *q >= '0' && *q <= '9')
				q++;
			while (q < end && wsp(*q))
				q++;
			if (q == end || *q != ';')
				return 0;
			end = q;
			while (end > p && wsp(end[-1]))
				end--;
		}
	}
	if (p == end || end - p > 3)
		return 0;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	return v >= 1 && v <= AUTH_ARC_MAX_SETS ? (unsigned)v : 0;
}

static int read_block(struct job *j)
{
	size_t len = (size_t)j->hdr->body_off, got = 0;

	if (len > AUTH_ARC_HEADER_MAX)
		return fail(j, "header block too large", NULL);
	if (!(j->block = malloc(len + 1)) || !(j->f = calloc(j->hdr->n ? j->hdr->n : 1, sizeof *j->f)))
		return nomem(j);
	while (got < len) {
		ssize_t r = pread(j->fd, j->block + got, len - got, (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return fail(j, "the spooled header could not be read", NULL);
		got += (size_t)r;
	}
	for (size_t i = 0; i < j->hdr->n; i++) {
		const struct dkim_field *df = &j->hdr->f[i];
		struct field *f = &j->f[i];
		const char *colon;
		if (df->off + df->len > len)
			continue;
		f->text = j->block + df->off;
		f->len = (size_t)df->len;
		if (!(colon = memchr(f->text, ':', f->len))) {
			f->text = NULL;
			continue;
		}
		f->value = colon + 1;
		f->vlen = f->len - (size_t)(f->value - f->text);
	}
	return 0;
}

static int collect(struct job *j)
{
	unsigned k;

	for (size_t i = 0; i < j->hdr->n; i++) {
		enum dkim_hdr_kind kind = j->hdr->f[i].kind;
		struct field *f = &j->f[i];
		struct field **slot;
		unsigned inst;
		if (kind != DKIM_HDR_ARC_SEAL && kind != DKIM_HDR_ARC_MESSAGE_SIGNATURE &&
		    kind != DKIM_HDR_ARC_AUTHRES)
			continue;
		if (!f->value)
			return fail(j, "an ARC field without a value", NULL);
		if (kind != DKIM_HDR_ARC_AUTHRES && auth_tags_parse(f->value, f->vlen, &f->tags) < 0)
			return fail(j, "an ARC field's tags are malformed", NULL);
		if (!(inst = instance(f, kind)))
			return fail(j, "an ARC field without a valid i=", NULL);
		slot = kind == DKIM_HDR_ARC_SEAL ? &j->set[inst].as :
		       kind == DKIM_HDR_ARC_MESSAGE_SIGNATURE ? &j->set[inst].ams : &j->set[inst].aar;
		if (*slot)
			return fail(j, "two ARC fields of one kind and instance", NULL);
		*slot = f;
		if (inst > j->n)
			j->n = inst;
	}
	for (k = 1; k <= j->n; k++)
		if (!j->set[k].as || !j->set[k].ams || !j->set[k].aar)
			return fail(j, "an ARC set is incomplete", NULL);
	return 0;
}

void auth_arc_verify(int fd, uint64_t size, const struct dkim_hdr *hdr, struct dkim_keys *keys,
		     int timeout_ms, struct auth_arc_check *out)
{
	struct job j = { .fd = fd, .size = size, .hdr = hdr, .keys = keys,
			 .timeout_ms = timeout_ms, .out = out };
	size_t i;
	unsigned k;
	bool any = false;

	memset(out, 0, sizeof *out);
	for (i = 0; i < hdr->n && !any; i++)
		any = hdr->f[i].kind == DKIM_HDR_ARC_SEAL || hdr->f[i].kind == DKIM_HDR_ARC_MESSAGE_SIGNATURE ||
		      hdr->f[i].kind == DKIM_HDR_ARC_AUTHRES;
	if (!any)
		return;                  /* arc=none */
	/* every seal and the newest AMS may each need a key */
	keys->max_lookups = keys->lookups + 2 * AUTH_ARC_MAX_SETS + 2;
	if (read_block(&j) < 0 || collect(&j) < 0)
		goto done;
	out->sets = j.n;
	snprintf(out->sealer, sizeof out->sealer, "%.*s",
		 auth_tags_get(&j.set[j.n].as->tags, "d") ? (int)auth_tags_get(&j.set[j.n].as->tags, "d")->vallen : 0,
		 auth_tags_get(&j.set[j.n].as->tags, "d") ? auth_tags_get(&j.set[j.n].as->tags, "d")->val : "");
	/* the chain's own verdicts (§5.2 step 2) */
	if (tag_is(j.set[j.n].as, "cv", "fail")) {
		fail(&j, "the newest seal says cv=fail", NULL);
		goto done;
	}
	for (k = 1; k <= j.n; k++)
		if (!tag_is(j.set[k].as, "cv", k == 1 ? "none" : "pass")) {
			fail(&j, k == 1 ? "the first seal's cv= is not none" : "a seal's cv= is not pass", NULL);
			goto done;
		}
	if (check_ams(&j) < 0)
		goto done;
	for (k = j.n; k >= 1; k--)
		if (check_seal(&j, k) < 0)
			goto done;
	out->result = AUTH_ARC_PASS;
done:
	if (out->nomem)
		out->result = AUTH_ARC_FAIL;
	free(j.buf);
	free(j.block);
	free(j.f);
}
