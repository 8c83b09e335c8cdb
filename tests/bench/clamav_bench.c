/* clamav_bench.c: what one virus scan costs, without process start-up:
 * times qf_clamd_scan (clamd INSTREAM, the whole exchange) or
 * qf_clamav_lib_scan (libclamav in this process) on one message.
 *
 *   clamav_bench clamd ADDR FILE RUNS
 *   clamav_bench lib DBDIR FILE RUNS
 *
 * Every run scans a different message: libclamav remembers the hashes of
 * clean files and would skip a second scan of the same bytes, which real
 * mail rarely gives it. So a copy of FILE gets, before each run, a letter
 * or digit every 1 KB changed (base64 and text stay valid).
 *
 * Prints "median_ms p90_ms min_ms" of the scans; lib also prints, first,
 * "open_ms" (dlopen, cl_init, cl_load, cl_engine_compile: paid once per
 * process). Exit 1 when a scan fails. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "clamd.h"
#include "clamav_lib.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Copies FILE into an unlinked temp file. */
static int copy_of(const char *path, off_t *size)
{
	char tmp[] = "/tmp/clamav-bench.XXXXXX", buf[65536];
	int in = open(path, O_RDONLY), out = mkstemp(tmp);
	ssize_t n;

	if (in < 0 || out < 0)
		return -1;
	unlink(tmp);
	*size = 0;
	while ((n = read(in, buf, sizeof buf)) > 0) {
		if (write(out, buf, (size_t)n) != n)
			return -1;
		*size += n;
	}
	close(in);
	return n < 0 ? -1 : out;
}

/* Makes the copy a new message for run i: one alphanumeric byte in each
 * KB becomes another one; any three in a row spell i in base 62, so no
 * part of 3 KB or more is the same in two runs (up to 238,328 runs). */
static void vary(int fd, off_t size, int i)
{
	static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	static const int scale[3] = { 1, 62, 62 * 62 };
	off_t off;
	long k;
	char c;

	for (off = 512; off < size; off += 1024) {
		if (pread(fd, &c, 1, off) != 1 || c == 0 || !strchr(alnum, c))
			continue;
		k = (long)(off / 1024);
		c = alnum[(i / scale[k % 3] + k) % 62];
		if (pwrite(fd, &c, 1, off) != 1)
			return;
	}
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	struct qf_clamav_lib *lib = NULL;
	struct qf_clamav_scan scan;
	off_t size;
	char err[256];
	double *ms, t;
	int fd, runs, i;

	if (argc != 5 || (strcmp(argv[1], "clamd") && strcmp(argv[1], "lib"))) {
		fprintf(stderr, "usage: clamav_bench clamd ADDR|lib DBDIR FILE RUNS\n");
		return 2;
	}
	runs = atoi(argv[4]);
	fd = copy_of(argv[3], &size);
	if (fd < 0 || runs < 1 || !(ms = calloc((size_t)runs, sizeof *ms))) {
		perror(argv[3]);
		return 2;
	}
	if (strcmp(argv[1], "lib") == 0) {
		t = now_ms();
		lib = qf_clamav_lib_open(argv[2], NULL, 0, err, sizeof err);
		if (!lib) {
			fprintf(stderr, "clamav_bench: %s\n", err);
			return 1;
		}
		printf("open_ms %.2f\n", now_ms() - t);
	}
	for (i = 0; i < runs; i++) {
		vary(fd, size, i);
		t = now_ms();
		if (lib)
			qf_clamav_lib_scan(lib, fd, &scan);
		else
			qf_clamd_scan(argv[2], fd, (uint64_t)size, (int64_t)now_ms() + 60000, &scan);
		ms[i] = now_ms() - t;
		if (scan.status != QF_CLAMAV_CLEAN) {
			fprintf(stderr, "clamav_bench: scan %d: %s%s\n", i,
				scan.status == QF_CLAMAV_FOUND ? "found " : "", scan.status == QF_CLAMAV_FOUND ? scan.name : scan.detail);
			return 1;
		}
	}
	qsort(ms, (size_t)runs, sizeof *ms, by_value);
	printf("%.2f %.2f %.2f\n", ms[runs / 2], ms[runs * 9 / 10], ms[0]);
	qf_clamav_lib_close(lib);
	free(ms);
	close(fd);
	return 0;
}
