#!/usr/bin/env bash
# t-diff.sh: the differential test of the MIME walk against the mail
# readers (issue 19; tests/diff/): a few hundred generated messages, each
# read by GMime's full parser, Python's email package (policy.default and
# compat32) and uudeview, and by qfilter. Where any reader extracts an
# executable (content or a *.exe name), qfilter must refuse the message;
# ordinary mail must be neither called ambiguous nor refused when clean.
# Prints the agreement figures.
root=$(cd "$(dirname "$0")/.." && pwd)
QF_BIN=${QF_BIN:-$root/bin}
. "$root/tests/lib/tap.sh"
W=$(mktemp -d "${TMPDIR:-/tmp}/qf-diff.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT
if [ ! -x "$QF_BIN/diff/gmime-parts" ]; then
	bad "$QF_BIN/diff/gmime-parts is not built (make all builds it)"
	tap_summary; exit
fi
out=$(/usr/bin/python3 "$root/tests/diff/run.py" "$QF_BIN" "$W/work" 2>&1)
rc=$?
printf '%s\n' "$out" | grep -vE '^[0-9]+ passed, [0-9]+ failed'
last=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -1)
if [ -z "$last" ]; then
	bad "tests/diff/run.py printed no result line (exit $rc)"
else
	set -- $last
	PASS=$((PASS + $1)) FAIL=$((FAIL + $3))
	[ "$rc" = 0 ] || [ "$3" != 0 ] || bad "tests/diff/run.py exited $rc despite no failure"
fi
tap_summary
