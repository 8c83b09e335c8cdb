/* domainkeys.c: RFC 4870 verification (draft-delany-domainkeys-base-01
 * §3), checked against Mail::DKIM's DomainKeys code for the details the
 * text leaves open: c= defaults to simple, h= order, trailing empty lines
 * including the header/body separator. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include "crypto_start.h"
#include "domainkeys.h"
#include "dkim_base64.h"
#include "dkim_name.h"

const char *dk_status_name(enum dk_status s)
{
	static const char *const names[] = {
		"no signature", "good", "bad", "no key", "revoked", "bad format"
	};
	return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "bad format";
}

static bool wsp(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* --- tag=value lists (Appendix A; the same shape as DKIM's) --- */

struct tag {
	char name;          /* the one-letter tags we know; 0 for others */
	const char *v;
	size_t vlen;
};

/* Splits s into tags; calls each() for every one. Returns 0, or -1 on a
 * syntax error, a duplicate tag, or each() failing. */
static int taglist(const char *s, size_t len,
		   int (*each)(void *arg, const struct tag *t), void *arg)
{
	const char *p = s, *end = s + len;
	unsigned long seen = 0;

	while (p < end) {
		const char *semi = memchr(p, ';', (size_t)(end - p));
		const char *e = semi ? semi : end, *eq, *ts, *te, *vs, *ve;
		struct tag t = { 0 };

		for (ts = p; ts < e && wsp(*ts); ts++)
			;
		if (ts == e) {             /* an empty element: only allowed last */
			if (semi && semi + 1 < end) {
				const char *q = semi + 1;
				while (q < end && wsp(*q))
					q++;
				if (q < end)
					return -1;
			}
			break;
		}
		if (!(eq = memchr(ts, '=', (size_t)(e - ts))))
			return -1;
		for (te = eq; te > ts && wsp(te[-1]); te--)
			;
		if (te == ts || !((*ts >= 'a' && *ts <= 'z') || (*ts >= 'A' && *ts <= 'Z')))
			return -1;
		for (const char *q = ts; q < te; q++)
			if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
			      (*q >= '0' && *q <= '9') || *q == '_'))
				return -1;
		for (vs = eq + 1; vs < e && wsp(*vs); vs++)
			;
		for (ve = e; ve > vs && wsp(ve[-1]); ve--)
			;
		if (te - ts == 1 && *ts >= 'a' && *ts <= 'z') {
			unsigned long bit = 1UL << (*ts - 'a');
			if (seen & bit)
				return -1;         /* a duplicate tag */
			seen |= bit;
			t.name = *ts;
		}
		t.v = vs;
		t.vlen = (size_t)(ve - vs);
		if (each(arg, &t) < 0)
			return -1;
		p = semi ? semi + 1 : end;
	}
	return 0;
}

static bool tag_is(const struct tag *t, const char *s)
{
	return t->vlen == strlen(s) && !strncasecmp(t->v, s, t->vlen);
}

/* copies a tag value into a fixed buffer; false when it does not fit */
static bool tag_copy(const struct tag *t, char *out, size_t outlen)
{
	if (t->vlen >= outlen)
		return false;
	memcpy(out, t->v, t->vlen);
	out[t->vlen] = 0;
	return true;
}

/* --- the signature --- */

struct sigparse {
	struct dk_signature *sig;
	const char *why;
	bool have_b, have_d, have_s;
};

