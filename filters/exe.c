/* exe.c: the exe filter. A decoded part, a uuencoded block or a zip entry
 * whose content is a native executable (sniff_native.c: DOS and Windows
 * MZ/PE, ELF, Mach-O thin and universal, a compound file such as an MSI
 * package whose stream is an MZ/PE program) is a finding of the policy's
 * exe= action, with the classic text for all of them:
 *   we don't accept email with executable content (#5.3.4)
 * A compound file whose structure cannot be followed is an unchecked=
 * finding (it may hide a stream); one that could not be read because
 * only its head was kept (a zip entry) is noted "unchecked:NAME".
 * Scripts, shortcuts, installers without a program stream and disk
 * images are the types filter's (ban-types=, qfilter.rules(5)).
 * Zip archives are looked into (zip_walk.c). An encrypted entry cannot be
 * read: it is no finding (the types filter's ban-ext= sees its name), and
 * the result word says "encrypted:NAME" so the log shows what went
 * unchecked. An archive over the inspection limits (a zip bomb, archives
 * nested too deeply, a part over the copy limit) is a finding of the same
 * action, since what is left unseen may be a program: failing open there
 * would make the limits a way round the filter. An archive libarchive
 * cannot read is no finding: "unchecked:NAME" and a warning line. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include "exitcodes.h"
#include "filter.h"
#include "mime_sink.h"
#include "part_report.h"
#include "sniff_native.h"
#include "zip_walk.h"

#define EXE_DSN "5.3.4"
#define EXE_TEXT "we don't accept email with executable content"
#define LIMIT_TEXT "we don't accept archives too large or too deeply nested to inspect"
#define UNCHECKED_DSN "5.7.1"
#define UNCHECKED_TEXT "attachment could not be checked for executable content"

struct exe_state {
	const char *dir;      /* for the temp files of nested archives */
};

static bool exe_wanted(const struct qf_msg *m)
{
	return m->policy.exe != QF_ACT_OFF;
}

static void *exe_init(const struct qf_config *cfg, char *err, size_t errlen)
{
	struct exe_state *s = calloc(1, sizeof *s);

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->dir = cfg ? cfg->spool : NULL;
	return s;
}

static void exe_fini(void *state)
{
	free(state);
}

/* where: "tool.exe", or "setup.exe in a.zip" */
static void found(struct qf_msg *m, const struct qf_part *p, enum qf_native k,
		  const struct qf_ole_info *ole, const char *name, const char *archive)
{
	struct qf_result *r = qf_part_report_result(m);
	bool first = r && !r->reason;
	bool msi = ole && ole->msi;
	char reason[400];

	snprintf(reason, sizeof reason, "%s executable %.*s%s%.*s (part %u)%s%.*s",
		 qf_native_name(k, msi), QF_NAME_LOGGED, name, archive ? " in " : "",
		 QF_NAME_LOGGED, archive ? archive : "", p->index,
		 k == QF_NATIVE_OLE ? ", stream " : "", k == QF_NATIVE_OLE ? 40 : 0,
		 k == QF_NATIVE_OLE ? ole->stream : "");
	qf_msg_finding(m, m->policy.exe, EXE_DSN, reason, EXE_TEXT);
	if (first)
		qf_msg_result(m, "%s:%.*s", qf_native_word(k, msi), QF_NAME_LOGGED, name);
}

/* A note for the result word, unless a finding or an earlier note is there. */
static void unchecked(struct qf_msg *m, const char *word, const char *name)
{
	struct qf_result *r = qf_part_report_result(m);

	if (r && !r->reason && !r->result)
		qf_msg_result(m, "%s:%.*s", word, QF_NAME_LOGGED, name);
}

struct zip_look {
	struct qf_msg *m;
	const struct qf_part *p;
	const char *archive;
};

