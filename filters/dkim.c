/* dkim.c: the dkim filter: DKIM (libopendkim) and DomainKeys (our own
 * RFC 4870 code) verification, one Authentication-Results header, a
 * DomainKey-Status header for qmail-dk users when a DomainKey-Signature
 * is present, removal of forged result
 * headers, and the dkim-require= policy.
 *
 * The header block is scanned first without any library: a message with
 * no signature never initialises libopendkim or OpenSSL. A signed one is
 * read once, in pieces, feeding both verifiers. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include "filter.h"
#include "dkim_int.h"
#include "exitcodes.h"
#include "dkim_name.h"

#define READ_CHUNK 32768

/* the adapter's side of dkim/: its warnings, findings and errors into the
 * message context */
static void job_warn(void *arg, const char *text)
{
	qf_msg_warn(arg, "%s", text);
}

static void require_finding(const struct dkim_finding *f, void *arg)
{
	qf_msg_finding(arg, f->action, f->dsn, f->reason, "%s", f->text);
}

static void policy_check(struct qf_msg *m, struct dkim_job *job)
{
	struct dkim_error err;

	if (dkim_policy_check(job, m->policy.dkim_require, m->policy.dkim_fail,
			      require_finding, m, &err) < 0)
		qf_msg_error(m, err.exit, "%s", err.text);
}

static bool dkim_wanted(const struct qf_msg *m)
{
	return m->policy.dkim_verify;
}

