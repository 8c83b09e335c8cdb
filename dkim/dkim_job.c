/* dkim_job.c: the helpers the verifiers share for one message (see
 * dkim_int.h): the look-up budget, the keys, warnings, memory trouble. */
#include <stdarg.h>
#include <stdio.h>
#include "clock.h"
#include "dkim_int.h"

void dkim_copy(char *dst, size_t dstlen, const char *src)
{
	snprintf(dst, dstlen, "%s", src ? src : "");
}

int dkim_job_ms(const struct dkim_job *job)
{
	int64_t left;

	if (!job->deadline_ms)
		return 1 << 30;
	left = job->deadline_ms - qf_now_ms();
	if (left < 0)
		return 0;
	return left > (1 << 30) ? 1 << 30 : (int)left;
}

void dkim_job_warn(struct dkim_job *job, const char *fmt, ...)
{
	char line[2048];
	va_list ap;

	if (!job->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	job->warn(job->warn_arg, line);
}

struct dkim_keys *dkim_job_keys(struct dkim_job *job)
{
	if (!job->keys.r) {
		dkim_job_warn(job, "dkim: no resolver: %s", job->st->resolver_error);
		return NULL;
	}
	return &job->keys;
}

void dkim_job_nomem(struct dkim_job *job, const char *what)
{
	if (!job->nomem)
		dkim_copy(job->nomem_why, sizeof job->nomem_why, what);
	job->nomem = true;
}
