/* mime_yenc.h: yEnc blocks ("=ybegin ... name=N", data lines, "=yend")
 * inside a text part, decoded a line at a time as readers do. */
#ifndef QF_MIME_YENC_H
#define QF_MIME_YENC_H

#include <stdbool.h>
#include <stddef.h>

/* "=ybegin ... name=NAME": true and the name (the rest of the line,
 * trimmed, at most namelen-1 bytes) for such a line. */
bool qf_yenc_begin(const unsigned char *l, size_t n, char *name, size_t namelen);
/* "=yend": the block's last line. */
bool qf_yenc_end(const unsigned char *l, size_t n);
/* One line of the block (no newline) into out (room for n bytes);
 * returns the bytes written. "=ypart" and other keyword lines give 0. */
size_t qf_yenc_line(const unsigned char *l, size_t n, unsigned char *out);

#endif
