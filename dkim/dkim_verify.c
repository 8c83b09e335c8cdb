/* dkim_verify.c: DKIM-Signature verification with libopendkim 2.11.
 * The spool has LF line ends, which libopendkim would read as one long
 * header: bare LFs become CRLF here. DKIM_LIBFLAGS_BADSIGHANDLES keeps a
 * handle for every signature even when one is malformed, which also
 * skips Debian's CVE-2020-12272 check, so d=, s= and the domain of i=
 * are checked here as LDH names. Keys come from dkim_dns.c through the
 * key look-up callback, so that file, DNS and DomainKeys share one path
 * and each message's deadline applies.
 *
 * The library gets the header block; the body goes to dkim_bodyhash.c
 * (the library's byte-at-a-time canonicalization was most of a signed
 * message's cost), and each bh= is compared here. Bodies that hash
 * leaves alone, and signatures with l=, go to the library whole; with
 * l=, the body is canonicalized here as well, to learn its canonicalized
 * length (RFC 6376 §3.4.5). A body without a final line end gets the CRLF
 * the RFC adds (§3.4.3, §3.4.4) wherever it goes: libopendkim 2.11 fails
 * every signature of the message ("CRLF at end of body missing") when
 * one uses relaxed and it is not there. The result words come from
 * dkim_verdict.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <opendkim/dkim.h>
#include "crypto_start.h"
#include "exitcodes.h"
#include "log.h"
#include "dkim_int.h"
#include "dkim_base64.h"
#include "dkim_name.h"
#include "dkim_verdict.h"
#include "domainkeys.h"
#include <errno.h>
#include <openssl/x509.h>

/* pieces of the header block (or of a body the library reads) made CRLF:
 * the buffer is twice this, below malloc's 64 KB free that consolidates */
#define CRLF_CHUNK 8192

static void key_error(struct dkim_job *job, const void *sig, const char *why)
{
	if (job->nkeyerr < DKIM_MAX_SIGS) {
		job->keyerr[job->nkeyerr].sig = sig;
		dkim_copy(job->keyerr[job->nkeyerr].why, sizeof job->keyerr[0].why, why);
		job->nkeyerr++;
	}
}

static const char *key_error_of(const struct dkim_job *job, const void *sig)
{
	size_t i;

	for (i = 0; i < job->nkeyerr; i++)
		if (job->keyerr[i].sig == sig)
			return job->keyerr[i].why;
	return NULL;
}

static DKIM_CBSTAT key_lookup(DKIM *dkim, DKIM_SIGINFO *sig, u_char *buf, size_t buflen)
{
	struct dkim_job *job = dkim_get_user_context(dkim);
	const char *d = (const char *)dkim_sig_getdomain(sig);
	const char *s = (const char *)dkim_sig_getselector(sig);
	struct dkim_keys *keys;
	char err[200];

	if (!job)
		return DKIM_CBSTAT_ERROR;
	if (!dkim_ldh_domain(d) || !dkim_ldh_domain(s)) {
		/* never query names carrying other syntax (CVE-2020-12272) */
		key_error(job, sig, "invalid d= or s=");
		return DKIM_CBSTAT_NOTFOUND;
	}
	if (!dkim_query_supported((const char *)dkim_sig_gettagvalue(sig, 0, (u_char *)"q"))) {
		/* the library leaves q= to this callback (RFC 6376 §3.5) */
		key_error(job, sig, "no supported query method in q=");
		return DKIM_CBSTAT_NOTFOUND;
	}
	if (!(keys = dkim_job_keys(job))) {
		dkim_sig_seterror(sig, DKIM_SIGERROR_KEYFAIL);
		key_error(job, sig, "key look-up failed");
		return DKIM_CBSTAT_ERROR;
	}
	switch (dkim_keys_lookup(keys, s, d, dkim_job_ms(job), (char *)buf, buflen, err, sizeof err)) {
	case DKIM_KEY_NOMEM:
		dkim_job_nomem(job, err);
		dkim_sig_seterror(sig, DKIM_SIGERROR_KEYFAIL);
		key_error(job, sig, "out of memory");
		return DKIM_CBSTAT_ERROR;
	case DKIM_KEY_FOUND:
		return DKIM_CBSTAT_CONTINUE;
	case DKIM_KEY_ABSENT:
		key_error(job, sig, "no key");
		return DKIM_CBSTAT_NOTFOUND;
	case DKIM_KEY_TOOBIG:
		key_error(job, sig, "key record too long");
		dkim_sig_seterror(sig, DKIM_SIGERROR_DNSSYNTAX);
		return DKIM_CBSTAT_ERROR;
	case DKIM_KEY_TEMPFAIL:
	default:
		dkim_job_warn(job, "%s", err);   /* the details, for the admin */
		key_error(job, sig, "key look-up failed");
		dkim_sig_seterror(sig, DKIM_SIGERROR_KEYFAIL);
		return DKIM_CBSTAT_ERROR;
	}
}

