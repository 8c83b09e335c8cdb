/* test_datauri.c: the data: URI scanner (mime/mime_datauri.c): payloads
 * found in markup and CSS, in any case, fed whole and a byte at a time;
 * base64 with whitespace, percent-encoding, a megabyte payload, words
 * that only contain "data:", and an HTML page with no URI at all. */
#include <stdlib.h>
#include "mime_datauri.h"
#include "unit.h"

struct got {
	unsigned blocks;
	char type[QF_DATAURI_TYPE_MAX];
	unsigned char *buf;
	size_t len, cap;
	bool damaged;
	struct qf_datauri *d;
};

static int on_event(void *arg, enum qf_uu_event ev, const unsigned char *p, size_t n, bool damaged)
{
	struct got *g = arg;

	if (ev == QF_UU_BEGIN) {
		g->blocks++;
		g->len = 0;
		snprintf(g->type, sizeof g->type, "%s", g->d->type);
	} else if (ev == QF_UU_DATA) {
		if (g->len + n > g->cap) {
			g->cap = (g->len + n) * 2;
			g->buf = realloc(g->buf, g->cap);
		}
		memcpy(g->buf + g->len, p, n);
		g->len += n;
	} else
		g->damaged = damaged;
	return 0;
}

/* scans text, in chunks of step bytes (0: whole); the last block in g */
static void scan(struct got *g, const char *text, size_t len, size_t step)
{
	static struct qf_datauri d;
	size_t i;

	free(g->buf);
	memset(g, 0, sizeof *g);
	g->d = &d;
	qf_datauri_init(&d, on_event, g);
	if (!step)
		qf_datauri_feed(&d, (const unsigned char *)text, len);
	else
		for (i = 0; i < len; i += step)
			qf_datauri_feed(&d, (const unsigned char *)text + i, len - i < step ? len - i : step);
	qf_datauri_finish(&d);
}

#define SCAN(g, s, step) scan(g, s, strlen(s), step)
#define IS(g, s) ((g)->len == strlen(s) && !memcmp((g)->buf, s, strlen(s)))

int main(void)
{
	struct got g = { 0 };
	static const char page[] =
		"<html><body><a href=\"data:application/octet-stream;base64,TVqQAAMA\n  AAAE\">get it</a></body></html>";
	size_t step;
	char *big;

	for (step = 0; step <= 3; step++) {
		SCAN(&g, page, step);
		CHECK(g.blocks == 1 && g.len == 9 && !memcmp(g.buf, "MZ\x90\0\3\0\0\0\4", 9),
		      "a base64 href with a line break in it (chunks of %zu)", step);
	}
	CHECK_STR(g.type, "application/octet-stream", "its media type");
	SCAN(&g, "<div style=\"background:url(DATA:image/png;charset=x;BASE64,aGVsbG8=)\">", 0);
	CHECK(g.blocks == 1 && IS(&g, "hello") && !strcmp(g.type, "image/png"),
	      "CSS url(), the scheme and ;base64 in capitals, a parameter before it");
	SCAN(&g, "<a href='data:,MZ%90%00%03'>x</a>", 1);
	CHECK(g.blocks == 1 && g.len == 5 && !memcmp(g.buf, "MZ\x90\0\3", 5), "percent-encoded, no type");
	SCAN(&g, "<p>metadata: none, olddata:x, data-x=\"1\"</p>", 0);
	CHECK(g.blocks == 0, "\"data:\" inside a word, and data- attributes, are no URI");
	SCAN(&g, "<img src=\"data:image/gif;base64,R0lGODlh\" alt=x> and <img src=\"data:text/plain,hi\">", 0);
	CHECK(g.blocks == 2 && IS(&g, "hi"), "two URIs in one page: two blocks");
	SCAN(&g, "<a href=\"data:application/x-msdownload;base64,TVqQ", 0);
	CHECK(g.blocks == 1 && g.len == 3 && !memcmp(g.buf, "MZ\x90", 3), "a payload the text ends in is handed on");
	SCAN(&g, "<a href=\"data:application/x;base64,TV!!qQ\">", 0);
	CHECK(g.blocks == 1 && g.damaged, "junk inside the base64: damaged, decoded as far as it goes");
	SCAN(&g, "<a href=\"data:\">", 0);
	CHECK(g.blocks == 0, "no comma: not a URI");
	big = malloc(2 << 20);
	memcpy(big, "<a href=\"data:application/octet-stream;base64,", 46);
	for (step = 46; step < 46 + (4 << 18); step += 4)
		memcpy(big + step, "QUJD", 4);
	strcpy(big + step, "\">");
	scan(&g, big, strlen(big), 4093);
	CHECK(g.blocks == 1 && g.len == 3 << 18, "a megabyte payload, streamed (%zu bytes)", g.len);
	free(big);
	CHECK(qf_datauri_wanted("text/html", NULL) && qf_datauri_wanted("image/svg+xml", NULL) &&
	      qf_datauri_wanted("application/octet-stream", "invoice.HTML") &&
	      !qf_datauri_wanted("text/plain", "notes.txt"), "pages by type or name");
	free(g.buf);
	return unit_done();
}
