/* test_config: qfilter.conf keys, defaults and errors with file:line */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "config.h"
#include "unit.h"

static int parse(const char *text, struct qf_config *c, char *err)
{
	qf_config_defaults(c);
	return qf_config_parse("t.conf", text, strlen(text), c, err, 256);
}

int main(void)
{
	struct qf_config c;
	char err[256];
	uint64_t v;

	qf_config_defaults(&c);
	CHECK_INT(c.errfd, 6, "default errfd 6");
	CHECK_INT(c.timeout, 600, "default timeout 600");
	CHECK(c.queue == NULL && c.rules == NULL && c.max_size == 0, "no queue, rules, max-size by default");
	CHECK_INT(c.spool_memory, 256 * 1024, "default spool-memory 256k");
	CHECK_INT(c.daemon_request_timeout, 5, "default daemon-request-timeout 5");

	CHECK_INT(parse("# comment\n\nqueue /var/qmail/bin/qmail-queue  # trailing\n"
			"errfd off\ntimeout 30\nmax-size 10M\nspool-memory 1M\nclamd unix:/run/c.sock 10.0.0.5:3310\n"
			"dns 127.0.0.1:5353\nfilter /bin/cat -u\nfilter /bin/true\n"
			"daemon unix:/run/qfilterd.sock\ndaemon-fail tempfail\nauthserv-id mx.example\n", &c, err),
		  0, "a full configuration parses");
	CHECK_STR(c.queue, "/var/qmail/bin/qmail-queue", "queue");
	CHECK_INT(c.errfd, -1, "errfd off");
	CHECK_INT(c.timeout, 30, "timeout");
	CHECK_INT(c.max_size, 10 << 20, "max-size 10M");
	CHECK_INT(c.spool_memory, 1 << 20, "spool-memory 1M");
	CHECK_INT(c.clamd.n, 2, "two clamd servers");
	CHECK_STR(c.clamd.v[1], "10.0.0.5:3310", "clamd host:port");
	CHECK_INT(c.nfilters, 2, "two filter lines");
	CHECK_STR(c.filters[0].v[1], "-u", "filter args");
	CHECK_STR(c.daemon, "/run/qfilterd.sock", "daemon path without unix:");
	CHECK_INT(c.daemon_fail_tempfail, 1, "daemon-fail tempfail");
	CHECK_STR(c.authserv_id, "mx.example", "authserv-id");
	qf_config_free(&c);

	CHECK_INT(parse("queue /a\nbogus-key 1\n", &c, err), -1, "unknown key");
	CHECK_STR(err, "t.conf:2: bogus-key: unknown key", "error names file:line and key");
	qf_config_free(&c);
	CHECK_INT(parse("timeout ten\n", &c, err), -1, "bad number");
	CHECK(strstr(err, "t.conf:1:") != NULL, "bad number names the line: %s", err);
	qf_config_free(&c);
	CHECK_INT(parse("timeout 0\n", &c, err), -1, "timeout 0 refused");
	qf_config_free(&c);
	CHECK_INT(parse("errfd 1\n", &c, err), -1, "errfd 1 (the envelope) refused");
	qf_config_free(&c);
	CHECK_INT(parse("daemon-request-timeout 2\n", &c, err), 0, "daemon-request-timeout 2");
	CHECK_INT(c.daemon_request_timeout, 2, "daemon-request-timeout is read");
	qf_config_free(&c);
	CHECK_INT(parse("daemon-request-timeout 0\n", &c, err), -1, "daemon-request-timeout 0 refused");
	CHECK(strstr(err, "1 to 3600") != NULL, "...saying the range: %s", err);
	qf_config_free(&c);
	CHECK_INT(parse("queue relative/path\n", &c, err), -1, "relative queue refused");
	qf_config_free(&c);
	CHECK_INT(parse("clamd nowhere\n", &c, err), -1, "bad clamd address");
	qf_config_free(&c);
	CHECK_INT(parse("timeout\n", &c, err), -1, "missing value");
	qf_config_free(&c);
	CHECK_INT(parse("max-size 5X\n", &c, err), -1, "bad size suffix");
	CHECK_INT(parse("spool-memory lots\n", &c, err), -1, "spool-memory is a size");
	qf_config_free(&c);
	CHECK_INT(qf_config_parse("t.conf", "queue /a\0b\n", 10, &c, err, sizeof err), -1, "NUL byte refused");
	qf_config_free(&c);

	CHECK_INT(qf_parse_size("100k", &v), 0, "100k");
	CHECK_INT(v, 102400, "100k = 102400");
	CHECK_INT(qf_parse_size("1G", &v), 0, "1G");
	CHECK_INT(v, 1 << 30, "1G value");
	CHECK_INT(qf_parse_size("-1", &v), -1, "negative refused");
	CHECK_INT(qf_parse_size("99999999999999999999", &v), -1, "overflow refused");
	CHECK_INT(qf_parse_size("17179869184G", &v), -1, "shift overflow refused");

	CHECK_INT(qf_config_load("/nonexistent/qfilter.conf", &c, err, sizeof err), 0, "missing file: defaults");
	CHECK(c.authserv_id != NULL, "default authserv-id is the host name");
	qf_config_free(&c);
	if (getuid() != 0) {
		FILE *f = fopen("/tmp/qf-unreadable.conf", "w");
		if (f) {
			fclose(f);
			chmod("/tmp/qf-unreadable.conf", 0);
			CHECK_INT(qf_config_load("/tmp/qf-unreadable.conf", &c, err, sizeof err), -1, "unreadable file: error");
			unlink("/tmp/qf-unreadable.conf");
		}
	}
	CHECK_INT(qf_config_load("/", &c, err, sizeof err), -1, "a directory is an error, not defaults");
	return unit_done();
}
