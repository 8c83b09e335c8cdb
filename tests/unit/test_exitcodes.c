/* test_exitcodes: the EXIT CODES section of docs/qfilter.8 lists exactly
 * the codes of the table in qmail/exitcodes.c, with the same meanings.
 * Run from the project root (tests/run-all does). */
#include <stdio.h>
#include <stdlib.h>
#include "exitcodes.h"
#include "unit.h"

int main(void)
{
	FILE *f = fopen("docs/qfilter.8", "r");
	char line[512], meaning[512];
	int in = 0, seen[256] = { 0 }, code, listed = 0;
	const struct qf_exit_info *e;

	CHECK(f != NULL, "docs/qfilter.8 opens (run from the project root)");
	if (!f)
		return unit_done();
	while (fgets(line, sizeof line, f)) {
		if (!strncmp(line, ".SH", 3)) {
			in = strstr(line, "EXIT CODES") != NULL;
			continue;
		}
		if (!in || sscanf(line, ".B %d", &code) != 1 || code < 0 || code > 255)
			continue;
		if (!fgets(meaning, sizeof meaning, f))
			break;
		meaning[strcspn(meaning, "\n")] = 0;
		listed++;
		seen[code] = 1;
		e = qf_exit_lookup(code);
		CHECK(e != NULL, "man page code %d is in the table", code);
		if (e)
			CHECK_STR(meaning, e->meaning, "man page meaning of %d matches the table", code);
	}
	fclose(f);
	for (e = qf_exit_table; e->name; e++)
		CHECK(seen[e->code], "table code %d (%s) is in the man page", e->code, e->name);
	CHECK(listed > 5, "the EXIT CODES section was found");
	return unit_done();
}
