/* mime_walk.c: the MIME structure of the spooled message, in one pass.
 *
 * Why not GMime's parser: it builds the whole tree in memory, one object
 * per part, so a message of a million empty parts costs hundreds of MB
 * before any limit can apply. This walk reads the spool through a 64 KB
 * window, keeps a stack of open multipart boundaries no deeper than
 * max-depth (no recursion), decodes each leaf as it streams past and
 * hands it on at its end. Memory is the window, the stack and one part's
 * head (two while a uuencoded block inside a text part is decoded);
 * GMime is used only to parse the Content-* header values. The one
 * recursion: a message/rfc822 part sent base64 or quoted-printable (which
 * RFC 2046 forbids, and mail readers open all the same) is decoded into a
 * temp file and walked in turn, one level deeper, so max-depth bounds it.
 *
 * Lenient like mail readers: a line starting with "--boundary" of any
 * open multipart ends the current part (innermost first); text after the
 * close delimiter is skipped; a missing close delimiter or damaged
 * encoding marks the summary broken and the walk goes on with its best guess.
 * Where readers could take the structure another way (a header line that
 * is no header, two different Content-Types, text after a delimiter, a
 * bare CR, ...: qfilter.conf(5), AMBIGUOUS MIME) the first such place is
 * recorded in its ambiguous, for the size filter to report; the walk
 * still goes on with its reading. File names are not guessed at: every
 * one a reader might use goes with the part (struct qf_part's names). */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "exitcodes.h"
#include "mime_decode.h"
#include "mime_header.h"
#include "mime_reader.h"
#include "mime_sink.h"
#include "mime_datauri.h"
#include "mime_uu.h"
#include "mime_walk.h"
#include "sniff_mail.h"

#define FIELD_MAX 8192            /* bytes kept of one Content-* value */

enum state { ST_HEADERS, ST_BODY, ST_SKIP, ST_STOP };
enum field { F_TYPE, F_DISP, F_CTE, F_COUNT, F_NONE = -1 };
static const char *const field_names[F_COUNT] = {
	"content-type", "content-disposition", "content-transfer-encoding"
};

/* An open container: a multipart (with its boundary) or the body of a
 * message/rfc822 part (boundary NULL), ended by an enclosing boundary. */
struct level {
	char *boundary;
	size_t blen;
	unsigned depth;      /* of the container */
	bool digest;         /* multipart/digest: parts default to message/rfc822 */
	bool seen;           /* a delimiter of this boundary came */
};


struct leaf {
	struct qf_part part;
	struct qf_mime_fields f;
	struct qf_decoder dec;
	struct qf_mime_sink sink;
	unsigned char pending[2];   /* a held newline: the boundary's, if one follows */
	size_t npending;
	bool text;                  /* a text part */
	bool scan;                  /* scanned for uuencoded blocks, base64 runs:
				     * text, and other leaves not base64-encoded */
	bool scan_encoded;          /* a damaged base64 body: its text scanned too */
	bool message;               /* an encoded message/rfc822: walked, not handed on */
	struct qf_mime_uu uu;
	struct qf_mime_sink usink;  /* the uuencoded block being decoded */
	bool page;                  /* HTML or SVG: scanned for data: URIs */
	struct qf_datauri du;
	struct qf_mime_sink dsink;  /* the data: URI payload being decoded */
	char dwhere[300];           /* "a data: URI in page.html" */
	char uwhere[300];           /* "a base64 block in part 2": a block with no name */
};

struct walk {
	const struct qf_mime_walk_in *in;
	struct qf_mime_stats *st;
	struct qf_walk_error *err;
	struct qf_mime_reader rd;
	enum state state;
	int rc;                     /* -1 after an error (err) or the caller's -1 */
	struct level *lev;
	size_t nlev, maxlev;
	/* the entity whose headers are being read */
	unsigned depth;
	bool default_rfc822;
	bool any_header;
	char *field[F_COUNT][QF_MIME_COPIES];   /* every copy of each, as it came */
	size_t flen[F_COUNT][QF_MIME_COPIES];
	size_t ncopy[F_COUNT];
	int cur;                    /* the field a folded line continues */
	bool any_multipart;         /* delimiter-like lines matter from the first one on */
	bool leaf_open;
	struct leaf leaf;
	unsigned max_parts, max_depth;
	const char *dir;
	unsigned char window[QF_MIME_WINDOW];   /* the reader's */
	unsigned char out[QF_MIME_WINDOW + QF_DECODE_SLACK];
};

