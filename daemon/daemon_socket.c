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

/* The socket is made under a second name (path.new), listening and with
 * its final mode and group, then linked to path: whoever sees the socket
 * file may connect at once. Bound straight to path, it would refuse a
 * connect between bind and listen (seen under load), or let one in
 * before the permissions are set. link, unlike rename, never replaces a
 * socket another qfilterd put there meanwhile. */
int qf_daemon_listen(const char *path, unsigned mode, const char *group, ino_t *ino,
		     char *err, size_t errlen)
{
	struct sockaddr_un sa, tmp;
	struct stat st;
	char tmppath[sizeof tmp.sun_path + 8];
	mode_t old;
	int fd, rc;

	*err = 0;
	if (sockaddr_of(path, &sa, err, errlen) < 0 || clear_stale(path, &sa, err, errlen) < 0)
		return -1;
	snprintf(tmppath, sizeof tmppath, "%s.new", path);
	if (sockaddr_of(tmppath, &tmp, err, errlen) < 0)
		return -1;
	/* left by a start that died half-way: no one listens there */
	if (lstat(tmppath, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(tmppath);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	/* born private (0600): opened up to mode and group below */
	old = umask(0177);
	rc = bind(fd, (struct sockaddr *)&tmp, sizeof tmp);
	umask(old);
	if (rc < 0) {
		snprintf(err, errlen, "%s: bind: %s", tmppath, strerror(errno));
		close(fd);
		return -1;
	}
	if (listen(fd, SOMAXCONN) < 0)
		snprintf(err, errlen, "%s: listen: %s", tmppath, strerror(errno));
	else if (qf_daemon_socket_perms(tmppath, mode, group, err, errlen) < 0)
		;
	else if (link(tmppath, path) < 0)
		snprintf(err, errlen, "%s: %s", path, errno == EEXIST ?
			 "another process created it while qfilterd started" : strerror(errno));
	else if (stat(path, &st) < 0)
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	unlink(tmppath);
	if (*err) {
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
