/* types.c: the types filter. For each decoded part:
 *   - ban-ext=: the file name's extension (trailing dots and spaces
 *     dropped, as Windows does), of every name a reader might use;
 *     archive members come to this hook as parts (archive_walk.h), so
 *     their names are checked alike;
 *   - ban-types=: the declared type, the content's real type and the
 *     part's type classes (sniff_class.h: executable/pe, script/js,
 *     disk-image/iso, ...); a star after the slash ("script/" "*") bans a
 *     whole top-level type or family of classes, and the names of one
 *     executable kind ban each other;
 * each hit is a finding of the policy's types= action (5.7.1).
 *   - content that contradicts the declared type or the extension (an
 *     executable named photo.jpg, a PDF declared text/plain) is logged:
 *     result "mismatch:NAME", a finding with action off.
 * Content that is a program (a native executable, sniff_native.h) is the
 * exe filter's alone, whatever its name and type: none of this applies
 * to it unless exe=off (then its classes executable/... count too).
 * The real type is libmagic's (sniff_magic.c), on the part's head. The
 * own sniffer (types_sniff.c) is the fast pre-filter before it: text
 * declared text/ is plain text and never goes to libmagic; a kind whose
 * leading bytes libmagic reads the same way (PDF, images, executables,
 * rar, 7z, gzip) is named without it; libmagic (about 1.5 M
 * instructions a part) runs for zip and compound files, which hold
 * Office documents and installers, when ban-types= is set, and for
 * content the sniffer does not know. Its handle is opened by init, so a
 * broken database makes the filter unavailable (a tempfail). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "exitcodes.h"
#include "filter.h"
#include "part_report.h"
#include "sniff_class.h"
#include "sniff_magic.h"
#include "sniff_native.h"
#include "types_sniff.h"

#define TYPES_DSN "5.7.1"
#define EXT_MAX 32

struct types_state {
	struct qf_magic *magic;    /* magic_of() */
	bool magic_tried;
	char magic_error[200];
};

/* What a part's content is. */
struct content {
	bool plain;                    /* text declared text/, no known kind: no libmagic */
	const struct qf_kind *kind;    /* the sniffed kind, else the one type stands for */
	char type[256];                /* the real type: sniffed or libmagic's; "" unknown */
	const struct qf_class *classes[QF_CLASSES_MAX];
	size_t nclasses;
};

static bool types_wanted(const struct qf_msg *m)
{
	return m->policy.types != QF_ACT_OFF;
}

static void *types_init(const struct qf_config *cfg, char *err, size_t errlen)
{
	struct types_state *s = calloc(1, sizeof *s);

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	return s;
}

/* libmagic's handle: opened by preload in qfilterd, else when a part
 * first needs it (a plain text message never does: 0.3 M instructions
 * saved per message in process). NULL with err after a failure, which is
 * not retried within the process. */
static struct qf_magic *magic_of(struct types_state *s, char *err, size_t errlen)
{
	if (!s->magic && !s->magic_tried) {
		s->magic_tried = true;
		s->magic = qf_magic_open(s->magic_error, sizeof s->magic_error);
	}
	if (!s->magic)
		snprintf(err, errlen, "%s", s->magic_error);
	return s->magic;
}

static int types_preload(void *state, char *err, size_t errlen)
{
	return magic_of(state, err, errlen) ? 0 : -1;
}

static void types_fini(void *state)
{
	struct types_state *s = state;

	if (s->magic)
		qf_magic_close(s->magic);
	free(s);
}

/* The last extension of name, lowercase, into ext; NULL when there is
 * none. */
static const char *extension(const char *name, char *ext)
{
	const char *end, *dot;
	size_t n, i;

	if (!name)
		return NULL;
	end = name + strlen(name);
	while (end > name && (end[-1] == '.' || end[-1] == ' '))
		end--;
	for (dot = end; dot > name && dot[-1] != '.' && dot[-1] != '/' && dot[-1] != '\\'; dot--)
		;
	if (dot == name || dot[-1] != '.' || (n = end - dot) == 0 || n >= EXT_MAX)
		return NULL;
	for (i = 0; i < n; i++)
		ext[i] = (dot[i] >= 'A' && dot[i] <= 'Z') ? dot[i] + 'a' - 'A' : dot[i];
	ext[n] = 0;
	return ext;
}

/* The ban-ext= entry that name ends with (".exe", or ".tar.gz" for
 * "tar.gz"), after the trailing dots and spaces Windows drops; or NULL. */
