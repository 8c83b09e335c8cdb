/* auth_arc.h: ARC (RFC 8617) verification of an incoming chain: every
 * ARC set present and numbered 1..N once, the chain's cv= values, the
 * newest ARC-Message-Signature (DKIM-like: body hash and header hash,
 * rsa-sha256) and every ARC-Seal (relaxed header canonicalization over
 * the sets 1..i). Keys through the DKIM key look-up (dkim_dns.h), with
 * its cache and the message's budget.
 *
 * Our own code on OpenSSL's primitives and the project's DKIM pieces
 * (body hash, key record, base64): Debian bookworm packages no ARC
 * library (no libopenarc), and libopendkim verifies DKIM-Signature
 * fields only, with no entry point for another field name or for the
 * seal's hash input. */
#ifndef AUTH_ARC_H
#define AUTH_ARC_H

#include <stdbool.h>
#include <stdint.h>
#include "dkim_dns.h"
#include "dkim_hdr.h"

enum auth_arc_result { AUTH_ARC_NONE = 0, AUTH_ARC_PASS, AUTH_ARC_FAIL };
const char *auth_arc_result_name(enum auth_arc_result r);

#define AUTH_ARC_MAX_SETS 50        /* RFC 8617 §4.2.1 */
#define AUTH_ARC_HEADER_MAX (1 << 20) /* header block read for the chain */

struct auth_arc_check {
	enum auth_arc_result result;
	unsigned sets;            /* N, the newest instance */
	char sealer[256];         /* d= of the newest ARC-Seal */
	char comment[160];        /* why it failed */
	bool nomem;
};

/* Verifies the chain of the message in fd (size bytes, hdr its header
 * fields). Key look-ups are counted in keys (its max_lookups is set
 * here); timeout_ms is the time the message has left. */
void auth_arc_verify(int fd, uint64_t size, const struct dkim_hdr *hdr, struct dkim_keys *keys,
		     int timeout_ms, struct auth_arc_check *out);

#endif
