#!/usr/bin/env bash
# Core behaviour that the sample format cannot express: descriptors that
# are pipes or files, writers that must never see an error, what is left
# in the spool, children killed at the timeout.
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/lib/tap.sh"
BIN=${QF_BIN:-$root/bin}
W=$(mktemp -d "${TMPDIR:-/tmp}/qf-core.XXXXXX"); trap 'rm -rf "$W"' EXIT
export QQF_QMAILQUEUE=$root/tests/lib/recorder
printf 'Fs@example.net\0Tr@example.com\0\0' >"$W/env"
/usr/bin/python3 - "$W" <<'PY'
import sys
W = sys.argv[1]
open(W + '/small.eml', 'w').write('From: s@example.net\nTo: r@example.com\nSubject: t\n\nhello\n')
open(W + '/big.eml', 'w').write('From: s@example.net\nSubject: big\n\n' + ('x' * 70 + '\n') * 40000)
PY
mkdir -p "$W/spool"

# errfd 2 (indimail): the reply text is all that reaches fd 2
printf 'max-size 10k\nerrfd 2\n' >"$W/c.err2"
out=$({ QFILTER_CONF=$W/c.err2 REC=$W/r1 "$BIN/qfilter" <"$W/big.eml" 1<"$W/env" 2>&3 3>&-; echo "rc=$?" >&3; } 3>&1 | cat)
check "errfd 2: exit 82 and fd 2 holds only the D text" \
	bash -c '[[ "$1" == "Dmessage size exceeds the limit of 10240 bytes (#5.3.4)rc=82" ]]' _ "$out"

# errfd 6 open but a regular file: not a custom-error pipe, so 31
printf 'max-size 10k\n' >"$W/c.size"
QFILTER_CONF=$W/c.size REC=$W/r2 "$BIN/qfilter" <"$W/big.eml" 1<"$W/env" 2>/dev/null 6>"$W/fd6file"; rc=$?
check "errfd pointing at a file, not a pipe: exit 31, nothing written" bash -c "[ $rc = 31 ] && [ ! -s '$W/fd6file' ]"

# a writer of a big message and of the envelope never sees an error,
# even when qfilter refuses early (config error)
printf 'bogus\n' >"$W/c.bad"
( cat "$W/big.eml"; echo done >"$W/msg-written" ) | ( QFILTER_CONF=$W/c.bad "$BIN/qfilter" 1< <(printf 'Fs@example.net\0Tr@example.com\0\0'; echo done >"$W/env-written") 2>/dev/null; echo $? >"$W/rc" )
sleep 0.2
check "config error: exit 55, and both the message and envelope writers finished" \
	bash -c "[ \$(cat '$W/rc') = 55 ] && [ -f '$W/msg-written' ] && [ -f '$W/env-written' ]"

# nothing is left in the spool, accepted or refused
printf 'spool %s\n' "$W/spool" >"$W/c.spool"
QFILTER_CONF=$W/c.spool REC=$W/r3 "$BIN/qfilter" <"$W/small.eml" 1<"$W/env" 2>/dev/null
QFILTER_CONF=$W/c.spool REC=$W/r4 "$BIN/qfilter" /bin/false <"$W/small.eml" 1<"$W/env" 2>/dev/null
check "the spool directory is empty after accepted and refused messages" bash -c "[ -z \"\$(ls -A '$W/spool')\" ]"

# the spool is filled by splice (a pipe, as from qmail-smtpd),
# copy_file_range (a file on the spool's file system) or sendfile (a file
# on another, here a tmpfs): the queued message is the same
mkdir -p "$W/r6"
QFILTER_CONF=$W/c.spool REC=$W/r6/pipe "$BIN/qfilter" 1<"$W/env" 2>/dev/null < <(cat "$W/big.eml")
QFILTER_CONF=$W/c.spool REC=$W/r6/file "$BIN/qfilter" <"$W/big.eml" 1<"$W/env" 2>/dev/null
if shm=$(mktemp /dev/shm/qf-core.XXXXXX 2>/dev/null); then
	cp "$W/big.eml" "$shm"
	QFILTER_CONF=$W/c.spool REC=$W/r6/shm "$BIN/qfilter" <"$shm" 1<"$W/env" 2>/dev/null
	rm -f "$shm"
