/* test_output.c: the copy handed to the queue (engine/output.c): a pipe
 * that holds all of it when it fits in spool-memory and nothing must
 * seek in it, else a file; the same bytes either way (added headers, then
 * the message minus the skipped ranges); and a file after all when the
 * pipe cannot be made large enough (fcntl refused under seccomp). */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "chain.h"
#include "config.h"
#include "msg.h"
#include "output.h"
#include "unit.h"
#include "unit_seccomp.h"

static char dir[] = "/tmp/qf-test-output.XXXXXX";

/* a message of n bytes in a memfd, as the spool would hold it */
static void message(struct qf_msg *m, struct qf_config *cfg, size_t n, uint64_t memory)
{
	char *buf = malloc(n ? n : 1);
	size_t i;

	memset(cfg, 0, sizeof *cfg);
	cfg->spool = dir;
	cfg->spool_memory = memory;
	memset(m, 0, sizeof *m);
	m->cfg = cfg;
	for (i = 0; i < n; i++)
		buf[i] = (char)('a' + i % 26 + (i % 77 == 76 ? '\n' - 'a' - i % 26 : 0));
	m->fd = memfd_create("test", MFD_CLOEXEC);
	if (m->fd < 0 || write(m->fd, buf, n) != (ssize_t)n)
		exit(2);
	m->size = n;
	free(buf);
}

/* the expected copy: "X-Test: yes\n", then the message without [100, 150) */
static char *expected(const struct qf_msg *m, size_t *len)
{
	char *out = malloc(m->size + 32);
	size_t n = (size_t)snprintf(out, 32, "X-Test: yes\n");

	if (pread(m->fd, out + n, 100, 0) != 100 ||
	    pread(m->fd, out + n + 100, m->size - 150, 150) != (ssize_t)(m->size - 150))
		exit(2);
	*len = n + m->size - 50;
	return out;
}

static char *read_all(int fd, size_t *len)
{
	size_t cap = 1 << 20, n = 0;
	char *buf = malloc(cap);
	ssize_t r;

	while (n < cap && (r = read(fd, buf + n, cap - n)) > 0)
		n += (size_t)r;
	*len = n;
	return buf;
}

/* one copy: what it is ("pipe" or "file") and its bytes */
static void one(size_t size, uint64_t memory, bool seekable, const char *want)
{
	struct qf_config cfg;
	struct qf_msg m;
	struct stat st;
	char *exp, *got;
	size_t elen, glen;
	int fd;

	message(&m, &cfg, size, memory);
	qf_msg_add_header(&m, "X-Test", "yes");
	qf_msg_skip_range(&m, 100, 50);
	exp = expected(&m, &elen);
	fd = qf_output_fd(&m, seekable);
	CHECK(fd >= 0 && fstat(fd, &st) == 0 && (strcmp(want, "pipe") ? S_ISREG(st.st_mode) : S_ISFIFO(st.st_mode)),
	      "%zu bytes, spool-memory %llu%s: a %s", size, (unsigned long long)memory,
	      seekable ? ", seekable wanted" : "", want);
	got = read_all(fd, &glen);
	CHECK(glen == elen && !memcmp(got, exp, elen), "...holding the headers and the message minus the skipped range");
	close(fd);
	close(m.fd);
	free(exp);
	free(got);
	qf_msg_close(&m);
}

/* fcntl fails with EPERM, as F_SETPIPE_SZ does past the user's pipe
 * pages (pipe-user-pages-soft) */
static void deny_fcntl(void)
{
	static const unsigned nr[] = { SYS_fcntl };

	unit_deny_calls(nr, 1, EPERM);
}

int main(void)
{
	int pid, st;

	if (!mkdtemp(dir))
		return 1;
	one(50000, 256 * 1024, false, "pipe");
	one(200000, 256 * 1024, false, "pipe");   /* past the default 64 KB pipe */
	one(50000, 256 * 1024, true, "file");
	one(300000, 256 * 1024, false, "file");  /* larger than spool-memory */
	one(50000, 0, false, "file");            /* spool-memory 0: never in memory */
	fflush(stdout);
	if ((pid = fork()) == 0) {
		unit_pass = unit_fail = 0;
		deny_fcntl();
		one(200000, 256 * 1024, false, "file");
		one(50000, 256 * 1024, false, "file");   /* no O_NONBLOCK: no pipe */
		fflush(stdout);
		_exit(unit_fail ? 1 : 0);
	}
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a pipe that cannot be made large enough: a file instead");
	rmdir(dir);
	return unit_done();
}
