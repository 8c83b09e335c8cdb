/* daemon_master.c: see daemon_master.h.
 *
 * Workers of one generation share the read end of a pipe whose write end
 * only the master holds. Closing it is how the master retires a
 * generation (reload, stop): each worker sees the hang-up when it is
 * idle, finishes nothing less than the message in hand, and exits. It
 * also works when the master dies, so no worker outlives it. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "daemon_master.h"
#include "daemon_socket.h"
#include "daemon_worker.h"
#include "exitcodes.h"
#include "filter.h"
#include "log.h"
#include "msg.h"
#include "registry.h"

#define QUICK_DEATH_MS 1000   /* a worker dying this young is not replaced at once */

struct child {
	pid_t pid;
	unsigned gen;
	int64_t started_ms;
};

struct master {
	struct qf_daemon_setup *s;
	char *sockpath;           /* the socket listened on: fixed until restart */
	unsigned gen;             /* the current generation */
	int gen_r, gen_w;         /* its pipe */
	unsigned want;            /* workers of the current generation */
	struct child *kids;
	size_t nkids, cap;
	int64_t respawn_at;       /* ms; 0: replace dead workers now */
};

struct qf_engine *qf_daemon_engine_load(const char *confpath, char *err, size_t errlen)
{
	struct qf_engine *e = calloc(1, sizeof *e);
	size_t i;

	if (!e) {
		snprintf(err, errlen, "engine: out of memory");
		return NULL;
	}
	if (qf_engine_open(e, qf_filters, qf_nfilters, confpath, err, errlen) < 0) {
		free(e);
		return NULL;
	}
	qf_engine_init_all(e);
	for (i = 0; i < e->nfilters; i++)
		if (e->filters[i] && e->init_error[i])
			qf_log("warning: filter %s is not available (its messages will be refused "
			       "temporarily): %s", e->filters[i]->name, e->init_error[i]);
	return e;
}

void qf_daemon_engine_free(struct qf_engine *e)
{
	if (e) {
		qf_engine_close(e);
		free(e);
	}
}

static int new_generation(struct master *ms)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0) {
		qf_log("error: pipe: %s", strerror(errno));
		return -1;
	}
	ms->gen_r = p[0];
	ms->gen_w = p[1];
	ms->gen++;
	return 0;
}

/* Closing the write end tells the generation's workers to finish. */
static void retire_generation(struct master *ms)
{
	if (ms->gen_w >= 0)
		close(ms->gen_w);
	if (ms->gen_r >= 0)
		close(ms->gen_r);
	ms->gen_w = ms->gen_r = -1;
}

static size_t current_workers(const struct master *ms)
{
	size_t i, n = 0;

	for (i = 0; i < ms->nkids; i++)
		n += ms->kids[i].gen == ms->gen;
	return n;
}

static int spawn(struct master *ms)
{
	struct child *k;
	pid_t pid;

	if (ms->nkids == ms->cap) {
		size_t cap = ms->cap ? ms->cap * 2 : 16;
		if (!(k = realloc(ms->kids, cap * sizeof *k))) {
			qf_log("error: out of memory for the worker table");
			return -1;
		}
		ms->kids = k;
		ms->cap = cap;
	}
	pid = fork();
	if (pid < 0) {
		qf_log("error: fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		close(ms->gen_w);   /* only the master may hold it */
		/* the signals stay blocked until the worker has its handlers */
		qf_daemon_worker_run(ms->s->engine, ms->s->listen_fd, ms->gen_r);
	}
	ms->kids[ms->nkids].pid = pid;
	ms->kids[ms->nkids].gen = ms->gen;
	ms->kids[ms->nkids].started_ms = qf_now_ms();
	ms->nkids++;
	return 0;
}

static void top_up(struct master *ms)
{
	size_t n;

	if (ms->gen_r < 0)
		return;   /* no generation to start workers in */
	if (ms->respawn_at) {
		if (qf_now_ms() < ms->respawn_at)
			return;
		ms->respawn_at = 0;
	}
	for (n = current_workers(ms); n < ms->want; n++)
		if (spawn(ms) < 0) {
			ms->respawn_at = qf_now_ms() + QUICK_DEATH_MS;
			return;
		}
}

static void note_death(struct master *ms, const struct child *k, int status)
{
	bool current = k->gen == ms->gen;

	if (WIFSIGNALED(status))
		qf_log("warning: worker %d killed by signal %d%s", (int)k->pid, WTERMSIG(status),
		       current ? ": starting another" : "");
	else if (WEXITSTATUS(status) == QF_EXIT_TIMEOUT)
		qf_log("warning: worker %d stuck past a message's timeout, exited%s", (int)k->pid,
		       current ? ": starting another" : "");
	else if (WEXITSTATUS(status) != 0)
		qf_log("warning: worker %d exited %d%s", (int)k->pid, WEXITSTATUS(status),
		       current ? ": starting another" : "");
	if (current && qf_now_ms() - k->started_ms < QUICK_DEATH_MS && !ms->respawn_at) {
		ms->respawn_at = qf_now_ms() + QUICK_DEATH_MS;
		if (WIFSIGNALED(status) || WEXITSTATUS(status) != 0)
			qf_log("warning: workers die right after start: waiting %d ms between restarts",
			       QUICK_DEATH_MS);
	}
}

static void reap(struct master *ms)
{
	pid_t pid;
	size_t i;
	int status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (i = 0; i < ms->nkids && ms->kids[i].pid != pid; i++)
			;
		if (i == ms->nkids)
			continue;
		note_death(ms, &ms->kids[i], status);
		ms->kids[i] = ms->kids[--ms->nkids];
	}
}

