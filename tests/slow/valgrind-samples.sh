#!/usr/bin/env bash
# valgrind-samples.sh: qfilter under valgrind memcheck on every sample
# message (tests/samples/*.eml and what tests/samples/gen/* generate), the
# benchmark's messages and every sample envelope, with a few configs:
#   plain    the default policy, DKIM keys from the samples' key file, and
#            a queue that does not exist: qfilter exits (71) instead of
#            exec'ing, so that the leak check covers the whole chain
#   strict   banned types and extensions, size limits, clamd scanning (a
#            test clamd), a missing queue too
#   inproc   libclamav in process (clamav-db), a missing queue (a subset)
#   external one external /bin/cat filter and the recording queue: the
#            exec path (memory errors are checked up to the exec; there is
#            no leak check across an exec), on the non-generated messages
# Asserts zero memory errors and zero definite leaks; tests/valgrind/
# qfilter.supp holds the suppressions for library internals only.
#   QF_BIN=bin bash tests/slow/valgrind-samples.sh     (JOBS=N: parallel runs)
# Prints ok/not ok lines and "N passed, N failed".
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
QF_BIN=${QF_BIN:-$root/bin}
case $QF_BIN in /*) ;; *) QF_BIN=$root/$QF_BIN ;; esac
S=$root/tests/samples
SUPP=$root/tests/valgrind/qfilter.supp
JOBS=${JOBS:-$(nproc)}
W=$(mktemp -d "${TMPDIR:-/tmp}/qf-valgrind.XXXXXX") || exit 1
cleanup() {
	[ -d "$W/clamd" ] && "$root/tests/lib/clamd-stop" "$W/clamd"
	[ -n "${KEEP:-}" ] || rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# shellcheck source=tests/lib/tap.sh
. "$root/tests/lib/tap.sh"

command -v valgrind >/dev/null || { skip "no valgrind"; tap_summary; exit; }
if ldd "$QF_BIN/qfilter" | grep -q libasan; then
	skip "$QF_BIN is an ASan build: valgrind needs QF_BIN=bin"; tap_summary; exit
fi

# --- the messages ---
mkdir -p "$W/gen/keys" "$W/spool" "$W/vg" "$W/rec"
for g in "$S"/gen/*; do
	case $g in
	*.py) /usr/bin/python3 "$g" "$W/gen" ;;
	*.sh) bash "$g" "$W/gen" ;;
	*) continue ;;
	esac >>"$W/gen.log" 2>&1 || bad "sample generator $(basename "$g") failed"
done
/usr/bin/python3 "$root/tests/bench/messages.py" "$W/bench" >/dev/null 2>&1 || bad "tests/bench/messages.py failed"
ls "$S"/*.eml "$W/gen"/*.eml "$W/bench"/*.eml 2>/dev/null >"$W/messages"
printf 'Fsender@example.net\0Trcpt@example.com\0\0' >"$W/env"
keys=$W/gen/keys/keys
[ -f "$keys" ] || keys=$W/bench/keys/dkim.keys

# --- the configs ---
printf '* ban-ext=exe,scr,pif,bat,js ban-types=application/x-dosexec,application/zip size=20M part-size=10M max-parts=500\n' >"$W/strict.rules"
"$QF_BIN/qfilter-rules" "$W/strict.rules" "$W/strict.cdb" || bad "qfilter-rules strict.rules"
common="spool $W/spool
authserv-id mx.test.example
dkim-keys $keys
timeout 120"
printf '%s\nqueue %s\n' "$common" "$W/no-such-queue" >"$W/plain.conf"
printf '%s\nqueue %s\n' "$common" "$root/tests/lib/recorder" >"$W/external.conf"
configs="plain external"
if "$root/tests/lib/clamd-start" "$W/clamd" >/dev/null 2>"$W/clamd.err"; then
	printf '%s\nqueue %s\nrules %s\nclamd unix:%s\n' "$common" "$W/no-such-queue" "$W/strict.cdb" "$W/clamd/clamd.sock" >"$W/strict.conf"
	printf '%s\nqueue %s\nclamav-db %s\n' "$common" "$W/no-such-queue" "$W/clamd/db" >"$W/inproc.conf"
	configs="plain strict inproc external"
else
	printf '%s\nqueue %s\nrules %s\n' "$common" "$W/no-such-queue" "$W/strict.cdb" >"$W/strict.conf"
	configs="plain strict external"
	skip "no test clamd: strict runs without scanning, inproc is left out ($(tail -1 "$W/clamd.err"))"
fi

# bin/qfilter may be a small front that execs bin/qfilter-inprocess at
# once. Linked statically, it is beyond memcheck (static glibc: no malloc
# or string-function replacement, so its optimised str* report false
# uninitialised reads); then qfilter-inprocess, which does all the work,
# is run directly, the same way. (The front is covered by the ASan build,
# where it is dynamic.) valgrind follows any exec of ours, not the queue's
# or an external filter's, and every image writes to one log on a
# descriptor (a log file would be truncated by the next image).
TARGET=$QF_BIN/qfilter
if [ -x "$QF_BIN/qfilter-inprocess" ] && ! ldd "$QF_BIN/qfilter" >/dev/null 2>&1; then
	TARGET=$QF_BIN/qfilter-inprocess
	echo "# $QF_BIN/qfilter is static: memcheck runs $TARGET, which it execs"
fi
VG=(valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
    --show-leak-kinds=definite --num-callers=30 --trace-children=yes
    --trace-children-skip='*/recorder,*/cat,*/no-such-queue' --log-fd=9)
