/* exe.c: the exe filter. A decoded part, a uuencoded block or a zip entry
 * whose content is a native executable (sniff_native.c: DOS and Windows
 * MZ/PE, ELF, Mach-O thin and universal, a compound file such as an MSI
 * package whose stream is an MZ/PE program) is a finding of the policy's
 * exe= action, with the classic text for all of them:
 *   we don't accept email with executable content (#5.3.4)
 * Scripts, shortcuts, installers without a program stream and disk
 * images are the types filter's (ban-types=, qfilter.rules(5)).
 * Zip archives are looked into (zip_walk.c); what was readable of an
 * entry is looked at even when the rest could not be read (an archive
 * that lies about sizes still hands its recipient the program).
 * What could not be checked is a finding of its own kind, `unchecked`,
 * with the policy's unchecked= action (default reject): an encrypted
 * entry, an archive libarchive cannot read whole, an archive over the
 * inspection limits (a bomb, too deep, too many entries, too large), and
 * a compound file whose structure cannot be followed, since what is left
 * unseen may be a program. A compound file in a zip entry, of which only
 * the head is kept, whose structure reaches past that head is only noted
 * "unchecked:NAME": every zipped Office 97 document would be one. */
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

/* Content that could not be checked: a finding of the unchecked kind.
 * word: the result word's prefix ("limit", "unchecked", "encrypted"). */
static void unchecked(struct qf_msg *m, const struct qf_part *p, const char *word,
		      const char *name, const char *why, const char *text, const char *dsn)
{
	struct qf_result *r = qf_part_report_result(m);
	bool first = r && !r->reason;
	char reason[400];

	snprintf(reason, sizeof reason, "unchecked: %.*s (part %u): %s", QF_NAME_LOGGED, name,
		 p->index, why);
	qf_msg_finding(m, m->policy.unchecked, dsn, reason, "%s", text);
	if (first)
		qf_msg_result(m, "%s:%.*s", word, QF_NAME_LOGGED, name);
}

/* A note for the result word, unless a finding or an earlier note is there. */
static void note(struct qf_msg *m, const char *word, const char *name)
{
	struct qf_result *r = qf_part_report_result(m);

	if (r && !r->reason && !r->result)
		qf_msg_result(m, "%s:%.*s", word, QF_NAME_LOGGED, name);
}

/* A compound file that could not be followed: it may hide a stream. */
static void ole_damaged(struct qf_msg *m, const struct qf_part *p, const struct qf_ole_info *ole,
			const char *name)
{
	char why[120];

	if (ole->nomem) {
		qf_msg_error(m, QF_EXIT_NOMEM, "exe: reading the compound file %.*s: out of memory",
			     QF_NAME_LOGGED, name);
		return;
	}
	if (ole->partial) {     /* no copy was kept: nothing to say but that */
		note(m, "unchecked", name);
		return;
	}
	snprintf(why, sizeof why, "compound file not inspected: %s", ole->why);
	unchecked(m, p, "unchecked", name, why, UNCHECKED_TEXT, UNCHECKED_DSN);
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
	if (ole.damaged)
		ole_damaged(z->m, z->p, &ole, e->path);
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
		char why[200];
		snprintf(why, sizeof why, "not inspected: %s", rep.why);
		unchecked(m, p, "limit", name, why, LIMIT_TEXT, EXE_DSN);
	} else if (rep.damaged)
		unchecked(m, p, "unchecked", name, rep.why, UNCHECKED_TEXT, UNCHECKED_DSN);
	else if (rep.encrypted)
		unchecked(m, p, "encrypted", name, "an encrypted entry", UNCHECKED_TEXT, UNCHECKED_DSN);
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
