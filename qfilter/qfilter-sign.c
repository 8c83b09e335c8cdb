/* qfilter-sign: DKIM-signs outgoing mail as a qmail-remote wrapper
 * (qfilter-sign(8)).
 *
 *   qfilter-sign host sender recip [recip...]
 *
 * Installed as qmail-remote (the real one renamed qmail-remote.orig) or
 * named by notqmail's QMAILREMOTE. It reads the message on fd 0, signs
 * it for the domain of its From: (else of the envelope sender) with the
 * keys of the sign-keys table, and execs the real qmail-remote with the
 * same arguments and the signed message on fd 0: qmail-remote's output
 * and exit code reach qmail-rspawn untouched. A domain without a key is
 * sent unsigned (and logged). Anything that keeps a message that should
 * be signed from being signed (the table, a key, memory, the spool) is
 * a temporary failure in qmail-remote's own protocol ("Z...\0", exit 0),
 * so that qmail-send retries; the real qmail-remote never sees it.
 *
 * qmail-rspawn gives qmail-remote one pipe as fd 1 and fd 2 (its report),
 * so nothing may be written on fd 2 then: logs go to the sign-log file,
 * else to fd 2 only when it is not fd 1's file. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "config.h"
#include "dkim_hdr.h"
#include "io.h"
#include "log.h"
#include "sign.h"
#include "sign_keys.h"

static int saved_fd2 = -1;    /* fd 2 as qmail-rspawn gave it, restored for the exec */

/* fd 2 for our own lines: the sign-log file, else fd 2 itself unless it
 * is the report pipe, else nowhere. Libraries that complain on stderr
 * (GLib) are caught the same way. */
static void log_open(const char *file)
{
	struct stat s1, s2;
	int fd;

	saved_fd2 = fcntl(2, F_DUPFD_CLOEXEC, 3);
	if (file)
		fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
	else if (fstat(1, &s1) == 0 && fstat(2, &s2) == 0 &&
		 (s1.st_dev != s2.st_dev || s1.st_ino != s2.st_ino))
		return;   /* a separate stderr: a shell, a test, daemontools */
	else
		fd = -1;
	if (fd < 0)
		fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (fd >= 0 && fd != 2) {
		dup2(fd, 2);
		close(fd);
	}
}

/* qmail-remote's message report for a temporary failure, then exit 0 as
 * qmail-remote always does: qmail-send defers and retries. */
