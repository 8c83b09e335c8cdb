/* recorder.c: the benchmark's recording queue, a C twin of
 * tests/lib/recorder without the shell's start-up (about 1 ms): reads the
 * message on fd 0 to EOF into $REC/message and the envelope on fd 1 into
 * $REC/envelope, as qmail-queue reads them, and exits $REC_EXIT (0).
 * Plain read/write loops, as a simple queue would do. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int copy(int in, const char *dir, const char *name)
{
	char path[4096], buf[65536];
	ssize_t r, w, off;
	int out;

	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
		return -1;
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (out < 0)
		return -1;
	for (;;) {
		r = read(in, buf, sizeof buf);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			close(out);
			return -1;
		}
		if (r == 0)
			break;
		for (off = 0; off < r; off += w) {
			w = write(out, buf + off, r - off);
			if (w < 0 && errno == EINTR) {
				w = 0;
				continue;
			}
			if (w < 0) {
				close(out);
				return -1;
			}
		}
	}
	return close(out);
}

int main(void)
{
	const char *dir = getenv("REC"), *code = getenv("REC_EXIT");

	if (!dir || !*dir)
		return 81;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return 53;
	if (copy(0, dir, "message") < 0 || copy(1, dir, "envelope") < 0)
		return 54;
	return code && *code ? atoi(code) : 0;
}