static int sig_tag(void *arg, const struct tag *t)
{
	struct sigparse *sp = arg;
	struct dk_signature *sig = sp->sig;

	switch (t->name) {
	case 'a':
		if (!tag_is(t, "rsa-sha1"))
			return sp->why = "unknown algorithm (a=)", -1;
		break;
	case 'b':
		free(sig->sig);
		if (!(sig->sig = malloc(t->vlen ? t->vlen : 1)))
			return sp->why = "out of memory", -1;
		{
			long n = dkim_base64_tag(t->v, t->vlen, sig->sig, t->vlen);
			if (n == -2)
				return sp->why = "out of memory", -1;
			if (n <= 0)
				return sp->why = "bad signature data (b=)", -1;
			sig->siglen = (size_t)n;
		}
		sp->have_b = true;
		break;
	case 'c':
		if (tag_is(t, "simple"))
			sig->method = DK_SIMPLE;
		else if (tag_is(t, "nofws"))
			sig->method = DK_NOFWS;
		else
			return sp->why = "unknown canonicalization (c=)", -1;
		break;
	case 'd':
		if (!tag_copy(t, sig->d, sizeof sig->d) || !dkim_ldh_domain(sig->d))
			return sp->why = "bad domain (d=)", -1;
		sp->have_d = true;
		break;
	case 's':
		if (!tag_copy(t, sig->s, sizeof sig->s) || !dkim_ldh_domain(sig->s))
			return sp->why = "bad selector (s=)", -1;
		sp->have_s = true;
		break;
	case 'q':
		if (!tag_is(t, "dns"))
			return sp->why = "unknown query method (q=)", -1;
		break;
	case 'h': {
		const char *p = t->v, *end = t->v + t->vlen;
		while (p < end) {
			const char *c = memchr(p, ':', (size_t)(end - p)), *e = c ? c : end, *s;
			while (p < e && wsp(*p))
				p++;
			for (s = e; s > p && wsp(s[-1]); s--)
				;
			if (s == p)
				return sp->why = "empty name in h=", -1;
			if (sig->nh == DK_MAXHNAMES)
				return sp->why = "too many names in h=", -1;
			if (!(sig->hnames[sig->nh] = strndup(p, (size_t)(s - p))))
				return sp->why = "out of memory", -1;
			for (char *q = sig->hnames[sig->nh]; *q; q++)
				if (*q >= 'A' && *q <= 'Z')
					*q = (char)(*q - 'A' + 'a');
			sig->nh++;
			p = c ? c + 1 : end;
		}
		break;
	}
	default:
		break;                     /* unknown tags are ignored */
	}
	return 0;
}

int dk_signature_parse(const char *value, size_t len, struct dk_signature *sig, const char **why)
{
	struct sigparse sp = { .sig = sig };

	memset(sig, 0, sizeof *sig);
	if (taglist(value, len, sig_tag, &sp) < 0) {
		*why = sp.why ? sp.why : "tag syntax";
		return -1;
	}
	if (!sp.have_b || !sp.have_d || !sp.have_s) {
		*why = !sp.have_b ? "no b= tag" : !sp.have_d ? "no d= tag" : "no s= tag";
		return -1;
	}
	return 0;
}

void dk_signature_free(struct dk_signature *sig)
{
	size_t i;

	free(sig->sig);
	for (i = 0; i < sig->nh; i++)
		free(sig->hnames[i]);
	memset(sig, 0, sizeof *sig);
}

/* --- which header fields are signed --- */

static bool name_is(const char *name, size_t len, const char *want)
{
	return strlen(want) == len && !strncasecmp(name, want, len);
}

size_t dk_select(const struct dk_signature *sig, const char *const *names,
		 const size_t *namelen, size_t n, size_t *order)
{
	bool used[n ? n : 1];
	size_t out = 0, k, i, j;

	if (sig->nh == 0) {
		for (i = 0; i < n; i++)
			order[i] = i;
		return n;
	}
	/* walk h= backwards, prepending; see the comment in the header */
	memset(used, 0, sizeof used);
	size_t tmp[n ? n : 1];
	size_t tn = 0;
	for (k = sig->nh; k-- > 0;) {
		const char *h = sig->hnames[k];
		size_t left = 0;
		for (j = 0; j < k; j++)   /* more mentions of h earlier in h=? */
			if (!strcmp(sig->hnames[j], h))
				left++;
		if (left > 0) {
			for (i = n; i-- > 0;)  /* the last unused field of that name */
				if (!used[i] && name_is(names[i], namelen[i], h)) {
					used[i] = true;
					tmp[tn++] = i;
					break;
				}
		} else {
			for (i = n; i-- > 0;)  /* every unused one, prepended in order */
				if (!used[i] && name_is(names[i], namelen[i], h)) {
					used[i] = true;
					tmp[tn++] = i;
				}
		}
	}
	/* tmp holds the fields in reverse hashing order */
	while (tn > 0)
		order[out++] = tmp[--tn];
	return out;
}

