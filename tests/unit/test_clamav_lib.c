/* test_clamav_lib: libclamav loaded with dlopen (filters/clamav_lib.c),
 * on a database written here: EICAR as a body signature. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "unit.h"
#include "clamav_lib.h"

static const char eicar[] =
	"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

static int tmpfile_with(const char *dir, const char *text)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof path, "%s/msg.XXXXXX", dir);
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	unlink(path);
	/* the offset stays at the end: the scan must not depend on it */
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		close(fd);
		return -1;
	}
	return fd;
}

int main(void)
{
	char dir[] = "/tmp/qf-clamav-lib.XXXXXX", db[64], empty[64], path[128], err[256];
	struct qf_clamav_lib *lib;
	struct qf_clamav_scan r;
	FILE *f;
	size_t i;
	int fd;

	if (!mkdtemp(dir))
		return 1;
	snprintf(db, sizeof db, "%s/db", dir);
	snprintf(empty, sizeof empty, "%s/empty", dir);
	mkdir(db, 0700);
	mkdir(empty, 0700);
	snprintf(path, sizeof path, "%s/test.ndb", db);
	f = fopen(path, "w");
	if (!f)
		return 1;
	fprintf(f, "Eicar-Test-Signature:0:*:");
	for (i = 0; eicar[i]; i++)
		fprintf(f, "%02x", (unsigned char)eicar[i]);
	fprintf(f, "\n");
	fclose(f);

	err[0] = 0;
	lib = qf_clamav_lib_open(db, dir, 10, err, sizeof err);
	CHECK(lib != NULL, "libclamav loads a one-signature database (%s)", err);
	if (lib) {
		fd = tmpfile_with(dir, "From: a@example.net\nSubject: x\n\nX5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*\n");
		qf_clamav_lib_scan(lib, fd, &r);
		CHECK_INT(r.status, QF_CLAMAV_FOUND, "EICAR in a message is found");
		CHECK_STR(r.name, "Eicar-Test-Signature.UNOFFICIAL", "with its name");
		close(fd);
		fd = tmpfile_with(dir, "From: a@example.net\nSubject: x\n\nhello\n");
		qf_clamav_lib_scan(lib, fd, &r);
		CHECK_INT(r.status, QF_CLAMAV_CLEAN, "a plain message is clean");
		CHECK(strncmp(r.engine, "libclamav 1.", 12) == 0, "the engine names itself (%s)", r.engine);
		close(fd);
		qf_clamav_lib_scan(lib, -1, &r);
		CHECK_INT(r.status, QF_CLAMAV_ERROR, "a bad descriptor is an error, not clean");
		CHECK(r.detail[0] != 0, "with a reason (%s)", r.detail);
		qf_clamav_lib_close(lib);
	}
	lib = qf_clamav_lib_open(empty, NULL, 0, err, sizeof err);
	CHECK(lib == NULL, "an empty database is refused (%s)", err);
	qf_clamav_lib_close(lib);
	snprintf(path, sizeof path, "%s/none", dir);
	lib = qf_clamav_lib_open(path, NULL, 0, err, sizeof err);
	CHECK(lib == NULL, "a missing database is refused (%s)", err);

	snprintf(path, sizeof path, "rm -rf '%s'", dir);
	if (system(path) != 0)
		printf("# could not remove %s\n", dir);
	return unit_done();
}
