/* test_quarantine: qf_quarantine_store writes a Maildir message with the
 * reason and the envelope in X-Qfilter-* headers, then the message as it
 * would be queued; it fails cleanly when it cannot. */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "quarantine.h"
#include "unit.h"

static char tmpdir[] = "/tmp/test_quarantine.XXXXXX";

/* the one file in dir, read whole into a static buffer; NULL when there is not exactly one */
static char *only_file(const char *dir, char *name, size_t namelen)
{
	static char buf[65536];
	struct dirent *d;
	DIR *dh = opendir(dir);
	int n = 0, fd;
	ssize_t len;

	if (!dh)
		return NULL;
	while ((d = readdir(dh)))
		if (d->d_name[0] != '.') {
			n++;
			if ((size_t)snprintf(name, namelen, "%.300s/%.300s", dir, d->d_name) >= namelen)
				n = 99;
		}
	closedir(dh);
	if (n != 1 || (fd = open(name, O_RDONLY)) < 0)
		return NULL;
	len = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (len < 0)
		return NULL;
	buf[len] = 0;
	return buf;
}

static int count_files(const char *dir)
{
	struct dirent *d;
	DIR *dh = opendir(dir);
	int n = 0;

	if (!dh)
		return -1;
	while ((d = readdir(dh)))
		n += d->d_name[0] != '.';
	closedir(dh);
	return n;
}

int main(void)
{
	const char body[] = "Authentication-Results: forged\nSubject: quarantined\n\nan attachment\n";
	char *rcpts[] = { "u@example.com", "v@example.org", NULL };
	struct qf_header added = { "X-Added", "by a filter" };
	struct qf_range skip = { 0, 31 };   /* the forged header is left out */
	struct qf_config cfg;
	struct qf_msg m;
	char dir[256], path[512], file[1024], err[512], *text;
	struct stat st;
	int fd;

	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof path, "%s/spool", tmpdir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, body, sizeof body - 1) != (ssize_t)(sizeof body - 1))
		return 1;

	memset(&cfg, 0, sizeof cfg);
	memset(&m, 0, sizeof m);
	m.cfg = &cfg;
	m.fd = fd;
	m.size = sizeof body - 1;
	m.env.sender = "s@example.net";
	m.env.rcpts = rcpts;
	m.env.nrcpts = 2;
	m.client.remote_ip = "192.0.2.7";
	m.headers = &added;
	m.nheaders = 1;
	m.skip = &skip;
	m.nskip = 1;

	CHECK_INT(qf_quarantine_store(&m, "exe: setup.exe", err, sizeof err), -1, "no quarantine configured: -1");
	CHECK(strstr(err, "no quarantine") != NULL, "the error says so: %s", err);

	snprintf(dir, sizeof dir, "%s/q", tmpdir);
	cfg.quarantine = dir;
	err[0] = 0;
	CHECK_INT(qf_quarantine_store(&m, "exe: setup.exe", err, sizeof err), 0, "stored (%s)", err);
	CHECK(stat(dir, &st) == 0 && (st.st_mode & 07777) == 02770, "a missing Maildir is created, mode 2770 (shared with qfilterd by group)");
	snprintf(path, sizeof path, "%s/cur", dir);
	CHECK(stat(path, &st) == 0 && S_ISDIR(st.st_mode), "with cur/");
	snprintf(path, sizeof path, "%s/tmp", dir);
	CHECK_INT(count_files(path), 0, "nothing is left in tmp/");
	snprintf(path, sizeof path, "%s/new", dir);
	text = only_file(path, file, sizeof file);
	CHECK(text != NULL, "one message in new/");
	if (text) {
		CHECK_STR(text,
			  "X-Qfilter-Quarantine: exe: setup.exe\n"
			  "X-Qfilter-Envelope-From: <s@example.net>\n"
			  "X-Qfilter-Envelope-To: <u@example.com>\n"
			  "X-Qfilter-Envelope-To: <v@example.org>\n"
			  "X-Qfilter-Client: 192.0.2.7\n"
			  "X-Added: by a filter\n"
			  "Subject: quarantined\n\nan attachment\n",
			  "reason, envelope, client, then the message as it would be queued");
		CHECK(stat(file, &st) == 0 && (st.st_mode & 0777) == 0600, "the message file is mode 0600");
		CHECK(strchr(strrchr(file, '/'), ':') == NULL, "the file name has no ':' (no info part in new/)");
	}

	/* a second one gets a different name; a bounce; an address with a newline */
	m.env.sender = "";
	rcpts[1] = "evil@example.org\nX-Injected: yes";
	m.client.remote_ip = NULL;
	err[0] = 0;
	CHECK_INT(qf_quarantine_store(&m, "virus\r\nBcc: x", err, sizeof err), 0, "stored again (%s)", err);
	snprintf(path, sizeof path, "%s/new", dir);
	CHECK_INT(count_files(path), 2, "two messages, two names");
	{
		char cmd[600];
		snprintf(cmd, sizeof cmd, "grep -rq '^X-Injected' %s/new || grep -rq '^Bcc' %s/new", dir, dir);
		CHECK(system(cmd) != 0, "control characters in the envelope or reason cannot add headers");
		snprintf(cmd, sizeof cmd, "grep -rqx 'X-Qfilter-Envelope-From: <>' %s/new", dir);
		CHECK(system(cmd) == 0, "the empty sender is written as <>");
	}

	/* a quarantine that cannot be created */
	snprintf(path, sizeof path, "%s/spool/q", tmpdir);   /* under a plain file */
	cfg.quarantine = path;
	CHECK_INT(qf_quarantine_store(&m, "exe", err, sizeof err), -1, "an unusable folder: -1");
	CHECK(strstr(err, "cannot create") != NULL, "the error names the problem: %s", err);

	close(fd);
	if (!unit_fail) {
		char cmd[300];
		snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
		if (system(cmd) != 0)
			printf("# could not remove %s\n", tmpdir);
	}
	return unit_done();
}
