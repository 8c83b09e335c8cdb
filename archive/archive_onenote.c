/* archive_onenote.c: see archive_onenote.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "archive_onenote.h"
#include "io.h"

#define BLOCK 65536
#define GUID_LEN 16
#define OBJ_HEAD (GUID_LEN + 8 + 4 + 8)   /* guidHeader, cbLength, unused, reserved */

/* the GUIDs as stored (the first three fields little-endian) */
static const unsigned char obj_header[GUID_LEN] = {    /* {BDE316E7-2665-4511-A4C4-8D4D0B7A9EAC} */
	0xe7, 0x16, 0xe3, 0xbd, 0x65, 0x26, 0x11, 0x45, 0xa4, 0xc4, 0x8d, 0x4d, 0x0b, 0x7a, 0x9e, 0xac
};
static const unsigned char obj_footer[GUID_LEN] = {    /* {71FBA722-0F79-4A0B-BB13-899256426B24} */
	0x22, 0xa7, 0xfb, 0x71, 0x79, 0x0f, 0x0b, 0x4a, 0xbb, 0x13, 0x89, 0x92, 0x56, 0x42, 0x6b, 0x24
};

static const unsigned char nil[12];   /* unused and reserved: zero */

static uint64_t le64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* One object whose header is at off: handed on, and where the search
 * goes on (past its data); 2 when it is damaged, -1 on a read error. */
static int object(int fd, uint64_t size, uint64_t off, qf_onenote_fn fn, void *arg, uint64_t *next,
		  char *why, size_t whylen)
{
	unsigned char h[OBJ_HEAD], foot[GUID_LEN];
	struct qf_onenote_file f;
	uint64_t declared, padded;

	*next = off + GUID_LEN;
	if (size - off < OBJ_HEAD) {
		snprintf(why, whylen, "a file data object cut short at byte %llu", (unsigned long long)off);
		return 2;
	}
	if (qf_pread_exact(fd, h, OBJ_HEAD, off) < 0)
		return -1;
	declared = le64(h + GUID_LEN);
	f.at = off + OBJ_HEAD;
	f.truncated = declared > size - f.at;
	f.len = f.truncated ? size - f.at : declared;
	if (fn(arg, &f))
		return 1;
	if (f.truncated) {
		snprintf(why, whylen, "a file data object of %llu bytes at byte %llu, past the end",
			 (unsigned long long)declared, (unsigned long long)off);
		return 2;
	}
	if (memcmp(h + GUID_LEN + 8, nil, sizeof nil)) {
		snprintf(why, whylen, "a file data object at byte %llu with its zero fields set",
			 (unsigned long long)off);
		return 2;
	}
	padded = (declared + 7) & ~(uint64_t)7;
	if (padded < declared || padded > size - f.at || size - f.at - padded < GUID_LEN) {
		snprintf(why, whylen, "a file data object at byte %llu with no footer", (unsigned long long)off);
		return 2;
	}
	if (qf_pread_exact(fd, foot, GUID_LEN, f.at + padded) < 0)
		return -1;
	if (memcmp(foot, obj_footer, GUID_LEN)) {
		snprintf(why, whylen, "a file data object at byte %llu with no footer", (unsigned long long)off);
		return 2;
	}
	*next = f.at + padded + GUID_LEN;
	return 0;
}

int qf_onenote_each(int fd, uint64_t size, qf_onenote_fn fn, void *arg, char *why, size_t whylen)
{
	unsigned char *buf = malloc(BLOCK);
	uint64_t off = 0, next;
	int rc = 0;

	if (!buf)
		return -1;
	/* blocks that overlap by a GUID less a byte, so that a header
	 * across a block's end is found in the next */
	while (!rc && off < size && size - off >= GUID_LEN) {
		size_t want = size - off < BLOCK ? (size_t)(size - off) : BLOCK;
		const unsigned char *p;
		if (qf_pread_exact(fd, buf, want, off) < 0) {
			rc = -1;
			break;
		}
		p = memmem(buf, want, obj_header, GUID_LEN);
		if (p) {
			rc = object(fd, size, off + (uint64_t)(p - buf), fn, arg, &next, why, whylen);
			off = next;
		} else if (off + want >= size) {
			break;
		} else {
			off += want - (GUID_LEN - 1);
		}
	}
	free(buf);
	return rc;
}