/* Verifies the first DKIM_MAX_SIGS signatures; the rest are ignored
 * (reported neutral), so a message cannot ask for unbounded look-ups. */
static DKIM_CBSTAT prescreen(DKIM *dkim, DKIM_SIGINFO **sigs, int nsigs)
{
	int i;

	for (i = DKIM_MAX_SIGS; i < nsigs; i++)
		dkim_sig_ignore(sigs[i]);
	return DKIM_CBSTAT_CONTINUE;
}

/* libopendkim does not check every allocation it makes: with one failing
 * in dkim_siglist_setup() it went on to use the null pointer (t-faults'
 * injector found it). Its allocations come here, and one that fails ends
 * the process at once with qmail-queue's code for it, 51, and a log
 * line, before the library can touch it. qfilterd's client then falls
 * back as for any worker that died. */
static void *lib_malloc(void *closure, size_t n)
{
	void *p = malloc(n ? n : 1);

	(void)closure;
	if (!p) {
		qf_log("error: libopendkim: out of memory");   /* a stack buffer */
		_exit(QF_EXIT_NOMEM);
	}
	return p;
}

static void lib_free(void *closure, void *p)
{
	(void)closure;
	free(p);
}

/* OpenSSL 3 sets up its decoders for the first key a process decodes
 * (3.4 M instructions, against 1.3 M for each key after): a qfilterd
 * worker decodes a public key of our own when it starts, so that it pays
 * that then, not with its first signed message. (Not in a single-message
 * process: there it would be 1.3 M more, not less.) */
static const char warm_key[] =
	"MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCfN6UWcIASeE4ZQb74H3bGm24zLky3wsRCSzxys8qDb23AKxCdZV4K"
	"095xUAbR0krqcu6JJ+WpZPLmj0rRXNLCbsZ0J9jBbR+cgdjHuc+3DrOSZMXgU3NNHSyggkADq9v2gG6lL+0dbGBNs4F/"
	"gu+1Ro4UxgehNm95PIh4M68YfwIDAQAB";

void dkim_lib_warm(void)
{
	unsigned char der[256];
	const unsigned char *p = der;
	long n = dkim_base64_tag(warm_key, sizeof warm_key - 1, der, sizeof der);

	if (n > 0)
		EVP_PKEY_free(d2i_PUBKEY(NULL, &p, n));
}

int dkim_lib_open(struct dkim_state *st, char *err, size_t errlen)
{
	DKIM_LIB *lib;
	unsigned int flags = DKIM_LIBFLAGS_BADSIGHANDLES;

	if (qf_crypto_start() < 0) {
		snprintf(err, errlen, "OpenSSL failed to start (out of memory)");
		return -1;   /* errno ENOMEM */
	}
	if (!(lib = dkim_init(lib_malloc, lib_free))) {
		snprintf(err, errlen, "dkim_init failed");
		errno = ENOMEM;    /* its only failure is an allocation */
		return -1;
	}
	if (dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_FLAGS, &flags, sizeof flags) != DKIM_STAT_OK ||
	    dkim_set_key_lookup(lib, key_lookup) != DKIM_STAT_OK ||
	    dkim_set_prescreen(lib, prescreen) != DKIM_STAT_OK) {
		snprintf(err, errlen, "libopendkim set-up failed");
		dkim_close(lib);
		errno = EINVAL;
		return -1;
	}
	st->lib = lib;
	return 0;
}