bool dk_domain_matches(const char *addr_domain, const char *d)
{
	size_t a = strlen(addr_domain), b = strlen(d);

	if (a && addr_domain[a - 1] == '.')
		a--;
	if (b && d[b - 1] == '.')
		b--;
	if (!b || a < b || strncasecmp(addr_domain + a - b, d, b))
		return false;
	return a == b || addr_domain[a - b - 1] == '.';
}

/* --- the key record (§3.2.3) --- */

struct keyparse {
	struct dk_key *key;
	const char *why;
	bool have_p;
};

static int key_tag(void *arg, const struct tag *t)
{
	struct keyparse *kp = arg;
	struct dk_key *key = kp->key;

	switch (t->name) {
	case 'k':
		if (!tag_is(t, "rsa"))
			return kp->why = "key type is not rsa (k=)", -1;
		break;
	case 'g':
		if (!tag_copy(t, key->g, sizeof key->g))
			return kp->why = "bad granularity (g=)", -1;
		break;
	case 't':
		/* flags separated by ':'; y = testing */
		for (size_t i = 0; i < t->vlen; i++)
			if ((t->v[i] == 'y' || t->v[i] == 'Y') &&
			    (i == 0 || t->v[i - 1] == ':' || wsp(t->v[i - 1])) &&
			    (i + 1 == t->vlen || t->v[i + 1] == ':' || wsp(t->v[i + 1])))
				key->testing = true;
		break;
	case 'p':
		kp->have_p = true;
		if (t->vlen == 0) {
			key->revoked = true;
			break;
		}
		if (!(key->der = malloc(t->vlen)))
			return kp->why = "out of memory", -1;
		{
			long n = dkim_base64_tag(t->v, t->vlen, key->der, t->vlen);
			if (n == -2)
				return kp->why = "out of memory", -1;
			if (n <= 0)
				return kp->why = "bad key data (p=)", -1;
			key->derlen = (size_t)n;
		}
		break;
	default:
		break;
	}
	return 0;
}

int dk_key_parse(const char *txt, struct dk_key *key, const char **why)
{
	struct keyparse kp = { .key = key };

	memset(key, 0, sizeof *key);
	if (taglist(txt, strlen(txt), key_tag, &kp) < 0) {
		*why = kp.why ? kp.why : "key record syntax";
		return -1;
	}
	if (!kp.have_p) {
		*why = "no p= in the key record";
		return -1;
	}
	return 0;
}

void dk_key_free(struct dk_key *key)
{
	free(key->der);
	EVP_PKEY_free(key->pkey);
	memset(key, 0, sizeof *key);
}

EVP_PKEY *dk_key_decode(const unsigned char *der, size_t derlen)
{
	const unsigned char *p = der;

	if (!der || qf_crypto_start() < 0)
		return NULL;
	return d2i_PUBKEY(NULL, &p, (long)derlen);
}

bool dk_key_granted(const struct dk_key *key, const char *local, size_t len)
{
	const char *g = key->g, *star = strchr(g, '*');
	size_t pre, post;

	if (!*g)
		return true;              /* DomainKeys: an empty g= is everyone */
	if (!star)
		return strlen(g) == len && !memcmp(g, local, len);
	pre = (size_t)(star - g);
	post = strlen(star + 1);
	return len >= pre + post && !memcmp(local, g, pre) &&
	       !memcmp(local + len - post, star + 1, post);
}

/* --- canonicalization (§3.4) --- */

static void emit(struct dk_canon *c, const char *p, size_t n)
{
	if (n)
		c->sink(c->arg, p, n);
}

void dk_canon_init(struct dk_canon *c, enum dk_method m,
		   void (*sink)(void *arg, const char *p, size_t n), void *arg)
{
	memset(c, 0, sizeof *c);
	c->method = m;
	c->sink = sink;
	c->arg = arg;
	c->pending = 1;   /* the header/body separator is the first body line */
}

void dk_canon_header(struct dk_canon *c, const char *p, size_t n)
{
	size_t i, run = 0;

	for (i = 0; i < n; i++) {
		char ch = p[i];
		if (c->method == DK_NOFWS) {
			/* unwrap and drop all white space: emit the runs between */
			if (wsp(ch)) {
				emit(c, p + i - run, run);
				run = 0;
			} else {
				run++;
			}
			continue;
		}
		/* simple: as it is, with every line end made CRLF */
		if (ch == '\n') {
			emit(c, p + i - run, run);
			run = 0;
			emit(c, "\r\n", 2);
			c->held_cr = false;
			continue;
		}
		if (c->held_cr) {
			emit(c, "\r", 1);
			c->held_cr = false;
		}
		if (ch == '\r') {
			emit(c, p + i - run, run);
			run = 0;
			c->held_cr = true;
			continue;
		}
		run++;
	}
	emit(c, p + n - run, run);
}

