# tap.sh: the result lines every feature test prints, sourced by
# tests/t-*.sh. run-all adds up the closing "N passed, N failed" lines.
PASS=0 FAIL=0 SKIP=0
ok()   { PASS=$((PASS+1)); echo "ok - $*"; }
bad()  { FAIL=$((FAIL+1)); echo "not ok - $*"; }
skip() { SKIP=$((SKIP+1)); echo "skip - $*"; }
# check DESCRIPTION COMMAND...: passes when the command succeeds; on a
# failure, the start of its output is shown as comments
check() {
	local d=$1 out; shift
	out=$("$@" 2>&1)
	if [ $? = 0 ]; then ok "$d"; else bad "$d"; printf '%s\n' "$out" | head -12 | sed 's/^/#   /'; fi
}
# the closing line; the exit status says whether anything failed
tap_summary() {
	echo "$PASS passed, $FAIL failed, $SKIP skipped"
	[ "$FAIL" = 0 ]
}
