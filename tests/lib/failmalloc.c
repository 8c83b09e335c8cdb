/* failmalloc.c: an allocation-failure injector, as curl's torture tests
 * do it. Built as a shared object and preloaded (LD_PRELOAD):
 *
 *   QF_FAILMALLOC_N=N      the Nth allocation returns NULL (ENOMEM), and
 *                          so do the following ones when
 *                          QF_FAILMALLOC_STICKY=1 (a heap that stays full)
 *   QF_FAILMALLOC_COUNT=F  at exit, exec or _exit, writes the number of
 *                          allocations counted so far to F (count mode:
 *                          leave N unset); a forked child writes F.PID
 *   QF_FAILMALLOC_TRACE=1  prints the call stack of the failed allocation,
 *                          and of a crash (SIGSEGV, SIGBUS, SIGABRT, SIGFPE,
 *                          SIGILL), on fd 2 (addr2line -e PROG OFFSET)
 *   QF_FAILMALLOC_SCOPE=own (default) counts only the allocations asked
 *                          for by the program's own code, or by the C
 *                          library on its behalf (fopen, asprintf,
 *                          getline...: the first frame outside libc is the
 *                          program's); "all" counts every caller. GLib
 *                          aborts by design when its g_malloc fails, so
 *                          "all" measures the libraries, "own" the program.
 *   QF_FAILMALLOC_OWN=F    the program's own code, when libraries are linked
 *                          into it statically: a file of "ADDRESS SIZE"
 *                          lines (hex, as nm -S prints them) of its
 *                          functions. Without it, the whole executable.
 *
 * Counted: malloc, calloc, realloc (growth), reallocarray, strdup, strndup,
 * posix_memalign, aligned_alloc. The counters live in this process; a
 * forked child goes on counting from where its parent was. Before an exec
 * the variables are removed from the environment, so that what the
 * program runs (the real queue, external filters) is left alone. */
#define _GNU_SOURCE 1
#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <link.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

typedef int (*execve_fn)(const char *, char *const[], char *const[]);
typedef int (*execvp_fn)(const char *, char *const[]);
typedef void (*exit_fn)(int) __attribute__((noreturn));

static unsigned long count, fail_at;
static execve_fn real_execve;
static execvp_fn real_execvp;
static exit_fn real_exit;
static int sticky, scope_all, ready, trace, in_trace;
static const char *count_file;

/* where code lives: the executable, the C library, this library */
enum { OBJ_EXE, OBJ_LIBC, OBJ_SELF, OBJ_N };
struct range { uintptr_t lo, hi; };
static struct range ranges[OBJ_N][8];
static size_t nranges[OBJ_N];
static uintptr_t exe_base;
static struct range own_fn[16384];   /* sorted; none: the whole executable */
static size_t nown_fn;

static int note_object(struct dl_phdr_info *info, size_t size, void *arg)
{
	const char *name = info->dlpi_name;
	int *first = arg, obj;
	size_t i;

	(void)size;
	if (*first) {
		obj = OBJ_EXE;   /* the first object is the executable */
		exe_base = info->dlpi_addr;
	}
	else if (name && strstr(name, "/libc.so"))
		obj = OBJ_LIBC;
	else if (name && strstr(name, "failmalloc"))
		obj = OBJ_SELF;
	else
		return 0;
	*first = 0;
	for (i = 0; i < info->dlpi_phnum && nranges[obj] < 8; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
			continue;
		ranges[obj][nranges[obj]].lo = info->dlpi_addr + ph->p_vaddr;
		ranges[obj][nranges[obj]].hi = ranges[obj][nranges[obj]].lo + ph->p_memsz;
		nranges[obj]++;
	}
	return 0;
}

