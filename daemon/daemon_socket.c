/* daemon_socket.c: see daemon_socket.h */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "daemon_socket.h"

static int sockaddr_of(const char *path, struct sockaddr_un *sa, char *err, size_t errlen)
{
	memset(sa, 0, sizeof *sa);
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sa->sun_path) {
		snprintf(err, errlen, "%s: socket path too long (at most %zu bytes)", path,
			 sizeof sa->sun_path - 1);
		return -1;
	}
	strcpy(sa->sun_path, path);
	return 0;
}

/* A socket file already there: 0 when it is stale and removed. */
static int clear_stale(const char *path, const struct sockaddr_un *sa, char *err, size_t errlen)
{
	struct stat st;
	int s, rc;

	if (lstat(path, &st) < 0)
		return 0;   /* nothing there */
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "%s exists and is not a socket: not touching it", path);
		return -1;
	}
	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	rc = connect(s, (const struct sockaddr *)sa, sizeof *sa);
	close(s);
	if (rc == 0) {
		snprintf(err, errlen, "%s: another qfilterd answers on this socket", path);
		return -1;
	}
	if (errno != ECONNREFUSED) {
		snprintf(err, errlen, "%s: cannot tell whether it is in use: %s", path, strerror(errno));
		return -1;
	}
	if (unlink(path) < 0 && errno != ENOENT) {
		snprintf(err, errlen, "%s: cannot remove the stale socket: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int group_id(const char *group, gid_t *gid)
{
	struct group *g;
	char *end;
	unsigned long n;

	if ((g = getgrnam(group))) {
		*gid = g->gr_gid;
		return 0;
	}
	errno = 0;
	n = strtoul(group, &end, 10);
	if (*group && !*end && !errno) {
		*gid = (gid_t)n;
		return 0;
	}
	return -1;
}

int qf_daemon_socket_perms(const char *path, unsigned mode, const char *group,
			   char *err, size_t errlen)
{
	gid_t gid;

	if (group) {
		if (group_id(group, &gid) < 0) {
			snprintf(err, errlen, "daemon-group %s: no such group", group);
			return -1;
		}
		if (chown(path, (uid_t)-1, gid) < 0) {
			snprintf(err, errlen, "%s: cannot give it group %s: %s", path, group, strerror(errno));
			return -1;
		}
	}
	if (chmod(path, mode) < 0) {
		snprintf(err, errlen, "%s: chmod %04o: %s", path, mode, strerror(errno));
		return -1;
	}
	return 0;
}

int qf_daemon_listen(const char *path, unsigned mode, const char *group, ino_t *ino,
		     char *err, size_t errlen)
{
	struct sockaddr_un sa;
	struct stat st;
	struct sockaddr_un ta;
	char tmp[sizeof ta.sun_path + 8];
	mode_t old;
	int fd, rc;

	*err = 0;
	if (sockaddr_of(path, &sa, err, errlen) < 0 || clear_stale(path, &sa, err, errlen) < 0)
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	/* Made under a name of its own and renamed into place once it listens
	 * with its mode and group: a client that sees the socket file can
	 * connect (a connect between bind and listen would be refused, and a
	 * test client racing the start saw it). Born private (0600). */
	if (snprintf(tmp, sizeof tmp, "%s.new", path) >= (int)sizeof tmp ||
	    sockaddr_of(tmp, &ta, err, errlen) < 0) {
		if (!*err)
			snprintf(err, errlen, "%s: path too long", path);
		close(fd);
		return -1;
	}
	unlink(tmp);   /* one a dead start left behind */
	old = umask(0177);
	rc = bind(fd, (struct sockaddr *)&ta, sizeof ta);
	umask(old);
	if (rc < 0) {
		snprintf(err, errlen, "%s: bind: %s", tmp, strerror(errno));
		close(fd);
		return -1;
	}
	if (listen(fd, SOMAXCONN) < 0) {
		snprintf(err, errlen, "%s: listen: %s", path, strerror(errno));
		unlink(tmp);
		close(fd);
		return -1;
	}
	if (qf_daemon_socket_perms(tmp, mode, group, err, errlen) < 0 || rename(tmp, path) < 0 ||
	    stat(path, &st) < 0) {
		if (!*err)
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		close(fd);
		return -1;
	}
	*ino = st.st_ino;
	return fd;
}

void qf_daemon_unlink(const char *path, ino_t ino)
{
	struct stat st;

	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode) && st.st_ino == ino)
		unlink(path);
}
