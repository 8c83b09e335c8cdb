/* sign.h: DKIM signing with libopendkim (qfilter-sign(8)): the signing
 * domain of a message, and one DKIM-Signature per key over its original
 * header block and body, relaxed/relaxed, the headers of
 * SIGN_HEADERS signed and From: oversigned. */
#ifndef QF_SIGN_H
#define QF_SIGN_H

#include <stdint.h>
#include <stddef.h>
#include "dkim_hdr.h"
#include "sign_keys.h"

#define SIGN_DOMAIN_MAX 256

enum sign_status {
	SIGN_OK = 0,
	SIGN_TEMP = -1,      /* out of memory, a read error, the library failed: try later */
	SIGN_CANNOT = -2     /* the message cannot carry a valid signature (no From:) */
};

/* The library, set up for signing: (DKIM_LIB *), or NULL with err.
 * nomem, when not NULL, is called (and must not return) when one of the
 * library's allocations fails; without it that is exit 81. One handler
 * per process: the program's. */
void *sign_lib_open(void (*nomem)(void), char *err, size_t errlen);
void sign_lib_close(void *lib);

/* The domains the message may be signed for, most wanted first: the
 * domain of the first mailbox of the first From: header (GMime's
 * address parser; IDNs in their A-label form), then the envelope
 * sender's domain when it differs (a message forwarded for someone
 * else's From:). from and sender get "" when there is none. h is the
 * header scan of fd. 0, or -1 when the From: field could not be read
 * (ENOMEM, a read error). */
int sign_domains(int fd, const struct dkim_hdr *h, const char *envelope_sender,
		 char from[SIGN_DOMAIN_MAX], char sender[SIGN_DOMAIN_MAX]);

/* Signs the size bytes of fd (the message as it will be sent; h its
 * header scan) with one key: *value = the DKIM-Signature field's value
 * (malloc'd, folded with "\n\t", no final line end). The signature's h=
 * is checked against the fields the message has: one that left a field
 * out is SIGN_TEMP. SIGN_OK, or SIGN_TEMP / SIGN_CANNOT with err. */
enum sign_status sign_message(void *lib, int fd, uint64_t size, const struct dkim_hdr *h,
			      const struct sign_key *k, const struct sign_secret *s,
			      char **value, char *err, size_t errlen);

#endif
