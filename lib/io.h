/* io.h: the read/write loops everything uses; EINTR is retried unless
 * the deadline has fired (qf_io_interrupted), so that blocking calls
 * return when the timeout expires. */
#ifndef QF_IO_H
#define QF_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Set by the SIGALRM handler: blocking I/O gives up with ETIMEDOUT. */
extern volatile int qf_io_interrupted;

/* Writes all of buf. 0, or -1 (errno). */
int qf_write_all(int fd, const void *buf, size_t len);
/* Reads up to len bytes, retrying on short reads until EOF. Returns the
 * count (less than len only at EOF) or -1 (errno). */
ssize_t qf_read_full(int fd, void *buf, size_t len);
/* Reads exactly len bytes at off (pread, a copy's known range). 0, or -1
 * with errno: EIO when the file ends first. */
int qf_pread_exact(int fd, void *buf, size_t len, uint64_t off);
/* The whole of a regular file of at most max bytes, NUL-terminated, its
 * length in *len; NULL with a message "path: why" in err, and errno as
 * the failure left it (ENOENT for a missing file). */
char *qf_read_file(const char *path, size_t max, size_t *len, char *err, size_t errlen);
/* Reads and discards fd to EOF. 0 or -1. */
int qf_drain(int fd);
/* Copies [off, off+len) of in to out (copy_file_range, sendfile, then
 * read/write). 0 or -1 (errno). */
int qf_copy_range(int in, uint64_t off, uint64_t len, int out);
/* The same when out is a pipe: from sendfile on. */
int qf_copy_range_to_pipe(int in, uint64_t off, uint64_t len, int out);
/* An unlinked temp file in dir (NULL: $TMPDIR, else /tmp), mode 0600,
 * O_CLOEXEC. fd or -1 (errno). */
int qf_tempfile(const char *dir);
/* Whether the spool directory (the same default) could take a temp file
 * (access(2): writable and searchable). 0 or -1 (errno). Checked for
 * every message even when it is kept in memory, so that a broken spool
 * setting shows at once, not only on large messages. */
int qf_tempdir_usable(const char *dir);
/* Whether the spool directory's file system has room for a file of size
 * bytes (statvfs(2), the blocks an unprivileged user may take). A message
 * kept in memory is checked this way, so that a full spool shows on
 * every message, as on one that is written there. 0, or -1 with errno
 * ENOSPC (or statvfs's error). */
int qf_tempdir_room(const char *dir, uint64_t size);
/* For a file of size bytes: in memory when size <= memory (0: never),
 * else (or without memfd) a temp file in dir. fd or -1 (errno);
 * *in_memory (when not NULL) tells which. */
int qf_tempfile_sized(const char *dir, uint64_t size, uint64_t memory, bool *in_memory);

#endif
