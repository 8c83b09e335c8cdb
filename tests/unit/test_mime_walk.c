/* test_mime_walk.c: the MIME walk on small messages built here: what
 * parts it hands on, decoded how, and what it notes about the structure. */
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "mime_b64run.h"
#include "mime_decode.h"
#include "mime_reader.h"
#include "mime_walk.h"
#include "unit.h"

struct seen {
	unsigned index, depth;
	char type[64], name[64], enc[32];
	char head[128];
	size_t head_len;
	unsigned long long size;
	bool uu, bad, fd;
};

static struct seen parts[2000];
static unsigned nparts;

static int record(const struct qf_part *p, void *arg)
{
	struct seen *s;

	if (nparts >= sizeof parts / sizeof parts[0])
		return 0;
	s = &parts[nparts++];
	memset(s, 0, sizeof *s);
	s->index = p->index;
	s->depth = p->depth;
	snprintf(s->type, sizeof s->type, "%s", p->content_type);
	snprintf(s->name, sizeof s->name, "%s", p->filename ? p->filename : "");
	snprintf(s->enc, sizeof s->enc, "%s", p->encoding ? p->encoding : "");
	s->head_len = p->head_len < sizeof s->head - 1 ? p->head_len : sizeof s->head - 1;
	memcpy(s->head, p->head, s->head_len);
	s->size = p->size;
	s->uu = p->uuencoded;
	s->bad = p->decode_error;
	s->fd = p->fd >= 0;
	return 0;
}

static struct qf_mime_stats stats;

static int walk_fd(int fd)
{
	struct qf_mime_walk_in in = { .fd = fd, .each = record };
	struct qf_walk_error err;
	struct stat st;
	int rc;

	if (fstat(fd, &st) == 0)
		in.size = (uint64_t)st.st_size;   /* what the spool would say */
	nparts = 0;
	rc = qf_mime_walk(&in, &stats, &err);
	close(fd);
	return rc;
}

static int walk(const char *text, size_t len)
{
	int fd = memfd_create("msg", 0);

	if (write(fd, text, len) != (ssize_t)len)
		return -2;
	return walk_fd(fd);
}

#define WALK(s) walk(s, strlen(s))

static void simple(void)
{
	CHECK_INT(WALK("Subject: x\n\nhello\n"), 0, "plain message walks");
	CHECK_INT(nparts, 1, "one part");
	CHECK_STR(parts[0].type, "text/plain", "default type");
	CHECK_INT(parts[0].size, 6, "body with its final newline");
	CHECK_INT(parts[0].depth, 0, "depth 0");
	CHECK(stats.walked && !stats.broken, "walked, not broken");

	CHECK_INT(WALK("From someone Sat Nov 21\nContent-Type: image/gif\n\nGIF89a"), 0, "mbox From line");
	CHECK_STR(parts[0].type, "image/gif", "header after the From line counts");
	CHECK(!stats.broken, "From line is no damage");
}

static void multipart(void)
{
	const char *m =
		"Content-Type: multipart/mixed; boundary=\"b1\"\n\npreamble\n"
		"--b1\nContent-Type: text/plain\n\nabc\n"
		"--b1\nContent-Type: application/octet-stream; name=\"t.bin\"\n"
		"Content-Transfer-Encoding: base64\n\naGVs\nbG8=\n"
		"--b1\nContent-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\n"
		"a=3Db=\nc\n"
		"--b1--\nepilogue\n--b1\nnot a part\n";

	CHECK_INT(WALK(m), 0, "multipart walks");
	CHECK_INT(nparts, 3, "three leaves, epilogue skipped");
	CHECK_INT(parts[0].size, 3, "the newline before a boundary is the boundary's");
	CHECK_STR(parts[1].head, "hello", "base64 decoded across lines");
	CHECK_STR(parts[1].name, "t.bin", "name= is the file name");
	CHECK_STR(parts[1].enc, "base64", "encoding given");
	CHECK_STR(parts[2].head, "a=bc", "quoted-printable with a soft break");
	CHECK_INT(parts[1].depth, 1, "depth 1");
	CHECK_INT(stats.depth, 1, "stats depth");
	CHECK(!stats.broken, "well-formed");
	CHECK_INT(stats.largest_part, 5, "largest part");

	CHECK_INT(WALK("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
		       "Content-Type: text/plain\r\n\r\nxy\r\n--b--\r\n"), 0, "CRLF walks");
	CHECK_INT(nparts, 1, "CRLF: one part");
	CHECK_INT(parts[0].size, 2, "CRLF before the boundary is the boundary's");
}

