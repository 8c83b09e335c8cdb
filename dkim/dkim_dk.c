/* dkim_dk.c: DomainKeys for the dkim filter: each DomainKey-Signature
 * (up to DK_MAX_SIGS) is parsed, its sending address checked against d=,
 * its key looked up, and the signed header fields hashed before the body
 * streams past. domainkeys.c does the RFC 4870 work. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "dkim_int.h"
#include "dkim_author.h"
#include "dkim_name.h"

#define DK_KEY_MAX 4096

struct dkim_dk_sig {
	struct dk_signature sig;
	struct dk_verify v;
	bool verifying;           /* v is fed the body */
	bool testing;             /* the key has t=y */
};

static void set(struct dkim_job *job, size_t k, enum authres_result r, enum dk_status s, const char *why)
{
	job->dk[k].result = r;
	job->dk_status[k] = s;
	if (why)
		dkim_copy(job->dk[k].comment, sizeof job->dk[k].comment, why);
}

/* the field's name, read from its first bytes */
static size_t field_name(int fd, const struct dkim_field *f, char *name, size_t len)
{
	ssize_t r = pread(fd, name, f->len < len ? (size_t)f->len : len, (off_t)f->off);
	size_t n;

	if (r <= 0)
		return 0;
	for (n = 0; n < (size_t)r && name[n] != ':' && name[n] != ' ' && name[n] != '\t'; n++)
		;
	return n;
}

/* feeds one whole field to the canonicalizer, in pieces */
static int hash_field(int fd, const struct dkim_field *f, struct dk_canon *c)
{
	char buf[8192];
	uint64_t off = f->off, end = f->off + f->len;

	while (off < end) {
		size_t want = end - off < sizeof buf ? (size_t)(end - off) : sizeof buf;
		ssize_t r = pread(fd, buf, want, (off_t)off);
		if (r <= 0)
			return -1;
		dk_canon_header(c, buf, (size_t)r);
		off += (uint64_t)r;
	}
	dk_canon_header_end(c);
	return 0;
}

/* The sending address: Sender: else From:, among the signed fields (the
 * last of each, as Mail::DKIM). */
static bool sending_address(struct dkim_job *job, const size_t *order, size_t n,
			    const size_t *below, char *addr, size_t addrlen, bool *sender)
{
	const struct dkim_field *pick = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct dkim_field *f = &job->hdr->f[below[order[i]]];
		if (f->kind == DKIM_HDR_SENDER) {
			if (!pick || pick->kind != DKIM_HDR_SENDER || f->off > pick->off)
				pick = f;
		} else if (f->kind == DKIM_HDR_FROM && (!pick || pick->kind == DKIM_HDR_FROM)) {
			if (!pick || f->off > pick->off)
				pick = f;
		}
	}
	if (!pick)
		return false;
	*sender = pick->kind == DKIM_HDR_SENDER;
	{
		size_t len;
		char *text = dkim_field_read(job->fd, pick, DKIM_FIELD_MAX, &len, NULL);
		char *colon = text ? memchr(text, ':', len) : NULL;
		long r = colon ? dkim_author_first(colon + 1, len - (size_t)(colon + 1 - text), addr, addrlen) : -1;
		free(text);
		return r > 0;
	}
}

