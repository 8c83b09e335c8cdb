/* exe.c: the exe filter. A decoded part, a uuencoded block or an archive
 * member (the chain hands members to every part hook, archive_walk.h)
 * whose content is a native executable (sniff_native.c: DOS and Windows
 * MZ/PE, ELF, Mach-O thin and universal, a compound file such as an MSI
 * package whose stream is an MZ/PE program) is a finding of the policy's
 * exe= action, with the classic text for all of them:
 *   we don't accept email with executable content (#5.3.4)
 * Scripts, shortcuts, installers without a program stream and disk
 * images are the types filter's (ban-types=, qfilter.rules(5)).
 * A part or member that could not be read whole (p->unchecked: encrypted,
 * damaged, truncated, lying sizes, an unsupported method, over a limit,
 * a container no reader here opens), one volume of a split archive
 * (tool.001: archive_sniff.h), and a compound file whose structure
 * cannot be followed, is the ban that could not be checked: a finding of
 * the policy's unchecked= action,
 *   attachment could not be checked for executable content (#5.7.1)
 * An executable found is the stronger reason: it replaces an unchecked
 * finding of the same action, so the reply names what was found. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include "exitcodes.h"
#include "filter.h"
#include "archive_sniff.h"
#include "part_report.h"
#include "sniff_native.h"

#define EXE_DSN "5.3.4"
#define EXE_TEXT "we don't accept email with executable content"
#define UNCHECKED_TEXT "attachment could not be checked for executable content"

static bool exe_wanted(const struct qf_msg *m)
{
	return m->policy.exe != QF_ACT_OFF;
}

static void *exe_init(const struct qf_config *cfg, char *err, size_t errlen)
{
	static const char stateless;

	(void)cfg;
	(void)err;
	(void)errlen;
	return (void *)&stateless;
}

static bool standing_unchecked(const struct qf_result *r)
{
	return r && r->reason && r->text && !strncmp(r->text, UNCHECKED_TEXT, strlen(UNCHECKED_TEXT));
}

static void found(struct qf_msg *m, const struct qf_part *p, enum qf_native k,
		  const struct qf_ole_info *ole)
{
	struct qf_result *r = qf_part_report_result(m);
	bool first = r && (!r->reason || standing_unchecked(r));
	bool msi = ole->ole && ole->msi;
	char reason[QF_PART_NAME_BUF + 128], buf[QF_PART_NAME_BUF];

	if (standing_unchecked(r) && r->action <= m->policy.exe)
		qf_msg_finding_drop(m);
	snprintf(reason, sizeof reason, "%s executable %s (part %u)%s%.40s", qf_native_name(k, msi),
		 qf_part_report_name(p, buf, sizeof buf), p->index,
		 k == QF_NATIVE_OLE ? ", stream " : "", k == QF_NATIVE_OLE ? ole->stream : "");
	qf_msg_finding(m, m->policy.exe, EXE_DSN, reason, EXE_TEXT);
	if (first && r->reason && !standing_unchecked(r))
		qf_msg_result(m, "%s:%.*s", qf_native_word(k, msi), QF_NAME_LOGGED,
			      p->filename ? p->filename : buf);
}

/* where: the archive for what the archive walk could not read (its why
 * names the member), else the part or member itself */
static void unchecked(struct qf_msg *m, const struct qf_part *p, const char *where,
		      const char *why)
{
	struct qf_result *r = qf_part_report_result(m);
	enum qf_action a = m->policy.unchecked;
	char reason[QF_PART_NAME_BUF + 400];

	snprintf(reason, sizeof reason, "unchecked: %s: %s", where, why);
	qf_msg_finding(m, a, "5.7.1", reason, UNCHECKED_TEXT); /* 4.7.1 when held back: decide.c */
	if (r && !r->result)
		qf_msg_result(m, "unchecked:%.*s", QF_NAME_LOGGED, where);
}

/* A compound file that could not be followed: it may hide a stream. */
static void ole_damaged(struct qf_msg *m, const struct qf_part *p, const struct qf_ole_info *ole)
{
	char why[160], buf[QF_PART_NAME_BUF];

	if (ole->nomem) {
		qf_msg_error(m, QF_EXIT_NOMEM, "exe: reading the compound file %s: out of memory",
			     qf_part_report_name(p, buf, sizeof buf));
		return;
	}
	/* partial: no copy was there to read past the head (the sink keeps
	 * one of every compound file, so this is a copy that failed) */
	snprintf(why, sizeof why, "compound file not inspected: %s",
		 ole->partial ? "only its head could be read" : ole->why);
	unchecked(m, p, qf_part_report_name(p, buf, sizeof buf), why);
}

static void exe_part(struct qf_msg *m, void *state, const struct qf_part *p)
{
	struct qf_ole_info ole;
	enum qf_native k = qf_sniff_native(p->head, p->head_len, p->size, p->fd, &ole);
	const char *volume;

	(void)state;
	if (k != QF_NATIVE_NONE)
		found(m, p, k, &ole);
	else if (ole.damaged)
		ole_damaged(m, p, &ole);
	if (p->unchecked) {
		char buf[QF_PART_NAME_BUF];
		unchecked(m, p, p->container ? p->container : qf_part_report_name(p, buf, sizeof buf),
			  p->unchecked);
	} else if ((volume = qf_archive_split_volume(p->filename))) {
		/* 7-Zip joins tool.001 and tool.002 into one file: a program
		 * split in two shows in neither */
		char buf[QF_PART_NAME_BUF], why[80];
		snprintf(why, sizeof why, "%s, which qfilter cannot join", volume);
		unchecked(m, p, qf_part_report_name(p, buf, sizeof buf), why);
	}
}

const struct qf_filter qf_filter_exe = {
	.name = "exe",
	.wanted = exe_wanted,
	.init = exe_init,
	.part = exe_part,
	.message = qf_part_report_clean,
};
