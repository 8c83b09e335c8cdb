/* test_rules: the rules language: parser errors, CIDR matching, domain
 * and subdomain selectors, top-to-bottom order, list replacement, the
 * merge of several recipients, and the compiled file round trip. */
#include <cdb.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "rules.h"
#include "rules_int.h"
#include "unit.h"

static char tmpdir[] = "/tmp/test_rules.XXXXXX";
static char errors[8192];
static int nerrors;

static void keep_error(void *arg, const char *msg)
{
	size_t n = strlen(errors);

	nerrors++;
	snprintf(errors + n, sizeof errors - n, "%s\n", msg);
}

static int drop_rule(void *arg, unsigned line, const char *text, size_t len, struct qf_rule *r)
{
	(*(int *)arg)++;
	qf_rule_free(r);
	return 0;
}

/* number of errors in text; the messages are in errors[] */
static int parse(const char *text, int *rules)
{
	static int unused;
	struct qf_rules_parser p = { drop_rule, keep_error, rules ? rules : &unused };

	errors[0] = 0;
	nerrors = 0;
	return qf_rules_parse("t.rules", text, strlen(text), &p);
}

static void test_parser(void)
{
	int rules = 0;

	CHECK_INT(parse("# comment\n\n*  exe=reject   # trailing\nto=@a.example exe=off\r\n", &rules), 0,
		  "comments, blank lines, CRLF: no errors");
	CHECK_INT(rules, 2, "two rules");
	CHECK_INT(parse("* exe=maybe\n", NULL), 1, "a bad action is an error");
	CHECK_STR(errors, "t.rules:1: exe=maybe: not an action (reject, tempfail, drop, quarantine, tag, off)\n",
		  "the message names file, line, setting and the choices");
	CHECK_INT(parse("* exe=reject\nbogus\nto=@x.example size=12q part-size=1k max-parts=0\n"
			"exe=off\nto=user exe=off\n*\nip=10.1.2.3/8 exe=off\nfrom=@x..example exe=off\n"
			"* frob=1\n* exe=off exe=tag\n* ban-types=text\nto=a@b.example from=c@d.example exe=off\n"
			"* ban-ext=a/b\n* virus-fail=off dkim=maybe\nip=10.0.0.0/33 exe=off\nip=fe80::/129 exe=off\n"
			"ip=nonsense exe=off\n* dkim-require=-,ok.example\n", NULL), 16,
		  "every bad line is reported, not just the first");
	CHECK_INT(nerrors, 18, "every problem of a line is reported (lines 3 and 14 have two)");
	CHECK(strstr(errors, "t.rules:2: bogus: not a selector") != NULL, "unknown selector");
	CHECK(strstr(errors, "t.rules:3: size=12q: not a size") != NULL, "bad size");
	CHECK(strstr(errors, "t.rules:3: max-parts=0: must be a number from 1 to 1000000") != NULL, "bad count");
	CHECK(strstr(errors, "t.rules:4: exe=off: a rule starts with a selector") != NULL, "no selector");
	CHECK(strstr(errors, "t.rules:5: to=user: not an address") != NULL, "address without @");
	CHECK(strstr(errors, "t.rules:6: *: no settings after the selector") != NULL, "no settings");
	CHECK(strstr(errors, "t.rules:7: ip=10.1.2.3/8: host bits are set (the network is 10.0.0.0/8)") != NULL,
	      "host bits");
	CHECK(strstr(errors, "t.rules:8: from=@x..example: not a domain name") != NULL, "empty label");
	CHECK(strstr(errors, "t.rules:9: frob=: unknown setting") != NULL, "unknown setting");
	CHECK(strstr(errors, "t.rules:10: exe=tag: exe= is given twice in this rule") != NULL, "twice");
	CHECK(strstr(errors, "t.rules:11: ban-types=text: \"text\" is not a MIME type") != NULL, "mime type");
	CHECK(strstr(errors, "t.rules:12: from=c@d.example: only one selector per line") != NULL, "two selectors");
	CHECK(strstr(errors, "t.rules:13: ban-ext=a/b: \"a/b\" is not a file name extension") != NULL, "ext");
	CHECK(strstr(errors, "t.rules:14: virus-fail=off: must be tempfail or pass") != NULL, "virus-fail");
	CHECK(strstr(errors, "t.rules:14: dkim=maybe: must be verify or off") != NULL, "dkim");
	CHECK(strstr(errors, "t.rules:15: ip=10.0.0.0/33: the prefix length must be 0 to 32") != NULL, "v4 prefix");
	CHECK(strstr(errors, "t.rules:16: ip=fe80::/129: the prefix length must be 0 to 128") != NULL, "v6 prefix");
	CHECK(strstr(errors, "t.rules:17: ip=nonsense: not an IPv4 or IPv6 address") != NULL, "bad ip");
	CHECK(strstr(errors, "t.rules:18: dkim-require=-,ok.example: \"-\" is not a domain name") == NULL &&
	      strstr(errors, "t.rules:18:") == NULL, "a hyphen is a valid label character here");
	{
		const char text[] = "* exe=off\n* exe=off\0x\n";
		struct qf_rules_parser p = { drop_rule, keep_error, &rules };
		errors[0] = 0;
		CHECK_INT(qf_rules_parse("t.rules", text, sizeof text - 1, &p), 1, "a NUL byte is an error");
		CHECK(strstr(errors, "t.rules:2: the line contains a NUL byte") != NULL, "NUL message");
	}
	{
		char *big = malloc(QF_RULE_LINE_MAX + 40);
		memset(big, 'x', QF_RULE_LINE_MAX + 30);
		memcpy(big, "* ban-ext=", 10);
		big[QF_RULE_LINE_MAX + 30] = 0;
		CHECK_INT(parse(big, NULL), 1, "an over-long line is an error");
		CHECK(strstr(errors, "longer than") != NULL, "over-long message");
		free(big);
	}
}

