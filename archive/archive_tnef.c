/* archive_tnef.c: TNEF as MS-OXTNEF describes it: a signature, a key,
 * then attributes (level, id, length, data, checksum). An attachment
 * begins with attAttachRendData; its name is attAttachTitle or, in its
 * MAPI properties (attAttachment), PR_ATTACH_LONG_FILENAME; its bytes are
 * attAttachData or the MAPI PR_ATTACH_DATA_OBJ. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "archive_tnef.h"

#define TNEF_SIGNATURE 0x223e9f78u
#define ATT_RENDDATA 0x00069002u
#define ATT_TITLE 0x00018010u
#define ATT_DATA 0x0006800fu
#define ATT_MAPI 0x00069005u

#define PR_ATTACH_DATA_OBJ 0x3701
#define PR_ATTACH_LONG_FILENAME 0x3707
#define PT_OBJECT 0x000d
#define PT_STRING8 0x001e
#define PT_UNICODE 0x001f
#define PT_BINARY 0x0102
#define MV_FLAG 0x1000
#define MAX_PROPS 10000    /* a property list longer than this is damage */

struct cursor {
	const unsigned char *p;
	size_t left;
};

static bool take(struct cursor *c, size_t n, const unsigned char **out)
{
	if (n > c->left)
		return false;
	if (out)
		*out = c->p;
	c->p += n;
	c->left -= n;
	return true;
}

static bool u16(struct cursor *c, uint32_t *v)
{
	const unsigned char *p;

	if (!take(c, 2, &p))
		return false;
	*v = p[0] | p[1] << 8;
	return true;
}

static bool u32(struct cursor *c, uint32_t *v)
{
	const unsigned char *p;

	if (!take(c, 4, &p))
		return false;
	*v = p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
	return true;
}