static const char *banned_ext(char *const *list, const char *name)
{
	size_t n;

	if (!name)
		return NULL;
	n = strlen(name);
	while (n && (name[n - 1] == '.' || name[n - 1] == ' '))
		n--;
	for (; list && *list; list++) {
		size_t e = strlen(*list);
		if (e < n && name[n - e - 1] == '.' && !strncasecmp(name + n - e, *list, e))
			return *list;
	}
	return NULL;
}

static bool type_banned(char *const *list, const char *type)
{
	bool exe = list && *list && qf_types_is_exe_type(type);

	for (; list && *list; list++) {
		if (qf_type_banned_by(type, *list))
			return true;
		if (exe && qf_types_is_exe_type(*list))
			return true;
	}
	return false;
}

/* The first class of the part that an entry of list names, or NULL. */
static const struct qf_class *class_banned(char *const *list, const struct content *c)
{
	size_t i;

	for (; list && *list; list++)
		for (i = 0; i < c->nclasses; i++)
			if (qf_class_banned_by(c->classes[i], *list))
				return c->classes[i];
	return NULL;
}

static void banned(struct qf_msg *m, const char *word, const char *what,
		   const char *name, const struct qf_part *p, const char *text_fmt)
{
	struct qf_result *r = qf_part_report_result(m);
	bool first = r && (!r->reason || r->action == QF_ACT_OFF);
	char reason[400];

	snprintf(reason, sizeof reason, "banned %s %.100s: %.*s (part %u)",
		 word, what, 2 * QF_NAME_LOGGED + 8, name, p->index);
	qf_msg_finding(m, m->policy.types, TYPES_DSN, reason, text_fmt, what);
	if (first)
		qf_msg_result(m, "banned:%.100s", what);
}

/* Content that is a program (a native executable, sniff_native.h) is the
 * exe filter's, under the policy's exe= action, however it is named or
 * declared: a rule's exe=tempfail or exe=quarantine must not be
 * overridden by the same file's banned name or type (types=reject). With
 * exe=off the site lets programs through, and names and types still count. */
static bool exe_judges(const struct qf_msg *m, enum qf_native native)
{
	return m->policy.exe != QF_ACT_OFF && native != QF_NATIVE_NONE;
}

static bool check_ext(struct qf_msg *m, const struct qf_part *p)
{
	char buf[QF_PART_NAME_BUF];
	const char *name = qf_part_report_name(p, buf, sizeof buf);
	const char *ext = NULL;
	size_t i;

	/* every name a reader might save the part under, not only the one
	 * the log calls it by */
	for (i = 0; !ext && i < p->nnames; i++)
		if ((ext = banned_ext(m->policy.ban_ext, p->names[i])))
			name = p->names[i];
	if (!ext)
		ext = banned_ext(m->policy.ban_ext, p->filename);
	if (!ext)
		return false;
	banned(m, "extension", ext, name, p, "we don't accept attachments named *.%s");
	return true;
}

static void add_class(struct content *c, const struct qf_class *k)
{
	size_t i;

	if (!k || c->nclasses == QF_CLASSES_MAX)
		return;
	for (i = 0; i < c->nclasses; i++)
		if (c->classes[i] == k)
			return;
	c->classes[c->nclasses++] = k;
}

/* libmagic's type of the part into c->type; false after a tempfail
 * finding when libmagic cannot be had or fails on it. */
static bool magic_type(struct qf_msg *m, struct types_state *s, const struct qf_part *p,
		       struct content *c)
{
	struct qf_magic *mg = magic_of(s, c->type, sizeof c->type);
	char reason[300];

	if (mg && qf_magic_type(mg, p->head, p->head_len, c->type, sizeof c->type))
		return true;
	snprintf(reason, sizeof reason, "type of part %u: %.200s", p->index, c->type);
	qf_msg_finding(m, QF_ACT_TEMPFAIL, "4.3.0", reason, "type check unavailable, try again later");
	return false;
}

/* The part's real type and classes into c; false (after a tempfail
 * finding) when libmagic fails on it. */