static int parse_one(const char *line, struct qf_rule *r)
{
	return qf_rule_parse(line, strlen(line), r, keep_error, NULL);
}

static void test_rule_values(void)
{
	struct qf_rule r;
	struct qf_policy p;

	CHECK_INT(parse_one("to=User@Example.COM ban-ext=.EXE,scr,,pif size=10k", &r), 0,
		  "a rule with several settings");
	CHECK_INT(r.sel, QF_SEL_TO, "to=address selector");
	CHECK_STR(r.value, "user@example.com", "addresses are lowercased");
	CHECK(r.settings.ban_ext && !strcmp(r.settings.ban_ext[0], "exe") && !strcmp(r.settings.ban_ext[1], "scr") &&
	      !strcmp(r.settings.ban_ext[2], "pif") && !r.settings.ban_ext[3],
	      "ban-ext: lowercased, leading dot dropped, empty items skipped");
	CHECK_INT(r.settings.size, 10240, "size=10k");
	qf_policy_default(&p);
	qf_rule_apply(&r, &p);
	CHECK(p.exe == QF_ACT_REJECT && p.size == 10240 && qf_list_has(p.ban_ext, "pif"),
	      "apply sets only what the rule gives");
	qf_rule_free(&r);
	CHECK_INT(parse_one("* ban-ext=", &r), 0, "an empty list");
	qf_rule_apply(&r, &p);
	CHECK(p.ban_ext == NULL, "a later list replaces the earlier one (here: clears it)");
	qf_rule_free(&r);
	CHECK_INT(parse_one("from=<> size=none", &r), 0, "from=<>");
	CHECK(r.sel == QF_SEL_FROM && r.value && !*r.value && (r.set & QF_SET_SIZE) && r.settings.size == 0,
	      "from=<> is the empty sender; size=none is no limit");
	qf_rule_free(&r);
	CHECK_INT(parse_one("to=@.Example.com exe=tag", &r), 0, "subdomain selector");
	CHECK(r.sel == QF_SEL_TO_SUBDOMAINS && !strcmp(r.value, "example.com"), "@.domain keeps the domain");
	qf_rule_free(&r);
	CHECK_INT(parse_one("   # only a comment", &r), 0, "a comment line");
	CHECK_INT(r.sel, QF_SEL_NONE, "a comment line has no selector");
	qf_policy_free(&p);
}

