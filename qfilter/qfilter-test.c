/* qfilter-test: the dry run (qfilter-test(8)).
 *
 *   qfilter-test [-c CONF] [-f SENDER] [-r RCPT]... [--json] [FILE]
 *
 * Runs the same chain as qfilter on a message and prints what qfilter
 * would do, without queueing anything. External filters are not run. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "deliver.h"
#include "outcome.h"
#include "exitcodes.h"
#include "log.h"
#include "process.h"
#include "registry.h"

static void usage(void)
{
	fprintf(stderr, "usage: qfilter-test [-c CONF] [-f SENDER] [-r RCPT]... [--json] [FILE]\n");
	exit(100);
}

static void json_str(const char *s)
{
	putchar('"');
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c == '\n')
			printf("\\n");
		else if (c == '\t')
			printf("\\t");
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void json_list(char *const *l)
{
	int first = 1;

	putchar('[');
	for (; l && *l; l++, first = 0) {
		if (!first)
			putchar(',');
		json_str(*l);
	}
	putchar(']');
}

/* "554 text" as the SMTP client would see it from qmail-smtpd */
static const char *smtp_reply(const struct qf_decision *d, char *buf, size_t len)
{
	if (!d->reply[0])
		return "250 ok";
	snprintf(buf, len, "%s %s", d->reply[0] == 'D' ? "554" : "451", d->reply + 1);
	return buf;
}

static void print_json(const struct qf_msg *m, const struct qf_decision *d)
{
	char buf[512];
	size_t i;
	int first = 1;

	printf("{\"verdict\":");
	json_str(qf_verdict_word(d));
	printf(",\"exit\":%d,\"exit_with_errfd\":%d,\"reply\":", d->exit,
	       d->exit == QF_EXIT_REFUSED || d->exit == QF_EXIT_TEMPFAIL ? QF_EXIT_CUSTOM : d->exit);
	json_str(smtp_reply(d, buf, sizeof buf));
	printf(",\"errfd_text\":");
	json_str(d->reply);
	printf(",\"reason\":");
	json_str(d->reason ? d->reason : "");
	printf(",\"headers\":[");
	for (i = 0; d->action <= QF_ACT_TAG && !d->exit && i < m->nheaders; i++) {
		snprintf(buf, sizeof buf, "%s: %s", m->headers[i].name, m->headers[i].value);
		if (i)
			putchar(',');
		json_str(buf);
	}
	printf("],\"filters\":[");
	for (i = 0; i < m->nresults; i++) {
		const struct qf_result *r = &m->results[i];
		if (!r->ran)
			continue;
		printf("%s{\"name\":", first ? "" : ",");
		first = 0;
		json_str(r->filter);
		printf(",\"result\":");
		json_str(r->result ? r->result : "ok");
		printf(",\"action\":");
		json_str(r->reason ? qf_action_name(r->action) : "none");
		printf(",\"reason\":");
		json_str(r->reason ? r->reason : "");
		printf(",\"ms\":%.3f}", r->ms);
	}
	printf("],\"rules\":");
	json_list(m->rules_trace);
	printf(",\"policy\":{\"exe\":\"%s\",\"virus\":\"%s\",\"virus-fail\":\"%s\",\"types\":\"%s\","
	       "\"unchecked\":\"%s\",\"ambiguous-mime\":\"%s\",\"message-partial\":\"%s\","
	       "\"dkim\":\"%s\",\"dkim-fail\":\"%s\",\"dmarc-fail\":\"%s\",\"size\":%llu,\"part-size\":%llu,"
	       "\"max-parts\":%u,\"max-depth\":%u,\"ban-types\":",
	       qf_action_name(m->policy.exe), qf_action_name(m->policy.virus),
	       m->policy.virus_fail == QF_VFAIL_PASS ? "pass" : "tempfail",
	       qf_action_name(m->policy.types), qf_action_name(m->policy.unchecked),
	       qf_action_name(m->policy.ambiguous), qf_action_name(m->policy.partial),
	       m->policy.dkim_verify ? "verify" : "off",
	       qf_action_name(m->policy.dkim_fail), qf_dmarc_fail_name(m->policy.dmarc_fail),
	       (unsigned long long)m->policy.size,
	       (unsigned long long)m->policy.part_size, m->policy.max_parts, m->policy.max_depth);
	json_list(m->policy.ban_types);
	printf(",\"ban-ext\":");
	json_list(m->policy.ban_ext);
	printf(",\"dkim-require\":");
	json_list(m->policy.dkim_require);
	printf("}}\n");
}

