/* log.h: lines on fd 2, one write() each so that lines from concurrent
 * processes do not interleave (multilog-friendly). */
#ifndef QF_LOG_H
#define QF_LOG_H

#include <stdarg.h>
#include <stddef.h>

/* "qfilter" or "qfilterd": the first word of every line */
extern const char *qf_log_name;
/* Set when fd 2 is the custom-error descriptor (errfd 2, indimail): what
 * is written there becomes the SMTP reply, so nothing else may be. */
extern int qf_log_muted;
void qf_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void qf_vlog(const char *fmt, va_list ap);

/* Appends " key=value" to buf (of size len, at *pos), quoting the value
 * with "" when it is empty or holds a space, quote, backslash or '=';
 * control characters become '?'. Truncates safely. */
void qf_log_kv(char *buf, size_t len, size_t *pos, const char *key, const char *value);

#endif
