/* clamav_lib.h: libclamav in this process, loaded with dlopen() so that a
 * qfilter that does not scan in-process pays nothing for it at start. */
#ifndef QF_CLAMAV_LIB_H
#define QF_CLAMAV_LIB_H

#include <stddef.h>
#include "clamav_scan.h"

#define QF_CLAMAV_LIB_SONAME "libclamav.so.12"

struct qf_clamav_lib;

/* Loads libclamav, the signatures of dbdir, and compiles the engine
 * (once per process: seconds with the official database). tmpdir, when
 * not NULL, is where libclamav unpacks archives; max_scan_s, when not 0,
 * bounds one scan. NULL with err on failure. */
struct qf_clamav_lib *qf_clamav_lib_open(const char *dbdir, const char *tmpdir,
					 unsigned max_scan_s, char *err, size_t errlen);
/* Scans the whole of fd (seekable; its offset is not used). Safe from
 * several threads at once. */
void qf_clamav_lib_scan(struct qf_clamav_lib *lib, int fd, struct qf_clamav_scan *out);
void qf_clamav_lib_close(struct qf_clamav_lib *lib);

#endif
