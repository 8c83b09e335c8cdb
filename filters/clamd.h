/* clamd.h: a clamd client (the INSTREAM protocol of clamd(8)). */
#ifndef QF_CLAMD_H
#define QF_CLAMD_H

#include <stddef.h>
#include <stdint.h>
#include "clamav_scan.h"

/* Scans bytes [0, size) of fd (read with pread, in chunks) on the clamd
 * at addr: "unix:/path", "host:port", "[v6addr]:port". Every wait ends
 * at deadline_ms (CLOCK_MONOTONIC ms; connecting takes at most
 * QF_CLAMD_CONNECT_MS of it). Fills out; never fails silently. */
#define QF_CLAMD_CONNECT_MS 5000
void qf_clamd_scan(const char *addr, int fd, uint64_t size, int64_t deadline_ms,
		   struct qf_clamav_scan *out);

/* Parses one INSTREAM reply, without its final NUL and session id:
 * "stream: OK", "stream: NAME FOUND", "TEXT ERROR". Anything else is an
 * error too. Sets out->status (returned), and out->name or out->detail. */
enum qf_clamav_status qf_clamd_reply_parse(const char *reply, size_t len,
					   struct qf_clamav_scan *out);

/* Splits a session reply "ID: TEXT" (clamd's IDSESSION). 0 with *id and
 * *text (pointing into rec, *textlen bytes), or -1 when rec has no id. */
int qf_clamd_record_split(const char *rec, size_t len, unsigned *id,
			  const char **text, size_t *textlen);

#endif
