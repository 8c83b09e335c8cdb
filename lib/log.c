/* log.c: see log.h */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "log.h"

const char *qf_log_name = "qfilter";
int qf_log_muted;

void qf_vlog(const char *fmt, va_list ap)
{
	char buf[4096];
	int n, m;

	if (qf_log_muted)
		return;
	n = snprintf(buf, sizeof buf, "%s: ", qf_log_name);
	if (n < 0)
		return;
	m = vsnprintf(buf + n, sizeof buf - n - 1, fmt, ap);
	if (m < 0)
		return;
	n += m;
	if (n > (int)sizeof buf - 2)
		n = sizeof buf - 2;
	buf[n++] = '\n';
	if (write(2, buf, n) < 0) {
		/* nowhere left to report it */
	}
}

void qf_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	qf_vlog(fmt, ap);
	va_end(ap);
}

static void put(char *buf, size_t len, size_t *pos, char c)
{
	if (*pos + 1 < len) {
		buf[(*pos)++] = c;
		buf[*pos] = 0;
	}
}

void qf_log_kv(char *buf, size_t len, size_t *pos, const char *key, const char *value)
{
	const char *p;
	int quote;

	if (!value)
		value = "";
	quote = !*value || strpbrk(value, " \t\"\\=") != NULL;
	put(buf, len, pos, ' ');
	for (p = key; *p; p++)
		put(buf, len, pos, *p);
	put(buf, len, pos, '=');
	if (quote)
		put(buf, len, pos, '"');
	for (p = value; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (quote && (c == '"' || c == '\\'))
			put(buf, len, pos, '\\');
		put(buf, len, pos, c < 0x20 || c == 0x7f ? '?' : (char)c);
	}
	if (quote)
		put(buf, len, pos, '"');
}