else
	cp -r "$W/r6/file" "$W/r6/shm"   # no tmpfs: two ways are compared
fi
check "a pipe, a file and a file on another file system spool the same message" \
	bash -c "cd '$W/r6' && tail -c \$(stat -c %s '$W/big.eml') pipe/message | cmp -s - '$W/big.eml' && cmp -s pipe/message file/message && cmp -s file/message shm/message"

# spool-memory: a message no larger than it stays in memory (a memfd) and
# its queued copy goes to qmail-queue as a pipe; larger ones are files in
# the spool directory. The queue below records what its fd 0 is.
cat >"$W/fd0queue" <<EOF
#!/bin/sh
readlink /proc/\$\$/fd/0 >"\$REC.fd0"
exec "$root/tests/lib/recorder"
EOF
chmod +x "$W/fd0queue"
printf 'spool %s\nspool-memory 0\n' "$W/spool" >"$W/c.nomem"
QQF_QMAILQUEUE=$W/fd0queue QFILTER_CONF=$W/c.spool REC=$W/r7 "$BIN/qfilter" <"$W/small.eml" 1<"$W/env" 2>/dev/null
QQF_QMAILQUEUE=$W/fd0queue QFILTER_CONF=$W/c.spool REC=$W/r8 "$BIN/qfilter" 1<"$W/env" 2>/dev/null < <(cat "$W/big.eml")
QQF_QMAILQUEUE=$W/fd0queue QFILTER_CONF=$W/c.nomem REC=$W/r9 "$BIN/qfilter" <"$W/small.eml" 1<"$W/env" 2>/dev/null
check "a small message is queued from a pipe that holds it all (default spool-memory)" \
	bash -c "grep -q '^pipe:' '$W/r7.fd0' && tail -c \$(stat -c %s '$W/small.eml') '$W/r7/message' | cmp -s - '$W/small.eml'" || cat "$W/r7.fd0"
check "a 2.8 MB message is queued from a file in the spool directory" \
	bash -c "grep -q '^$W/spool/' '$W/r8.fd0' && tail -c \$(stat -c %s '$W/big.eml') '$W/r8/message' | cmp -s - '$W/big.eml'" || cat "$W/r8.fd0"
check "spool-memory 0: even a small message goes to the spool directory" grep -q "^$W/spool/" "$W/r9.fd0"

# the timeout kills the external filter's whole process group
printf 'timeout 2\n' >"$W/c.to"
# (the children are found by a path of this run's own, not by a command
# line any other process on the machine might have)
printf '#!/bin/sh\nsleep "$@"\n' >"$W/sleeper"   # not exec: the path stays in ps
chmod +x "$W/sleeper"
QFILTER_CONF=$W/c.to REC=$W/r5 "$BIN/qfilter" /bin/sh -c "'$W/sleeper' 300 & '$W/sleeper' 301" <"$W/small.eml" 1<"$W/env" 2>/dev/null; rc=$?
sleep 0.3
check "timeout: exit 52 and the filter's children are gone" bash -c "[ $rc = 52 ] && ! pgrep -f '$W/sleepe[r]' >/dev/null"   # [r]: not this bash's own line

# the queued message's temp file is mode 0600 / unlinked: nothing named
check "qfilter is not setuid" bash -c "[ ! -u '$BIN/qfilter' ]"

# qfilter-test: text and JSON agree on the verdict
"$BIN/qfilter-test" -f s@example.net -r r@example.com --json "$W/small.eml" >"$W/t.json" 2>/dev/null
check "qfilter-test --json: verdict, exit, reply, headers, filters with name/result/ms" /usr/bin/python3 -c "
import json; d = json.load(open('$W/t.json'))
assert d['verdict'] == 'accept' and d['exit'] == 0 and d['reply'].startswith('250'), d
assert any(h.startswith('X-Qfilter:') for h in d['headers']), d
assert all({'name', 'result', 'ms'} <= set(f) for f in d['filters']) and d['filters'], d"
# filter times come from a microsecond clock: not every filter 0.000 ms
out=$("$BIN/qfilter-test" "$W/small.eml" 2>&1)
check "qfilter-test times filters to the microsecond (some filter above 0.000 ms)" \
	bash -c 'printf "%s\n" "$1" | grep "^filter: " | grep -vq " 0\.000 ms"' _ "$out"
tap_summary
