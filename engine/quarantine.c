/* quarantine.c: delivery of a quarantined message into a Maildir.
 * The Maildir way: write tmp/NAME, fsync, link it to new/NAME, unlink
 * tmp/NAME; NAME is unique (time, microseconds, pid, a counter, host).
 * A Maildir that does not exist yet is created mode 2770: the SMTP
 * server's user (in process) and qfilterd's share its group (qfilterd(8),
 * INSTALL.md section 8), and the setgid bit keeps it on what is made
 * inside. Since qfilter
 * then exits 0, the message must really be on disk: the file and new/
 * are fsync'd before we return. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include "io.h"
#include "output.h"
#include "quarantine.h"

static unsigned delivery_count;   /* Maildir's "deliveries by this process" */

static int make_dir(const char *dir, const char *sub, char *err, size_t errlen)
{
	char path[PATH_MAX];
	int n = snprintf(path, sizeof path, "%s%s%s", dir, sub ? "/" : "", sub ? sub : "");

	if (n < 0 || (size_t)n >= sizeof path) {
		snprintf(err, errlen, "%s: path too long", dir);
		return -1;
	}
	if (mkdir(path, 02770) == 0) {
		if (chmod(path, 02770) < 0) {   /* past the umask */
			snprintf(err, errlen, "cannot set the mode of %s: %s", path, strerror(errno));
			return -1;
		}
	} else if (errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	/* say which directory stops us and who we are, not the first
	 * file that could not be made under it */
	if (access(path, W_OK | X_OK) < 0) {
		snprintf(err, errlen, "the Maildir directory %s is not writable by uid %ld gid %ld: %s",
			 path, (long)geteuid(), (long)getegid(), strerror(errno));
		return -1;
	}
	return 0;
}

/* The host part of the name, with '/' and ':' written as the Maildir
 * spec says, so the name stays one file name without a flags separator. */
static void host_part(char *out, size_t outlen)
{
	char host[256];
	size_t n = 0;

	if (gethostname(host, sizeof host) < 0 || !host[0])
		strcpy(host, "localhost");
	host[sizeof host - 1] = 0;
	for (const char *h = host; *h && n + 5 < outlen; h++) {
		if (*h == '/') {
			memcpy(out + n, "\\057", 4);
			n += 4;
		} else if (*h == ':') {
			memcpy(out + n, "\\072", 4);
			n += 4;
		} else {
			out[n++] = *h;
		}
	}
	out[n] = 0;
}

/* Writes "Name: value\n" with control characters made harmless: an
 * envelope address may hold any byte but NUL, and must not add headers. */
static int write_header(int fd, const char *name, const char *value)
{
	size_t nlen = strlen(name), vlen = strlen(value);
	char *line = malloc(nlen + vlen + 3);
	int r;

	if (!line)
		return -1;
	memcpy(line, name, nlen);
	line[nlen] = ':';
	line[nlen + 1] = ' ';
	for (size_t i = 0; i < vlen; i++) {
		unsigned char c = (unsigned char)value[i];
		line[nlen + 2 + i] = (c < 0x20 && c != '\t') || c == 0x7f ? '?' : (char)c;
	}
	line[nlen + 2 + vlen] = '\n';
	r = qf_write_all(fd, line, nlen + vlen + 3);
	free(line);
	return r;
}

static int write_bracketed(int fd, const char *name, const char *addr)
{
	char *v;
	int r;

	if (asprintf(&v, "<%s>", addr) < 0)
		return -1;
	r = write_header(fd, name, v);
	free(v);
	return r;
}

static int write_message(struct qf_msg *m, int fd, const char *reason)
{
	if (write_header(fd, "X-Qfilter-Quarantine", reason && *reason ? reason : "policy") < 0 ||
	    write_bracketed(fd, "X-Qfilter-Envelope-From", m->env.sender ? m->env.sender : "") < 0)
		return -1;
	for (size_t i = 0; i < m->env.nrcpts; i++)
		if (write_bracketed(fd, "X-Qfilter-Envelope-To", m->env.rcpts[i]) < 0)
			return -1;
	if (m->client.remote_ip && *m->client.remote_ip &&
	    write_header(fd, "X-Qfilter-Client", m->client.remote_ip) < 0)
		return -1;
	return qf_output_write(m, fd);
}

static int sync_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r;

	if (fd < 0)
		return -1;
	r = fsync(fd);
	close(fd);
	return r;
}

int qf_quarantine_store(struct qf_msg *m, const char *reason, char *err, size_t errlen)
{
	const char *dir = m->cfg ? m->cfg->quarantine : NULL;
	char host[1100], name[1300], tmp[PATH_MAX], new[PATH_MAX + 8];
	struct timeval tv;
	int fd = -1, tries;

	if (!dir || !*dir) {
		snprintf(err, errlen, "no quarantine folder is configured");
		return -1;
	}
	if (make_dir(dir, NULL, err, errlen) < 0 || make_dir(dir, "tmp", err, errlen) < 0 ||
	    make_dir(dir, "new", err, errlen) < 0 || make_dir(dir, "cur", err, errlen) < 0)
		return -1;
	host_part(host, sizeof host);
	for (tries = 0; fd < 0 && tries < 10; tries++) {
		unsigned seq = __atomic_fetch_add(&delivery_count, 1, __ATOMIC_RELAXED);
		int n;
		gettimeofday(&tv, NULL);
		snprintf(name, sizeof name, "%lld.M%06ldP%ldQ%u.%s", (long long)tv.tv_sec,
			 (long)tv.tv_usec, (long)getpid(), seq + 1, host);
		n = snprintf(tmp, sizeof tmp, "%s/tmp/%s", dir, name);
		if (n < 0 || (size_t)n >= sizeof tmp) {
			snprintf(err, errlen, "%s: path too long", dir);
			return -1;
		}
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST) {
			snprintf(err, errlen, "cannot create %s: %s", tmp, strerror(errno));
			return -1;
		}
	}
	if (fd < 0) {
		snprintf(err, errlen, "%s: no unique file name", dir);
		return -1;
	}
	snprintf(new, sizeof new, "%s/new/%s", dir, name);
	if (write_message(m, fd, reason) < 0 || fsync(fd) < 0) {
		snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	if (close(fd) < 0) {
		snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
		unlink(tmp);
		return -1;
	}
	/* link() refuses to replace a file in new/, where rename() would not;
	 * file systems without hard links get the rename */
	if (link(tmp, new) < 0 && !((errno == EPERM || errno == ENOTSUP) && rename(tmp, new) == 0)) {
		snprintf(err, errlen, "cannot link %s to %s: %s", tmp, new, strerror(errno));
		unlink(tmp);
		return -1;
	}
	unlink(tmp);
	snprintf(new, sizeof new, "%s/new", dir);
	if (sync_path(new) < 0) {
		snprintf(err, errlen, "cannot sync %s: %s", new, strerror(errno));
		return -1;
	}
	return 0;
}