void dkim_lib_close(struct dkim_state *st)
{
	if (st->lib)
		dkim_close(st->lib);
	st->lib = NULL;
}

/* one result for the whole message when libopendkim gives no handles */
static void whole_message(struct dkim_job *job, enum authres_result r, const char *why)
{
	struct authres_sig *a = &job->dkim[0];

	memset(a, 0, sizeof *a);
	a->result = r;
	dkim_copy(a->comment, sizeof a->comment, why);
	job->ndkim = 1;
}

int dkim_verify_begin(struct dkim_job *job)
{
	struct dkim_state *st = job->st;
	DKIM_STAT status;
	DKIM *d;

	if (!st->lib) {
		whole_message(job, AUTHRES_TEMPERROR, st->lib_error);
		return -1;
	}
	if (!(job->crlf = malloc(2 * CRLF_CHUNK))) {
		dkim_job_nomem(job, "the DKIM verifier's buffer");
		whole_message(job, AUTHRES_TEMPERROR, "out of memory");
		return -1;
	}
	d = dkim_verify(st->lib, (const unsigned char *)"qfilter", NULL, &status);
	if (!d) {
		if (status == DKIM_STAT_NORESOURCE)
			dkim_job_nomem(job, "dkim_verify");
		whole_message(job, AUTHRES_TEMPERROR, dkim_getresultstr(status));
		return -1;
	}
	dkim_set_user_context(d, job);
	job->dkim_handle = d;
	job->dkim_feeding = true;
	return 0;
}

/* bare LF -> CRLF, in pieces, so the message is never held whole. A CR
 * of the header block that no LF follows is noted: with one, where the
 * library ends the header block is not certain to be where dkim_hdr.c
 * does, so the library gets the body too. */
static void lib_feed(struct dkim_job *job, const char *p, size_t n)
{
	DKIM *d = job->dkim_handle;

	while (job->dkim_feeding && n > 0) {
		size_t take = n < CRLF_CHUNK ? n : CRLF_CHUNK, i = 0, o = 0;
		DKIM_STAT st;
		/* copy runs between LFs whole; memchr is much cheaper than a
		 * byte loop on long lines */
		while (i < take) {
			const char *lf = memchr(p + i, '\n', take - i);
			size_t run = lf ? (size_t)(lf - (p + i)) : take - i;
			if (!job->body_decided && run > 1 && memchr(p + i, '\r', run - 1))
				job->hdr_bare_cr = true;
			if (!job->body_decided && run && job->last_cr)
				job->hdr_bare_cr = true;   /* the CR ended the last piece */
			memcpy(job->crlf + o, p + i, run);
			o += run;
			if (run)
				job->last_cr = p[i + run - 1] == '\r';
			i += run;
			if (!lf)
				break;
			if (!job->last_cr)
				job->crlf[o++] = '\r';
			job->crlf[o++] = '\n';
			job->last_cr = false;
			i++;
		}
		st = dkim_chunk(d, (unsigned char *)job->crlf, o);
		if (st != DKIM_STAT_OK)
			job->dkim_feeding = false;   /* NOSIG, or broken headers: see end */
		p += take;
		n -= take;
	}
}

/* A signature's body canonicalization and hash, from its c= and a= tags
 * (the library's own fields are not filled in before the end). false
 * when it names neither: the library reports that signature's error. */
