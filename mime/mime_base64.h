/* mime_base64.h: base64 for the decoders of mime_decode.h, which calls
 * these for QF_CTE_BASE64 (the state is the decoder's acc and nacc). */
#ifndef QF_MIME_BASE64_H
#define QF_MIME_BASE64_H

#include <stddef.h>
#include "mime_decode.h"

size_t qf_b64_step(struct qf_decoder *d, const unsigned char *in, size_t n, unsigned char *out);
size_t qf_b64_flush(struct qf_decoder *d, unsigned char *out);

#endif