/* The top-level walk's memory, kept for the next message of the process
 * (qfilterd's workers): allocating and freeing 150 KB per message made
 * malloc consolidate its free lists every time. */
static struct walk *spare;

/* Mail readers could take the structure two ways: the first reason is
 * kept for the size filter, which reports it (policy ambiguous-mime=). */
static void ambiguous(struct walk *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void ambiguous(struct walk *w, const char *fmt, ...)
{
	struct qf_mime_stats *st = w->st;
	va_list ap;
	int n;

	if (st->ambiguous[0])
		return;
	n = snprintf(st->ambiguous, sizeof st->ambiguous, "depth %u: ", w->depth);
	va_start(ap, fmt);
	vsnprintf(st->ambiguous + n, sizeof st->ambiguous - (size_t)n, fmt, ap);
	va_end(ap);
}

static void stop(struct walk *w)
{
	w->state = ST_STOP;
}

/* The walk stops at its first error, which is the one reported. */
static void fail(struct walk *w, int code, const char *what)
{
	w->rc = -1;
	stop(w);
	if (w->err->exit)
		return;
	w->err->exit = code;
	if (code == QF_EXIT_TIMEOUT)
		snprintf(w->err->text, sizeof w->err->text, "mime walk: timeout");
	else
		snprintf(w->err->text, sizeof w->err->text, "mime walk: %s: %s", what,
			 strerror(errno));
}

/* The caller's answer: once a finding refuses the message outright, the
 * rest cannot matter. */
static bool caller_stops(const struct walk *w)
{
	return w->in->stop && w->in->stop(w->in->arg);
}

/* ---- reading ---- */

/* A reader's answer: < 0 is an error, recorded here. */
static int rd(struct walk *w, int rc)
{
	if (rc == QF_MIME_READ_TIMEOUT)
		fail(w, QF_EXIT_TIMEOUT, NULL);
	else if (rc < 0)
		fail(w, QF_EXIT_READ, "reading the spooled message");
	return rc;
}

/* ---- leaves ---- */

static void emit(struct walk *w, struct qf_part *p, struct qf_mime_sink *s)
{
	if (qf_mime_sink_end(s) < 0) {
		fail(w, QF_EXIT_WRITE, "keeping a part's copy");
		return;
	}
	qf_mime_sink_part(s, p);
	if (p->decode_error)
		w->st->broken = true;
	if (p->size > w->st->largest_part)
		w->st->largest_part = p->size;
	if (w->in->each(p, w->in->arg) < 0) {
		w->rc = -1;
		stop(w);
	} else if (caller_stops(w))
		stop(w);
}

/* A block found inside a part (a uuencoded block, a data: URI) is
 * decoded into its own sink. 1: the block is complete, hand it on; 0:
 * more to come; -1: the copy could not be written. */
static int block_data(struct walk *w, struct qf_mime_sink *sink, enum qf_uu_event ev,
		      const unsigned char *p, size_t n)
{
	switch (ev) {
	case QF_UU_BEGIN:
		qf_mime_sink_init(sink, w->dir);
		return 0;
	case QF_UU_DATA:
		if (qf_mime_sink_write(sink, p, n) < 0) {
			fail(w, QF_EXIT_WRITE, "keeping a part's copy");
			return -1;
		}
		return 0;
	case QF_UU_END:
		break;
	}
	return 1;
}

/* The block as a part of its own, numbered when it ends, within
 * max-parts; vp holds what the caller knows of it. */
static int block_emit(struct walk *w, struct qf_mime_sink *sink, struct qf_part *vp)
{
	if (w->st->parts >= w->max_parts) {
		qf_mime_sink_free(sink);
		w->st->too_many_parts = true;
		stop(w);
		return -1;
	}
	vp->index = ++w->st->parts;
	vp->depth = w->leaf.part.depth;
	emit(w, vp, sink);
	qf_mime_sink_free(sink);
	return w->state == ST_STOP ? -1 : 0;
}

/* "a base64 block in x.eml": a block with no name, named by where it was */
static const char *block_where(struct leaf *l, char *buf, size_t len, const char *what)
{
	if (l->part.filename)
		snprintf(buf, len, "%s in %.200s", what, l->part.filename);
	else
		snprintf(buf, len, "%s in part %u", what, l->part.index);
	return buf;
}

/* A part of its own for each uuencoded block in a text part; a "begin"
 * line followed by prose is not handed on. */
static int on_uu(void *arg, enum qf_uu_event ev, const unsigned char *p, size_t n,
		 bool damaged)
{
	struct walk *w = arg;
	struct leaf *l = &w->leaf;
	struct qf_part vp;
	char what[40];
	int rc = block_data(w, &l->usink, ev, p, n);

	if (rc <= 0)
		return rc;
	if (!l->usink.size && damaged) {
		qf_mime_sink_free(&l->usink);
		return 0;
	}
	memset(&vp, 0, sizeof vp);
	vp.content_type = "application/octet-stream";
	vp.filename = l->uu.name[0] ? l->uu.name : NULL;
	vp.names = (const char *const *)&vp.filename;
	vp.nnames = vp.filename != NULL;
	if (!vp.filename) {
		snprintf(what, sizeof what, "a %s block", qf_mime_uu_kind(&l->uu));
		vp.container = block_where(l, l->uwhere, sizeof l->uwhere, what);
	}
	vp.encoding = qf_mime_uu_kind(&l->uu);
	vp.uuencoded = true;
	vp.decode_error = damaged;
	return block_emit(w, &l->usink, &vp);
}

/* A part of its own for each data: URI in an HTML or SVG part: what a
 * browser hands the recipient who follows the link ("HTML smuggling"). */
static int on_datauri(void *arg, enum qf_uu_event ev, const unsigned char *p, size_t n,
		      bool damaged)
{
	struct walk *w = arg;
	struct leaf *l = &w->leaf;
	struct qf_part vp;
	int rc = block_data(w, &l->dsink, ev, p, n);

	if (rc <= 0)
		return rc;
	if (!l->dsink.size) {
		qf_mime_sink_free(&l->dsink);
		return 0;
	}
	memset(&vp, 0, sizeof vp);
	vp.content_type = l->du.type[0] ? l->du.type : "application/octet-stream";
	vp.container = block_where(l, l->dwhere, sizeof l->dwhere, "a data: URI");
	vp.encoding = l->du.base64 ? "base64" : "x-percent";
	vp.decode_error = damaged;
	return block_emit(w, &l->dsink, &vp);
}

static void leaf_start(struct walk *w, struct qf_mime_fields *f, const char *ctype,
		       bool message)
{
	struct leaf *l = &w->leaf;

	if (!message && w->st->parts >= w->max_parts) {
		w->st->too_many_parts = true;
		qf_mime_fields_free(f);
		stop(w);
		return;
	}
	memset(&l->part, 0, sizeof l->part);
	l->f = *f;
	l->part.index = message ? 0 : ++w->st->parts;
	l->part.depth = w->depth;
	l->part.content_type = l->f.content_type ? l->f.content_type : ctype;
	l->part.filename = l->f.filename;
	l->part.names = (const char *const *)l->f.names;
	l->part.nnames = l->f.nnames;
	l->part.encoding = l->f.encoding;
	l->part.fd = -1;
	qf_decoder_init(&l->dec, qf_decoder_cte(l->f.encoding));
	qf_mime_sink_init(&l->sink, w->dir);
	qf_mime_sink_init(&l->usink, w->dir);
	l->sink.copy_all = message;
	l->message = message;
	l->npending = 0;
	l->text = !strncmp(l->part.content_type, "text/", 5);
	/* not a message/ type: a fragment or an external body has its own policy */
	l->scan = l->text || (!message && strncasecmp(l->part.content_type, "message/", 8) &&
			      l->dec.cte != QF_CTE_BASE64 && l->dec.cte != QF_CTE_UUENCODE);
	l->scan_encoded = false;
	if (l->scan)
		qf_mime_uu_init(&l->uu, on_uu, w);
	qf_mime_sink_init(&l->dsink, w->dir);
	l->page = qf_datauri_wanted(l->part.content_type, l->part.filename);
	if (l->page)
		qf_datauri_init(&l->du, on_datauri, w);
	w->leaf_open = true;
	w->state = ST_BODY;
}

static void leaf_decoded(struct walk *w, const unsigned char *p, size_t n)
{
	struct leaf *l = &w->leaf;

	if (!n)
		return;
	if (qf_mime_sink_write(&l->sink, p, n) < 0) {
		fail(w, QF_EXIT_WRITE, "keeping a part's copy");
		return;
	}
	if (l->scan)
		qf_mime_uu_feed(&l->uu, p, n);
	if (l->page)
		qf_datauri_feed(&l->du, p, n);
}

/* Base64 damaged by lines outside the alphabet (a fake header line):
 * uudeview decodes the run that follows them as a file of its own, so
 * from the piece where the damage shows, the encoded text is scanned too. */
static void scan_damaged(struct walk *w, const unsigned char *p, size_t n)
{
	struct leaf *l = &w->leaf;

	if (l->scan || l->dec.cte != QF_CTE_BASE64 || !l->dec.error || w->state == ST_STOP)
		return;
	if (!l->scan_encoded)
		qf_mime_uu_init(&l->uu, on_uu, w);
	l->scan_encoded = true;
	qf_mime_uu_feed(&l->uu, p, n);
}

/* Decodes n encoded bytes of the leaf. */
static void leaf_take(struct walk *w, const unsigned char *p, size_t n)
{
	struct leaf *l = &w->leaf;

	if (!n || w->state == ST_STOP)
		return;
	leaf_decoded(w, w->out, qf_decoder_step(&l->dec, p, n, w->out));
	scan_damaged(w, p, n);
}

static void leaf_feed(struct walk *w, const unsigned char *p, size_t n)
{
	struct leaf *l = &w->leaf;
	size_t hold = 0;

	if (l->npending) {
		leaf_take(w, l->pending, l->npending);
		l->npending = 0;
	}
	/* the newline before a boundary belongs to the boundary (RFC 2046) */
	if (n && p[n - 1] == '\n')
		hold = n >= 2 && p[n - 2] == '\r' ? 2 : 1;
	memcpy(l->pending, p + n - hold, hold);
	l->npending = hold;
	if (n > hold && w->state == ST_BODY)
		leaf_take(w, p, n - hold);
}

static void leaf_close(struct walk *w)
{
	struct leaf *l = &w->leaf;

	qf_mime_sink_free(&l->sink);
	qf_mime_sink_free(&l->usink);
	qf_mime_sink_free(&l->dsink);
	qf_mime_fields_free(&l->f);
	w->leaf_open = false;
}

static int walk_fd(const struct qf_mime_walk_in *in, struct qf_mime_stats *st,
		   struct qf_walk_error *err, int fd, uint64_t size, unsigned depth);

/* The decoded copy of an encoded message/rfc822, walked one level down. */
static void walk_copy(struct walk *w)
{
	struct qf_mime_sink *s = &w->leaf.sink;

	if (qf_mime_sink_end(s) < 0) {
		fail(w, QF_EXIT_WRITE, "keeping a part's copy");
		return;
	}
	if (s->copied < s->size || w->leaf.dec.error)
		w->st->broken = true;
	if (walk_fd(w->in, w->st, w->err, s->fd, QF_MIME_SIZE_UNKNOWN, w->leaf.part.depth + 1) < 0) {
		w->rc = -1;
		stop(w);
	} else if (w->st->too_deep || w->st->too_many_parts || caller_stops(w))
		stop(w);
}

/* The leaf ends: at a boundary (the held newline is the boundary's) or
 * at the end of the message. */
static void leaf_finish(struct walk *w, bool at_boundary)
{
	struct leaf *l = &w->leaf;

	if (!at_boundary && l->npending)
		leaf_take(w, l->pending, l->npending);
	l->npending = 0;
	if (w->state != ST_STOP)
		leaf_decoded(w, w->out, qf_decoder_finish(&l->dec, w->out));
	if (w->state != ST_STOP && (l->scan || l->scan_encoded))
		qf_mime_uu_finish(&l->uu);
	if (w->state != ST_STOP && l->page)
		qf_datauri_finish(&l->du);
	if (w->state != ST_STOP && l->message)
		walk_copy(w);
	else if (w->state != ST_STOP) {
		if (!l->part.filename && l->dec.uu_name[0]) {
			l->part.filename = l->dec.uu_name;
			l->part.names = (const char *const *)&l->part.filename;
			l->part.nnames = 1;
		}
		l->part.decode_error = l->dec.error;
		emit(w, &l->part, &l->sink);
		/* a mail message sent as some other type (an .eml or mbox
		 * file, or a text part named like one): a recipient's mail
		 * program opens it as a message, so it is walked as one, one
		 * level down (not message/partial: a fragment is
		 * message-partial='s) */
		if (w->state != ST_STOP && (!l->text || l->part.filename) && l->sink.fd >= 0 &&
		    strncasecmp(l->part.content_type, "message/", 8) &&
		    qf_sniff_mail(l->sink.head, l->sink.head_len))
			walk_copy(w);
	}
	leaf_close(w);
	if (w->state != ST_STOP)
		w->state = ST_SKIP;
}

/* ---- structure ---- */

static void begin_entity(struct walk *w, unsigned depth, bool default_rfc822)
{
	int i;
	size_t k;

	for (i = 0; i < F_COUNT; i++) {
		for (k = 0; k < w->ncopy[i]; k++) {
			free(w->field[i][k]);
			w->field[i][k] = NULL;
			w->flen[i][k] = 0;
		}
		w->ncopy[i] = 0;
	}
	w->cur = F_NONE;
	w->any_header = false;
	w->depth = depth;
	w->default_rfc822 = default_rfc822;
	if (depth > w->st->depth)
		w->st->depth = depth;
	w->state = ST_HEADERS;
}

static int push(struct walk *w, const char *boundary, bool digest)
{
	struct level *l;

	if (w->depth + 1 > w->max_depth) {
		w->st->too_deep = true;
		stop(w);
		return -1;
	}
	if (w->nlev == w->maxlev) {
		size_t n = w->maxlev ? 2 * w->maxlev : 8;
		l = realloc(w->lev, n * sizeof *l);
		if (!l) {
			fail(w, QF_EXIT_NOMEM, "MIME stack");
			return -1;
		}
		w->lev = l;
		w->maxlev = n;
	}
	l = &w->lev[w->nlev];
	l->boundary = boundary ? strdup(boundary) : NULL;
	if (boundary && !l->boundary) {
		fail(w, QF_EXIT_NOMEM, "MIME stack");
		return -1;
	}
	l->blen = boundary ? strlen(boundary) : 0;
	l->depth = w->depth;
	l->digest = digest;
	l->seen = false;
	w->nlev++;
	return 0;
}

/* A multipart whose boundary never came has no parts for the walk, but
 * Python's email package (and others) then read its body as the content
 * of one part, decoded by its Content-Transfer-Encoding. */
static void pop(struct walk *w)
{
	struct level *l = &w->lev[--w->nlev];

	if (l->boundary && !l->seen)
		ambiguous(w, "%s", "a multipart whose boundary never appears");
	free(l->boundary);
}

static bool is_message(const char *ct)
{
	return !strcmp(ct, "message/rfc822") || !strcmp(ct, "message/global") ||
	       !strcmp(ct, "message/news");
}

/* The headers of the entity ended: a container opens, or a leaf starts. */
static void headers_end(struct walk *w)
{
	struct qf_mime_fields f;
	struct qf_mime_raw raw;
	const char *ct;
	size_t k;

	memset(&raw, 0, sizeof raw);
	for (k = 0; k < w->ncopy[F_TYPE]; k++)
		raw.ctype[raw.nctype++] = w->field[F_TYPE][k] ? w->field[F_TYPE][k] : "";
	for (k = 0; k < w->ncopy[F_DISP]; k++)
		raw.disp[raw.ndisp++] = w->field[F_DISP][k] ? w->field[F_DISP][k] : "";
	for (k = 0; k < w->ncopy[F_CTE]; k++)
		raw.cte[raw.ncte++] = w->field[F_CTE][k] ? w->field[F_CTE][k] : "";
	if (qf_mime_fields_parse(&raw, &f) < 0) {
		fail(w, QF_EXIT_NOMEM, "parsing headers");
		return;
	}
	if (f.invalid)
		w->st->broken = true;
	if (f.ambiguous[0])
		ambiguous(w, "%s", f.ambiguous);
	ct = f.content_type ? f.content_type :
	     w->default_rfc822 ? "message/rfc822" : "text/plain";
	if (!strcmp(ct, "message/partial"))
		w->st->partial = true;
	/* the header of a message that lies elsewhere, then whatever the
	 * sender put after it, which RFC 2046 says to ignore and some readers
	 * (ripmime) decode as that message's content */
	if (!strcmp(ct, "message/external-body"))
		ambiguous(w, "%s", "a message/external-body part");
	if (!strncmp(ct, "multipart/", 10)) {
		w->any_multipart = true;
		/* RFC 2045 6.4: none; readers that honour it read one part */
		if (qf_decoder_cte(f.encoding) != QF_CTE_IDENTITY)
			ambiguous(w, "a multipart with Content-Transfer-Encoding %s", f.encoding);
		if (f.boundary) {
			if (push(w, f.boundary, !strcmp(ct, "multipart/digest")) == 0)
				w->state = ST_SKIP;      /* the preamble */
			qf_mime_fields_free(&f);
			return;
		}
		w->st->broken = true;        /* no boundary: a leaf, as GMime does */
	} else if (is_message(ct)) {
		if (w->depth + 1 > w->max_depth) {
			w->st->too_deep = true;
			qf_mime_fields_free(&f);
			stop(w);
		} else if (qf_decoder_cte(f.encoding) != QF_CTE_IDENTITY) {
			w->st->broken = true;
			leaf_start(w, &f, ct, true);
		} else {
			if (push(w, NULL, false) == 0)
				begin_entity(w, w->depth + 1, false);
			qf_mime_fields_free(&f);
		}
		return;
	}
	leaf_start(w, &f, ct, false);
}

/* Ends whatever entity is open, before a boundary or at the end. */
static void end_entity(struct walk *w, bool at_boundary)
{
	/* an entity cut off in its headers has an empty body */
	while (w->state == ST_HEADERS)
		headers_end(w);
	if (w->state == ST_BODY)
		leaf_finish(w, at_boundary);
}

/* Only white space up to the line end (RFC 2046's transport padding). */
static bool blank_rest(const unsigned char *p, size_t n)
{
	while (n && (p[n - 1] == '\n' || p[n - 1] == '\r'))
		n--;
	if (n && memchr(p, '\r', n))
		return false;
	while (n && (*p == ' ' || *p == '\t'))
		p++, n--;
	return !n;
}

/* The open multipart whose delimiter the line is, innermost first, or
 * -1. A line that starts with a boundary but goes on with more than
 * white space ("--B,", "--B--x") is one to GMime and to this walk, not
 * to Python or to others who want the boundary whole: ambiguous. */
static int boundary_match(struct walk *w, const unsigned char *p, size_t n, bool *closing)
{
	int prefix = -1;
	size_t i;

	for (i = w->nlev; i-- > 0;) {
		const struct level *l = &w->lev[i];
		const unsigned char *rest;
		size_t nrest;
		bool close;
		if (!l->boundary || n < 2 + l->blen || memcmp(p + 2, l->boundary, l->blen))
			continue;
		rest = p + 2 + l->blen;
		nrest = n - 2 - l->blen;
		close = nrest >= 2 && rest[0] == '-' && rest[1] == '-';
		if (blank_rest(rest + (close ? 2 : 0), nrest - (close ? 2 : 0))) {
			if (prefix >= 0)
				break;
			*closing = close;
			return (int)i;
		}
		if (prefix < 0) {
			prefix = (int)i;
			*closing = close;
		}
	}
	if (prefix >= 0)
		ambiguous(w, "text after a multipart delimiter");
	return prefix;
}

/* A line starting with "--" that is no open multipart's delimiter, in a
 * preamble or an epilogue: a closed or a mistyped boundary, after which
 * some readers see parts ("--" alone, "-- " and lines of dashes are
 * what people write). */
static void stray_dashes(struct walk *w, const unsigned char *p, size_t n)
{
	size_t i;

	if (w->state != ST_SKIP)
		return;
	while (n > 2 && strchr(" \t\r\n", p[n - 1]))
		n--;
	for (i = 2; i < n; i++)
		if (p[i] != '-') {
			ambiguous(w, "a delimiter-like line outside the parts");
			return;
		}
}

static void on_boundary(struct walk *w, size_t lvl, bool closing)
{
	end_entity(w, true);
	if (w->state == ST_STOP)
		return;
	while (w->nlev > lvl + 1) {
		if (w->lev[w->nlev - 1].boundary)
			w->st->broken = true;    /* an inner multipart never closed */
		pop(w);
	}
	w->lev[lvl].seen = true;
	if (closing) {
		pop(w);
		w->state = ST_SKIP;                  /* the epilogue */
		return;
	}
	begin_entity(w, w->lev[lvl].depth + 1, w->lev[lvl].digest);
}

/* ---- headers ---- */

static void field_append(struct walk *w, const unsigned char *p, size_t n)
{
	size_t have, take;
	char *s;

	size_t k;

	if (w->cur == F_NONE)
		return;
	k = w->ncopy[w->cur] - 1;
	while (n && (p[n - 1] == '\n' || p[n - 1] == '\r'))
		n--;
	have = w->flen[w->cur][k];
	take = have + n > FIELD_MAX ? FIELD_MAX - have : n;
	if (take < n) {
		w->st->broken = true;
		ambiguous(w, "a %s header longer than %d bytes", field_names[w->cur], FIELD_MAX);
	}
	if (!take && w->field[w->cur][k])
		return;
	s = realloc(w->field[w->cur][k], have + take + 1);
	if (!s) {
		fail(w, QF_EXIT_NOMEM, "header field");
		return;
	}
	memcpy(s + have, p, take);
	s[have + take] = 0;
	w->field[w->cur][k] = s;
	w->flen[w->cur][k] = have + take;
}

/* Length of the header name before the colon, or 0 for a line that is
 * not a header. */
static size_t header_name(const unsigned char *p, size_t n, size_t *colon)
{
	size_t i, end;

	for (i = 0; i < n && p[i] != ':'; i++)
		if (p[i] <= ' ' || p[i] > '~')
			break;
	end = i;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))    /* "Name : value" (RFC 822) */
		i++;
	if (i >= n || p[i] != ':' || !end)
		return 0;
	*colon = i;
	return end;
}

