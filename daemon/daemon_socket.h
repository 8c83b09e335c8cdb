/* daemon_socket.h: qfilterd's listening socket (qfilterd(8)). Only
 * users who may write to the socket file can connect: its mode and group
 * come from the daemon-mode and daemon-group settings. */
#ifndef QF_DAEMON_SOCKET_H
#define QF_DAEMON_SOCKET_H

#include <stddef.h>
#include <sys/types.h>

/* Listens on path (non-blocking, close-on-exec). A stale socket left by
 * a dead qfilterd is removed; a socket some process still answers on, or
 * a path that is not a socket, is an error: two daemons must not fight
 * over one socket. *ino: the socket file's inode, for qf_daemon_unlink.
 * Returns the fd, or -1 with err. */
int qf_daemon_listen(const char *path, unsigned mode, const char *group, ino_t *ino,
		     char *err, size_t errlen);
/* Gives path its group (a name or a number; NULL: unchanged) and mode.
 * 0, or -1 with err. */
int qf_daemon_socket_perms(const char *path, unsigned mode, const char *group,
			   char *err, size_t errlen);
/* Removes path when it is still the socket we made (same inode). */
void qf_daemon_unlink(const char *path, ino_t ino);

#endif