static int by_lo(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* QF_FAILMALLOC_OWN: read with plain read(2), before counting starts */
static void load_own(const char *path)
{
	static char buf[1 << 20];
	char *p, *end;
	ssize_t r;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	while (got < sizeof buf - 1 && (r = read(fd, buf + got, sizeof buf - 1 - got)) > 0)
		got += r;
	close(fd);
	buf[got] = 0;
	for (p = buf; *p && nown_fn < sizeof own_fn / sizeof own_fn[0]; p = end) {
		uintptr_t lo = strtoull(p, &end, 16), len;
		if (end == p)
			break;
		len = strtoull(end, &end, 16);
		own_fn[nown_fn].lo = exe_base + lo;
		own_fn[nown_fn].hi = exe_base + lo + len;
		nown_fn++;
		end += strcspn(end, "\n");
		if (*end)
			end++;
	}
	qsort(own_fn, nown_fn, sizeof own_fn[0], by_lo);
}

static int in(int obj, const void *addr)
{
	uintptr_t a = (uintptr_t)addr;
	size_t i;

	for (i = 0; i < nranges[obj]; i++)
		if (a >= ranges[obj][i].lo && a < ranges[obj][i].hi)
			return 1;
	return 0;
}

/* the program's own code: one of its functions, or the whole executable */
static int own_code(const void *addr)
{
	uintptr_t a = (uintptr_t)addr;
	size_t lo = 0, hi = nown_fn;

	if (!in(OBJ_EXE, addr))
		return 0;
	if (!nown_fn)
		return 1;
	while (lo < hi) {   /* the last range starting at or below a */
		size_t mid = (lo + hi) / 2;
		if (own_fn[mid].lo <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && a < own_fn[lo - 1].hi;
}

static void on_crash(int sig)
{
	void *frames[32];
	int n = backtrace(frames, 32);

	if (write(2, "failmalloc: crashed here:\n", 26) < 0) {
		/* fd 2 gone */
	}
	backtrace_symbols_fd(frames, n, 2);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void setup(void)
{
	const char *s;
	int first = 1;

	if (ready)
		return;
	/* looked up before counting starts: dlsym may allocate */
	real_execve = (execve_fn)dlsym(RTLD_NEXT, "execve");
	real_execvp = (execvp_fn)dlsym(RTLD_NEXT, "execvp");
	real_exit = (exit_fn)dlsym(RTLD_NEXT, "_exit");
	s = getenv("QF_FAILMALLOC_TRACE");
	trace = s && *s == '1';
	{	/* the first backtrace() loads libgcc_s: now, not while counting */
		void *frames[4];
		backtrace(frames, 4);
	}
	if (trace) {
		int sigs[] = { SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL };
		size_t i;
		for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
			signal(sigs[i], on_crash);
	}
	s = getenv("QF_FAILMALLOC_N");
	fail_at = s ? strtoul(s, NULL, 10) : 0;
	s = getenv("QF_FAILMALLOC_STICKY");
	sticky = s && *s == '1';
	s = getenv("QF_FAILMALLOC_SCOPE");
	scope_all = s && !strcmp(s, "all");
	count_file = getenv("QF_FAILMALLOC_COUNT");
	dl_iterate_phdr(note_object, &first);
	if ((s = getenv("QF_FAILMALLOC_OWN")) && *s)
		load_own(s);
	ready = 1;   /* counting starts */
}

__attribute__((constructor)) static void failmalloc_init(void)
{
	setup();
}

static __thread int walking;

/* The program's own allocation: asked for by its code, or by the C
 * library on its behalf (fopen, asprintf, getline...: the first frame
 * outside the C library is the program's). A library's allocations,
 * through the C library or not, are its own business. */
static int counted(const void *caller)
{
	void *frames[24];
	int n, i, mine = 0;

	if (!ready || walking)
		return 0;   /* before set-up (the loader's work), or our own walk */
	if (scope_all || own_code(caller))
		return 1;
	if (!in(OBJ_LIBC, caller))
		return 0;
	walking = 1;
	n = backtrace(frames, 24);
	walking = 0;
	for (i = 0; i < n; i++) {
		if (in(OBJ_SELF, frames[i]) || in(OBJ_LIBC, frames[i]))
			continue;
		mine = own_code(frames[i]);
		break;
	}
	return mine;
}

/* true: this allocation fails */
static int inject(const void *caller)
{
	if (!counted(caller))
		return 0;
	count++;
	if (fail_at && (count == fail_at || (sticky && count > fail_at))) {
		if (trace && !in_trace) {
			void *frames[32];
			int n;
			in_trace = 1;
			n = backtrace(frames, 32);
			if (write(2, "failmalloc: failing this allocation:\n", 37) < 0) {
				/* fd 2 gone: nothing to tell */
			}
			backtrace_symbols_fd(frames, n, 2);
			in_trace = 0;
		}
		errno = ENOMEM;
		return 1;
	}
	return 0;
}

static pid_t first_pid;

static void write_count(void)
{
	char path[4096], num[32];
	int fd, n;

	if (!count_file)
		return;
	if (!first_pid)
		first_pid = getpid();
	if (getpid() == first_pid)
		n = snprintf(path, sizeof path, "%s", count_file);
	else
		n = snprintf(path, sizeof path, "%s.%d", count_file, (int)getpid());
	if (n < 0 || (size_t)n >= sizeof path)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	n = snprintf(num, sizeof num, "%lu\n", count);
	if (write(fd, num, n) < 0) {
		/* a count that cannot be written is a missing count: the test says so */
	}
	close(fd);
}

__attribute__((constructor(101))) static void remember_pid(void)
{
	first_pid = getpid();
}

__attribute__((destructor)) static void failmalloc_fini(void)
{
	write_count();
}

void *malloc(size_t n)
{
	if (inject(__builtin_return_address(0)))
		return NULL;
	return __libc_malloc(n);
}

void *calloc(size_t a, size_t b)
{
	if (inject(__builtin_return_address(0)))
		return NULL;
	return __libc_calloc(a, b);
}

void *realloc(void *p, size_t n)
{
	/* realloc(p, 0) frees: never fail it */
	if (n && inject(__builtin_return_address(0)))
		return NULL;
	return __libc_realloc(p, n);
}

void *reallocarray(void *p, size_t a, size_t b)
{
	size_t n;

	if (__builtin_mul_overflow(a, b, &n)) {
		errno = ENOMEM;
		return NULL;
	}
	if (n && inject(__builtin_return_address(0)))
		return NULL;
	return __libc_realloc(p, n);
}

char *strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d;

	if (inject(__builtin_return_address(0)))
		return NULL;
	if ((d = __libc_malloc(n)))
		memcpy(d, s, n);
	return d;
}

char *strndup(const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	char *d;

	if (inject(__builtin_return_address(0)))
		return NULL;
	if ((d = __libc_malloc(n + 1))) {
		memcpy(d, s, n);
		d[n] = 0;
	}
	return d;
}

int posix_memalign(void **out, size_t align, size_t n)
{
	void *p;

	if (inject(__builtin_return_address(0)))
		return ENOMEM;
	if (align < sizeof(void *) || (align & (align - 1)))
		return EINVAL;
	p = __libc_memalign(align, n);
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

void *aligned_alloc(size_t align, size_t n)
{
	if (inject(__builtin_return_address(0)))
		return NULL;
	return __libc_memalign(align, n);
}

/* What the program execs must not inherit the injection. */
static void scrub_environ(void)
{
	unsetenv("LD_PRELOAD");
	unsetenv("QF_FAILMALLOC_N");
	unsetenv("QF_FAILMALLOC_COUNT");
	unsetenv("QF_FAILMALLOC_OWN");
}

/* envp without our variables, into out (at most max-1 entries kept) */
static char *const *scrub(char *const envp[], char **out, size_t max)
{
	size_t i, n = 0;

	for (i = 0; envp && envp[i] && n + 1 < max; i++)
		if (strncmp(envp[i], "LD_PRELOAD=", 11) && strncmp(envp[i], "QF_FAILMALLOC_", 14))
			out[n++] = envp[i];
	out[n] = NULL;
	return out;
}

int execve(const char *path, char *const argv[], char *const envp[])
{
	char *clean[1024];

	setup();
	write_count();
	return real_execve(path, argv, scrub(envp, clean, sizeof clean / sizeof clean[0]));
}

int execv(const char *path, char *const argv[])
{
	extern char **environ;

	setup();
	write_count();
	scrub_environ();
	return real_execve(path, argv, environ);
}

int execvp(const char *file, char *const argv[])
{
	setup();
	write_count();
	scrub_environ();
	return real_execvp(file, argv);
}

void _exit(int code)
{
	setup();
	write_count();
	real_exit(code);
}

void _Exit(int code)
{
	_exit(code);
}