static void nested(void)
{
	const char *m =
		"Content-Type: multipart/mixed; boundary=o\n\n"
		"--o\nContent-Type: message/rfc822\n\n"
		"Subject: inner\nContent-Type: multipart/alternative; boundary=i\n\n"
		"--i\nContent-Type: text/plain\n\ninner text\n"
		"--i\nContent-Type: application/x-msdownload; name=x.exe\n"
		"Content-Transfer-Encoding: base64\n\nTVqQAAMAAAAEAAAA\n--i--\n"
		"--o\nContent-Disposition: attachment; filename*=utf-8''na%C3%AFve.txt\n\nz\n--o--\n";

	CHECK_INT(WALK(m), 0, "nested walks");
	CHECK_INT(nparts, 3, "three leaves");
	CHECK_INT(parts[1].depth, 3, "a part of a multipart in a message in a multipart: depth 3");
	CHECK_STR(parts[1].name, "x.exe", "inner file name");
	CHECK(parts[1].head_len >= 2 && !memcmp(parts[1].head, "MZ", 2), "inner content decoded");
	CHECK_STR(parts[2].name, "na\xc3\xafve.txt", "RFC 2231 file name");
	CHECK_INT(parts[2].depth, 1, "back at depth 1");

	/* message/rfc822 in base64: "Content-Type: text/plain\n\nTVqQ" inside */
	CHECK_INT(WALK("Content-Type: multipart/mixed; boundary=o\n\n--o\n"
		       "Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n"
		       "Q29udGVudC1UeXBlOiBhcHBsaWNhdGlvbi9vY3RldC1zdHJlYW0KQ29udGVudC1UcmFuc2Zl\n"
		       "ci1FbmNvZGluZzogYmFzZTY0CgpUVnFRQUFNQUFBQUVBQUFBCg==\n--o--\n"), 0,
		  "encoded message walks");
	CHECK_INT(nparts, 1, "the message is walked, not handed on");
	CHECK(nparts == 1 && !memcmp(parts[0].head, "MZ", 2) && parts[0].depth == 2,
	      "its part decoded, one level down");
	CHECK(stats.broken, "an encoded message/rfc822 is noted");
	CHECK_INT(parts[0].index, 1, "numbered from 1");
}

static void uuencoded(void)
{
	const char *m = "Subject: uu\n\nhere it is\n\nbegin 644 run.exe\n"
			"%35HA````\n`\nend\nbye\nbegin 644 prose follows\nnot uuencode at all\n";

	CHECK_INT(WALK(m), 0, "uuencode walks");
	CHECK_INT(nparts, 2, "the text and its block (prose after begin is dropped)");
	CHECK(parts[0].uu, "block is uuencoded");
	CHECK_STR(parts[0].name, "run.exe", "block's name");
	CHECK_INT(parts[0].size, 5, "block's size");
	CHECK(!memcmp(parts[0].head, "MZ!\0\0", 5), "block decoded");
	CHECK_INT(parts[0].index, 2, "block numbered when it ends");
	CHECK(!parts[1].uu, "the text part is not");

	CHECK_INT(WALK("Content-Type: application/octet-stream\nContent-Transfer-Encoding: x-uuencode\n\n"
		       "begin 600 a.exe\n\"35H`\n`\nend\n"), 0, "x-uuencode walks");
	CHECK_INT(nparts, 1, "x-uuencode: one part");
	CHECK_STR(parts[0].name, "a.exe", "name from the begin line");
	CHECK(parts[0].size == 2 && !memcmp(parts[0].head, "MZ", 2) && !parts[0].bad, "decoded");

	CHECK_INT(WALK("Subject: b64\n\nbegin-base64 644 t.exe\nTVo=\n====\n"), 0, "begin-base64");
	CHECK(nparts == 2 && parts[0].size == 2 && !memcmp(parts[0].head, "MZ", 2), "begin-base64 decoded");
}