static void body_line(struct walk *w, const unsigned char *p, size_t n);

static void header_line(struct walk *w, const unsigned char *p, size_t n, bool at_bol)
{
	size_t len = n, name, colon, i;

	while (len && (p[len - 1] == '\n' || p[len - 1] == '\r'))
		len--;
	/* a NUL ends the value for C readers; a bare CR ends the line for
	 * Python's and others: where a header ends is then a guess */
	if (memchr(p, 0, len))
		ambiguous(w, "a NUL byte in a header line");
	else if (memchr(p, '\r', len))
		ambiguous(w, "a bare CR in a header line");
	if (!at_bol) {                   /* more of a line longer than the window */
		field_append(w, p, n);
		return;
	}
	if (!len) {
		headers_end(w);
		return;
	}
	if (p[0] == ' ' || p[0] == '\t') {
		field_append(w, (const unsigned char *)" ", 1);
		field_append(w, p, len);
		return;
	}
	name = header_name(p, len, &colon);
	if (!name) {
		/* an mbox "From " line before the headers */
		if (qf_mime_reader_offset(&w->rd) == n && len >= 5 && !memcmp(p, "From ", 5))
			return;
		/* the body started without the empty line, or a line that
		 * some readers skip and others take for the body: a guess */
		w->st->broken = true;
		ambiguous(w, "a header line without a name");
		headers_end(w);
		body_line(w, p, n);
		return;
	}
	w->any_header = true;
	w->cur = F_NONE;
	for (i = 0; i < F_COUNT; i++) {
		if (strlen(field_names[i]) != name || strncasecmp((const char *)p, field_names[i], name))
			continue;
		if (w->ncopy[i] == QF_MIME_COPIES) {
			ambiguous(w, "more than %d %s headers", QF_MIME_COPIES, field_names[i]);
			break;
		}
		if (w->ncopy[i])         /* a second one: compared when the headers end */
			w->st->broken = true;
		w->ncopy[i]++;
		w->cur = (int)i;
		break;
	}
	field_append(w, p + colon + 1, n - colon - 1);
}