[ -s "$SUPP" ] && VG+=(--suppressions="$SUPP")

# one run: NAME CONF MESSAGE ENVELOPE [ARGS]; its verdict into $W/vg/NAME.result
one() {
	local name=$1 conf=$2 msg=$3 env=$4 rc errors; shift 4
	REC=$W/rec/$name QFILTER_CONF=$W/$conf.conf timeout 600 "${VG[@]}" \
		"$TARGET" "$@" <"$msg" 1<"$env" 2>"$W/vg/$name.err" 6>&- 9>>"$W/vg/$name.log"
	rc=$?
	# every image's log: one that exec'd has no summary, so the error
	# records themselves are counted
	errors=$(grep -cE '^==[0-9]+== (Invalid (read|write|free)|Mismatched free|Conditional jump|Use of uninitialised|Syscall param|Source and destination overlap|Argument .* of function|Process terminating|.* are definitely lost in loss record)' "$W/vg/$name.log")
	if [ "$rc" = 99 ] || [ "$errors" != 0 ] || [ "$rc" -gt 128 ] || [ "$rc" = 124 ]; then
		echo "bad $rc $errors" >"$W/vg/$name.result"
	else
		echo "good $rc" >"$W/vg/$name.result"
	fi
}

# the plan: name conf message envelope [args]
: >"$W/plan"
while read -r m; do
	b=$(basename "$m" .eml); d=$(basename "$(dirname "$m")")
	for c in $configs; do
		case $c in
		inproc) case $b in clamav-*|plain|50k*|2k) ;; *) continue ;; esac ;;
		# the exec path: the samples of git and the benchmark's (the
		# generated ones take the same path up to the exec in plain)
		external) [ "$d" = gen ] || echo "$c.$d.$b $c $m $W/env /bin/cat" >>"$W/plan"; continue ;;
		esac
		echo "$c.$d.$b $c $m $W/env" >>"$W/plan"
	done
done <"$W/messages"
for e in "$W/gen"/env-*; do
	[ -f "$e" ] && echo "plain.env.$(basename "$e") plain $S/plain.eml $e" >>"$W/plan"
done

t0=$(date +%s)
running=0
while read -r name conf msg env args; do
	# shellcheck disable=SC2086
	one "$name" "$conf" "$msg" "$env" $args &
	running=$((running + 1))
	if [ $running -ge "$JOBS" ]; then wait -n; running=$((running - 1)); fi
done <"$W/plan"
wait

for c in $configs plain.env; do
	n=0 b=0 codes=""
	for r in "$W/vg/$c".*.result; do
		[ -f "$r" ] || continue
		case $c in plain) case $r in */plain.env.*) continue ;; esac ;; esac
		n=$((n + 1))
		read -r verdict rc _ <"$r"
		codes="$codes $rc"
		if [ "$verdict" != good ]; then
			b=$((b + 1))
			name=$(basename "$r" .result)
			echo "# $name: exit $rc"
			grep -A14 -E '== (Invalid|Mismatched|Conditional|Use of|Syscall|Source and|Argument|Process terminating|.* are definitely lost)' "$W/vg/$name.log" | head -40 | sed 's/^/#   /'
		fi
	done
	summary=$(printf '%s\n' $codes | sort -n | uniq -c | awk '{ printf "%s%sx%s", s, $1, $2; s=" " }')
	label=$c; [ "$c" = plain.env ] && label="plain, every sample envelope"
	if [ $n = 0 ]; then skip "valgrind, $label: no runs"
	elif [ $b = 0 ]; then ok "valgrind memcheck, $label: $n runs, no memory error, no definite leak (exits: $summary)"
	else bad "valgrind memcheck, $label: $b of $n runs with errors or definite leaks"
	fi
done
echo "# valgrind runs took $(($(date +%s) - t0)) s"
tap_summary