static bool sig_body_kind(DKIM_SIGINFO *s, bool *relaxed, bool *sha1)
{
	const char *c = (const char *)dkim_sig_gettagvalue(s, 0, (u_char *)"c");
	const char *a = (const char *)dkim_sig_gettagvalue(s, 0, (u_char *)"a");
	const char *body = c ? strchr(c, '/') : NULL;

	body = body ? body + 1 : "simple";   /* c=relaxed means relaxed/simple */
	if (!strcasecmp(body, "relaxed"))
		*relaxed = true;
	else if (!strcasecmp(body, "simple"))
		*relaxed = false;
	else
		return false;
	if (!a)
		return false;
	if (!strcasecmp(a, "rsa-sha1"))
		*sha1 = true;
	else if (!strcasecmp(a, "rsa-sha256") || !strcasecmp(a, "ed25519-sha256"))
		*sha1 = false;
	else
		return false;
	return true;
}

static struct dkim_bodyhash *hash_for(struct dkim_job *job, DKIM_SIGINFO *s)
{
	bool relaxed, sha1;
	size_t i;

	if (!sig_body_kind(s, &relaxed, &sha1))
		return NULL;
	for (i = 0; i < job->nbh; i++)
		if (job->bh[i].relaxed == relaxed && job->bh[i].sha1 == sha1)
			return &job->bh[i];
	return NULL;
}

static void free_hashes(struct dkim_job *job)
{
	size_t i;

	for (i = 0; i < job->nbh; i++)
		qf_bodyhash_free(&job->bh[i]);
	free(job->bh);
	job->bh = NULL;
	job->nbh = 0;
}

/* The header block is in the library: the body is hashed here unless a
 * signature has c= or a= that we do not know, the library stopped, or
 * the header block had a bare CR. With an l= tag the library reads the
 * body too (it hashes the signed part); ours then only counts the
 * canonicalized length (body_counted). At most four kinds: simple or
 * relaxed, sha1 or sha256. */
static void choose_body_path(struct dkim_job *job)
{
	DKIM_SIGINFO **sigs = NULL;
	int nsigs = 0, i;
	bool with_l = false;

	job->body_decided = true;
	if (!job->dkim_feeding || job->hdr_bare_cr ||
	    dkim_getsiglist(job->dkim_handle, &sigs, &nsigs) != DKIM_STAT_OK || nsigs <= 0)
		return;
	if (!(job->bh = malloc(4 * sizeof *job->bh)))   /* set up by qf_bodyhash_init */
		return;
	for (i = 0; i < nsigs; i++) {
		bool relaxed, sha1;
		if (dkim_sig_getflags(sigs[i]) & DKIM_SIGFLAG_IGNORE)
			continue;
		if (dkim_sig_gettagvalue(sigs[i], 0, (u_char *)"l"))
			with_l = true;
		if (!sig_body_kind(sigs[i], &relaxed, &sha1)) {
			free_hashes(job);    /* the library judges what we cannot read */
			return;
		}
		if (hash_for(job, sigs[i]))
			continue;
		if (qf_bodyhash_init(&job->bh[job->nbh], relaxed, sha1) < 0) {
			free_hashes(job);
			return;
		}
		job->nbh++;
	}
	job->body_ours = job->nbh > 0 && !with_l;
	job->body_counted = job->nbh > 0 && with_l;
	if (!job->nbh)
		free_hashes(job);
}

/* body bytes for the library: what it last got is remembered, for the
 * CRLF that dkim_verify_end adds when the body lacks it */
static void lib_body(struct dkim_job *job, const char *p, size_t n)
{
	if (!n)
		return;
	lib_feed(job, p, n);
	job->lib_body_any = true;
	job->lib_body_ended = p[n - 1] == '\n';
}

void dkim_verify_feed(struct dkim_job *job, const char *p, size_t n)
{
	size_t i;

	if (!job->body_decided) {
		uint64_t end = job->hdr->done ? job->hdr->body_off : UINT64_MAX;
		size_t head = end - job->fed < n ? (size_t)(end - job->fed) : n;
		lib_feed(job, p, head);
		job->fed += head;
		p += head;
		n -= head;
		if (job->fed == end)
			choose_body_path(job);
	}
	if (job->body_ours || job->body_counted)
		for (i = 0; i < job->nbh; i++)
			qf_bodyhash_feed(&job->bh[i], p, n);
	if (!job->body_ours)
		lib_body(job, p, n);
}

