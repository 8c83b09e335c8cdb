/* dkim_base64.c: see dkim_base64.h. The MIME decoder is lenient by
 * design (RFC 2045: damage is noted and skipped, '=' ends a quantum and
 * decoding goes on); a tag value must be exact, so what the decoder
 * notes as damage is an error here, and the one thing it accepts that a
 * tag may not have, letters after the padding, is checked first. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "dkim_base64.h"
#include "mime_decode.h"

#define STACK_SCRATCH 4096   /* a 4096-bit key's p= decodes to 550 bytes */

static bool wsp(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* after the first '=', only '=' (at most two in all) and white space */
static bool padding_ends(const char *in, size_t len)
{
	const char *eq = memchr(in, '=', len);
	size_t i, pads = 0;

	if (!eq)
		return true;
	for (i = (size_t)(eq - in); i < len; i++) {
		if (in[i] == '=')
			pads++;
		else if (!wsp((unsigned char)in[i]))
			return false;
	}
	return pads <= 2;
}

long dkim_base64_tag(const char *in, size_t len, unsigned char *out, size_t outlen)
{
	unsigned char stack[STACK_SCRATCH], *scratch = stack;
	size_t need = len + 2 * QF_DECODE_SLACK, n;
	struct qf_decoder d;
	long r = -1;

	if (!padding_ends(in, len))
		return -1;
	if (need > sizeof stack && !(scratch = malloc(need))) {
		errno = ENOMEM;
		return -2;
	}
	qf_decoder_init(&d, QF_CTE_BASE64);
	n = qf_decoder_step(&d, (const unsigned char *)in, len, scratch);
	n += qf_decoder_finish(&d, scratch + n);
	if (!d.error && n <= outlen) {
		memcpy(out, scratch, n);
		r = (long)n;
	}
	if (scratch != stack)
		free(scratch);
	return r;
}