static void broken(void)
{
	char *m;
	size_t i, n;

	CHECK_INT(WALK("Content-Type: multipart/mixed; boundary=\"never\"\n\n--never\n"
		       "Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n"
		       "!!!not base64!!!\n====\n"), 0, "bad base64 walks");
	CHECK(nparts == 1 && parts[0].bad, "damaged part noted");
	CHECK(stats.broken, "missing close delimiter is broken");

	CHECK_INT(WALK("Content-Type: multipart/mixed\n\n--x\n\nhi\n"), 0, "multipart without boundary");
	CHECK(nparts == 1 && stats.broken, "a leaf, broken");

	CHECK_INT(WALK("Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n"
		       "--b\nContent-Type: image/png\n--b--\n"), 0, "headers without bodies");
	CHECK(nparts == 2 && parts[0].size == 0 && !strcmp(parts[1].type, "image/png"), "empty parts");

	CHECK_INT(WALK("Content-Type: text/plain; charset=\"x-no-such\"\nContent-Type: image/gif\n"
		       "this is not a header\n\nbody\n"), 0, "bad charset, duplicate type, non-header");
	CHECK(nparts == 1 && !strcmp(parts[0].type, "text/plain") && stats.broken, "first type stands");

	CHECK_INT(WALK("Content-Type: text\n\nx"), 0, "invalid type");
	CHECK_STR(parts[0].type, "text/plain", "invalid type is text/plain");

	/* 200 levels */
	n = 0;
	m = malloc(200 * 64 + 64);
	for (i = 0; i < 200; i++)
		n += sprintf(m + n, "Content-Type: multipart/mixed; boundary=\"d%zu\"\n\n--d%zu\n", i, i);
	n += sprintf(m + n, "Content-Type: text/plain\n\nbottom\n");
	CHECK_INT(walk(m, n), 0, "200 levels walk");
	CHECK(stats.too_deep && nparts == 0, "too deep, nothing handed on");
	CHECK_INT(stats.depth, 30, "stopped at max-depth");
	free(m);

	/* 1001 tiny parts */
	m = malloc(1001 * 32 + 64);
	n = sprintf(m, "Content-Type: multipart/mixed; boundary=p\n\n");
	for (i = 0; i < 1001; i++)
		n += sprintf(m + n, "--p\n\n%zu\n", i);
	n += sprintf(m + n, "--p--\n");
	CHECK_INT(walk(m, n), 0, "1001 parts walk");
	CHECK(stats.too_many_parts && nparts == 1000 && stats.parts == 1000, "stopped at 1000");
	free(m);
}

static void long_lines(void)
{
	size_t n = 3 << 20, i;
	char *m = malloc(n + 200300);

	memcpy(m, "Subject: ", 9);
	memset(m + 9, 'x', n);
	i = 9 + n;
	i += sprintf(m + i, "\nContent-Type: multipart/mixed; boundary=b\n\n--b\n\n");
	memset(m + i, 'y', 200000);
	i += 200000;
	i += sprintf(m + i, "\n--b--\n");
	CHECK_INT(walk(m, i), 0, "3 MB header line, 200 KB body line");
	CHECK(nparts == 1 && parts[0].size == 200000, "long body line kept whole");
	free(m);
}

/* Boundaries and "--" lines at every offset around the 64 KB window. */
static void window_edges(void)
{
	const char *head = "Content-Type: multipart/mixed; boundary=w\n\n--w\n\n";
	size_t hl = strlen(head), pad, bad = 0, i;
	char *m = malloc(70000);

	for (pad = 65536 - 80; pad < 65536 + 16; pad++) {
		size_t n = hl, body = pad - hl;
		memcpy(m, head, hl);
		/* lines of 40 bytes, one of them "--x" (not a boundary) */
		for (i = 0; i < body; i++)
			m[n++] = i % 40 == 39 ? '\n' : (i % 400 < 2 ? '-' : 'a');
		n += sprintf(m + n, "\n--w\n\nZ\n--w--\n");
		if (walk(m, n) != 0 || nparts != 2 || parts[0].size != body ||
		    parts[1].size != 1 || parts[1].head[0] != 'Z' || stats.broken)
			bad++;
	}
	CHECK_INT(bad, 0, "part sizes exact with the boundary at each offset around the window");
	free(m);
}

/* qf_mime_reader_body against its definition, on random bytes of '\n',
 * '-' and 'a': a run ends after the first newline that starts a "--"
 * line, or before a "\n-" at the end, or at the end. */
static size_t body_run_expected(const unsigned char *b, size_t len, size_t pos)
{
	size_t q;

	for (q = pos; q + 2 < len; q++)
		if (b[q] == '\n' && b[q + 1] == '-' && b[q + 2] == '-')
			return q + 1 - pos;
	if (len - pos >= 2 && b[len - 1] == '-' && b[len - 2] == '\n')
		return len - 1 - pos;
	return len - pos;
}

