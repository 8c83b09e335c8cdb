/* sniff_magic.h: libmagic's MIME type of a part's head. One handle per
 * process, opened and loaded by the types filter's init (qfilterd: at
 * start and on SIGHUP), so that a missing or broken database ($MAGIC, or
 * the system's magic.mgc) fails the init and every message is refused
 * for now instead of passing unclassified. */
#ifndef QF_SNIFF_MAGIC_H
#define QF_SNIFF_MAGIC_H

#include <stdbool.h>
#include <stddef.h>

struct qf_magic;

/* The handle, or NULL with the reason in err. */
struct qf_magic *qf_magic_open(char *err, size_t errlen);
/* libmagic's MIME type of the len bytes at buf into type; false with
 * libmagic's error in type. Safe from several threads. */
bool qf_magic_type(struct qf_magic *mg, const void *buf, size_t len, char *type, size_t typelen);
void qf_magic_close(struct qf_magic *mg);

#endif
