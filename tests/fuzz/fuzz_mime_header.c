/* fuzz_mime_header: up to four lines of input as copies of Content-Type,
 * Content-Disposition and Content-Transfer-Encoding values, through the
 * one parser (GMime) and the ambiguity checks: no crash, names within
 * their bound and each unique, the file name among them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "mime_header.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qf_mime_fields f;
	struct qf_mime_raw raw;
	char *buf = malloc(size + 1), *line, *save = NULL;
	size_t i, j, k = 0;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = 0;
	memset(&raw, 0, sizeof raw);
	for (line = strtok_r(buf, "\n", &save); line && k < 6; line = strtok_r(NULL, "\n", &save), k++) {
		if (k % 3 == 0 && raw.nctype < QF_MIME_COPIES)
			raw.ctype[raw.nctype++] = line;
		else if (k % 3 == 1 && raw.ndisp < QF_MIME_COPIES)
			raw.disp[raw.ndisp++] = line;
		else if (k % 3 == 2 && raw.ncte < QF_MIME_COPIES)
			raw.cte[raw.ncte++] = line;
	}
	if (qf_mime_fields_parse(&raw, &f) == 0) {
		if (f.nnames > QF_MIME_NAMES_MAX || (f.filename && (!f.nnames || strcmp(f.names[0], f.filename))))
			abort();
		for (i = 0; i < f.nnames; i++)
			for (j = i + 1; j < f.nnames; j++)
				if (!strcmp(f.names[i], f.names[j]))
					abort();
		qf_mime_fields_free(&f);
	}
	free(buf);
	return 0;
}
