/* dkim_base64.h: the base64 of DKIM and DomainKeys tag values (b=, bh=,
 * p=), decoded by the MIME walk's decoder (filters/mime_decode.h, the
 * project's only base64 decoder), read strictly: white space is skipped,
 * anything else outside the alphabet, data after '=' padding, more than
 * two '=' or a lone sextet at the end make the value invalid. */
#ifndef DKIM_BASE64_H
#define DKIM_BASE64_H

#include <stddef.h>

/* Decodes len bytes of in into out (outlen bytes). Returns the decoded
 * length; -1 when the value is invalid or does not fit; -2 with errno
 * ENOMEM when no scratch memory could be had. */
long dkim_base64_tag(const char *in, size_t len, unsigned char *out, size_t outlen);

#endif
