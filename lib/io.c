/* io.c: see io.h */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include "io.h"

volatile int qf_io_interrupted;

static int retry(void)
{
	if (errno != EINTR)
		return 0;
	if (qf_io_interrupted) {
		errno = ETIMEDOUT;
		return 0;
	}
	return 1;
}

int qf_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t w;

	while (len) {
		w = write(fd, p, len);
		if (w < 0) {
			if (retry())
				continue;
			return -1;
		}
		p += w;
		len -= w;
	}
	return 0;
}

int qf_pread_exact(int fd, void *buf, size_t len, uint64_t off)
{
	char *p = buf;
	size_t got = 0;
	ssize_t r;

	while (got < len) {
		r = pread(fd, p + got, len - got, (off_t)(off + got));
		if (r < 0) {
			if (retry())
				continue;
			return -1;
		}
		if (r == 0) {
			errno = EIO;
			return -1;
		}
		got += (size_t)r;
	}
	return 0;
}

ssize_t qf_read_full(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;
	ssize_t r;

	while (got < len) {
		r = read(fd, p + got, len - got);
		if (r < 0) {
			if (retry())
				continue;
			return -1;
		}
		if (r == 0)
			break;
		got += r;
	}
	return got;
}

char *qf_read_file(const char *path, size_t max, size_t *len, char *err, size_t errlen)
{
	struct stat st;
	char *buf = NULL;
	ssize_t got = -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY), saved;

	if (fd < 0) {
		saved = errno;
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		errno = saved;
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > max) {
		snprintf(err, errlen, "%s: not a regular file of at most %zu bytes", path, max);
		errno = EINVAL;
	} else if (!(buf = malloc((size_t)st.st_size + 1))) {
		snprintf(err, errlen, "%s: out of memory", path);
		errno = ENOMEM;
	} else if ((got = qf_read_full(fd, buf, (size_t)st.st_size)) < 0) {
		saved = errno;
		snprintf(err, errlen, "%s: read: %s", path, strerror(errno));
		free(buf);
		buf = NULL;
		errno = saved;
	}
	saved = errno;
	close(fd);
	errno = saved;
	if (!buf)
		return NULL;
	buf[got] = 0;
	*len = (size_t)got;
	return buf;
}

int qf_drain(int fd)
{
	char buf[65536];
	ssize_t r;

	for (;;) {
		r = read(fd, buf, sizeof buf);
		if (r == 0)
			return 0;
		if (r < 0 && !retry())
			return -1;
	}
}

/* copy_file_range first unless out is known to be a pipe, where it
 * always fails (EINVAL): one system call saved per message */
static int copy_range(int in, uint64_t off, uint64_t len, int out, bool try_cfr)
{
	char buf[65536];
	loff_t o = off;
	ssize_t n;
	int fast = try_cfr;

	while (len && fast) {
		n = copy_file_range(in, &o, out, NULL, len > (1u << 30) ? 1u << 30 : len, 0);
		if (n > 0) {
			len -= n;
			continue;
		}
		if (n < 0 && retry())
			continue;
		fast = 0;   /* EXDEV, EINVAL (pipe), ENOSYS...: try the next way */
	}
	fast = 1;
	while (len && fast) {
		off_t so = o;
		n = sendfile(out, in, &so, len > (1u << 30) ? 1u << 30 : len);
		if (n > 0) {
			o = so;
			len -= n;
			continue;
		}
		if (n < 0 && retry())
			continue;
		if (n < 0 && (errno == EINVAL || errno == ENOSYS))
			fast = 0;
		else
			return n == 0 ? (errno = EIO, -1) : -1;
	}
	while (len) {
		n = pread(in, buf, len < sizeof buf ? len : sizeof buf, o);
		if (n < 0 && retry())
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;   /* the file shrank under us */
			return -1;
		}
		if (qf_write_all(out, buf, n) < 0)
			return -1;
		o += n;
		len -= n;
	}
	return 0;
}

int qf_copy_range(int in, uint64_t off, uint64_t len, int out)
{
	return copy_range(in, off, len, out, true);
}

int qf_copy_range_to_pipe(int in, uint64_t off, uint64_t len, int out)
{
	return copy_range(in, off, len, out, false);
}

static const char *temp_dir(const char *dir)
{
	const char *d = dir;

	if (!d || !*d)
		d = getenv("TMPDIR");
	if (!d || !*d)
		d = "/tmp";
	return d;
}

int qf_tempfile(const char *dir)
{
	const char *d = temp_dir(dir);
	int fd;

	/* O_TMPFILE never has a name to leave behind, even under SIGKILL */
	fd = open(d, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
		char path[4096];
		if ((size_t)snprintf(path, sizeof path, "%s/qfilter.XXXXXX", d) >= sizeof path) {
			errno = ENAMETOOLONG;
			return -1;
		}
		fd = mkostemp(path, O_CLOEXEC);
		if (fd >= 0)
			unlink(path);
	}
	return fd;
}

int qf_tempdir_usable(const char *dir)
{
	return access(temp_dir(dir), W_OK | X_OK);
}

int qf_tempdir_room(const char *dir, uint64_t size)
{
	struct statvfs fs;

	if (statvfs(temp_dir(dir), &fs) < 0)
		return -1;
	/* a file system that reports no blocks (some pseudo ones) is not full */
	if (fs.f_blocks && (uint64_t)fs.f_bavail * fs.f_frsize < size + 1) {
		errno = ENOSPC;
		return -1;
	}
	return 0;
}

/* An anonymous file in memory, close-on-exec and sealable. fd or -1
 * (errno; ENOSYS on kernels before 3.17). */
static int memfile(void)
{
	return memfd_create("qfilter", MFD_CLOEXEC | MFD_ALLOW_SEALING);
}

int qf_tempfile_sized(const char *dir, uint64_t size, uint64_t memory, bool *in_memory)
{
	int fd = memory && size <= memory ? memfile() : -1;

	if (in_memory)
		*in_memory = fd >= 0;
	return fd >= 0 ? fd : qf_tempfile(dir);   /* also when memfd_create is not there */
}