/* A line (or piece) in whatever state the walk is in. */
static void body_line(struct walk *w, const unsigned char *p, size_t n)
{
	switch (w->state) {
	case ST_HEADERS:
		header_line(w, p, n, true);
		break;
	case ST_BODY:
		leaf_feed(w, p, n);
		break;
	default:
		break;
	}
}

/* ---- the walk ---- */

/* A line of a preamble or an epilogue that is a part's header: some
 * readers (ripmime) take what follows the close delimiter for a part. */
static void outside_line(struct walk *w, const unsigned char *p, size_t n)
{
	if ((n >= 13 && !strncasecmp((const char *)p, "Content-Type:", 13)) ||
	    (n >= 26 && !strncasecmp((const char *)p, "Content-Transfer-Encoding:", 26)))
		ambiguous(w, "%s", "a part's header outside the parts (preamble or epilogue)");
}

static void walk_run(struct walk *w)
{
	const unsigned char *p;
	size_t n;
	bool closing, at_bol;
	int rc, lvl;

	while (w->state != ST_STOP) {
		if (w->rd.bol && (w->nlev || w->any_multipart)) {
			if ((rc = rd(w, qf_mime_reader_dashes(&w->rd))) < 0)
				return;
			if (rc) {
				if (rd(w, qf_mime_reader_line(&w->rd, &p, &n)) <= 0)
					break;
				lvl = boundary_match(w, p, n, &closing);
				if (lvl >= 0)
					on_boundary(w, (size_t)lvl, closing);
				else {
					stray_dashes(w, p, n);
					body_line(w, p, n);
				}
				continue;
			}
		}
		at_bol = w->rd.bol;
		if (w->state == ST_HEADERS) {
			if (rd(w, qf_mime_reader_line(&w->rd, &p, &n)) <= 0)
				break;
			header_line(w, p, n, at_bol);
		} else if (w->state == ST_SKIP && w->any_multipart) {
			if (rd(w, qf_mime_reader_line(&w->rd, &p, &n)) <= 0)
				break;
			if (at_bol)
				outside_line(w, p, n);
		} else {
			if (rd(w, qf_mime_reader_body(&w->rd, &p, &n)) <= 0)
				break;
			if (w->state == ST_BODY)
				leaf_feed(w, p, n);
		}
	}
	if (w->any_multipart && w->rd.cr_dash)
		ambiguous(w, "a bare CR before a line of dashes");
	if (w->state == ST_STOP)
		return;
	end_entity(w, false);
	while (w->nlev) {
		if (w->lev[w->nlev - 1].boundary)
			w->st->broken = true;    /* no close delimiter */
		pop(w);
	}
}

