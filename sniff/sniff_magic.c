/* sniff_magic.c: see sniff_magic.h. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <magic.h>
#include "sniff_magic.h"

#define MAGIC_FILES 4      /* components of $MAGIC used */

struct qf_magic {
	magic_t magic;             /* one thread per process: no lock */
	void *map[MAGIC_FILES];    /* the compiled databases, mapped for the handle's life */
	size_t len[MAGIC_FILES];
	size_t n;
};

/* Whether the file at path holds nothing but comments and blank lines
 * (Debian's /etc/magic, the local additions, ships so). */
static bool only_comments(const char *path)
{
	FILE *f = fopen(path, "re");
	char line[512];
	bool empty = true;

	if (!f)
		return false;
	while (empty && fgets(line, sizeof line, f)) {
		const char *c = line + strspn(line, " \t\r\n");
		empty = !*c || *c == '#';
	}
	fclose(f);
	return empty;
}

/* Maps the compiled database of one $MAGIC component ("x.mgc", or "x"
 * for "x.mgc" as libmagic spells it). A component with no compiled file
 * beside a source that holds only comments is skipped; any other source
 * must be compiled first (file -C), since only magic_load() reads it. */
static bool map_one(struct qf_magic *mg, const char *comp, size_t complen, char *err, size_t errlen)
{
	char path[4096];
	struct stat st;
	int fd, n;

	if (complen >= 4 && !memcmp(comp + complen - 4, ".mgc", 4))
		n = snprintf(path, sizeof path, "%.*s", (int)complen, comp);
	else
		n = snprintf(path, sizeof path, "%.*s.mgc", (int)complen, comp);
	if (n < 0 || (size_t)n >= sizeof path) {
		snprintf(err, errlen, "libmagic: a database path too long");
		return false;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && (size_t)n > complen) {
		path[complen] = 0;           /* the source beside it */
		if (only_comments(path))
			return true;
		path[complen] = '.';
	}
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
		snprintf(err, errlen, "libmagic: no compiled database %s: %s", path,
			 fd < 0 ? strerror(errno) : "not a regular file with content");
		if (fd >= 0)
			close(fd);
		return false;
	}
	mg->map[mg->n] = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (mg->map[mg->n] == MAP_FAILED) {
		snprintf(err, errlen, "libmagic: mapping %s: %s", path, strerror(errno));
		mg->map[mg->n] = NULL;
		return false;
	}
	mg->len[mg->n++] = st.st_size;
	return true;
}

static void unmap_all(struct qf_magic *mg)
{
	while (mg->n) {
		mg->n--;
		munmap(mg->map[mg->n], mg->len[mg->n]);
	}
}

struct qf_magic *qf_magic_open(char *err, size_t errlen)
{
	struct qf_magic *mg = calloc(1, sizeof *mg);
	const char *path, *p, *colon;

	if (!mg) {
		snprintf(err, errlen, "libmagic: out of memory");
		return NULL;
	}
	/* $MAGIC or libmagic's default. Only compiled databases, handed over
	 * as buffers: magic_load() parses a file that fails as compiled as
	 * magic source instead, writing a warning per line to fd 2 (our
	 * log) and taking milliseconds over a broken 8 MB file. */
	path = magic_getpath(NULL, 0);
	for (p = path; p && *p && mg->n < MAGIC_FILES; p = *colon ? colon + 1 : colon) {
		colon = strchrnul(p, ':');
		if (colon > p && !map_one(mg, p, colon - p, err, errlen)) {
			unmap_all(mg);
			free(mg);
			return NULL;
		}
	}
	if (!mg->n) {
		snprintf(err, errlen, "libmagic: no database named (MAGIC=%s)", path ? path : "");
		free(mg);
		return NULL;
	}
	/* Compressed content is the archive filters' business. The text
	 * tests stay: they are what names batch files and scripts. */
	mg->magic = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS);
	if (!mg->magic) {
		snprintf(err, errlen, "libmagic: magic_open failed");
		unmap_all(mg);
		free(mg);
		return NULL;
	}
	/* Only loaded here, not tried on a sample: one magic_buffer() costs
	 * 1.5 M instructions, which a process per message would pay. */
	if (magic_load_buffers(mg->magic, mg->map, mg->len, mg->n) < 0) {
		const char *e = magic_error(mg->magic);
		snprintf(err, errlen, "libmagic: %s (MAGIC=%s)", e ? e : "magic_load failed", path);
		magic_close(mg->magic);
		unmap_all(mg);
		free(mg);
		return NULL;
	}
	return mg;
}

bool qf_magic_type(struct qf_magic *mg, const void *buf, size_t len, char *type, size_t typelen)
{
	const char *t;
	bool ok;

	t = magic_buffer(mg->magic, buf, len);
	ok = t != NULL;
	if (!t)
		t = magic_error(mg->magic);
	snprintf(type, typelen, "%s", t ? t : "libmagic failed");
	return ok;
}

void qf_magic_close(struct qf_magic *mg)
{
	if (!mg)
		return;
	magic_close(mg->magic);
	unmap_all(mg);
	free(mg);
}