static void print_text(const struct qf_msg *m, const struct qf_decision *d)
{
	char buf[512];
	size_t i;

	printf("verdict: %s\n", qf_verdict_word(d));
	printf("exit: %d (%d with a custom-error descriptor)\n", d->exit,
	       d->exit == QF_EXIT_REFUSED || d->exit == QF_EXIT_TEMPFAIL ? QF_EXIT_CUSTOM : d->exit);
	printf("reply: %s\n", smtp_reply(d, buf, sizeof buf));
	if (d->reason)
		printf("reason: %s\n", d->reason);
	for (i = 0; m->rules_trace && m->rules_trace[i]; i++)
		printf("rule: %s\n", m->rules_trace[i]);
	for (i = 0; i < m->nresults; i++)
		if (m->results[i].ran)
			printf("filter: %s %s %.3f ms%s%s\n", m->results[i].filter,
			       m->results[i].result ? m->results[i].result : "ok", m->results[i].ms,
			       m->results[i].reason ? " -- " : "",
			       m->results[i].reason ? m->results[i].reason : "");
	if (d->action <= QF_ACT_TAG && !d->exit)
		for (i = 0; i < m->nheaders; i++)
			printf("header: %s: %s\n", m->headers[i].name, m->headers[i].value);
}

int main(int argc, char **argv)
{
	const char *conf = NULL, *sender = "", *file = NULL;
	char **rcpts = calloc(argc + 1, sizeof *rcpts), *envbuf, *p, err[512];
	size_t nrcpt = 0, envlen = 2, i;
	struct qf_engine engine;
	struct qf_spool spool;
	struct qf_envelope env;
	struct qf_client client;
	struct qf_msg m;
	struct qf_decision d;
	int json = 0, a, in = 0, rc;

	qf_log_name = "qfilter-test";
	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--json"))
			json = 1;
		else if (!strcmp(argv[a], "-c") && a + 1 < argc)
			conf = argv[++a];
		else if (!strcmp(argv[a], "-f") && a + 1 < argc)
			sender = argv[++a];
		else if (!strcmp(argv[a], "-r") && a + 1 < argc)
			rcpts[nrcpt++] = argv[++a];
		else if (argv[a][0] == '-' && argv[a][1])
			usage();
		else if (!file)
			file = argv[a];
		else
			usage();
	}
	if (!rcpts || !nrcpt) {
		if (!rcpts)
			return 111;
		rcpts[nrcpt++] = "postmaster";
	}
	if (file && strcmp(file, "-") && (in = open(file, O_RDONLY)) < 0) {
		perror(file);
		return 111;
	}
	if (qf_engine_open(&engine, qf_filters, qf_nfilters, conf ? conf : qf_config_path(), err, sizeof err) < 0) {
		fprintf(stderr, "qfilter-test: %s\n", err);
		return QF_EXIT_CONFIG;
	}
	if ((rc = qf_spool_read(in, engine.cfg.spool, engine.cfg.spool_memory, engine.cfg.max_size, &spool)))
		return rc;
	envlen += strlen(sender) + 1;
	for (i = 0; i < nrcpt; i++)
		envlen += strlen(rcpts[i]) + 2;
	p = envbuf = malloc(envlen);
	if (!envbuf)
		return QF_EXIT_NOMEM;
	p += sprintf(p, "F%s", sender) + 1;
	for (i = 0; i < nrcpt; i++)
		p += sprintf(p, "T%s", rcpts[i]) + 1;
	*p++ = 0;
	if ((rc = qf_envelope_parse(envbuf, p - envbuf, &env))) {
		fprintf(stderr, "qfilter-test: bad sender or recipient (exit %d)\n", rc);
		return rc;
	}
	qf_client_from_env(&client, engine.cfg.helo_env);
	qf_process(&engine, &spool, &env, &client, 0, true, &m, &d);
	if (json)
		print_json(&m, &d);
	else
		print_text(&m, &d);
	qf_msg_close(&m);
	qf_client_free(&client);
	close(spool.fd);
	qf_engine_close(&engine);
	free(envbuf);
	free(rcpts);
	return 0;
}
