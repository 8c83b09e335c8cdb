/* runner.c: the benchmark's timer. Runs every configuration of a plan
 * round-robin, so that machine noise hits them all alike, and times each
 * run from spawn to exit, as qmail-smtpd sees its QMAILQUEUE program.
 *
 *   runner PLAN OUTDIR ROUNDS
 *
 * PLAN: blocks of lines (# comments), after an optional
 *   alternate          every odd round runs the configurations in the
 *                      reverse order (a before/after pair, each next to
 *                      its twin, then takes turns at running first)
 *   config NAME        starts a configuration
 *   msg FILE           fd 0 (the message), opened afresh for every run
 *   env FILE           fd 1 (the envelope)
 *   runs N             how many runs (default ROUNDS), spread evenly over
 *                      the ROUNDS rounds
 *   expect CODE        the exit code every run must give (default 0)
 *   set NAME=VALUE     environment (nothing else is inherited but PATH)
 *   run PROG ARGS...   the command (words split on blanks)
 * fd 2 of each run is appended to OUTDIR/NAME.log; every other descriptor
 * is closed. Writes OUTDIR/NAME.times (ms, peak RSS in KiB, exit code, one
 * run a line) and prints one tab-separated line per configuration:
 *   NAME runs median_ms p90_ms min_ms user+sys_ms peak_rss_kib failures
 * Exit 1 when a run did not exit with its expected code. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAXWORDS 64

static int alternate;

struct config {
	char *name, *msg, *env;
	unsigned runs, done, failed;
	int expect;
	char *argv[MAXWORDS];
	char *envp[MAXWORDS];
	size_t nargv, nenvp;
	double *ms, *cpu;
	long *rss;
	FILE *times;
	char log[4096];
};

static void die(const char *what)
{
	fprintf(stderr, "runner: %s: %s\n", what, errno ? strerror(errno) : "bad plan");
	exit(2);
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		die("strdup");
	return d;
}

static size_t load(const char *path, struct config **out, unsigned rounds)
{
	FILE *f = fopen(path, "r");
	char line[8192], *p, *w, *save;
	struct config *c = NULL, *cur = NULL;
	size_t n = 0;
	const char *pathenv = getenv("PATH");

	if (!f)
		die(path);
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = 0;
		p = line + strspn(line, " \t");
		if (!*p || *p == '#')
			continue;
		w = strtok_r(p, " \t", &save);
		if (!strcmp(w, "alternate") && !cur) {
			alternate = 1;
			continue;
		}
		if (!strcmp(w, "config")) {
			c = realloc(c, (n + 1) * sizeof *c);
			if (!c)
				die("realloc");
			cur = &c[n++];
			memset(cur, 0, sizeof *cur);
			cur->name = xstrdup(strtok_r(NULL, " \t", &save));
			cur->runs = rounds;
			if (pathenv) {
				char *e = malloc(strlen(pathenv) + 6);
				if (!e)
					die("malloc");
				sprintf(e, "PATH=%s", pathenv);
				cur->envp[cur->nenvp++] = e;
			}
			continue;
		}
		if (!cur)
			die("plan: a line before the first config");
		if (!strcmp(w, "msg"))
			cur->msg = xstrdup(save + strspn(save, " \t"));
		else if (!strcmp(w, "env"))
			cur->env = xstrdup(save + strspn(save, " \t"));
		else if (!strcmp(w, "runs"))
			cur->runs = (unsigned)atoi(save);
		else if (!strcmp(w, "expect"))
			cur->expect = atoi(save);
		else if (!strcmp(w, "set")) {
			if (cur->nenvp + 1 >= MAXWORDS)
				die("plan: too many set lines");
			cur->envp[cur->nenvp++] = xstrdup(save + strspn(save, " \t"));
		} else if (!strcmp(w, "run")) {
			while ((w = strtok_r(NULL, " \t", &save))) {
				if (cur->nargv + 1 >= MAXWORDS)
					die("plan: too many words");
				cur->argv[cur->nargv++] = xstrdup(w);
			}
		} else {
			errno = 0;
			die(w);
		}
	}
	fclose(f);
	*out = c;
	return n;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* One run: spawn, wait, record. */
