/* qfilter-rules: checks a rules file and compiles it (qfilter-rules(8)).
 *   qfilter-rules RULES OUT
 * 0: OUT replaced atomically; 100: RULES has errors (each printed as
 * "RULES:LINE: what is wrong"), or bad usage: OUT untouched; 111: a
 * temporary problem (cannot read RULES, cannot write OUT). */
#include <stdio.h>
#include "rules_int.h"

static void print_error(void *arg, const char *msg)
{
	int *count = arg;

	(*count)++;
	fprintf(stderr, "%s\n", msg);
}

int main(int argc, char **argv)
{
	char err[1024] = "";
	int errors = 0, rc;

	if (argc != 3 || !argv[1][0] || !argv[2][0]) {
		fprintf(stderr, "usage: qfilter-rules RULES OUT\n");
		return 100;
	}
	rc = qf_rules_compile(argv[1], argv[2], print_error, &errors, err, sizeof err);
	if (rc == 100)
		fprintf(stderr, "qfilter-rules: %d error%s in %s, %s not written\n",
			errors, errors == 1 ? "" : "s", argv[1], argv[2]);
	else if (rc != 0)
		fprintf(stderr, "qfilter-rules: %s\n", err);
	return rc;
}