static bool ip_matches(const char *cidr, const char *ip)
{
	struct qf_cidr c;
	unsigned char a[16];
	char err[200];

	if (qf_cidr_parse(cidr, &c, err, sizeof err) < 0 || qf_cidr_addr(ip, a) < 0)
		return false;
	return qf_cidr_match(&c, a);
}

static void test_cidr(void)
{
	CHECK(ip_matches("10.0.0.0/8", "10.9.8.7"), "v4 /8 matches inside");
	CHECK(!ip_matches("10.0.0.0/8", "11.0.0.1"), "v4 /8 does not match outside");
	CHECK(ip_matches("192.0.2.7", "192.0.2.7"), "a bare v4 address is a /32");
	CHECK(!ip_matches("192.0.2.7", "192.0.2.8"), "the /32 does not match its neighbour");
	CHECK(ip_matches("192.0.2.128/25", "192.0.2.200") && !ip_matches("192.0.2.128/25", "192.0.2.127"),
	      "a prefix that does not end on a byte");
	CHECK(ip_matches("0.0.0.0/0", "203.0.113.9"), "v4 /0 matches every v4 client");
	CHECK(!ip_matches("0.0.0.0/0", "2001:db8::1"), "v4 /0 does not match a v6 client");
	CHECK(ip_matches("2001:db8::/32", "2001:db8:1:2::3"), "v6 /32 matches inside");
	CHECK(!ip_matches("2001:db8::/32", "2001:db9::1"), "v6 /32 does not match outside");
	CHECK(ip_matches("2001:db8::1", "2001:0db8:0:0::1"), "a bare v6 address is a /128, any spelling");
	CHECK(ip_matches("10.0.0.0/8", "::ffff:10.1.1.1"), "a v4-mapped client matches a v4 rule");
	CHECK(!ip_matches("10.0.0.0/8", "10.1.1"), "a malformed client address matches nothing");
	CHECK(ip_matches("::/0", "10.1.1.1"), "::/0 matches every client");
}

/* compiled-file fixtures */
static struct qf_rules *compile_open(const char *name, const char *text)
{
	char src[256], out[256], err[512];
	struct qf_rules *r = NULL;
	int fd;

	snprintf(src, sizeof src, "%s/%s", tmpdir, name);
	snprintf(out, sizeof out, "%s/%s.cdb", tmpdir, name);
	fd = open(src, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return NULL;
	close(fd);
	errors[0] = 0;
	if (qf_rules_compile(src, out, keep_error, NULL, err, sizeof err) != 0) {
		printf("# compile: %s%s\n", err, errors);
		return NULL;
	}
	if (qf_rules_open(out, &r, err, sizeof err) < 0) {
		printf("# open: %s\n", err);
		return NULL;
	}
	return r;
}

static char trace[4096];
static void keep_trace(void *arg, const char *rule)
{
	size_t n = strlen(trace);
	snprintf(trace + n, sizeof trace - n, "%s\n", rule);
}

static int policy(struct qf_rules *r, const char *from, const char *to, const char *ip, bool relay,
		  struct qf_policy *p)
{
	struct qf_subject s = { from, to, ip, relay, NULL };
	char err[512];

	trace[0] = 0;
	if (qf_rules_policy(r, &s, p, keep_trace, NULL, err, sizeof err) < 0) {
		printf("# policy: %s\n", err);
		return -1;
	}
	return 0;
}

static enum qf_action exe_of(struct qf_rules *r, const char *from, const char *to, const char *ip, bool relay)
{
	struct qf_policy p;
	enum qf_action a;