/* Cheap: what signed mail needs is made by dkim_state_start. */
static void *dkim_init_state(const struct qf_config *cfg, char *err, size_t errlen)
{
	struct dkim_state *st = calloc(1, sizeof *st);

	if (!st) {
		snprintf(err, errlen, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	st->cfg = cfg;
	return st;
}

int dkim_state_start(struct dkim_state *st, char *err, size_t errlen)
{
	int nomem = 0;

	if (st->started)
		return 0;
	if (!st->lib && dkim_lib_open(st, st->lib_error, sizeof st->lib_error) < 0)
		nomem |= errno == ENOMEM;
	if (!st->resolver &&
	    dkim_resolver_new(st->cfg, &st->resolver, st->resolver_error, sizeof st->resolver_error) < 0)
		nomem |= errno == ENOMEM;
	st->started = st->lib && st->resolver;
	if (st->started)
		return 0;
	snprintf(err, errlen, "%s", !st->lib ? st->lib_error : st->resolver_error);
	errno = nomem ? ENOMEM : EINVAL;
	return -1;
}

/* qfilterd's workers: made before the first message, kept for all */
static int dkim_start(void *state, char *err, size_t errlen)
{
	if (dkim_state_start(state, err, errlen) < 0)
		return -1;
	dkim_lib_warm();
	return 0;
}

static void dkim_fini_state(void *state)
{
	struct dkim_state *st = state;

	if (!st)
		return;
	dkim_lib_close(st);
	dkim_resolver_free(st->resolver);
	free(st);
}

/* Leaves out of the queued copy every Authentication-Results field that
 * claims our authserv-id, and every DomainKey-Status (we write our own):
 * downstream they would be taken for our verdicts. */
static int strip_forged(struct qf_msg *m, struct dkim_job *job, const char *authserv_id)
{
	size_t i;

	for (i = 0; i < job->hdr->n; i++) {
		const struct dkim_field *f = &job->hdr->f[i];
		bool strip = f->kind == DKIM_HDR_DOMAINKEY_STATUS;
		if (f->kind == DKIM_HDR_AUTHRES) {
			size_t len;
			bool cut;
			char *text = dkim_field_read(m->fd, f, DKIM_FIELD_MAX, &len, &cut);
			if (!text)
				return -1;
			strip = authres_is_ours(text, len, cut, authserv_id);
			free(text);
		}
		if (strip && qf_msg_skip_range(m, f->off, f->end - f->off) < 0)
			return -1;
	}
	return 0;
}

/* One pass over the spool from off: the whole message to the DKIM
 * verifier, the body to the DomainKeys verifiers. */
static int stream(struct qf_msg *m, struct dkim_job *job, uint64_t off, bool dkim, bool dk)
{
	uint64_t body = job->hdr->body_off;
	char *buf = malloc(READ_CHUNK);

	if (!buf)
		return -1;
	while (off < m->size) {
		size_t want = m->size - off < READ_CHUNK ? (size_t)(m->size - off) : READ_CHUNK;
		ssize_t r = pread(m->fd, buf, want, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			free(buf);
			errno = r == 0 ? EIO : errno;
			return -2;
		}
		if (dkim)
			dkim_verify_feed(job, buf, (size_t)r);
		if (dk && off + (uint64_t)r > body) {
			size_t skip = off < body ? (size_t)(body - off) : 0;
			dkim_dk_feed(job, buf + skip, (size_t)r - skip);
		}
		off += (uint64_t)r;
	}
	free(buf);
	return 0;
}

/* a d= for the log: only LDH names, so the key=value line stays parseable */
static const char *log_domain(const char *d)
{
	return !*d ? "" : dkim_ldh_domain(d) ? d : "invalid";
}

/* the log word: "none", "pass:example.net", "fail:a.example,dk-pass:b.example" */
static void result_word(struct qf_msg *m, struct dkim_job *job)
{
	char word[256] = "";
	size_t i, n = 0;

	for (i = 0; i < job->ndkim && n < sizeof word; i++)
		n += (size_t)snprintf(word + n, sizeof word - n, "%s%s%s%s", n ? "," : "",
				      authres_result_name(job->dkim[i].result),
				      *job->dkim[i].d ? ":" : "", log_domain(job->dkim[i].d));
	for (i = 0; i < job->ndk && n < sizeof word; i++)
		n += (size_t)snprintf(word + n, sizeof word - n, "%sdk-%s%s%s", n ? "," : "",
				      authres_result_name(job->dk[i].result),
				      *job->dk[i].d ? ":" : "", log_domain(job->dk[i].d));
	qf_msg_result(m, "%s", *word ? word : "none");
}

/* the verdicts DMARC needs (filters/dmarc.c), when it is configured */
static void hand_on(struct qf_msg *m, struct dkim_job *job)
{
	size_t i;

	m->auth.dkim_done = true;
	if (!m->cfg || !m->cfg->dmarc || !job->ndkim)
		return;
	if (!(m->auth.dkim = calloc(job->ndkim, sizeof *m->auth.dkim))) {
		qf_msg_error(m, QF_EXIT_NOMEM, "dkim: out of memory");
		return;
	}
	for (i = 0; i < job->ndkim; i++) {
		dkim_copy(m->auth.dkim[i].d, sizeof m->auth.dkim[i].d, job->dkim[i].d);
		dkim_copy(m->auth.dkim[i].s, sizeof m->auth.dkim[i].s, job->dkim[i].s);
		m->auth.dkim[i].result = (int)job->dkim[i].result;
	}
	m->auth.ndkim = job->ndkim;
}

static void dkim_message(struct qf_msg *m, void *state)
{
	struct dkim_job job;
	const char *id = m->cfg && m->cfg->authserv_id ? m->cfg->authserv_id : "localhost";
	char *ar;
	size_t i;
	int r;

	memset(&job, 0, DKIM_JOB_RESULTS);
	job.st = state;
	job.fd = m->fd;
	job.deadline_ms = m->deadline_ms;
	job.warn = job_warn;
	job.warn_arg = m;
	if (!(job.hdr = m->hdr)) {   /* the chain scans it before any filter */
		qf_msg_error(m, QF_EXIT_BUG, "dkim: the header block was not scanned");
		goto out;
	}
	if (strip_forged(m, &job, id) < 0) {
		qf_msg_error(m, errno == ENOMEM ? QF_EXIT_NOMEM : QF_EXIT_READ,
			     "dkim: removing forged headers: %s", strerror(errno));
		goto out;
	}
	for (i = 0; i < job.hdr->n; i++) {
		job.ndkim_fields += job.hdr->f[i].kind == DKIM_HDR_DKIM_SIGNATURE;
		job.ndk_fields += job.hdr->f[i].kind == DKIM_HDR_DOMAINKEY_SIGNATURE;
	}
	if (job.ndkim_fields || job.ndk_fields)
		memset((char *)&job + DKIM_JOB_RESULTS, 0, sizeof job - DKIM_JOB_RESULTS);
	if (m->truncated && (job.ndkim_fields || job.ndk_fields)) {
		/* only a prefix was kept: nothing can be verified */
		job.ndkim = job.ndkim_fields ? 1 : 0;
		job.dkim[0].result = AUTHRES_NEUTRAL;
		dkim_copy(job.dkim[0].comment, sizeof job.dkim[0].comment, "message not stored whole");
	} else if (job.ndkim_fields || job.ndk_fields) {
		char err[256];
		bool dkim;
		if (dkim_state_start(job.st, err, sizeof err) < 0 && errno == ENOMEM) {
			qf_msg_error(m, QF_EXIT_NOMEM, "dkim: %s", err);
			goto out;
		}
		dkim_keys_begin(&job.keys, job.st->resolver);
		dkim = job.ndkim_fields && dkim_verify_begin(&job) == 0;
		dkim_dk_begin(&job);
		r = dkim || job.ndk_fields ? stream(m, &job, dkim ? 0 : job.hdr->body_off, dkim,
						    job.ndk_fields > 0) : 0;
		/* our body hash was unsure: the library reads the body itself */
		if (r == 0 && dkim && dkim_verify_wants_body(&job))
			r = stream(m, &job, job.hdr->body_off, true, false);
		if (r < 0) {
			qf_msg_error(m, r == -1 ? QF_EXIT_NOMEM : QF_EXIT_READ,
				     "dkim: reading the spool: %s", strerror(errno));
			goto out;
		}
		if (dkim)
			dkim_verify_end(&job);
		dkim_dk_end(&job);
		if (job.nomem) {
			qf_msg_error(m, QF_EXIT_NOMEM, "dkim: out of memory: %s", job.nomem_why);
			goto out;
		}
	}

	if (!(ar = authres_format(id, job.dkim, job.ndkim, job.dk, job.ndk))) {
		qf_msg_error(m, QF_EXIT_NOMEM, "dkim: out of memory");
		goto out;
	}
	qf_msg_add_header(m, "Authentication-Results", "%s", ar);
	free(ar);
	/* for qmail-dk users; only where there was a DomainKey-Signature, as
	 * nearly no mail has one (the status of the first) */
	if (job.ndk_fields)
		qf_msg_add_header(m, "DomainKey-Status", "%s",
				  dk_status_name(job.ndk ? job.dk_status[0] : DK_STATUS_NO_SIGNATURE));
	result_word(m, &job);
	hand_on(m, &job);
	policy_check(m, &job);
out:
	dkim_verify_free(&job);
	dkim_dk_free(&job);
}

const struct qf_filter qf_filter_dkim = {
	.name = "dkim",
	.wanted = dkim_wanted,
	.init = dkim_init_state,
	.start = dkim_start,
	.fini = dkim_fini_state,
	.message = dkim_message,
};
