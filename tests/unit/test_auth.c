/* test_auth.c: the pure pieces of the auth layer and its policy: the
 * tag-list parser of ARC fields (auth_tags.c), the result names the
 * headers use, and dmarc-fail= (its parse and its merge order). */
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "auth_arc.h"
#include "auth_dmarc.h"
#include "auth_spf.h"
#include "auth_tags.h"
#include "policy.h"
#include "rules.h"
#include "rules_int.h"

static void test_tags(void)
{
	struct auth_tags t;
	const struct auth_tag *b, *bh;
	const char *v = " i=1; a=rsa-sha256;\r\n\tcv=none; d=lists.example.com;\n s=arc; b=AB\n CD ==;";
	char out[64];

	CHECK_INT(auth_tags_parse(v, strlen(v), &t), 0, "tags: an ARC-Seal value parses");
	CHECK_INT(t.n, 6, "tags: six tags");
	CHECK((b = auth_tags_get(&t, "b")) != NULL && b->vallen == 9 && !memcmp(b->val, "AB\n CD ==", 9),
	      "tags: a value keeps its inner FWS, not the outer");
	CHECK(auth_tag_copy(b, out, sizeof out) == 6 && !strcmp(out, "ABCD=="), "tags: a copy drops all white space");
	CHECK(auth_tags_get(&t, "bh") == NULL, "tags: b is not bh");
	CHECK(!strncmp(v + b->raw_start, "AB\n CD ==", 9) && v[b->raw_end] == ';',
	      "tags: the raw range is all between '=' and ';' (what the seal leaves out)");
	v = "bh=xyz; b=";
	CHECK_INT(auth_tags_parse(v, strlen(v), &t), 0, "tags: an empty value is a value");
	CHECK((bh = auth_tags_get(&t, "bh")) && bh->vallen == 3 && (b = auth_tags_get(&t, "b")) && b->vallen == 0,
	      "tags: two-letter names are told from one-letter ones");
	CHECK_INT(auth_tags_parse("a=1; a=2", 8, &t), -1, "tags: a tag twice is invalid (RFC 6376 3.2)");
	CHECK_INT(auth_tags_parse("a=1; =2", 7, &t), -1, "tags: an empty name is invalid");
	CHECK_INT(auth_tags_parse("1a=1", 4, &t), -1, "tags: a name starts with a letter");
	CHECK_INT(auth_tags_parse("a=1; b", 6, &t), -1, "tags: a part without '=' is invalid");
	CHECK_INT(auth_tags_parse("a=\x01", 3, &t), -1, "tags: a control character is no tag-value");
	CHECK_INT(auth_tags_parse("", 0, &t), 0, "tags: nothing is an empty list");
	CHECK(auth_tag_copy(auth_tags_get(&t, "a") ? auth_tags_get(&t, "a") : &(struct auth_tag){ "a", 1, "12345", 5, 0, 0 },
			    out, 3) == -1, "tags: a copy that does not fit says so");
}

static void test_names(void)
{
	CHECK_STR(auth_spf_result_name(AUTH_SPF_SOFTFAIL), "softfail", "spf: softfail");
	CHECK_STR(auth_spf_result_name(AUTH_SPF_PERMERROR), "permerror", "spf: permerror");
	CHECK_STR(auth_spf_result_name((enum auth_spf_result)99), "permerror", "spf: out of range is permerror, never pass");
	CHECK_STR(auth_dmarc_result_name(AUTH_DMARC_TEMPERROR), "temperror", "dmarc: temperror");
	CHECK_STR(auth_dmarc_policy_name(AUTH_DMARC_P_QUARANTINE), "quarantine", "dmarc: policy names");
	CHECK_STR(auth_arc_result_name((enum auth_arc_result)7), "fail", "arc: out of range is fail");
}

static int keep(void *arg, unsigned line, const char *text, size_t len, struct qf_rule *r)
{
	struct qf_policy *p = arg;
	qf_rule_apply(r, p);
	qf_rule_free(r);
	return 0;
}

static void no_error(void *arg, const char *msg)
{
	(void)arg;
	CHECK(0, "rules: unexpected error %s", msg);
}

static void test_dmarc_fail(void)
{
	struct qf_policy a, b;
	struct qf_rules_parser p = { keep, no_error, &a };
	const char *text = "* dmarc-fail=policy-reject\n";

	qf_policy_default(&a);
	CHECK_INT(a.dmarc_fail, QF_DMARC_POLICY, "dmarc-fail: the default follows p=, reject as a tag");
	CHECK_INT(qf_rules_parse("t.rules", text, strlen(text), &p), 0, "dmarc-fail=policy-reject parses");
	CHECK_INT(a.dmarc_fail, QF_DMARC_POLICY_REJECT, "dmarc-fail: the rule sets it");
	qf_policy_default(&b);
	b.dmarc_fail = QF_DMARC_QUARANTINE;
	CHECK_INT(qf_policy_merge(&b, &a), 0, "dmarc-fail: merge");
	CHECK_INT(b.dmarc_fail, QF_DMARC_POLICY_REJECT, "dmarc-fail: the stricter wins (policy-reject over quarantine)");
	a.dmarc_fail = QF_DMARC_OFF;
	CHECK_INT(qf_policy_merge(&a, &b), 0, "dmarc-fail: merge again");
	CHECK_INT(a.dmarc_fail, QF_DMARC_POLICY_REJECT, "dmarc-fail: off does not weaken another recipient's");
	CHECK_STR(qf_dmarc_fail_name(QF_DMARC_POLICY_REJECT), "policy-reject", "dmarc-fail: its name");
	qf_policy_free(&a);
	qf_policy_free(&b);
}

int main(void)
{
	test_tags();
	test_names();
	test_dmarc_fail();
	return unit_done();
}