bool dkim_verify_wants_body(struct dkim_job *job)
{
	size_t i;

	if (!job->body_ours)
		return false;
	for (i = 0; i < job->nbh; i++)
		if (!qf_bodyhash_final(&job->bh[i]))
			break;
	if (i == job->nbh)
		return false;
	free_hashes(job);       /* unsure: libopendkim reads the body itself */
	job->body_ours = false;
	job->lib_body_any = false;
	return job->dkim_feeding;
}

/* With the body hashed here, the library saw an empty body: its body
 * hash verdict (and the BADSIG it gives for a mismatch when the header
 * hash verified) is replaced by the comparison of bh= with our digest. */
static void own_body_hash(struct dkim_job *job, DKIM_SIGINFO *s, unsigned int flags,
			  int *bh, DKIM_SIGERROR *err)
{
	const char *tag = (const char *)dkim_sig_gettagvalue(s, 0, (u_char *)"bh");
	struct dkim_bodyhash *h = hash_for(job, s);
	unsigned char want[BODYHASH_MAX];
	long n;

	if (!job->body_ours || !(flags & DKIM_SIGFLAG_PROCESSED) || !h || !tag)
		return;
	n = dkim_base64_tag(tag, strlen(tag), want, sizeof want);
	if (n == -2)
		dkim_job_nomem(job, "decoding bh=");
	if (*err == DKIM_SIGERROR_BADSIG && *bh == DKIM_SIGBH_MISMATCH && (flags & DKIM_SIGFLAG_PASSED)) {
		/* the library's BADSIG came from the body it did not see, and
		 * it skipped the key size check that follows a good signature */
		unsigned int bits = 0, min = 0;
		dkim_alg_t alg;
		*err = DKIM_SIGERROR_OK;
		if (dkim_sig_getsignalg(s, &alg) == DKIM_STAT_OK && alg != DKIM_SIGN_ED25519SHA256 &&
		    dkim_sig_getkeysize(s, &bits) == DKIM_STAT_OK &&
		    dkim_options(job->st->lib, DKIM_OP_GETOPT, DKIM_OPTS_MINKEYBITS, &min, sizeof min) ==
			    DKIM_STAT_OK && bits < min)
			*err = DKIM_SIGERROR_KEYTOOSMALL;
	}
	*bh = n == (long)h->mdlen && !memcmp(want, h->md, h->mdlen) ? DKIM_SIGBH_MATCH
								     : DKIM_SIGBH_MISMATCH;
}

/* Does a signature's l= leave canonicalized body bytes unsigned? Against
 * the canonicalized length of the whole body (RFC 6376 §3.4.5): what
 * canonicalization removes (empty lines at the end, WSP for relaxed) is
 * not unsigned text. Without our count (a bare CR), the library's raw
 * length decides, which may say partly when it is not. */
static bool partly_signed(struct dkim_job *job, DKIM *d, DKIM_SIGINFO *s)
{
	ssize_t msglen = -1, canonlen = -1, signlen = -1;
	struct dkim_bodyhash *h = job->body_counted ? hash_for(job, s) : NULL;

	if (dkim_sig_getcanonlen(d, s, &msglen, &canonlen, &signlen) != DKIM_STAT_OK || signlen < 0)
		return false;
	if (h && h->mdlen)
		return h->canon_len > (uint64_t)signlen;
	return canonlen < msglen;
}

