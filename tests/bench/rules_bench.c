/* rules_bench: time per qf_rules_policy call on a compiled rules file.
 *   rules_bench COMPILED ITERATIONS RCPT [SENDER [IP]]
 * Prints "ns_per_lookup N". Built and run by tests/bench/rules.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "rules.h"

int main(int argc, char **argv)
{
	struct qf_rules *r;
	struct qf_subject s = { 0 };
	struct qf_policy p;
	struct timespec t0, t1;
	char err[512];
	long n, i;

	if (argc < 4) {
		fprintf(stderr, "usage: rules_bench COMPILED ITERATIONS RCPT [SENDER [IP]]\n");
		return 100;
	}
	if (qf_rules_open(argv[1], &r, err, sizeof err) < 0) {
		fprintf(stderr, "rules_bench: %s\n", err);
		return 111;
	}
	n = atol(argv[2]);
	s.rcpt = argv[3];
	s.sender = argc > 4 ? argv[4] : "sender@example.net";
	s.ip = argc > 5 ? argv[5] : "192.0.2.25";
	s.relay = false;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		if (qf_rules_policy(r, &s, &p, NULL, NULL, err, sizeof err) < 0) {
			fprintf(stderr, "rules_bench: %s\n", err);
			return 111;
		}
		qf_policy_free(&p);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("ns_per_lookup %.0f\n", ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / (double)n);
	qf_rules_close(r);
	return 0;
}