	if (policy(r, from, to, ip, relay, &p) < 0)
		return (enum qf_action)-1;
	a = p.exe;
	qf_policy_free(&p);
	return a;
}

static void test_selectors(void)
{
	struct qf_rules *r = compile_open("sel",
		"* exe=tag\n"
		"to=@exact.example exe=off\n"
		"to=@.sub.example exe=quarantine\n"
		"to=Boss@Exact.example exe=drop\n"
		"from=@friend.example exe=tempfail\n"
		"from=@.partner.example exe=off\n"
		"from=alice@corp.example exe=reject\n"
		"from=<> exe=drop\n"
		"ip=10.0.0.0/8 virus=off\n"
		"ip=2001:db8::/32 virus=tag\n"
		"ip=192.0.2.1 virus=drop\n"
		"relay dkim=off\n");

	CHECK(r != NULL, "the selectors file compiles and opens");
	if (!r)
		return;
	CHECK_INT(exe_of(r, "s@x.example", "u@other.example", NULL, false), QF_ACT_TAG, "* applies to everyone");
	CHECK_INT(exe_of(r, "s@x.example", "u@exact.example", NULL, false), QF_ACT_OFF, "to=@domain: that domain");
	CHECK_INT(exe_of(r, "s@x.example", "u@a.exact.example", NULL, false), QF_ACT_TAG,
		  "to=@domain does not match its subdomains");
	CHECK_INT(exe_of(r, "s@x.example", "u@sub.example", NULL, false), QF_ACT_TAG,
		  "to=@.domain does not match the domain itself");
	CHECK_INT(exe_of(r, "s@x.example", "u@a.sub.example", NULL, false), QF_ACT_QUARANTINE,
		  "to=@.domain matches a subdomain");
	CHECK_INT(exe_of(r, "s@x.example", "u@a.b.c.sub.example", NULL, false), QF_ACT_QUARANTINE,
		  "to=@.domain matches a subdomain at any depth");
	CHECK_INT(exe_of(r, "s@x.example", "u@xsub.example", NULL, false), QF_ACT_TAG,
		  "to=@.sub.example does not match xsub.example");
	CHECK_INT(exe_of(r, "s@x.example", "BOSS@EXACT.EXAMPLE", NULL, false), QF_ACT_DROP,
		  "to=address, case-insensitive, after the domain rule");
	CHECK_INT(exe_of(r, "s@x.example", "u@EXACT.example.", NULL, false), QF_ACT_OFF,
		  "a final dot in the domain is ignored");
	CHECK_INT(exe_of(r, "x@friend.example", "u@other.example", NULL, false), QF_ACT_TEMPFAIL, "from=@domain");
	CHECK_INT(exe_of(r, "x@mx.partner.example", "u@other.example", NULL, false), QF_ACT_OFF, "from=@.domain");
	CHECK_INT(exe_of(r, "Alice@corp.example", "u@exact.example", NULL, false), QF_ACT_REJECT,
		  "from=address, later in the file than to=@domain: it wins");
	CHECK_INT(exe_of(r, "", "u@other.example", NULL, false), QF_ACT_DROP, "from=<> matches the empty sender");
	CHECK_INT(exe_of(r, "s@x.example", "nodomain", NULL, false), QF_ACT_TAG, "a recipient without @");

	struct qf_policy p;
	policy(r, "s@x.example", "u@other.example", "10.1.2.3", false, &p);
	CHECK_INT(p.virus, QF_ACT_OFF, "ip=v4 CIDR");
	qf_policy_free(&p);
	policy(r, "s@x.example", "u@other.example", "::ffff:10.1.2.3", false, &p);
	CHECK_INT(p.virus, QF_ACT_OFF, "ip=v4 CIDR, mapped client");
	qf_policy_free(&p);
	policy(r, "s@x.example", "u@other.example", "2001:db8:ffff::1", false, &p);
	CHECK_INT(p.virus, QF_ACT_TAG, "ip=v6 CIDR");
	qf_policy_free(&p);
	policy(r, "s@x.example", "u@other.example", "192.0.2.1", false, &p);
	CHECK_INT(p.virus, QF_ACT_DROP, "ip=bare address");
	qf_policy_free(&p);
	policy(r, "s@x.example", "u@other.example", "192.0.2.2", false, &p);
	CHECK_INT(p.virus, QF_ACT_REJECT, "ip= does not match another address");
	CHECK(p.dkim_verify, "relay does not apply without relay");
	qf_policy_free(&p);
	policy(r, "s@x.example", "u@other.example", NULL, true, &p);
	CHECK(!p.dkim_verify, "relay applies to relay clients");
	qf_policy_free(&p);

	policy(r, "x@friend.example", "boss@exact.example", "10.0.0.1", true, &p);
	{
		char want[1024];
		snprintf(want, sizeof want, "%s/sel:1: * exe=tag\n%s/sel:2: to=@exact.example exe=off\n"
			 "%s/sel:4: to=Boss@Exact.example exe=drop\n%s/sel:5: from=@friend.example exe=tempfail\n"
			 "%s/sel:9: ip=10.0.0.0/8 virus=off\n%s/sel:12: relay dkim=off\n",
			 tmpdir, tmpdir, tmpdir, tmpdir, tmpdir, tmpdir);
		CHECK_STR(trace, want, "every kind of selector at once, in file order");
		CHECK_INT(p.exe, QF_ACT_TEMPFAIL, "the last matching exe= wins");
	}
	qf_policy_free(&p);
	qf_rules_close(r);
}

static void test_order_and_trace(void)
{
	char want[1024];
	struct qf_policy p;
	struct qf_rules *r = compile_open("order",
		"to=@a.example exe=off ban-ext=exe,scr\n"
		"* exe=reject ban-ext=pif   # comes later: overrides the domain rule\n"
		"* size=1M\n"
		"to=@a.example size=2M\n"
		"ip=10.0.0.0/8 ban-types=application/pdf\n");

	CHECK(r != NULL, "order file compiles");
	if (!r)
		return;
	policy(r, "s@x.example", "u@a.example", "10.0.0.1", false, &p);
	CHECK_INT(p.exe, QF_ACT_REJECT, "rules apply top to bottom: the later * wins over an earlier to=");
	CHECK(qf_list_has(p.ban_ext, "pif") && !qf_list_has(p.ban_ext, "exe"), "a later list replaces the earlier");
	CHECK_INT(p.size, 2 << 20, "a later domain rule wins over an earlier *");
	CHECK(qf_list_has(p.ban_types, "application/pdf"), "ip rule applied");
	snprintf(want, sizeof want,
		 "%s/order:1: to=@a.example exe=off ban-ext=exe,scr\n"
		 "%s/order:2: * exe=reject ban-ext=pif\n"
		 "%s/order:3: * size=1M\n"
		 "%s/order:4: to=@a.example size=2M\n"
		 "%s/order:5: ip=10.0.0.0/8 ban-types=application/pdf\n", tmpdir, tmpdir, tmpdir, tmpdir, tmpdir);
	CHECK_STR(trace, want, "the trace names each matching rule as FILE:LINE: text, in file order");
	qf_policy_free(&p);
	policy(r, "s@x.example", "u@b.example", NULL, false, &p);
	CHECK(p.exe == QF_ACT_REJECT && p.size == 1 << 20 && !p.ban_types, "another recipient: only *");
	qf_policy_free(&p);
	qf_rules_close(r);
}

static void test_merge(void)
{
	struct qf_policy a, b;
	struct qf_rules *r = compile_open("merge",
		"* exe=reject\n"
		"to=@lax.example exe=off virus=tag virus-fail=pass dkim=off size=10M ban-ext=exe\n"
		"to=@strict.example exe=drop size=1M max-parts=10 ban-ext=scr virus-fail=pass\n");

	CHECK(r != NULL, "merge file compiles");
	if (!r)
		return;
	policy(r, "s@x.example", "u@lax.example", NULL, false, &a);
	policy(r, "s@x.example", "v@strict.example", NULL, false, &b);
	CHECK_INT(qf_policy_merge(&a, &b), 0, "merge");
	CHECK_INT(a.exe, QF_ACT_DROP, "actions: the most severe (drop > reject > ... > off)");
	CHECK_INT(a.virus, QF_ACT_REJECT, "virus: reject (default) beats tag");
	CHECK_INT(a.virus_fail, QF_VFAIL_PASS, "virus-fail=pass only when every recipient says pass");
	CHECK(a.dkim_verify, "dkim: verify when any recipient verifies");
	CHECK_INT(a.size, 1 << 20, "size: the smallest limit");
	CHECK_INT(a.max_parts, 10, "max-parts: the smallest");
	CHECK(qf_list_has(a.ban_ext, "exe") && qf_list_has(a.ban_ext, "scr"), "lists: the union");
	qf_policy_free(&a);
	qf_policy_free(&b);
	qf_rules_close(r);
}

/* sign=: relay clients by default; yes and no per rule; a message is
 * signed when any recipient's policy would sign it */
static void test_sign(void)
{
	struct qf_policy a, b;
	struct qf_rules *r = compile_open("sign",
		"to=@in.example sign=no\n"
		"ip=10.0.0.0/8 sign=yes\n"
		"to=@back.example sign=no\n"
		"to=@back.example sign=relay\n");

	CHECK_INT(parse("* sign=maybe\n", NULL), 1, "sign=maybe is an error");
	CHECK(strstr(errors, "sign=maybe: must be yes, no or relay") != NULL, "... naming the choices");
	CHECK(r != NULL, "sign file compiles");
	if (!r)
		return;
	policy(r, "s@x.example", "u@other.example", NULL, false, &a);
	CHECK_INT(a.sign, QF_SIGN_RELAY, "default: relay clients");
	qf_policy_free(&a);
	policy(r, "s@x.example", "u@in.example", "10.1.2.3", false, &a);
	CHECK_INT(a.sign, QF_SIGN_YES, "a later rule wins (ip= after to=)");
	qf_policy_free(&a);
	policy(r, "s@x.example", "u@back.example", NULL, false, &a);
	CHECK_INT(a.sign, QF_SIGN_RELAY, "sign=relay gives the default back");
	qf_policy_free(&a);
	policy(r, "s@x.example", "u@in.example", NULL, false, &a);
	policy(r, "s@x.example", "u@other.example", NULL, false, &b);
	CHECK_INT(a.sign, QF_SIGN_NO, "sign=no");
	CHECK_INT(qf_policy_merge(&a, &b), 0, "merge");
	CHECK_INT(a.sign, QF_SIGN_RELAY, "merged: relay beats no");
	qf_policy_free(&a);
	qf_policy_free(&b);
	qf_rules_close(r);
}

static void write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0) {
		if (write(fd, data, len) < 0)
			perror(path);
		close(fd);
	}
}