/* A new engine must not be worse than the running one: a filter that
 * works now and would fail after the reload keeps the old engine. */
static const struct qf_filter *lost_filter(const struct qf_engine *old, const struct qf_engine *e,
					   const char **why)
{
	size_t i;

	for (i = 0; i < e->nfilters; i++)
		if (e->filters[i] && e->init_error[i] && !old->init_error[i]) {
			*why = e->init_error[i];
			return e->filters[i];
		}
	return NULL;
}

static void reload(struct master *ms)
{
	struct qf_engine *e, *old = ms->s->engine;
	const struct qf_filter *lost;
	const char *why;
	char err[1024];
	size_t old_workers;

	qf_log("reloading %s", ms->s->confpath);
	if (!(e = qf_daemon_engine_load(ms->s->confpath, err, sizeof err))) {
		qf_log("error: reload failed, keeping the running configuration: %s", err);
		return;
	}
	if ((lost = lost_filter(old, e, &why))) {
		qf_log("error: reload failed, keeping the running configuration: filter %s: %s",
		       lost->name, why);
		qf_daemon_engine_free(e);
		return;
	}
	if (!e->cfg.daemon || strcmp(e->cfg.daemon, ms->sockpath) != 0)
		qf_log("warning: the daemon socket changes only on a restart; still listening on %s",
		       ms->sockpath);
	else if (qf_daemon_socket_perms(ms->sockpath, e->cfg.daemon_mode, e->cfg.daemon_group,
					err, sizeof err) < 0)
		qf_log("warning: %s", err);
	/* The old generation goes first, so that the new workers do not
	 * inherit its pipe; connections wait in the backlog meanwhile. */
	old_workers = current_workers(ms);
	retire_generation(ms);
	if (new_generation(ms) < 0) {
		qf_log("error: reload: no new generation: the old workers finish and are replaced");
		ms->gen_r = ms->gen_w = -1;
	}
	ms->s->engine = e;
	ms->want = e->cfg.daemon_workers;
	ms->respawn_at = 0;
	top_up(ms);
	qf_daemon_engine_free(old);
	qf_log("reloaded: %u workers on the new configuration; %zu old ones finish their messages",
	       ms->want, old_workers);
}

static void stop(struct master *ms, int sig)
{
	int status;
	pid_t pid;
	size_t i;

	qf_log("stopping (signal %d): %zu workers finish their messages", sig, ms->nkids);
	/* new clients find no socket and fall back at once */
	qf_daemon_unlink(ms->sockpath, ms->s->socket_ino);
	close(ms->s->listen_fd);
	retire_generation(ms);
	while (ms->nkids) {
		pid = waitpid(-1, &status, 0);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;   /* ECHILD: none left */
		}
		for (i = 0; i < ms->nkids; i++)
			if (ms->kids[i].pid == pid) {
				ms->kids[i] = ms->kids[--ms->nkids];
				break;
			}
	}
	qf_log("stopped");
}

int qf_daemon_master_run(struct qf_daemon_setup *s)
{
	struct master ms;
	struct timespec ts;
	sigset_t set;
	int64_t wait_ms;
	int sig;

	memset(&ms, 0, sizeof ms);
	ms.s = s;
	ms.gen_r = ms.gen_w = -1;
	if (!(ms.sockpath = strdup(s->engine->cfg.daemon)) || new_generation(&ms) < 0) {
		qf_log("error: out of resources at start");
		return 111;
	}
	ms.want = s->engine->cfg.daemon_workers;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	top_up(&ms);
	for (;;) {
		if (ms.respawn_at) {
			wait_ms = ms.respawn_at - qf_now_ms();
			if (wait_ms < 0)
				wait_ms = 0;
			ts.tv_sec = wait_ms / 1000;
			ts.tv_nsec = (wait_ms % 1000) * 1000000;
			sig = sigtimedwait(&set, NULL, &ts);
		} else {
			sig = sigwaitinfo(&set, NULL);
		}
		if (sig == SIGTERM || sig == SIGINT) {
			stop(&ms, sig);
			break;
		}
		if (sig == SIGHUP)
			reload(&ms);
		else if (sig == SIGCHLD)
			reap(&ms);
		if (ms.gen_w < 0 && new_generation(&ms) == 0)
			ms.want = ms.s->engine->cfg.daemon_workers;
		top_up(&ms);
	}
	qf_daemon_engine_free(s->engine);
	s->engine = NULL;
	free(ms.kids);
	free(ms.sockpath);
	return 0;
}