void dk_canon_header_end(struct dk_canon *c)
{
	if (c->held_cr)
		emit(c, "\r", 1);
	c->held_cr = false;
	emit(c, "\r\n", 2);
}

/* body: content bytes of the current line; empty lines wait in pending
 * until some content shows they are not trailing */
static void body_content(struct dk_canon *c, const char *p, size_t n)
{
	if (!n)
		return;
	if (!c->line_content) {
		while (c->pending > 0) {
			emit(c, "\r\n", 2);
			c->pending--;
		}
		c->line_content = true;
	}
	emit(c, p, n);
}

static void body_eol(struct dk_canon *c)
{
	if (c->line_content)
		emit(c, "\r\n", 2);
	else
		c->pending++;
	c->line_content = false;
}

void dk_canon_body(struct dk_canon *c, const char *p, size_t n)
{
	size_t i, start = 0;
	bool nofws = c->method == DK_NOFWS;

	for (i = 0; i < n; i++) {
		char ch = p[i];
		bool cut = ch == '\n' || ch == '\r' || (nofws && (ch == ' ' || ch == '\t'));
		if (!cut) {
			if (c->held_cr) {      /* a CR inside a line */
				if (!nofws)
					body_content(c, "\r", 1);
				c->held_cr = false;
			}
			continue;
		}
		body_content(c, p + start, i - start);
		start = i + 1;
		if (ch == '\n') {
			c->held_cr = false;
			body_eol(c);
		} else if (ch == '\r') {
			if (c->held_cr && !nofws)
				body_content(c, "\r", 1);
			c->held_cr = true;
		}
		/* nofws: SP and HTAB are dropped */
	}
	body_content(c, p + start, n - start);
}

void dk_canon_end(struct dk_canon *c)
{
	/* a last line without a line end still counts; a lone CR at the
	 * very end is taken as its line end */
	c->held_cr = false;
	if (c->line_content)
		body_eol(c);
}

/* --- RSA-SHA1 (§3.2.2) --- */

static void md_sink(void *arg, const char *p, size_t n)
{
	struct dk_verify *v = arg;

	if (EVP_DigestVerifyUpdate(v->md, p, n) != 1)
		v->failed = true;
}

int dk_verify_begin(struct dk_verify *v, const struct dk_signature *sig,
		    struct dk_key *key, const char **why)
{
	EVP_PKEY *pkey;

	memset(v, 0, sizeof *v);
	if (qf_crypto_start() < 0) {
		*why = "OpenSSL failed to start";
		return -1;
	}
	if (key->pkey) {           /* decoded before (the key cache): ours now */
		pkey = key->pkey;
		key->pkey = NULL;
	} else if (!(pkey = dk_key_decode(key->der, key->derlen))) {
		*why = "the key does not decode";
		return -1;
	}
	v->pkey = pkey;
	if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA) {
		*why = "not an RSA key";
		return -1;
	}
	v->bits = EVP_PKEY_get_bits(pkey);
	if (!(v->md = EVP_MD_CTX_new()))
		return -2;
	if (EVP_DigestVerifyInit(v->md, NULL, EVP_sha1(), NULL, pkey) != 1) {
		*why = "RSA-SHA1 is not available";
		return -1;
	}
	dk_canon_init(&v->canon, sig->method, md_sink, v);
	return 0;
}

int dk_verify_end(struct dk_verify *v, const struct dk_signature *sig)
{
	dk_canon_end(&v->canon);
	if (v->failed)
		return 0;
	return EVP_DigestVerifyFinal(v->md, sig->sig, sig->siglen) == 1;
}

void dk_verify_free(struct dk_verify *v)
{
	EVP_MD_CTX_free(v->md);
	EVP_PKEY_free(v->pkey);
	v->md = NULL;
	v->pkey = NULL;
}