static bool zip_entry(void *arg, const struct qf_zip_entry *e)
{
	struct zip_look *z = arg;
	struct qf_ole_info ole;
	enum qf_native k = qf_sniff_native(e->head, e->head_len, e->size, -1, &ole);

	if (k != QF_NATIVE_NONE) {
		found(z->m, z->p, k, &ole, e->path, z->archive);
		return true;
	}
	if (ole.nomem)
		qf_msg_error(z->m, QF_EXIT_NOMEM, "exe: reading %.*s: out of memory", QF_NAME_LOGGED, e->path);
	else if (ole.damaged)
		unchecked(z->m, "unchecked", e->path);
	return qf_msg_expired(z->m);
}

static void look_inside(struct qf_msg *m, struct exe_state *s, const struct qf_part *p,
			const char *name)
{
	struct zip_look z = { m, p, name };
	struct qf_zip_report rep;

	if (qf_zip_walk(p->fd, s->dir, zip_entry, &z, &rep) < 0) {
		qf_msg_error(m, QF_EXIT_WRITE, "exe: looking into %s: %m", name);
		return;
	}
	if (rep.stopped)
		return;
	if (!rep.limit && p->size > QF_PART_COPY_MAX) {
		rep.limit = true;
		snprintf(rep.why, sizeof rep.why, "archive over %llu bytes",
			 (unsigned long long)QF_PART_COPY_MAX);
	}
	if (rep.limit) {
		char reason[300];
		struct qf_result *r = qf_part_report_result(m);
		bool first = r && !r->reason;
		snprintf(reason, sizeof reason, "%.*s (part %u) not inspected: %s",
			 QF_NAME_LOGGED, name, p->index, rep.why);
		qf_msg_finding(m, m->policy.exe, EXE_DSN, reason, LIMIT_TEXT);
		if (first)
			qf_msg_result(m, "limit:%.*s", QF_NAME_LOGGED, name);
	} else if (rep.damaged) {
		qf_msg_warn(m, "%.*s (part %u): %s", QF_NAME_LOGGED, name, p->index, rep.why);
		unchecked(m, "unchecked", name);
	} else if (rep.encrypted)
		unchecked(m, "encrypted", name);
}

/* A compound file that could not be followed: it may hide a stream. */
static void ole_damaged(struct qf_msg *m, const struct qf_part *p, const struct qf_ole_info *ole,
			const char *name)
{
	struct qf_result *r = qf_part_report_result(m);
	bool first = r && !r->reason;
	char reason[300];

	if (ole->nomem) {
		qf_msg_error(m, QF_EXIT_NOMEM, "exe: reading the compound file %.*s: out of memory",
			     QF_NAME_LOGGED, name);
		return;
	}
	if (ole->partial) {     /* no copy was kept: nothing to say but that */
		unchecked(m, "unchecked", name);
		return;
	}
	snprintf(reason, sizeof reason, "compound file %.*s (part %u) not inspected: %s",
		 QF_NAME_LOGGED, name, p->index, ole->why);
	qf_msg_finding(m, m->policy.unchecked, UNCHECKED_DSN, reason, UNCHECKED_TEXT);
	if (first)
		qf_msg_result(m, "unchecked:%.*s", QF_NAME_LOGGED, name);
}

static void exe_part(struct qf_msg *m, void *state, const struct qf_part *p)
{
	struct qf_ole_info ole;
	enum qf_native k = qf_sniff_native(p->head, p->head_len, p->size, p->fd, &ole);
	char buf[32];
	const char *name = qf_part_report_name(p, buf, sizeof buf);

	if (k != QF_NATIVE_NONE)
		found(m, p, k, &ole, name, NULL);
	else if (ole.damaged)
		ole_damaged(m, p, &ole, name);
	else if (p->fd >= 0 && p->head_len >= 4 && !memcmp(p->head, "PK\3\4", 4))
		look_inside(m, state, p, name);
}

const struct qf_filter qf_filter_exe = {
	.name = "exe",
	.wanted = exe_wanted,
	.init = exe_init,
	.fini = exe_fini,
	.part = exe_part,
	.message = qf_part_report_clean,
};
