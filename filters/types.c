/* types.c: the types filter. For each decoded part:
 *   - ban-ext=: the file name's extension (trailing dots and spaces
 *     dropped, as Windows does); archive members come to this hook as
 *     parts (archive_walk.h), so their names are checked alike;
 *   - ban-types=: the declared type, and the content's type: the sniffed
 *     kind (types_sniff.c) or else libmagic's; a star after the slash
 *     ("image/" "*") bans a whole top-level type, and the executable type
 *     names ban each other;
 * each hit is a finding of the policy's types= action (5.7.1).
 *   - content that contradicts the declared type or the extension (an
 *     executable named photo.jpg, a PDF declared text/plain) is logged:
 *     result "mismatch:NAME", a finding with action off. The exe filter
 *     is what refuses executables.
 * libmagic costs milliseconds per part and a 7 MB map per process, so it
 * is loaded only when ban-types= is set and a part is neither a known
 * kind nor plain text, and never run on text. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <magic.h>
#include "exe_header.h"
#include "exitcodes.h"
#include "filter.h"
#include "part_report.h"
#include "types_sniff.h"

#define TYPES_DSN "5.7.1"
#define EXT_MAX 32

struct types_state {
	pthread_mutex_t lock;      /* a magic_t is not safe in two threads */
	magic_t magic;
	bool magic_tried;
	char magic_error[200];
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
	(void)cfg;
	pthread_mutex_init(&s->lock, NULL);
	return s;
}

static void types_fini(void *state)
{
	struct types_state *s = state;

	if (s->magic)
		magic_close(s->magic);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

/* libmagic's type of the head into type; false when libmagic is broken. */
static bool magic_type(struct types_state *s, const struct qf_part *p, char *type, size_t len)
{
	const char *t = NULL;
	bool ok;

	pthread_mutex_lock(&s->lock);
	if (!s->magic_tried) {
		s->magic_tried = true;
		s->magic = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_ENCODING);
		if (!s->magic || magic_load(s->magic, NULL) < 0) {
			snprintf(s->magic_error, sizeof s->magic_error, "libmagic: %s",
				 s->magic ? magic_error(s->magic) : "magic_open failed");
			if (s->magic)
				magic_close(s->magic);
			s->magic = NULL;
		}
	}
	if (s->magic)
		t = magic_buffer(s->magic, p->head, p->head_len);
	ok = t != NULL;
	snprintf(type, len, "%s", t ? t : s->magic_error[0] ? s->magic_error :
		 s->magic ? magic_error(s->magic) : "?");
	pthread_mutex_unlock(&s->lock);
	return ok;
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
		size_t n = strlen(*list);
		if (!strcasecmp(*list, type))
			return true;
		if (n >= 2 && !strcmp(*list + n - 2, "/*") && !strncasecmp(*list, type, n - 1))
			return true;
		if (exe && qf_types_is_exe_type(*list))
			return true;
	}
	return false;
}

static void banned(struct qf_msg *m, const char *word, const char *what,
		   const char *name, const struct qf_part *p, const char *text_fmt)
{
	struct qf_result *r = qf_part_report_result(m);
	bool first = r && (!r->reason || r->action == QF_ACT_OFF);
	char reason[QF_PART_NAME_BUF + 160];

	snprintf(reason, sizeof reason, "banned %s %.100s: %s (part %u)",
		 word, what, name, p->index);
	qf_msg_finding(m, m->policy.types, TYPES_DSN, reason, text_fmt, what);
	if (first)
		qf_msg_result(m, "banned:%.100s", what);
}

/* Content that is a program is the exe filter's, under the policy's exe=
 * action, however it is named: a rule's exe=tempfail or exe=quarantine
 * must not be overridden by the same file's banned name (types=reject).
 * With exe=off the site lets programs through, and names still count. */
static bool exe_judges(const struct qf_msg *m, const unsigned char *head, size_t len,
		       uint64_t size, int fd)
{
	return m->policy.exe != QF_ACT_OFF && qf_exe_header_kind(head, len, size, fd) != QF_EXE_NONE;
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

static bool check_types(struct qf_msg *m, struct types_state *s, const struct qf_part *p,
			const struct qf_kind *kind)
{
	char type[256], buf[QF_PART_NAME_BUF];
	const char *name = qf_part_report_name(p, buf, sizeof buf);

	if (!m->policy.ban_types)
		return false;
	if (type_banned(m->policy.ban_types, p->content_type)) {
		banned(m, "type", p->content_type, name, p, "we don't accept attachments of type %s");
		return true;
	}
	if (kind)
		snprintf(type, sizeof type, "%s", kind->type);
	else if (!strncmp(p->content_type, "text/", 5) && qf_types_text_like(p->head, p->head_len))
		return false;
	else if (!p->head_len)
		return false;
	else if (!magic_type(s, p, type, sizeof type)) {
		qf_msg_finding(m, QF_ACT_TEMPFAIL, "4.3.0", type,
			       "type check unavailable, try again later");
		return true;
	}
	if (type_banned(m->policy.ban_types, type)) {
		banned(m, "type", type, name, p, "we don't accept attachments of type %s");
		return true;
	}
	return false;
}

/* Declared type or name says one kind, the content another. */
static void check_mismatch(struct qf_msg *m, const struct qf_part *p,
			   const struct qf_kind *kind, const char *ext)
{
	struct qf_result *r = qf_part_report_result(m);
	const char *t = p->content_type;
	bool by_type, by_ext;
	char reason[QF_PART_NAME_BUF + 200], buf[QF_PART_NAME_BUF];
	const char *name = qf_part_report_name(p, buf, sizeof buf);

	if (!kind && (strncmp(t, "text/", 5) || qf_types_text_like(p->head, p->head_len)))
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
	snprintf(reason, sizeof reason, "%s (part %u) declared %.60s is %.60s",
		 name, p->index, t, kind ? kind->type : "binary");
	qf_msg_finding(m, QF_ACT_OFF, NULL, reason, "content does not match its type");
	if (r && !r->result)
		qf_msg_result(m, "mismatch:%.*s", QF_NAME_LOGGED, name);
}

static void types_part(struct qf_msg *m, void *state, const struct qf_part *p)
{
	const struct qf_kind *kind = qf_types_sniff(p->head, p->head_len, p->size, p->fd);
	char extbuf[EXT_MAX];
	const char *ext = extension(p->filename, extbuf);

	if (exe_judges(m, p->head, p->head_len, p->size, p->fd))
		return;   /* the exe filter's: see exe_judges */
	if (check_ext(m, p) || check_types(m, state, p, kind))
		return;
	check_mismatch(m, p, kind, ext);
}

const struct qf_filter qf_filter_types = {
	.name = "types",
	.wanted = types_wanted,
	.init = types_init,
	.fini = types_fini,
	.part = types_part,
	.message = qf_part_report_clean,
};