static void run(struct config *c)
{
	posix_spawn_file_actions_t fa;
	struct rusage ru;
	pid_t pid;
	int status, code;
	double t0, t1, cpu;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, c->msg, O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, c->env, O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, c->log, O_WRONLY | O_APPEND | O_CREAT, 0644);
	t0 = now_ms();
	errno = posix_spawn(&pid, c->argv[0], &fa, NULL, c->argv, c->envp);
	if (errno)
		die(c->argv[0]);
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR)
			die("wait4");
	t1 = now_ms();
	posix_spawn_file_actions_destroy(&fa);
	code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	cpu = ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3 +
	      ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3;
	c->ms[c->done] = t1 - t0;
	c->cpu[c->done] = cpu;
	c->rss[c->done] = ru.ru_maxrss;
	c->done++;
	if (code != c->expect)
		c->failed++;
	fprintf(c->times, "%.3f %ld %d\n", t1 - t0, ru.ru_maxrss, code);
}

static int by_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int by_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

/* the value below which p of the sorted values lie (nearest rank) */
static double rank(const double *v, unsigned n, double p)
{
	unsigned i = (unsigned)(p * n + 0.999999);

	return v[i ? i - 1 : 0];
}

int main(int argc, char **argv)
{
	struct config *c;
	size_t n, i, j;
	unsigned rounds, r, fd;
	int bad = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: runner PLAN OUTDIR ROUNDS\n");
		return 2;
	}
	rounds = (unsigned)atoi(argv[3]);
	if (!rounds)
		rounds = 1;
	/* nothing of ours may reach the programs but fd 0-2, which they get afresh */
	for (fd = 3; fd < 1024; fd++)
		fcntl((int)fd, F_SETFD, FD_CLOEXEC);
	n = load(argv[1], &c, rounds);
	for (i = 0; i < n; i++) {
		char path[4096];
		if (!c[i].msg || !c[i].env || !c[i].nargv) {
			errno = 0;
			die(c[i].name);
		}
		if (c[i].runs > rounds)
			c[i].runs = rounds;
		if (!c[i].runs)
			c[i].runs = 1;
		c[i].ms = calloc(c[i].runs, sizeof *c[i].ms);
		c[i].cpu = calloc(c[i].runs, sizeof *c[i].cpu);
		c[i].rss = calloc(c[i].runs, sizeof *c[i].rss);
		snprintf(path, sizeof path, "%s/%s.times", argv[2], c[i].name);
		c[i].times = fopen(path, "w");
		snprintf(c[i].log, sizeof c[i].log, "%s/%s.log", argv[2], c[i].name);
		if (!c[i].ms || !c[i].cpu || !c[i].rss || !c[i].times)
			die(path);
	}
	/* Round r runs a configuration of N runs when floor(r*N/R) steps:
	 * its runs are spread over the whole bench, not bunched at the start. */
	for (r = 0; r < rounds; r++)
		for (j = 0; j < n; j++) {
			i = alternate && r % 2 ? n - 1 - j : j;
			if ((unsigned long)(r + 1) * c[i].runs / rounds != (unsigned long)r * c[i].runs / rounds)
				run(&c[i]);
		}
	for (i = 0; i < n; i++) {
		unsigned k = c[i].done;
		qsort(c[i].ms, k, sizeof *c[i].ms, by_double);
		qsort(c[i].cpu, k, sizeof *c[i].cpu, by_double);
		qsort(c[i].rss, k, sizeof *c[i].rss, by_long);
		fclose(c[i].times);
		printf("%s\t%u\t%.3f\t%.3f\t%.3f\t%.3f\t%ld\t%u\n", c[i].name, k,
		       rank(c[i].ms, k, 0.5), rank(c[i].ms, k, 0.9), c[i].ms[0],
		       rank(c[i].cpu, k, 0.5), c[i].rss[k / 2], c[i].failed);
		if (c[i].failed)
			bad = 1;
	}
	return bad;
}