static void begin_one(struct dkim_job *job, size_t k, size_t fieldidx)
{
	struct dkim_dk_sig *ds = &job->dksig[k];
	struct authres_sig *a = &job->dk[k];
	const struct dkim_field *f = &job->hdr->f[fieldidx];
	int fd = job->fd;
	size_t len, nbelow = job->hdr->n - fieldidx - 1, i, nsel;
	bool cut, sender = false;
	char *text, *colon, addr[384], keybuf[DK_KEY_MAX], err[200];
	const char *why = NULL, *domain;
	struct dk_key key;
	int r;

	memset(a, 0, sizeof *a);
	text = dkim_field_read(fd, f, DKIM_FIELD_MAX, &len, &cut);
	if (!text) {
		if (errno == ENOMEM)
			dkim_job_nomem(job, "reading a DomainKey-Signature");
		set(job, k, AUTHRES_TEMPERROR, DK_STATUS_NO_KEY, "cannot read the message");
		return;
	}
	colon = memchr(text, ':', len);
	r = !colon || cut ? -1 : dk_signature_parse(colon + 1, len - (size_t)(colon + 1 - text), &ds->sig, &why);
	free(text);
	if (r < 0 && why && !strcmp(why, "out of memory"))
		dkim_job_nomem(job, "parsing a DomainKey-Signature");
	if (r < 0) {
		set(job, k, AUTHRES_PERMERROR, DK_STATUS_BAD_FORMAT, why ? why : "signature too long");
		return;
	}
	dkim_copy(a->d, sizeof a->d, ds->sig.d);

	/* the signed fields: those below the signature, chosen by h= */
	{
		size_t *below = malloc((nbelow ? nbelow : 1) * sizeof *below);
		size_t *order = malloc((nbelow ? nbelow : 1) * sizeof *order);
		size_t *namelen = malloc((nbelow ? nbelow : 1) * sizeof *namelen);
		char (*names)[64] = malloc((nbelow ? nbelow : 1) * sizeof *names);
		const char **np = malloc((nbelow ? nbelow : 1) * sizeof *np);

		if (!below || !order || !namelen || !names || !np) {
			dkim_job_nomem(job, "DomainKeys' field lists");
			set(job, k, AUTHRES_TEMPERROR, DK_STATUS_NO_KEY, "out of memory");
			goto out_lists;
		}
		for (i = 0; i < nbelow; i++) {
			below[i] = fieldidx + 1 + i;
			namelen[i] = field_name(fd, &job->hdr->f[below[i]], names[i], sizeof names[i]);
			np[i] = names[i];
		}
		nsel = dk_select(&ds->sig, np, namelen, nbelow, order);
		if (!sending_address(job, order, nsel, below, addr, sizeof addr, &sender)) {
			set(job, k, AUTHRES_PERMERROR, DK_STATUS_BAD_FORMAT, "no signed Sender: or From: address");
			goto out_lists;
		}
		dkim_copy(a->from, sizeof a->from, addr);
		a->sender = sender;
		domain = dkim_addr_domain(addr);
		if (!domain || !dk_domain_matches(domain, ds->sig.d)) {
			set(job, k, AUTHRES_PERMERROR, DK_STATUS_BAD_FORMAT, "sending address not in d=");
			goto out_lists;
		}

		/* the key */
		{
			struct dkim_keys *keys = dkim_job_keys(job);
			enum dkim_key_status ks = keys ? dkim_keys_lookup(keys, ds->sig.s, ds->sig.d, dkim_job_ms(job),
									 keybuf, sizeof keybuf, err, sizeof err)
						       : DKIM_KEY_TEMPFAIL;
			if (ks == DKIM_KEY_NOMEM) {
				dkim_job_nomem(job, err);
				set(job, k, AUTHRES_TEMPERROR, DK_STATUS_NO_KEY, "out of memory");
				goto out_lists;
			}
			if (ks == DKIM_KEY_TEMPFAIL) {
				if (keys)
					dkim_job_warn(job, "%s", err);   /* the details, for the admin */
				set(job, k, AUTHRES_TEMPERROR, DK_STATUS_NO_KEY, "key look-up failed");
				goto out_lists;
			}
			if (ks != DKIM_KEY_FOUND) {
				if (ks == DKIM_KEY_ABSENT)
					set(job, k, AUTHRES_PERMERROR, DK_STATUS_NO_KEY, "no key");
				else
					set(job, k, AUTHRES_PERMERROR, DK_STATUS_BAD_FORMAT, "key record too long");
				goto out_lists;
			}
		}
		if (dk_key_parse(keybuf, &key, &why) < 0) {
			if (!strcmp(why, "out of memory"))
				dkim_job_nomem(job, "DomainKeys' key record");
			set(job, k, AUTHRES_PERMERROR, DK_STATUS_BAD_FORMAT, why);
			dk_key_free(&key);
			goto out_lists;
		}
		if (key.revoked) {
			set(job, k, AUTHRES_PERMERROR, DK_STATUS_REVOKED, "key revoked");
			dk_key_free(&key);
			goto out_lists;
		}
		if (!dk_key_granted(&key, addr, (size_t)(domain - 1 - addr))) {
			set(job, k, AUTHRES_PERMERROR, DK_STATUS_NO_KEY, "key not granted to this sender (g=)");
			dk_key_free(&key);
			goto out_lists;
		}
		ds->testing = key.testing;
		/* decoded once per process and key (dkim/dkim_keycache.h) */
		key.pkey = dkim_keys_pkey(&job->keys, ds->sig.s, ds->sig.d, key.der, key.derlen, dk_key_decode);
		r = dk_verify_begin(&ds->v, &ds->sig, &key, &why);
		dk_key_free(&key);
		if (r == -2) {
			dkim_job_nomem(job, "the DomainKeys verifier");
			set(job, k, AUTHRES_TEMPERROR, DK_STATUS_NO_KEY, "out of memory");
			goto out_lists;
		}
		if (r < 0) {
			set(job, k, AUTHRES_PERMERROR, DK_STATUS_BAD_FORMAT, why);
			goto out_lists;
		}
		if (ds->v.bits < 512) {
			set(job, k, AUTHRES_POLICY, DK_STATUS_BAD, "key shorter than 512 bits");
			goto out_lists;
		}
		for (i = 0; i < nsel; i++)
			if (hash_field(fd, &job->hdr->f[below[order[i]]], &ds->v.canon) < 0) {
				set(job, k, AUTHRES_TEMPERROR, DK_STATUS_NO_KEY, "cannot read the message");
				goto out_lists;
			}
		ds->verifying = true;
out_lists:
		free(below);
		free(order);
		free(namelen);
		free(names);
		free(np);
	}
}