static _Noreturn void temp_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static _Noreturn void temp_fail(const char *fmt, ...)
{
	char text[400], out[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	qf_log("deferred: %s", text);
	n = snprintf(out, sizeof out, "Zqfilter-sign: %s (#4.3.0)\n", text);
	if (n < 0 || n >= (int)sizeof out - 1)
		n = (int)sizeof out - 2;
	out[n++] = 0;
	if (qf_write_all(1, out, (size_t)n) < 0) {
		/* qmail-rspawn reads "no output" as a temporary failure too */
	}
	_exit(0);
}

static void lib_out_of_memory(void)
{
	temp_fail("out of memory");
}

static _Noreturn void run_remote(const char *remote, char **argv)
{
	if (saved_fd2 >= 0)
		dup2(saved_fd2, 2);   /* dup2 clears close-on-exec on fd 2 */
	argv[0] = (char *)remote;
	execve(remote, argv, environ);
	if (saved_fd2 >= 0)
		log_open(NULL);
	temp_fail("cannot run %s: %s", remote, strerror(errno));
}

/* The message as a regular file read from offset 0: fd 0 itself when
 * qmail-rspawn gave the queue file, else a copy in the spool. */
static int message_file(const struct qf_config *cfg, uint64_t *size)
{
	struct stat st;
	char buf[65536];
	ssize_t r;
	int fd;

	if (fstat(0, &st) == 0 && S_ISREG(st.st_mode) && lseek(0, 0, SEEK_CUR) == 0) {
		*size = (uint64_t)st.st_size;
		return 0;
	}
	if ((fd = qf_tempfile(cfg->spool)) < 0)
		temp_fail("cannot spool the message: %s", strerror(errno));
	*size = 0;
	while ((r = read(0, buf, sizeof buf)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			temp_fail("cannot read the message: %s", strerror(errno));
		}
		if (qf_write_all(fd, buf, (size_t)r) < 0)
			temp_fail("cannot spool the message: %s", strerror(errno));
		*size += (uint64_t)r;
	}
	if (dup2(fd, 0) < 0 || lseek(0, 0, SEEK_SET) != 0)
		temp_fail("cannot spool the message: %s", strerror(errno));
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	struct qf_config cfg;
	struct sign_keys table;
	const struct sign_key *keys[SIGN_MAX_KEYS];
	struct sign_secret secret[SIGN_MAX_KEYS];
	char *value[SIGN_MAX_KEYS];
	const char *alg[SIGN_MAX_KEYS];
	char err[512], from[SIGN_DOMAIN_MAX], envdom[SIGN_DOMAIN_MAX];
	const char *sender = argc > 2 ? argv[2] : "", *remote, *domain;
	struct dkim_hdr hdr;
	uint64_t size;
	size_t n = 0, i;
	void *lib;
	int out, r;

	qf_log_name = "qfilter-sign";
	if (qf_config_load(qf_config_path(), &cfg, err, sizeof err) < 0) {
		log_open(NULL);
		temp_fail("%s", err);
	}
	log_open(cfg.sign_log);
	remote = cfg.sign_remote ? cfg.sign_remote : QF_SIGN_REMOTE_DEFAULT;
	if (argc < 4)   /* not qmail-remote's arguments: its own complaint */
		run_remote(remote, argv);
	if (sign_keys_load(cfg.sign_keys ? cfg.sign_keys : QF_SIGN_KEYS_DEFAULT, &table, err, sizeof err) < 0)
		temp_fail("%s", err);
	message_file(&cfg, &size);
	dkim_hdr_init(&hdr);
	if ((r = dkim_hdr_scan(&hdr, 0, size)) < 0)
		temp_fail("reading the header: %s", r == -1 ? "out of memory" : strerror(errno));
	if (sign_domains(0, &hdr, sender, from, envdom) < 0)
		temp_fail("reading From: %s", strerror(errno));
	domain = from;
	if (*from)
		n = sign_keys_find(&table, from, keys);
	if (!n && *envdom) {
		domain = envdom;
		n = sign_keys_find(&table, envdom, keys);
	}
	if (!n) {
		qf_log("unsigned: no key for %s%s%s host=%s from=<%s> rcpt=<%s>",
		       *from ? from : "(no From: domain)", *envdom ? " or " : "", envdom,
		       argv[1], sender, argv[3]);
		run_remote(remote, argv);
	}
	if (!(lib = sign_lib_open(lib_out_of_memory, err, sizeof err)))
		temp_fail("%s", err);
	for (i = 0; i < n; i++) {
		if (sign_secret_read(keys[i], &secret[i], err, sizeof err) < 0)
			temp_fail("key of %s (%s:%u): %s", keys[i]->domain, table.file, keys[i]->line, err);
		switch (sign_message(lib, 0, size, &hdr, keys[i], &secret[i], &value[i], err, sizeof err)) {
		case SIGN_OK:
			break;
		case SIGN_CANNOT:   /* no From: at all: no signature could be valid */
			qf_log("unsigned: %s: %s host=%s from=<%s> rcpt=<%s>", domain, err,
			       argv[1], sender, argv[3]);
			run_remote(remote, argv);
		default:
			temp_fail("d=%s s=%s: %s", keys[i]->domain, keys[i]->selector, err);
		}
		alg[i] = secret[i].alg_name;   /* a static string */
		sign_secret_free(&secret[i]);
	}
	sign_lib_close(lib);
	if ((out = qf_tempfile_sized(cfg.spool, size + 4096, cfg.spool_memory, NULL)) < 0)
		temp_fail("cannot spool the signed message: %s", strerror(errno));
	for (i = 0; i < n; i++)
		if (qf_write_all(out, "DKIM-Signature: ", 16) < 0 ||
		    qf_write_all(out, value[i], strlen(value[i])) < 0 || qf_write_all(out, "\n", 1) < 0)
			temp_fail("cannot spool the signed message: %s", strerror(errno));
	if (qf_copy_range(0, 0, size, out) < 0 || lseek(out, 0, SEEK_SET) != 0 || dup2(out, 0) < 0)
		temp_fail("cannot spool the signed message: %s", strerror(errno));
	close(out);
	for (i = 0; i < n; i++)
		qf_log("signed: d=%s s=%s a=%s for %s host=%s from=<%s> rcpt=<%s>", keys[i]->domain,
		       keys[i]->selector, alg[i],
		       domain, argv[1], sender, argv[3]);
	run_remote(remote, argv);
}