static void body_runs(void)
{
	static unsigned char window[QF_MIME_WINDOW];
	unsigned char b[300];
	unsigned bad = 0, runs = 0, trial, seed = 7;
	int fd = memfd_create("runs", 0);

	for (trial = 0; trial < 20000 && fd >= 0; trial++) {
		struct qf_mime_reader r;
		const unsigned char *p;
		size_t len, i, pos = 0, n;

		seed = seed * 1103515245 + 12345;
		len = 1 + (seed >> 8) % sizeof b;
		for (i = 0; i < len; i++) {
			seed = seed * 1103515245 + 12345;
			b[i] = "\n--aaaa"[(seed >> 16) % 8];
		}
		if (ftruncate(fd, 0) < 0 || pwrite(fd, b, len, 0) != (ssize_t)len)
			break;
		qf_mime_reader_open(&r, fd, len, window, 0);
		while (qf_mime_reader_body(&r, &p, &n) == 1) {
			runs++;
			if (n == 0 || p != window + pos || n != body_run_expected(b, len, pos) ||
			    memcmp(p, b + pos, n))
				bad++;
			pos += n;
			if (n == 0 || runs > 100000000)
				break;
		}
		if (pos != len)
			bad++;
	}
	CHECK(fd >= 0 && trial == 20000, "random bodies written");
	CHECK_INT(bad, 0, "body runs end where a line starts with --, over 20,000 random bodies");
	if (fd >= 0)
		close(fd);
}

static void zip_copy(void)
{
	CHECK_INT(WALK("Content-Type: application/zip\nContent-Transfer-Encoding: base64\n\n"
		       "UEsDBAoAAAAAAA==\n"), 0, "zip walks");
	CHECK(nparts == 1 && parts[0].fd, "a zip gets a copy on disk");
	CHECK_INT(WALK("Content-Type: application/pdf\n\n%PDF-1.4\n"), 0, "pdf walks");
	CHECK(!parts[0].fd, "other parts do not");
}

static void decoders(void)
{
	struct qf_decoder d;
	unsigned char out[128];
	size_t n;

	qf_decoder_init(&d, QF_CTE_BASE64);
	n = qf_decoder_step(&d, (const unsigned char *)"aG", 2, out);
	n += qf_decoder_step(&d, (const unsigned char *)"k", 1, out + n);
	n += qf_decoder_finish(&d, out + n);
	CHECK(n == 2 && !memcmp(out, "hi", 2) && !d.error, "base64 without padding, split");
	qf_decoder_init(&d, QF_CTE_QP);
	n = qf_decoder_step(&d, (const unsigned char *)"=4", 2, out);
	n += qf_decoder_step(&d, (const unsigned char *)"1=ZZ", 4, out + n);
	n += qf_decoder_finish(&d, out + n);
	CHECK(n == 4 && !memcmp(out, "A=ZZ", 4) && d.error, "qp escape split, bad escape kept");
	CHECK_INT(qf_uu_decode_line((const unsigned char *)"#86)C", 5, out), 3, "uu line");
	CHECK(!memcmp(out, "abc", 3), "uu line decoded");
	CHECK_INT(qf_uu_decode_line((const unsigned char *)"#8\x01)C", 5, out), -1, "uu line with a control byte");
}

/* uuencode as readers take it, xxencode, and bare base64 runs of a
 * program: a part of their own; other runs are not. */