static bool content_of(struct qf_msg *m, struct types_state *s, const struct qf_part *p,
		       const char *ext, enum qf_native native, const struct qf_ole_info *ole,
		       struct content *c)
{
	memset(c, 0, sizeof *c);
	c->kind = qf_types_sniff(p->head, p->head_len, p->size, p->fd);
	c->plain = !c->kind && !strncmp(p->content_type, "text/", 5) &&
		   qf_types_text_like(p->head, p->head_len);
	if (!c->plain && p->head_len) {
		if (qf_types_definite(c->kind))
			snprintf(c->type, sizeof c->type, "%s", c->kind->type);
		else if ((m->policy.ban_types || !c->kind) && !magic_type(m, s, p, c))
			return false;
		if (!c->kind && c->type[0])
			c->kind = qf_types_by_declared(c->type);
	}
	if (!m->policy.ban_types)
		return true;
	/* by content, then by what libmagic says, then by declared type and name */
	if (!c->plain) {
		if (native != QF_NATIVE_NONE)
			add_class(c, qf_class_by_name(qf_native_class(native)));
		/* a kind named by its first bytes is none of the content classes */
		if (!qf_types_definite(c->kind))
			add_class(c, qf_class_by_content(p->head, p->head_len, p->size, p->fd, ole, ext));
		if (c->type[0])
			add_class(c, qf_class_by_type(c->type, false));
	} else if (strcmp(p->content_type, "text/plain"))
		/* HTML that is an HTML application: our own look, no libmagic */
		add_class(c, qf_class_by_content(p->head, p->head_len, p->size, p->fd, NULL, ext));
	add_class(c, qf_class_by_type(p->content_type, true));
	add_class(c, qf_class_by_ext(ext));
	return true;
}

static bool check_types(struct qf_msg *m, const struct qf_part *p, const struct content *c)
{
	char buf[32];
	const char *name = qf_part_report_name(p, buf, sizeof buf);
	const struct qf_class *k;

	if (!m->policy.ban_types)
		return false;
	if (type_banned(m->policy.ban_types, p->content_type)) {
		banned(m, "type", p->content_type, name, p, "we don't accept attachments of type %s");
		return true;
	}
	if (c->type[0] && type_banned(m->policy.ban_types, c->type)) {
		banned(m, "type", c->type, name, p, "we don't accept attachments of type %s");
		return true;
	}
	if ((k = class_banned(m->policy.ban_types, c))) {
		banned(m, "type", k->name, name, p, "we don't accept attachments of type %s");
		return true;
	}
	return false;
}

/* Declared type or name says one kind, the content another. */
static void check_mismatch(struct qf_msg *m, const struct qf_part *p, const struct content *c,
			   const char *ext)
{
	struct qf_result *r = qf_part_report_result(m);
	const struct qf_kind *kind = c->kind;
	const char *t = p->content_type;
	bool by_type, by_ext;
	char reason[300], buf[32];
	const char *name = qf_part_report_name(p, buf, sizeof buf);

	if (!kind && (strncmp(t, "text/", 5) || c->plain || !p->head_len))
		return;
	if (!kind)          /* binary content declared as text */
		by_type = true;
	else
		by_type = (qf_types_by_declared(t) || !strncmp(t, "text/", 5) ||
			   !strncmp(t, "image/", 6) || !strncmp(t, "audio/", 6) ||
			   !strncmp(t, "video/", 6)) && !qf_types_fits(kind, t);
	by_ext = kind && ext && qf_types_by_ext(ext) && !qf_types_ext_fits(kind, ext);
	if (!by_type && !by_ext)
		return;
	snprintf(reason, sizeof reason, "%.*s (part %u) declared %.60s is %.60s",
		 QF_NAME_LOGGED, name, p->index, t, c->type[0] ? c->type : kind ? kind->type : "binary");
	qf_msg_finding(m, QF_ACT_OFF, NULL, reason, "content does not match its type");
	if (r && !r->result)
		qf_msg_result(m, "mismatch:%.*s", QF_NAME_LOGGED, name);
}

static void types_part(struct qf_msg *m, void *state, const struct qf_part *p)
{
	char extbuf[EXT_MAX];
	const char *ext = extension(p->filename, extbuf);
	struct qf_ole_info ole;
	enum qf_native native = qf_sniff_native(p->head, p->head_len, p->size, p->fd, &ole);
	struct content c;

	if (exe_judges(m, native))
		return;   /* the exe filter's: see exe_judges */
	if (check_ext(m, p) || !content_of(m, state, p, ext, native, &ole, &c) ||
	    check_types(m, p, &c))
		return;
	check_mismatch(m, p, &c, ext);
}

const struct qf_filter qf_filter_types = {
	.name = "types",
	.wanted = types_wanted,
	.init = types_init,
	.preload = types_preload,
	.fini = types_fini,
	.part = types_part,
	.message = qf_part_report_clean,
};
