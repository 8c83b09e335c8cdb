/* fuzz_rules: the rules parser on any bytes. Besides not crashing, it
 * checks the property the compiled file relies on: the text a rule is
 * stored as (qf_rule_text) parses again into the same rule. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "rules_int.h"

static void ignore(void *arg, const char *msg)
{
}

static int reparse(void *arg, unsigned line, const char *text, size_t len, struct qf_rule *r)
{
	struct qf_rule again;

	if (qf_rule_parse(text, len, &again, ignore, NULL) != 0 || again.sel != r->sel ||
	    again.set != r->set || (r->value && strcmp(r->value, again.value) != 0) ||
	    memcmp(&again.net, &r->net, sizeof r->net) != 0)
		abort();
	qf_rule_free(&again);
	qf_rule_free(r);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qf_rules_parser p = { reparse, ignore, NULL };

	qf_rules_parse("fuzz", (const char *)data, size, &p);
	return 0;
}