void dkim_dk_begin(struct dkim_job *job)
{
	size_t i;

	if (!job->ndk_fields)
		return;
	if (!(job->dksig = calloc(DK_MAX_SIGS, sizeof *job->dksig))) {
		dkim_job_nomem(job, "DomainKeys");
		job->ndk = 1;
		memset(&job->dk[0], 0, sizeof job->dk[0]);
		set(job, 0, AUTHRES_TEMPERROR, DK_STATUS_NO_KEY, "out of memory");
		return;
	}
	for (i = 0; i < job->hdr->n && job->ndk < DK_MAX_SIGS; i++)
		if (job->hdr->f[i].kind == DKIM_HDR_DOMAINKEY_SIGNATURE)
			begin_one(job, job->ndk++, i);
}

void dkim_dk_feed(struct dkim_job *job, const char *p, size_t n)
{
	size_t k;

	for (k = 0; k < job->ndk && job->dksig; k++)
		if (job->dksig[k].verifying)
			dk_canon_body(&job->dksig[k].v.canon, p, n);
}

void dkim_dk_end(struct dkim_job *job)
{
	size_t k;

	for (k = 0; k < job->ndk && job->dksig; k++) {
		struct dkim_dk_sig *ds = &job->dksig[k];
		int bits = ds->v.bits;
		char note[64];
		if (!ds->verifying)
			continue;
		ds->verifying = false;
		snprintf(note, sizeof note, "%d-bit key%s", bits, ds->testing ? ", testing" : "");
		if (dk_verify_end(&ds->v, &ds->sig) == 1)
			set(job, k, AUTHRES_PASS, DK_STATUS_GOOD, note);
		else if (ds->testing)  /* t=y: the signer asks not to act on a failure */
			set(job, k, AUTHRES_NEUTRAL, DK_STATUS_BAD, "testing key, bad signature");
		else
			set(job, k, AUTHRES_FAIL, DK_STATUS_BAD, note);
	}
}

void dkim_dk_free(struct dkim_job *job)
{
	size_t k;

	if (!job->dksig)
		return;
	for (k = 0; k < DK_MAX_SIGS; k++) {
		dk_verify_free(&job->dksig[k].v);
		dk_signature_free(&job->dksig[k].sig);
	}
	free(job->dksig);
	job->dksig = NULL;
}
