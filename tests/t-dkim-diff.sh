#!/usr/bin/env bash
# t-dkim-diff.sh: qfilter's DKIM verdicts against an independent
# verifier (issue 22). tests/dkim-diff/gen.py has Debian's dkimpy
# (python3-dkim) sign 400 generated messages (fixed seed) with varied
# options, change a share after signing, and verify each signature: its
# verdict is the reference. qfilter-test reads each message with the keys
# from a dkim-keys file; tests/dkim-diff/compare.py compares signature by
# signature. Every difference must be one of the documented policies
# listed there, each with its RFC section; the agreement figure is printed.
#   QF_BIN=bin bash tests/t-dkim-diff.sh      (QF_DIFF_SEED, QF_DIFF_N to vary)
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/lib/tap.sh"
QF_BIN=${QF_BIN:-$root/bin}
SEED=${QF_DIFF_SEED:-22} N=${QF_DIFF_N:-400}
T=$(mktemp -d "${TMPDIR:-/tmp}/qf-t-dkim-diff.XXXXXX")
trap '[ -n "$KEEP" ] || rm -rf "$T"' EXIT

for p in /usr/bin/python3 openssl "$QF_BIN/qfilter-test"; do
	command -v "$p" >/dev/null || { bad "$p is installed (tests/lib/need-packages)"; tap_summary; exit 1; }
done
if ! /usr/bin/python3 "$root/tests/dkim-diff/gen.py" "$T" "$SEED" "$N" >"$T/gen.log" 2>&1; then
	bad "dkimpy signed the messages"; sed 's/^/#   /' "$T/gen.log" | tail -5
	tap_summary; exit 1
fi
echo "# seed $SEED: $(tail -1 "$T/gen.log")"
printf '%s\n' "authserv-id mx.test.example" "dkim-keys $T/keys" >"$T/conf"
fails=0
for f in "$T"/[0-9]*.eml; do
	QFILTER_CONF=$T/conf "$QF_BIN/qfilter-test" --json "$f" >"${f%.eml}.json" 2>"${f%.eml}.err" ||
		{ fails=$((fails+1)); echo "# $(basename "$f"): qfilter-test exit $?: $(head -1 "${f%.eml}.err")"; }
done
check "qfilter-test examined all $N messages" test "$fails" = 0
/usr/bin/python3 "$root/tests/dkim-diff/compare.py" "$T" >"$T/compare.out" 2>&1
rc=$?
grep -v '^differs: ' "$T/compare.out" | sed 's/^/# /'
check "every signature's verdict is dkimpy's or a documented policy ($(grep -o '^agreement: .*' "$T/compare.out"))" \
	bash -c "[ $rc = 0 ] || { cat '$T/compare.out'; false; }"
# the differential must see the cases it is for
for t in 'l=' 'no-final-newline' 'changed:' 'ed25519' 'oversigned' 'sig2='; do
	check "the corpus has signatures with '$t'" grep -q -- "$t" "$T/manifest.json"
done
check "the corpus has passes, fails and permerrors by dkimpy" \
	bash -c "grep -q '\"dkimpy\": \"pass\"' '$T/manifest.json' && grep -q '\"dkimpy\": \"fail\"' '$T/manifest.json' && grep -q '\"dkimpy\": \"permerror\"' '$T/manifest.json'"
tap_summary