/* What w holds, not w itself. */
static void walk_release(struct walk *w)
{
	int i;
	size_t k;

	if (w->leaf_open)
		leaf_close(w);
	while (w->nlev)
		pop(w);
	free(w->lev);
	for (i = 0; i < F_COUNT; i++)
		for (k = 0; k < w->ncopy[i]; k++)
			free(w->field[i][k]);
}

/* One message (the spooled one, or a decoded one inside it) from fd. */
static int walk_fd(const struct qf_mime_walk_in *in, struct qf_mime_stats *st,
		   struct qf_walk_error *err, int fd, uint64_t size, unsigned depth)
{
	/* not calloc: out[] is a 64 KB scratch buffer that need not be
	 * zeroed (it was a tenth of a clean message's instructions), and
	 * leaf_start() sets up the leaf (20 KB) before it is used */
	struct walk *w = !depth && spare ? spare : malloc(sizeof *w);
	int rc;

	if (!w) {
		err->exit = QF_EXIT_NOMEM;
		snprintf(err->text, sizeof err->text, "mime walk: out of memory");
		return -1;
	}
	if (w == spare)
		spare = NULL;
	memset(w, 0, offsetof(struct walk, leaf));
	qf_mime_reader_open(&w->rd, fd, size, w->window, in->deadline_ms);
	w->in = in;
	w->st = st;
	w->err = err;
	w->max_parts = qf_mime_max_parts(in->max_parts);
	w->max_depth = qf_mime_max_depth(in->max_depth);
	w->dir = in->dir;
	begin_entity(w, depth, false);
	walk_run(w);
	rc = w->rc;
	walk_release(w);
	if (!depth && !spare)
		spare = w;
	else
		free(w);
	return rc;
}

int qf_mime_walk(const struct qf_mime_walk_in *in, struct qf_mime_stats *st,
		 struct qf_walk_error *err)
{
	int rc;

	memset(st, 0, sizeof *st);
	memset(err, 0, sizeof *err);
	rc = walk_fd(in, st, err, in->fd, in->size, 0);
	st->walked = rc == 0;
	return rc;
}
