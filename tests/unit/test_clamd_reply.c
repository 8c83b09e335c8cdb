/* test_clamd_reply: the strict parser of clamd's INSTREAM replies and of
 * IDSESSION records (filters/clamd.c). */
#include "unit.h"
#include "clamd.h"

static enum qf_clamav_status parse(const char *s, struct qf_clamav_scan *r)
{
	memset(r, 0, sizeof *r);
	return qf_clamd_reply_parse(s, strlen(s), r);
}

static void test_replies(void)
{
	struct qf_clamav_scan r;
	char longname[400];

	CHECK_INT(parse("stream: OK", &r), QF_CLAMAV_CLEAN, "stream: OK is clean");
	CHECK_INT(parse("stream: Eicar-Test-Signature FOUND", &r), QF_CLAMAV_FOUND, "FOUND is a virus");
	CHECK_STR(r.name, "Eicar-Test-Signature", "the virus name is between 'stream: ' and ' FOUND'");
	CHECK_INT(parse("stream: Win.Test.EICAR_HDB-1.UNOFFICIAL FOUND", &r), QF_CLAMAV_FOUND, "dotted name");
	CHECK_STR(r.name, "Win.Test.EICAR_HDB-1.UNOFFICIAL", "dotted name kept whole");
	CHECK_INT(parse("INSTREAM size limit exceeded. ERROR", &r), QF_CLAMAV_ERROR, "size limit is an error");
	CHECK(strstr(r.detail, "INSTREAM size limit exceeded") != NULL, "the error text is kept for the log");
	CHECK_INT(parse("stream: Can't allocate memory ERROR", &r), QF_CLAMAV_ERROR, "stream: ... ERROR is an error");

	/* strictness: anything else is an error, never clean */
	CHECK_INT(parse("", &r), QF_CLAMAV_ERROR, "empty reply");
	CHECK_INT(parse("stream: OK\n", &r), QF_CLAMAV_ERROR, "a newline is not ours (z-commands end with NUL)");
	CHECK_INT(parse("stream: OKAY", &r), QF_CLAMAV_ERROR, "OKAY is not OK");
	CHECK_INT(parse("stream:OK", &r), QF_CLAMAV_ERROR, "missing space");
	CHECK_INT(parse("STREAM: OK", &r), QF_CLAMAV_ERROR, "case matters");
	CHECK_INT(parse("stream: ", &r), QF_CLAMAV_ERROR, "no verdict");
	CHECK_INT(parse("stream: FOUND", &r), QF_CLAMAV_ERROR, "FOUND without a name");
	CHECK_INT(parse("stream:  FOUND", &r), QF_CLAMAV_ERROR, "FOUND with an empty name");
	CHECK_INT(parse("stream: X FOUND ", &r), QF_CLAMAV_ERROR, "trailing space");
	CHECK_INT(parse("UNKNOWN COMMAND", &r), QF_CLAMAV_ERROR, "UNKNOWN COMMAND");
	CHECK_INT(parse("ERROR", &r), QF_CLAMAV_ERROR, "bare ERROR");
	CHECK(strstr(r.detail, "unexpected") != NULL, "bare ERROR is reported as unexpected");
	CHECK_INT(parse("stream: Eic\001ar FOUND", &r), QF_CLAMAV_ERROR, "control bytes in a name");
	CHECK(strchr(r.detail, '\001') == NULL, "control bytes do not reach the log");
	CHECK_INT(qf_clamd_reply_parse("stream: OK\0junk", 15, &r), QF_CLAMAV_ERROR, "a NUL inside the reply");

	memset(longname, 'A', sizeof longname);
	memcpy(longname, "stream: ", 8);
	strcpy(longname + sizeof longname - 7, " FOUND");
	CHECK_INT(parse(longname, &r), QF_CLAMAV_FOUND, "an overlong name is still a virus");
	CHECK_INT(strlen(r.name), QF_CLAMAV_NAME_MAX - 1, "and is cut to fit the reply text");
}

static void test_records(void)
{
	unsigned id = 0;
	const char *text = NULL;
	size_t len = 0;
	const char *rec = "2: stream: OK";

	CHECK_INT(qf_clamd_record_split(rec, strlen(rec), &id, &text, &len), 0, "session record splits");
	CHECK_INT(id, 2, "its id");
	CHECK(len == 10 && memcmp(text, "stream: OK", 10) == 0, "its text");
	rec = "1: ClamAV 1.4.6/27000/Thu Nov 19 09:35:48 2026";
	CHECK_INT(qf_clamd_record_split(rec, strlen(rec), &id, &text, &len), 0, "version record");
	CHECK_INT(id, 1, "version id");
	CHECK_INT(qf_clamd_record_split("UNKNOWN COMMAND", 15, &id, &text, &len), -1, "no id");
	CHECK_INT(qf_clamd_record_split("2:stream: OK", 12, &id, &text, &len), -1, "no space after the colon");
	CHECK_INT(qf_clamd_record_split(": x", 3, &id, &text, &len), -1, "empty id");
	CHECK_INT(qf_clamd_record_split("12", 2, &id, &text, &len), -1, "digits only");
	CHECK_INT(qf_clamd_record_split("3: ", 3, &id, &text, &len), 0, "empty text splits");
	CHECK_INT(len, 0, "to an empty text");
}

int main(void)
{
	test_replies();
	test_records();
	return unit_done();
}
