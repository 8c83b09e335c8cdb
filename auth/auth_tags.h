/* auth_tags.h: the tag-list of DKIM-like header fields (RFC 6376 §3.2),
 * as ARC-Seal and ARC-Message-Signature write it: "name=value" pairs
 * separated by ';', folding white space allowed around each part. A
 * parser of our own: libopendkim parses only DKIM-Signature, and keeps
 * its parser to itself. */
#ifndef AUTH_TAGS_H
#define AUTH_TAGS_H

#include <stdbool.h>
#include <stddef.h>

#define AUTH_TAGS_MAX 24

struct auth_tag {
	const char *name;       /* into the parsed text */
	size_t namelen;
	const char *val;        /* without the FWS around it; inner FWS kept */
	size_t vallen;
	size_t raw_start, raw_end; /* offsets of everything between '=' and ';' */
};

struct auth_tags {
	struct auth_tag t[AUTH_TAGS_MAX];
	size_t n;
};

/* Parses len bytes of v (the field's value, after the colon). 0, or -1
 * when it is no tag-list: a part without '=', an empty or bad tag name, a
 * value with a character outside tag-value, a tag given twice, more than
 * AUTH_TAGS_MAX tags. */
int auth_tags_parse(const char *v, size_t len, struct auth_tags *out);
/* The tag named name, or NULL. */
const struct auth_tag *auth_tags_get(const struct auth_tags *t, const char *name);
/* Copies a tag's value without any white space (b=, bh=, h= are read so)
 * into out, NUL-terminated: its length, or -1 when it does not fit. */
long auth_tag_copy(const struct auth_tag *t, char *out, size_t outlen);

#endif
