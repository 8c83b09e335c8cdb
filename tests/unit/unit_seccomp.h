/* unit_seccomp.h: making system calls fail on purpose, in a test's child
 * process, to reach the error paths a healthy kernel never takes (a
 * kernel without memfd, a file system without O_TMPFILE, a refused
 * fcntl). Once installed, a filter stays for the rest of the process. */
#ifndef QF_UNIT_SECCOMP_H
#define QF_UNIT_SECCOMP_H

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

static inline void unit_seccomp_install(struct sock_filter *f, size_t k)
{
	struct sock_fprog prog = { (unsigned short)k, f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
		printf("not ok - cannot install the seccomp filter: %s\n", strerror(errno));
		exit(2);
	}
}

/* The n (at most 4) system calls in nr fail with err. */
static inline void unit_deny_calls(const unsigned *nr, size_t n, unsigned err)
{
	struct sock_filter f[2 + 2 * 4];
	size_t i, k = 0;

	f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	for (i = 0; i < n && i < 4; i++) {
		f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr[i], 0, 1);
		f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | err);
	}
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	unit_seccomp_install(f, k);
}

#endif
