/* config.h: qfilter.conf, the one configuration file (qfilter.conf(5)).
 * Lines "key value..."; '#' starts a comment. Every key is known here;
 * an unknown key or a bad value is an error naming file:line. */
#ifndef QF_CONFIG_H
#define QF_CONFIG_H

#include <stdint.h>
#include <stddef.h>
#include "action.h"

#define QF_CONF_DEFAULT "/var/qmail/control/qfilter.conf"
#define QF_QUEUE_DEFAULT "/var/qmail/bin/qmail-queue"
/* qfilter-sign as a qmail-remote wrapper (qfilter-sign(8)) */
#define QF_SIGN_KEYS_DEFAULT "/var/qmail/control/dkimkeys"
#define QF_SIGN_REMOTE_DEFAULT "/var/qmail/bin/qmail-remote.orig"
/* Messages and queue copies up to this size live in memory (a memfd),
 * larger ones in the spool directory: see spool-memory in qfilter.conf(5). */
#define QF_SPOOL_MEMORY_DEFAULT (256 * 1024)

struct qf_strlist {
	char **v;          /* NULL-terminated */
	size_t n;
};

struct qf_config {
	char *path;               /* the file read, or NULL when it was missing */
	char *queue;              /* queue PATH */
	char *spool;              /* spool DIR */
	char *rules;              /* rules FILE (compiled), or NULL */
	char *authserv_id;        /* authserv-id NAME (default: the host name) */
	struct qf_strlist clamd;  /* clamd ADDR... */
	char *clamav_db;          /* clamav-db DIR */
	char *dkim_keys;          /* dkim-keys FILE */
	struct qf_strlist dns;    /* dns ADDR[:PORT]... */
	int errfd;                /* errfd N, -1 for off */
	unsigned timeout;         /* timeout SECONDS */
	char *quarantine;         /* quarantine DIR (a Maildir) */
	uint64_t max_size;        /* max-size BYTES, 0 = none */
	uint64_t spool_memory;    /* spool-memory BYTES: kept in memory up to this (256k) */
	struct qf_strlist *filters; /* filter PROG ARGS... lines, in order */
	size_t nfilters;
	char *daemon;             /* daemon unix:/path -> the path */
	int daemon_fail_tempfail; /* daemon-fail tempfail (1) or inprocess (0) */
	unsigned daemon_mode;     /* daemon-mode OCTAL, socket permissions (0660) */
	char *daemon_group;       /* daemon-group NAME, socket group */
	unsigned daemon_workers;  /* daemon-workers N (4) */
	unsigned daemon_request_timeout; /* daemon-request-timeout SECONDS (5): a
				     connection's whole request, or it is dropped */
	char *sign_keys;          /* sign-keys FILE: DKIM signing keys (qfilter-sign(8)) */
	char *sign_remote;        /* sign-remote PATH: the real qmail-remote */
	char *sign_log;           /* sign-log FILE: qfilter-sign's log */
	enum qf_action unchecked; /* unchecked ACTION: the site's default before the rules (reject) */
	int spf;                  /* spf yes|no (no): SPF of the envelope sender */
	int received_spf;         /* received-spf yes|no (no): a Received-SPF: header too */
	char *helo_env;           /* helo-env NAME: the variable holding the HELO name */
	int dmarc;                /* dmarc yes|no (no): DMARC (checks SPF too) */
	char *public_suffix_list; /* public-suffix-list FILE (Debian's publicsuffix) */
	int arc;                  /* arc yes|no (no): ARC chains verified */
	struct qf_strlist arc_trusted; /* arc-trusted-sealers DOMAIN... */
};
#define QF_PSL_DEFAULT "/usr/share/publicsuffix/public_suffix_list.dat"

/* Reads the configuration. Returns 0 and fills *c (defaults for a missing
 * file); -1 on error with a message "file:line: what" in err. */
int qf_config_load(const char *path, struct qf_config *c, char *err, size_t errlen);
/* Reads from a buffer (used by the loader and the fuzz target). */
int qf_config_parse(const char *name, const char *text, size_t len,
		    struct qf_config *c, char *err, size_t errlen);
void qf_config_defaults(struct qf_config *c);
void qf_config_free(struct qf_config *c);
/* The path from $QFILTER_CONF or the default. */
const char *qf_config_path(void);

/* gethostname() as a malloc'd string (NULL: out of memory) */
char *qf_hostname(void);
/* Parses "123", "10k", "5M", "1G" (powers of 1024). Returns 0 or -1. */
int qf_parse_size(const char *s, uint64_t *out);

#endif