static enum authres_result sig_result(struct dkim_job *job, DKIM *d, DKIM_SIGINFO *s,
				      char *comment, size_t clen)
{
	unsigned int flags = dkim_sig_getflags(s);
	int bh = dkim_sig_getbh(s);
	DKIM_SIGERROR err = dkim_sig_geterror(s);
	enum authres_result r;
	unsigned int bits = 0;

	own_body_hash(job, s, flags, &bh, &err);

	if (flags & DKIM_SIGFLAG_IGNORE) {
		snprintf(comment, clen, "not verified: too many signatures");
		return AUTHRES_NEUTRAL;
	}
	if ((r = dkim_sigerror_result(err)) == AUTHRES_NONE) {
		if ((flags & DKIM_SIGFLAG_PASSED) && bh == DKIM_SIGBH_MATCH)
			r = AUTHRES_PASS;
		else if (flags & DKIM_SIGFLAG_PROCESSED)
			r = AUTHRES_FAIL;
		else
			r = AUTHRES_NEUTRAL;
	}
	if (r == AUTHRES_FAIL && bh == DKIM_SIGBH_MISMATCH)
		snprintf(comment, clen, "body hash mismatch");
	else if (r == AUTHRES_FAIL)
		snprintf(comment, clen, "bad signature");
	else if (err != DKIM_SIGERROR_OK && err != DKIM_SIGERROR_UNKNOWN)
		snprintf(comment, clen, "%s", dkim_sig_geterrorstr(err));
	if (r == AUTHRES_PASS && partly_signed(job, d, s)) {
		/* l= honoured by the library: text appended after signing would
		 * pass, so a partial body is not acceptable here (RFC 6376 §8.2) */
		snprintf(comment, clen, "body only partly signed, l= tag");
		r = AUTHRES_POLICY;
	}
	/* a key in testing mode (t=y): a failure means nothing */
	if (r == AUTHRES_FAIL && (flags & DKIM_SIGFLAG_TESTKEY)) {
		snprintf(comment, clen, "testing key, bad signature");
		r = AUTHRES_NEUTRAL;
	}
	if ((r == AUTHRES_PASS || r == AUTHRES_FAIL || r == AUTHRES_POLICY) && !*comment &&
	    dkim_sig_getkeysize(s, &bits) == DKIM_STAT_OK && bits)
		snprintf(comment, clen, "%u-bit key%s", bits,
			 (flags & DKIM_SIGFLAG_TESTKEY) ? ", testing" : "");
	return r;
}

static const char *alg_name(DKIM_SIGINFO *s)
{
	dkim_alg_t alg;

	if (!(dkim_sig_getflags(s) & DKIM_SIGFLAG_PROCESSED) ||
	    dkim_sig_getsignalg(s, &alg) != DKIM_STAT_OK)
		return "";   /* the library reports rsa-sha1 for unprocessed ones */
	switch (alg) {
	case DKIM_SIGN_RSASHA1: return "rsa-sha1";
	case DKIM_SIGN_RSASHA256: return "rsa-sha256";
	case DKIM_SIGN_ED25519SHA256: return "ed25519-sha256";
	default: return "";
	}
}

static void one_sig(struct dkim_job *job, DKIM *d, DKIM_SIGINFO *s, struct authres_sig *a,
		    bool dup_tags)
{
	const char *dom = (const char *)dkim_sig_getdomain(s);
	const char *sel = (const char *)dkim_sig_getselector(s);
	char ident[384] = "", b[160];
	size_t blen = sizeof b - 1;
	const char *why;

	memset(a, 0, sizeof *a);
	a->result = sig_result(job, d, s, a->comment, sizeof a->comment);
	dkim_copy(a->d, sizeof a->d, dom ? dom : "");
	dkim_copy(a->s, sizeof a->s, sel ? sel : "");
	if (dkim_sig_getidentity(d, s, (unsigned char *)ident, sizeof ident) == DKIM_STAT_OK)
		dkim_copy(a->i, sizeof a->i, ident);
	dkim_copy(a->a, sizeof a->a, alg_name(s));
	if (dkim_get_sigsubstring(d, s, b, &blen) == DKIM_STAT_OK) {
		b[blen < sizeof b ? blen : sizeof b - 1] = 0;
		dkim_copy(a->b, sizeof a->b, b);
	}
	if ((why = key_error_of(job, s)) && a->result != AUTHRES_PASS)
		dkim_copy(a->comment, sizeof a->comment, why);
	/* names that are not LDH domains are never trusted, whatever the
	 * library made of them */
	if (!dkim_ldh_domain(a->d) || !dkim_ldh_domain(a->s) ||
	    (*a->i && (!dkim_addr_domain(a->i) || !dkim_ldh_domain(dkim_addr_domain(a->i))))) {
		a->result = AUTHRES_PERMERROR;
		dkim_copy(a->comment, sizeof a->comment, "invalid d=, s= or i=");
	}
	/* what makes a signature invalid whatever its hashes say */
	if (dkim_sig_getflags(s) & DKIM_SIGFLAG_IGNORE)
		return;    /* not verified (prescreen) */
	if (!dkim_query_supported((const char *)dkim_sig_gettagvalue(s, 0, (u_char *)"q"))) {
		a->result = AUTHRES_PERMERROR;     /* RFC 6376 §3.5, §6.1.1 */
		dkim_copy(a->comment, sizeof a->comment, "no supported query method in q=");
	} else if (dup_tags) {
		a->result = AUTHRES_PERMERROR;     /* RFC 6376 §3.2 */
		dkim_copy(a->comment, sizeof a->comment, "a tag given twice");
	} else if (!job->has_from) {
		a->result = AUTHRES_PERMERROR;     /* RFC 6376 §5.4, §6.1.1 */
		dkim_copy(a->comment, sizeof a->comment, "no From: field to sign");
	}
}

