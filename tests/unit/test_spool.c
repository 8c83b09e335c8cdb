/* test_spool.c: qf_spool_read keeps a message in memory (a sealed memfd)
 * up to spool-memory and spills to the spool directory one byte past it,
 * from a pipe and from a file; the stored bytes are the input's; max-size
 * still truncates; without memfd_create it falls back to a file, and
 * without the calls that move bytes in the kernel to read and write,
 * without O_TMPFILE to a named file unlinked at once. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "io.h"
#include "spool.h"
#include "unit.h"
#include "unit_seccomp.h"

static char dir[] = "/tmp/qf-spool-test.XXXXXX";

static unsigned char *pattern(size_t n)
{
	unsigned char *p = calloc(1, n ? n : 1);
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 131 + i / 251);
	return p;
}

/* Where the spool lives: "memory", "dir" or "?" */
static const char *place(int fd)
{
	char link[64], target[512];
	ssize_t n;

	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	if ((n = readlink(link, target, sizeof target - 1)) < 0)
		return "?";
	target[n] = 0;
	if (!strncmp(target, "/memfd:", 7))
		return "memory";
	return !strncmp(target, dir, strlen(dir)) ? "dir" : "?";
}

static int same_bytes(int fd, const unsigned char *want, size_t n)
{
	unsigned char *got = malloc(n + 1);
	ssize_t r = pread(fd, got, n + 1, 0);
	int ok = r == (ssize_t)n && !memcmp(got, want, n);

	free(got);
	return ok;
}

/* The input on a pipe (written by a child) or in a file. */
static int input(const unsigned char *data, size_t n, int as_pipe)
{
	int p[2];

	if (!as_pipe) {
		char path[64];
		int fd;
		snprintf(path, sizeof path, "%s/in", dir);
		fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
		if (write(fd, data, n) != (ssize_t)n)
			abort();
		lseek(fd, 0, SEEK_SET);
		unlink(path);
		return fd;
	}
	if (pipe(p) < 0)
		abort();
	if (fork() == 0) {
		close(p[0]);
		_exit(write(p[1], data, n) == (ssize_t)n ? 0 : 1);
	}
	close(p[1]);
	return p[0];
}

static void one(size_t n, uint64_t memory, uint64_t limit, int as_pipe, const char *want_place)
{
	unsigned char *data = pattern(n);
	struct qf_spool s;
	int in = input(data, n, as_pipe), rc;
	size_t stored = limit && n > limit ? limit : n;
	const char *how = as_pipe ? "pipe" : "file";

	rc = qf_spool_read(in, dir, memory, limit, &s);
	close(in);
	while (wait(NULL) > 0)
		;
	CHECK_INT(rc, 0, "%s, %zu bytes, spool-memory %llu, max-size %llu: read", how, n,
		  (unsigned long long)memory, (unsigned long long)limit);
	CHECK_STR(place(s.fd), want_place, "...kept in %s", want_place);
	CHECK(s.size == stored && s.received == n && s.truncated == (stored < n),
	      "...%zu stored of %zu received", stored, n);
	CHECK(same_bytes(s.fd, data, stored), "...the stored bytes are the input's");
	CHECK(lseek(s.fd, 0, SEEK_CUR) == 0, "...positioned at the start");
	if (!strcmp(want_place, "memory"))
		CHECK(s.sealed && write(s.fd, "x", 1) < 0 && errno == EPERM &&
		      ftruncate(s.fd, (off_t)stored + 1) < 0 &&
		      (!stored || ftruncate(s.fd, 0) < 0), "...sealed: it cannot be written, grown or cut");
	else
		CHECK(!s.sealed, "...a file in the spool directory is not sealed");
	close(s.fd);
	free(data);
}

/* memfd_create fails with ENOSYS, as on a kernel before 3.17 */
static void deny_memfd(void)
{
	static const unsigned nr[] = { SYS_memfd_create };

	unit_deny_calls(nr, 1, ENOSYS);
}

/* splice, copy_file_range and sendfile fail with EINVAL, as for
 * descriptors or file systems that do not have them */
static void deny_moves(void)
{
	static const unsigned nr[] = { SYS_splice, SYS_copy_file_range, SYS_sendfile };

	unit_deny_calls(nr, 3, EINVAL);
}

/* open(O_TMPFILE) fails with EOPNOTSUPP, as on a file system without it */
static void deny_tmpfile(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[2])),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, O_TMPFILE & ~O_DIRECTORY, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EOPNOTSUPP),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	unit_seccomp_install(f, sizeof f / sizeof f[0]);
}

