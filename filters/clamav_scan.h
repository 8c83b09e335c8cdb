/* clamav_scan.h: what one ClamAV scan found, whichever engine ran it: clamd
 * over a socket (clamd.c) or libclamav in this process (clamav_lib.c).
 * The filter (clamav.c) turns it into a result, a header or a finding.
 * (Not "clamav.h": under -Ifilters that would hide libclamav's header.) */
#ifndef QF_CLAMAV_SCAN_H
#define QF_CLAMAV_SCAN_H

enum qf_clamav_status {
	QF_CLAMAV_CLEAN = 0,
	QF_CLAMAV_FOUND,        /* name holds the virus name */
	QF_CLAMAV_ERROR         /* the scanner failed: detail says how */
};

#define QF_CLAMAV_NAME_MAX 128   /* keeps "contains a virus (NAME)" in 255 bytes */

struct qf_clamav_scan {
	enum qf_clamav_status status;
	int local_error;                  /* not the scanner's fault: our exit
	                                     code (51 memory, 54 spool read);
	                                     no other scanner would do better */
	char name[QF_CLAMAV_NAME_MAX];
	char engine[96];                  /* "clamd ClamAV 1.4.6/27000/...", "libclamav 1.4.6" */
	char detail[256];                 /* for the log: what went wrong */
};

#endif