static void test_bad_files(void)
{
	char path[256], err[512];
	struct qf_rules *r = NULL;
	struct cdb_make cm;
	int fd;

	snprintf(path, sizeof path, "%s/missing.cdb", tmpdir);
	CHECK_INT(qf_rules_open(path, &r, err, sizeof err), -1, "a missing file cannot be opened");
	CHECK(strstr(err, "No such file") != NULL, "the error says why: %s", err);
	snprintf(path, sizeof path, "%s/text.cdb", tmpdir);
	write_file(path, "* exe=off\n", 10);
	CHECK_INT(qf_rules_open(path, &r, err, sizeof err), -1, "a rules source is not a compiled file");
	CHECK(strstr(err, "not a compiled rules file") != NULL, "%s", err);
	{
		char junk[4096];
		for (size_t i = 0; i < sizeof junk; i++)
			junk[i] = (char)(i * 7 + 3);
		snprintf(path, sizeof path, "%s/junk.cdb", tmpdir);
		write_file(path, junk, sizeof junk);
		CHECK_INT(qf_rules_open(path, &r, err, sizeof err), -1, "junk is refused");
	}
	snprintf(path, sizeof path, "%s/other.cdb", tmpdir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	cdb_make_start(&cm, fd);
	cdb_make_add(&cm, "user@example.com", 16, "clam=yes", 8);
	cdb_make_finish(&cm);
	close(fd);
	CHECK_INT(qf_rules_open(path, &r, err, sizeof err), -1, "another program's cdb is refused");
	CHECK(strstr(err, "not a compiled rules file") != NULL, "%s", err);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	cdb_make_start(&cm, fd);
	cdb_make_add(&cm, QF_KEY_FORMAT, sizeof QF_KEY_FORMAT - 1, "qfilter-rules 99", 16);
	cdb_make_finish(&cm);
	close(fd);
	CHECK_INT(qf_rules_open(path, &r, err, sizeof err), -1, "another format version is refused");
	CHECK(strstr(err, "another version") != NULL, "%s", err);
	/* a record whose rule text does not parse: found at look-up */
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	cdb_make_start(&cm, fd);
	cdb_make_add(&cm, QF_KEY_FORMAT, sizeof QF_KEY_FORMAT - 1, QF_RULES_FORMAT, sizeof QF_RULES_FORMAT - 1);
	cdb_make_add(&cm, QF_KEY_SOURCE, sizeof QF_KEY_SOURCE - 1, "x", 1);
	cdb_make_add(&cm, QF_KEY_PREFIXES, sizeof QF_KEY_PREFIXES - 1, "", 0);
	cdb_make_add(&cm, "*", 1, "\0\0\0\1* exe=bogus", 16);
	cdb_make_finish(&cm);
	close(fd);
	CHECK_INT(qf_rules_open(path, &r, err, sizeof err), 0, "a file with the marker opens");
	if (r) {
		struct qf_policy p;
		struct qf_subject s = { "a@b.example", "c@d.example", NULL, false, NULL };
		CHECK_INT(qf_rules_policy(r, &s, &p, NULL, NULL, err, sizeof err), -1,
			  "a corrupt record is an error at look-up, not a silent default");
		CHECK(strstr(err, "corrupt") != NULL, "%s", err);
		qf_rules_close(r);
	}
}

static void test_compile_errors(void)
{
	char src[256], out[256], err[512];
	struct stat st1, st2;

	snprintf(src, sizeof src, "%s/keep", tmpdir);
	snprintf(out, sizeof out, "%s/keep.cdb", tmpdir);
	write_file(src, "* exe=reject\n", 13);
	CHECK_INT(qf_rules_compile(src, out, keep_error, NULL, err, sizeof err), 0, "compiles");
	stat(out, &st1);
	write_file(src, "* exe=reject\nto=@x.example exe=maybe\n", 38);
	errors[0] = 0;
	CHECK_INT(qf_rules_compile(src, out, keep_error, NULL, err, sizeof err), 100, "errors: 100");
	stat(out, &st2);
	CHECK(st1.st_ino == st2.st_ino && st1.st_mtime == st2.st_mtime, "the compiled file is left alone");
	snprintf(out, sizeof out, "%s/no/such/dir/x.cdb", tmpdir);
	write_file(src, "* exe=reject\n", 13);
	CHECK_INT(qf_rules_compile(src, out, keep_error, NULL, err, sizeof err), 111, "cannot write: 111");
	snprintf(src, sizeof src, "%s/nonexistent", tmpdir);
	CHECK_INT(qf_rules_compile(src, out, keep_error, NULL, err, sizeof err), 111, "cannot read: 111");
}

/* Rules are parsed once and kept (up to 32, the rest each time): asked
 * again and again, in any order, the answers stay the first ones, and a
 * policy freed by the caller leaves the kept rules whole. */
static void test_kept(void)
{
	char text[8192], rcpt[64];
	size_t n = 0;
	unsigned i, round, wrong = 0;
	struct qf_rules *r;

	n += (size_t)snprintf(text + n, sizeof text - n, "* ban-ext=exe,scr size=9M\n");
	for (i = 0; i < 40; i++)
		n += (size_t)snprintf(text + n, sizeof text - n, "to=u%u@kept.example size=%uK ban-ext=x%u\n",
				      i, 100 + i, i);
	r = compile_open("kept", text);
	CHECK(r != NULL, "40 rules compile");
	if (!r)
		return;
	for (round = 0; round < 3; round++)
		for (i = 0; i < 40; i++) {
			unsigned k = round == 1 ? 39 - i : (i * 7) % 40;
			struct qf_policy p;
			snprintf(rcpt, sizeof rcpt, "u%u@kept.example", k);
			snprintf(text, sizeof text, "x%u", k);
			if (policy(r, "s@x.example", rcpt, NULL, false, &p) < 0) {
				wrong++;
				continue;
			}
			if (p.size != (100 + k) * 1024 || !qf_list_has(p.ban_ext, text) ||
			    qf_list_has(p.ban_ext, "exe"))
				wrong++;
			qf_policy_free(&p);
		}
	CHECK_INT(wrong, 0, "120 lookups over 40 rules, kept and not: each its own rule");
	qf_rules_close(r);
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_parser();
	test_rule_values();
	test_cidr();
	test_selectors();
	test_order_and_trace();
	test_merge();
	test_sign();
	test_kept();
	test_bad_files();
	test_compile_errors();
	if (!unit_fail) {
		char cmd[300];
		snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
		if (system(cmd) != 0)
			printf("# could not remove %s\n", tmpdir);
	}
	return unit_done();
}