/* Runs body in a child under the filter deny installs; passes when all
 * its checks did. */
static void denied(const char *what, void (*deny)(void), void (*body)(void))
{
	int pid, st;

	fflush(stdout);
	if ((pid = fork()) == 0) {
		unit_pass = unit_fail = 0;
		deny();
		body();
		fflush(stdout);
		_exit(unit_fail ? 1 : 0);
	}
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s", what);
}

/* qf_tempfile() makes a named file and unlinks it at once */
static void without_tmpfile(void)
{
	DIR *d;
	struct dirent *e;
	int names = 0;

	CHECK(open(dir, O_TMPFILE | O_RDWR, 0600) < 0 && errno == EOPNOTSUPP,
	      "O_TMPFILE is refused under the filter");
	one(300000, 0, 0, 1, "dir");
	if ((d = opendir(dir))) {
		while ((e = readdir(d)))
			names += e->d_name[0] != '.';
		closedir(d);
	}
	CHECK_INT(names, 0, "...and no name is left in the spool directory");
}

static void without_memfd(void)
{
	one(1000, 4096, 0, 1, "dir");
}

struct spool_case {
	size_t n;              /* input bytes */
	uint64_t memory, limit; /* spool-memory, max-size */
	int pipe;              /* a pipe, else a file */
	const char *place;     /* "memory" or "dir" */
};

static void cases(const struct spool_case *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		one(c[i].n, c[i].memory, c[i].limit, c[i].pipe, c[i].place);
}

static void read_and_write(void)
{
	static const struct spool_case c[] = {
		{ 1000, 4096, 0, 1, "memory" }, { 1000, 4096, 0, 0, "memory" },
		{ 300000, 4096, 0, 1, "dir" }, { 300000, 4096, 0, 0, "dir" },
		{ 300000, 4096, 5000, 1, "dir" }, { 300000, 4096, 4096, 1, "memory" },
	};

	cases(c, sizeof c / sizeof c[0]);
}

int main(void)
{
	static const struct spool_case c[] = {
		{ 0, 4096, 0, 1, "memory" }, { 4095, 4096, 0, 1, "memory" },
		{ 4096, 4096, 0, 1, "memory" }, { 4097, 4096, 0, 1, "dir" },
		{ 300000, 4096, 0, 1, "dir" }, { 4096, 4096, 0, 0, "memory" },
		{ 4097, 4096, 0, 0, "dir" }, { 300000, 256 * 1024, 0, 0, "dir" },
		{ 300000, 256 * 1024, 0, 1, "dir" }, { 100, 0, 0, 1, "dir" },
		/* max-size at spool-memory: the rest is read and dropped in
		 * big reads, not a byte at a time */
		{ 2000000, 4096, 4096, 1, "memory" }, { 2000000, 4096, 4096, 0, "memory" },
		{ 9000, 4096, 5000, 1, "dir" },
	};
	struct qf_spool s;
	int in;

	if (!mkdtemp(dir))
		return 1;
	cases(c, sizeof c / sizeof c[0]);

	denied("without memfd_create the message goes to the spool directory",
	       deny_memfd, without_memfd);
	denied("without splice, copy_file_range and sendfile it is read and written",
	       deny_moves, read_and_write);
	denied("without O_TMPFILE the spool is a named temp file, unlinked at once",
	       deny_tmpfile, without_tmpfile);

	/* a copy's known range: read exactly, or EIO when the file ends first */
	{
		char b[8] = "";
		int fd = qf_tempfile(dir);
		CHECK(fd >= 0 && qf_write_all(fd, "0123456789", 10) == 0, "a temp file for qf_pread_exact");
		CHECK(qf_pread_exact(fd, b, 4, 3) == 0 && !memcmp(b, "3456", 4), "qf_pread_exact reads its range");
		errno = 0;
		CHECK(qf_pread_exact(fd, b, 4, 8) == -1 && errno == EIO,
		      "qf_pread_exact past the file's end: -1 with EIO");
		close(fd);
	}

	/* an unusable spool directory is exit 53 even for a message that
	 * would fit in memory: a broken setting shows at once */
	in = input((const unsigned char *)"hello\n", 6, 1);
	CHECK_INT(qf_spool_read(in, "/nonexistent/spool", 4096, 0, &s), 53,
		  "a missing spool directory: 53, though the message fits in memory");
	close(in);
	while (wait(NULL) > 0)
		;
	rmdir(dir);
	return unit_done();
}
