/* fuzz_arc.c: the parsers of our own on the ARC path: the tag-list
 * (auth/auth_tags.c) and the ARC chain's collection, i= reading and
 * canonicalization (auth/auth_arc.c), on a message of any bytes. No
 * resolver: key look-ups fail, so no input reaches OpenSSL's verify, but
 * every field before it is read. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "auth_arc.h"
#include "auth_tags.h"
#include "dkim_hdr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct auth_tags t;
	struct auth_arc_check out;
	struct dkim_keys keys;
	struct dkim_hdr h;
	int fd;

	/* the tag-list alone: every tag inside the input, names well-formed */
	if (auth_tags_parse((const char *)data, size, &t) == 0) {
		for (size_t i = 0; i < t.n; i++) {
			char buf[64];
			if (t.t[i].raw_start > t.t[i].raw_end || t.t[i].raw_end > size ||
			    t.t[i].name < (const char *)data || t.t[i].name + t.t[i].namelen > (const char *)data + size ||
			    t.t[i].namelen == 0)
				abort();
			(void)auth_tag_copy(&t.t[i], buf, sizeof buf);
		}
	}
	/* the whole chain */
	if ((fd = memfd_create("fuzz_arc", 0)) < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	dkim_hdr_init(&h);
	if (dkim_hdr_scan(&h, fd, size) == 0) {
		dkim_keys_begin(&keys, NULL);
		auth_arc_verify(fd, size, &h, &keys, 1000, &out);
		if (out.result == AUTH_ARC_PASS)
			abort();   /* nothing can pass without a key */
	}
	dkim_hdr_free(&h);
	close(fd);
	return 0;
}