/* A name, 8-bit or UTF-16LE; what is not printable ASCII becomes '?'. */
static void set_name(char *dst, const unsigned char *s, size_t n, bool utf16)
{
	size_t i, o = 0, step = utf16 ? 2 : 1;

	for (i = 0; i + step <= n && o + 1 < QF_TNEF_NAME; i += step) {
		unsigned c = utf16 ? (unsigned)(s[i] | s[i + 1] << 8) : s[i];
		if (!c)
			break;
		dst[o++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	dst[o] = 0;
}

static size_t fixed_size(uint32_t type)
{
	switch (type) {
	case 0x0002: case 0x0003: case 0x0004: case 0x000a: case 0x000b:
		return 4;   /* short and boolean are padded to 4 */
	case 0x0005: case 0x0006: case 0x0007: case 0x0014: case 0x0040:
		return 8;
	case 0x0048:
		return 16;
	case 0x0001: case 0x0000:
		return 0;
	default:
		return (size_t)-1;
	}
}

struct attachment {
	struct qf_tnef_file data, obj;   /* attAttachData; PR_ATTACH_DATA_OBJ */
	char title[QF_TNEF_NAME], longname[QF_TNEF_NAME];
	bool open;
};

/* The MAPI properties of an attachment: its long name and data object. */
static bool mapi(struct attachment *at, const unsigned char *buf, size_t len)
{
	struct cursor c = { buf, len };
	uint32_t n, i, type, id, kind, count, j, vlen, skip;

	if (!u32(&c, &n) || n > MAX_PROPS)
		return false;
	for (i = 0; i < n; i++) {
		if (!u16(&c, &type) || !u16(&c, &id))
			return false;
		if (id >= 0x8000) {   /* a named property: GUID, then an id or a name */
			if (!take(&c, 16, NULL) || !u32(&c, &kind))
				return false;
			if (kind == 0 && !u32(&c, &skip))
				return false;
			if (kind == 1 && (!u32(&c, &skip) || !take(&c, (skip + 3) & ~3u, NULL)))
				return false;
			if (kind > 1)
				return false;
		}
		if ((type & MV_FLAG) || (type & ~MV_FLAG) == PT_STRING8 || (type & ~MV_FLAG) == PT_UNICODE ||
		    (type & ~MV_FLAG) == PT_BINARY || (type & ~MV_FLAG) == PT_OBJECT) {
			size_t fs = fixed_size(type & ~MV_FLAG);
			if (!u32(&c, &count) || count > c.left)
				return false;
			for (j = 0; j < count; j++) {
				const unsigned char *v;
				if (fs != (size_t)-1) {   /* multi-valued fixed */
					if (!take(&c, fs, NULL))
						return false;
					continue;
				}
				if (!u32(&c, &vlen) || !take(&c, vlen, &v) || !take(&c, (4 - vlen % 4) % 4, NULL))
					return false;
				if (id == PR_ATTACH_LONG_FILENAME && (type == PT_STRING8 || type == PT_UNICODE))
					set_name(at->longname, v, vlen, type == PT_UNICODE);
				if (id == PR_ATTACH_DATA_OBJ && (type == PT_BINARY || type == PT_OBJECT)) {
					size_t iid = type == PT_OBJECT ? 16 : 0;   /* an object starts with its IID */
					at->obj.data = v + (vlen >= iid ? iid : vlen);
					at->obj.len = vlen >= iid ? vlen - iid : 0;
				}
			}
		} else {
			size_t fs = fixed_size(type);
			if (fs == (size_t)-1 || !take(&c, fs, NULL))
				return false;
		}
	}
	return true;
}

/* The attachment's data, each piece under its best name. */
static bool flush(struct attachment *at, qf_tnef_fn fn, void *arg)
{
	struct qf_tnef_file *f[2] = { &at->data, &at->obj };
	const char *name = at->longname[0] ? at->longname : at->title;
	bool stop = false;
	int i;

	for (i = 0; i < 2 && !stop; i++) {
		if (!f[i]->data)
			continue;
		snprintf(f[i]->name, sizeof f[i]->name, "%s", name);
		stop = fn(arg, f[i]);
	}
	memset(at, 0, sizeof *at);
	return stop;
}

int qf_tnef_each(const unsigned char *buf, size_t len, qf_tnef_fn fn, void *arg,
		 char *why, size_t whylen)
{
	struct cursor c = { buf, len };
	struct attachment at;
	uint32_t sig, key, id, alen, sum, check;
	const unsigned char *data;
	size_t i;

	memset(&at, 0, sizeof at);
	if (!u32(&c, &sig) || sig != TNEF_SIGNATURE || !u16(&c, &key)) {
		snprintf(why, whylen, "not a TNEF stream");
		return -1;
	}
	while (c.left) {
		const unsigned char *level;
		if (!take(&c, 1, &level) || !u32(&c, &id) || !u32(&c, &alen)) {
			snprintf(why, whylen, "truncated attribute header");
			goto damaged;
		}
		if (alen > c.left) {
			/* the stream ends inside this attribute: hand on what is there */
			if (id == ATT_DATA && at.open) {
				at.data.data = c.p;
				at.data.len = c.left;
				at.data.truncated = true;
			}
			snprintf(why, whylen, "truncated attribute of %u bytes", alen);
			goto damaged;
		}
		take(&c, alen, &data);
		if (!u16(&c, &check)) {
			snprintf(why, whylen, "truncated checksum");
			goto damaged;
		}
		for (sum = 0, i = 0; i < alen; i++)
			sum += data[i];
		if ((sum & 0xffff) != check) {
			snprintf(why, whylen, "attribute checksum wrong");
			goto damaged;
		}
		if (*level != 2)
			continue;
		if (id == ATT_TITLE || id == ATT_DATA || id == ATT_MAPI)
			at.open = true;
		switch (id) {
		case ATT_RENDDATA:
			if (at.open && flush(&at, fn, arg))
				return 1;
			at.open = true;
			break;
		case ATT_TITLE:
			set_name(at.title, data, alen, false);
			break;
		case ATT_DATA:
			at.data.data = data;
			at.data.len = alen;
			break;
		case ATT_MAPI:
			if (!mapi(&at, data, alen)) {
				snprintf(why, whylen, "damaged attachment properties");
				goto damaged;
			}
			break;
		}
	}
	if (at.open && flush(&at, fn, arg))
		return 1;
	return 0;
damaged:
	if (at.open && flush(&at, fn, arg))
		return 1;
	return -1;
}
