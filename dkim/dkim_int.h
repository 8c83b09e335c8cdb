/* dkim_int.h: dkim/'s verification API, what the pieces of the dkim
 * filter share for one message: filters/dkim.c (the adapter: one pass
 * over the spool, the results into the message context), dkim_verify.c
 * (libopendkim), dkim_dk.c (DomainKeys), dkim_policy.c (dkim-require),
 * dkim_job.c (the job's helpers). No message context here: a job gets
 * the spool's fd, the header index, the deadline and a warning callback
 * as plain values, and hands back results (struct authres_sig), a
 * nomem flag and dkim-require's findings. */
#ifndef DKIM_INT_H
#define DKIM_INT_H

#include <stdbool.h>
#include <stddef.h>
#include "authres.h"
#include "dkim_bodyhash.h"
#include "dkim_dns.h"
#include "dkim_hdr.h"
#include "config.h"
#include "domainkeys.h"

#define DKIM_MAX_SIGS 8     /* DKIM signatures verified; more are "neutral" */
#define DK_MAX_SIGS 4       /* DomainKey-Signatures verified; more are ignored */
#define DKIM_FIELD_MAX 65536 /* bytes of a field read for parsing */

/* Per process (the filter's init state). What a signed message needs is
 * made by dkim_state_start(): in a qfilterd worker when it starts, before
 * its first message (the filter's start hook); in a single-message
 * process by the first signed message, so that unsigned mail never
 * starts libopendkim or OpenSSL. One thread per process: no lock. */
struct dkim_state {
	const struct qf_config *cfg;
	bool started;             /* everything below is made */
	void *lib;                /* DKIM_LIB */
	struct dkim_resolver *resolver; /* the key look-ups, with their cache */
	char lib_error[128];      /* why lib is NULL */
	char resolver_error[200]; /* why resolver is NULL */
};

/* Makes what is missing of the above. 0, or -1 with err (errno ENOMEM
 * when memory was short; the message then exits 51). */
int dkim_state_start(struct dkim_state *st, char *err, size_t errlen);

struct dkim_dk_sig;

/* per message */
struct dkim_job {
	/* the inputs, set by the caller */
	struct dkim_state *st;
	int fd;                       /* the spooled message */
	const struct dkim_hdr *hdr;   /* the chain's scan of the header block (m->hdr) */
	int64_t deadline_ms;          /* qf_now_ms() time; 0: none */
	/* a warning for the log (the details of a failed look-up), one line */
	void (*warn)(void *arg, const char *text);
	void *warn_arg;

	struct dkim_keys keys;    /* this message's look-ups (keys.r NULL: no resolver) */
	size_t ndkim_fields, ndk_fields;
	bool nomem;               /* memory ran out: the message exits 51 */
	char nomem_why[120];

	size_t ndkim;
	void *dkim_handle;        /* DKIM * */
	bool dkim_feeding;
	bool last_cr;             /* the CR-LF conversion spans chunks */
	char *crlf;               /* conversion buffer */
	uint64_t fed;             /* bytes of the message given to dkim_verify_feed */
	bool body_decided;        /* the header block was fed; the body's path chosen */
	bool hdr_bare_cr;         /* a CR not before a LF in the header block */
	bool body_ours;           /* the body goes to bh[], not to the library */
	bool body_counted;        /* an l= tag: the library hashes, bh[] counts lengths */
	bool lib_body_any;        /* the library got body bytes ... */
	bool lib_body_ended;      /* ... and the last was a LF */
	bool has_from;            /* the header block has a From: field */
	struct dkim_bodyhash *bh; /* one per (canonicalization, hash) in use */
	size_t nbh;
	size_t nkeyerr;
	struct dkim_dk_sig *dksig; /* DK_MAX_SIGS of them while verifying */
	size_t ndk;

	/* The results, last: 33 KB that are zeroed only for a message with
	 * a signature (DKIM_JOB_RESULTS); the rest is zeroed for every one. */
	struct authres_sig dkim[DKIM_MAX_SIGS + 8];
	struct { const void *sig; char why[120]; } keyerr[DKIM_MAX_SIGS];
	struct authres_sig dk[DK_MAX_SIGS];
	enum dk_status dk_status[DK_MAX_SIGS];
};
#define DKIM_JOB_RESULTS offsetof(struct dkim_job, dkim)

/* dkim_verify.c: every DKIM-Signature through libopendkim */
int dkim_verify_begin(struct dkim_job *job);       /* 0, or -1 (recorded as a result) */
void dkim_verify_feed(struct dkim_job *job, const char *p, size_t n); /* the whole message */
/* After the message was fed: whether libopendkim must have the body after
 * all (from its first byte, through dkim_verify_feed), because our own
 * body hash was unsure. */
bool dkim_verify_wants_body(struct dkim_job *job);
void dkim_verify_end(struct dkim_job *job);
void dkim_verify_free(struct dkim_job *job);
/* libopendkim's library object and OpenSSL, ready for the first key */
int dkim_lib_open(struct dkim_state *st, char *err, size_t errlen);
void dkim_lib_close(struct dkim_state *st);
/* sets up OpenSSL's key decoders now (a qfilterd worker's start) */
void dkim_lib_warm(void);

/* dkim_dk.c: every DomainKey-Signature (up to DK_MAX_SIGS) */
void dkim_dk_begin(struct dkim_job *job);
void dkim_dk_feed(struct dkim_job *job, const char *p, size_t n);  /* the body */
void dkim_dk_end(struct dkim_job *job);
void dkim_dk_free(struct dkim_job *job);

/* dkim_policy.c: dkim-require=: each listed From: domain (require: the
 * policy's lowercased list, NULL-terminated) without a passing signature
 * of its own is a finding, handed to fn; fail: the dkim-fail= action.
 * 0, or -1 with err (out of memory 51, reading the spool 54) after the
 * findings so far. */
struct dkim_finding {
	enum qf_action action;
	const char *dsn;
	const char *reason;       /* the log's reason */
	char text[640];           /* the reply's text */
};
struct dkim_error {
	int exit;
	char text[256];
};
int dkim_policy_check(struct dkim_job *job, char *const *require, enum qf_action fail,
		      void (*fn)(const struct dkim_finding *f, void *arg), void *arg,
		      struct dkim_error *err);

/* dkim_job.c */
/* the key look-up budget for now, from job->deadline_ms */
int dkim_job_ms(const struct dkim_job *job);
/* the message's look-ups; NULL, with the reason warned, without a resolver */
struct dkim_keys *dkim_job_keys(struct dkim_job *job);
/* a warning through job->warn */
void dkim_job_warn(struct dkim_job *job, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* notes that memory ran out (what for, for the log line) */
void dkim_job_nomem(struct dkim_job *job, const char *what);
/* sets s to what fits of src */
void dkim_copy(char *dst, size_t dstlen, const char *src);

#endif