/* Is a tag named twice in the message's i-th DKIM-Signature field? The
 * library makes one signature per field, in order (the caller checks
 * that the counts agree); it keeps one of the two values and verifies. */
static bool tag_twice(struct dkim_job *job, size_t nth)
{
	size_t i, k = 0, len;
	bool dup = false;
	char *text, *colon;

	for (i = 0; i < job->hdr->n; i++) {
		const struct dkim_field *f = &job->hdr->f[i];
		if (f->kind != DKIM_HDR_DKIM_SIGNATURE || k++ != nth)
			continue;
		if (!(text = dkim_field_read(job->fd, f, DKIM_FIELD_MAX, &len, NULL))) {
			if (errno == ENOMEM)
				dkim_job_nomem(job, "reading a DKIM-Signature");
			return false;
		}
		if ((colon = memchr(text, ':', len)))
			dup = !dkim_tags_unique(colon + 1, len - (size_t)(colon + 1 - text));
		free(text);
		break;
	}
	return dup;
}

void dkim_verify_end(struct dkim_job *job)
{
	DKIM *d = job->dkim_handle;
	DKIM_SIGINFO **sigs = NULL;
	DKIM_STAT st;
	int nsigs = 0, i;

	if (!d)
		return;
	/* a body without its final line end: the CRLF the RFC adds */
	if (job->dkim_feeding && !job->body_ours && job->lib_body_any && !job->lib_body_ended)
		lib_feed(job, "\r\n", 2);
	if (job->dkim_feeding)
		(void)dkim_chunk(d, NULL, 0);  /* the end marker eom needs */
	for (i = 0; job->body_counted && i < (int)job->nbh; i++)
		(void)qf_bodyhash_final(&job->bh[i]);   /* the canonicalized lengths */
	for (i = 0; i < (int)job->hdr->n; i++)
		job->has_from |= job->hdr->f[i].kind == DKIM_HDR_FROM;
	st = dkim_eom(d, NULL);
	if (dkim_getsiglist(d, &sigs, &nsigs) != DKIM_STAT_OK || nsigs <= 0) {
		if (st == DKIM_STAT_NOSIG)
			job->ndkim = 0;     /* dkim=none */
		else
			whole_message(job, AUTHRES_PERMERROR, dkim_geterror(d) ? dkim_geterror(d)
						       : dkim_getresultstr(st));
		return;
	}
	for (i = 0; i < nsigs && job->ndkim < sizeof job->dkim / sizeof job->dkim[0]; i++)
		one_sig(job, d, sigs[i], &job->dkim[job->ndkim++],
			(size_t)nsigs == job->ndkim_fields && tag_twice(job, (size_t)i));
}

void dkim_verify_free(struct dkim_job *job)
{
	free_hashes(job);
	if (job->dkim_handle)
		dkim_free(job->dkim_handle);
	job->dkim_handle = NULL;
	free(job->crlf);
	job->crlf = NULL;
}