static void text_encodings(void)
{
	char name[64];
	bool b64;
	unsigned char out[64];
	static char big[4096];

#define BEGIN(s) qf_uu_begin_line((const unsigned char *)(s), strlen(s), name, sizeof name, &b64)
	CHECK(BEGIN("BEGIN 644 a.exe") && !strcmp(name, "a.exe") && !b64, "BEGIN in capitals");
	CHECK(BEGIN("begin  0644\ta.exe\r") && !strcmp(name, "a.exe"), "blanks of any length");
	CHECK(BEGIN("begin a.exe") && !strcmp(name, "a.exe"), "no mode");
	CHECK(BEGIN("begin 644") && !name[0], "no name");
	CHECK(BEGIN("begin 12345 x") && !strcmp(name, "12345 x"), "five digits are no mode");
	CHECK(BEGIN("Begin-Base64 644 b.exe") && b64 && !strcmp(name, "b.exe"), "begin-base64, any case");
	CHECK(!BEGIN("begin") && !BEGIN("begin  ") && !BEGIN("beginning a.exe"), "no begin line");
#undef BEGIN
	CHECK_INT(qf_xx_decode_line((const unsigned char *)"1MK7X", 5, out), 3, "xx line");
	CHECK(!memcmp(out, "abc", 3), "xx line decoded");
	CHECK(qf_xx_line((const unsigned char *)"1MK7X", 5), "a whole xx line, short uu: xx");
	CHECK(!qf_xx_line((const unsigned char *)"#86)C", 5), "a uu line is not xx");
	{
		/* the base64 of each head starts with a pair qf_b64run_start2 knows */
		static const char *const b64heads[] = { "TVqQ", "f0VMRgIB", "/u36zgAA", "z/rt/gAA", "zvrt/gAA", "yv66vgAA",
			"0M8R4KGx", "UEsDBAAA", "UEsFBgAA", "N3q8rycc", "UmFyIRoH", "H4sI", "QlpoOQ", "/Td6WFoA",
			"KLUv/QAA", "TVNDRgAA", "BCJNGAAA", "TFpJUAEA", "H50Q" };
		size_t i;
		for (i = 0; i < sizeof b64heads / sizeof *b64heads; i++) {
			struct qf_decoder d;
			const char *e = b64heads[i];
			size_t k;
			qf_decoder_init(&d, QF_CTE_BASE64);
			k = qf_decoder_step(&d, (const unsigned char *)e, strlen(e), out);
			CHECK(qf_b64run_start(e[0]) && qf_b64run_start2(e[0], e[1]) &&
			      qf_b64run_head(out, k) == QF_B64RUN_YES, e);
		}
		CHECK(!qf_b64run_start2('T', 'h') && !qf_b64run_start2('H', 'e'), "prose pairs");
	}
	CHECK(qf_b64run_head((const unsigned char *)"MZ", 2) == QF_B64RUN_YES, "MZ head");
	CHECK(qf_b64run_head((const unsigned char *)"\177EL", 3) == QF_B64RUN_MORE, "ELF: more bytes");
	CHECK(qf_b64run_head((const unsigned char *)"Aladdin", 7) == QF_B64RUN_NO, "text head");

	CHECK_INT(WALK("Subject: xx\n\nbegin 644 t.txt\n1MK7X\n+\nend\n"), 0, "xx walks");
	CHECK(nparts == 2 && parts[0].size == 3 && !memcmp(parts[0].head, "abc", 3) &&
	      !strcmp(parts[0].enc, "x-xxencode") && !parts[0].bad, "xx decoded");
	CHECK_INT(WALK("Subject: r\n\nhi\nTVqQAAMA\r\nAAAE\n\nbye\nQWxhZGRpbjpvcGVuIHNlc2FtZQ==\n"), 0, "runs walk");
	CHECK(nparts == 2 && parts[0].size == 9 && !memcmp(parts[0].head, "MZ\220\0\3\0\0\0\4", 9) &&
	      !strcmp(parts[0].enc, "base64") && parts[0].uu && !parts[0].name[0], "a program's run, to the blank line");
	CHECK_INT(WALK("Subject: r\n\nf0VM\nRgIB\nhi there\nTQ==\nTVqQ\n"), 0, "runs walk");
	CHECK(nparts == 3 && parts[0].size == 6 && !memcmp(parts[0].head, "\177ELF\2\1", 6),
	      "an ELF head over two lines; 'M' alone is none");
	CHECK(parts[1].size == 3 && !memcmp(parts[1].head, "MZ\220", 3), "a run at the text's end");
	memcpy(big, "Subject: r\n\nTVqQ", 16);
	memset(big + 16, 'A', 3000);
	memcpy(big + 3016, "\n\nbye\n", 7);
	CHECK_INT(WALK(big), 0, "a long run walks");
	CHECK(nparts == 2 && parts[0].size == 2253 && !parts[0].bad, "a line longer than the buffer, in pieces");
	CHECK_INT(WALK("Content-Type: application/octet-stream\n\nTVqQAAMA\n"), 0, "octet-stream walks");
	CHECK(nparts == 2 && parts[0].size == 6, "a run in an attachment with no transfer encoding");
	CHECK_INT(WALK("Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n"
		       "X-A: 1\n\nTVqQAAMA\n"), 0, "damaged base64 walks");
	CHECK(nparts == 2 && parts[0].size == 6 && !memcmp(parts[0].head, "MZ", 2),
	      "the run after a fake header line in base64");
}

int main(void)
{
	simple();
	multipart();
	nested();
	uuencoded();
	text_encodings();
	broken();
	long_lines();
	window_edges();
	body_runs();
	zip_copy();
	decoders();
	return unit_done();
}
