#!/usr/bin/env bash
# t-rules.sh: qfilter-rules as a program (error output, exit codes, the
# atomic replacement of the compiled file) and qfilter with a compiled
# rules file it cannot use (exit 55, nothing queued).
#   QF_BIN=bin bash tests/t-rules.sh
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/lib/tap.sh"
QF_BIN=${QF_BIN:-$root/bin}
W=$(mktemp -d "${TMPDIR:-/tmp}/t-rules.XXXXXX")
trap '[ -n "$KEEP" ] || rm -rf "$W"' EXIT
compile() { "$QF_BIN/qfilter-rules" "$@" 2>"$W/err"; RC=$?; }
same_file() { cmp -s "$1" "$2" && [ "$(stat -c %i "$1")" = "$3" ]; }

# --- qfilter-rules: errors
printf '* exe=reject\n' >"$W/r"
compile "$W/r" "$W/r.cdb"
check "a valid file: exit 0" [ "$RC" = 0 ]
check "nothing on stderr for a valid file" [ ! -s "$W/err" ]
check "the compiled file is readable by others (0644)" [ "$(stat -c %a "$W/r.cdb")" = 644 ]
cp "$W/r.cdb" "$W/r.before"; ino=$(stat -c %i "$W/r.cdb")

cat >"$W/r" <<'EOF'
# a file with several mistakes
* exe=reject
to=@x.example exe=maybe
from=nobody exe=off

ip=10.0.0.1/8 size=12q
relay
EOF
compile "$W/r" "$W/r.cdb"
check "errors: exit 100" [ "$RC" = 100 ]
check "errors: the compiled file is untouched (same bytes, same inode)" same_file "$W/r.cdb" "$W/r.before" "$ino"
check "every error is reported as RULES:LINE: what is wrong" \
	grep -qx "$W/r:3: exe=maybe: not an action (reject, tempfail, drop, quarantine, tag, off)" "$W/err"
check "the second bad line is reported too" grep -q "^$W/r:4: from=nobody: " "$W/err"
check "two problems in one line: both reported" \
	bash -c "grep -q '^$W/r:6: ip=10.0.0.1/8: host bits' '$W/err' && grep -q '^$W/r:6: size=12q: ' '$W/err'"
check "a selector without settings is reported" grep -q "^$W/r:7: relay: no settings" "$W/err"
check "a summary line names the count" grep -q "5 errors in $W/r" "$W/err"
check "no temp file is left behind" bash -c "! ls '$W' | grep -q 'r.cdb.tmp'"

compile
check "no arguments: usage, exit 100" bash -c "[ $RC = 100 ] && grep -q usage '$W/err'"
compile "$W/nonexistent" "$W/n.cdb"
check "an unreadable rules file: exit 111, nothing written" bash -c "[ $RC = 111 ] && [ ! -e '$W/n.cdb' ]"
printf '* exe=reject\n' >"$W/r"
compile "$W/r" "$W/no/such/dir/r.cdb"
check "an unwritable destination: exit 111" [ "$RC" = 111 ]
mkdir -p "$W/isdir.cdb/x"
compile "$W/r" "$W/isdir.cdb"
check "a destination that cannot be replaced: exit 111, the temp file removed" \
	bash -c "[ $RC = 111 ] && ! ls '$W' | grep -q 'isdir.cdb.tmp'"

for f in "$root"/rules/*.rules; do
	compile "$f" "$W/example.cdb"
	check "the example $(basename "$f") compiles" [ "$RC" = 0 ]
done

# --- atomic replacement: a reader never sees a missing or half-written file
python3 - "$W/big" <<'EOF'
import sys
with open(sys.argv[1], 'w') as f:
    f.write('* exe=reject\n')
    for i in range(30000):
        f.write('to=user%d@example.com exe=off size=%dk\n' % (i, i % 900 + 1))
EOF
compile "$W/big" "$W/big.cdb"
check "30,000 rules compile" [ "$RC" = 0 ]
ino=$(stat -c %i "$W/big.cdb")
compile "$W/big" "$W/big.cdb"
check "a recompile replaces the file by rename (a new inode)" [ "$(stat -c %i "$W/big.cdb")" != "$ino" ]

printf 'Subject: plain\n\nhello\n' >"$W/plain.eml"
printf 'Fs@example.net\0Tuser7@example.com\0\0' >"$W/env"
printf 'rules %s\n' "$W/big.cdb" >"$W/conf.big"
( for i in $(seq 1 15); do "$QF_BIN/qfilter-rules" "$W/big" "$W/big.cdb" 2>/dev/null || echo fail; done >"$W/loop.out" ) &
loop=$!
bad_runs=0 runs=0
while kill -0 "$loop" 2>/dev/null; do
	REC=$W/rec QQF_QMAILQUEUE=$root/tests/lib/recorder QFILTER_CONF=$W/conf.big \
		"$QF_BIN/qfilter" <"$W/plain.eml" 1<"$W/env" 2>>"$W/race.log" 6>&-
	[ $? = 0 ] || bad_runs=$((bad_runs+1))
	runs=$((runs+1))
done
wait "$loop"
check "qfilter runs during 15 recompiles all see a whole rules file ($runs runs)" \
	bash -c "[ $bad_runs = 0 ] && [ ! -s '$W/loop.out' ]"

# --- qfilter with a compiled file it cannot use: 55, nothing queued
qf55() { # qf55 DESCRIPTION RULESPATH
	rm -rf "$W/rec"
	printf 'rules %s\n' "$2" >"$W/conf.bad"
	REC=$W/rec QQF_QMAILQUEUE=$root/tests/lib/recorder QFILTER_CONF=$W/conf.bad \
		"$QF_BIN/qfilter" <"$W/plain.eml" 1<"$W/env" 2>"$W/qf.err" 6>&-
	local rc=$?
	check "$1: exit 55, nothing queued, a log line" \
		bash -c "[ $rc = 55 ] && [ ! -e '$W/rec/message' ] && grep -q 'rules' '$W/qf.err'"
}
qf55 "a missing compiled file" "$W/missing.cdb"
qf55 "the rules source instead of the compiled file" "$W/r"
head -c 3000 "$W/big.cdb" >"$W/truncated.cdb"
qf55 "a truncated compiled file" "$W/truncated.cdb"
head -c 5000 /dev/urandom >"$W/random.cdb"
qf55 "random bytes" "$W/random.cdb"
mkdir -p "$W/dir.cdb"
qf55 "a directory" "$W/dir.cdb"
: >"$W/empty.cdb"
qf55 "an empty file" "$W/empty.cdb"
python3 - "$W/foreign.cdb" <<'EOF'
import sys, struct
# a valid cdb of someone else's (simcontrol-like), written by hand
recs = [(b'example.com', b'clam=yes,spam=no')]
data = b''; pos = 2048; tables = [[] for _ in range(256)]
def h(k):
    v = 5381
    for c in k: v = ((v << 5) + v ^ c) & 0xffffffff
    return v
for k, v in recs:
    tables[h(k) & 255].append((h(k), pos))
    rec = struct.pack('<II', len(k), len(v)) + k + v
    data += rec; pos += len(rec)
head = b''; tail = b''
for t in tables:
    n = len(t) * 2; slots = [(0, 0)] * n
    for hv, p in t:
        i = (hv >> 8) % n
        while slots[i][1]: i = (i + 1) % n
        slots[i] = (hv, p)
    head += struct.pack('<II', pos + len(tail), n)
    tail += b''.join(struct.pack('<II', a, b) for a, b in slots)
open(sys.argv[1], 'wb').write(head + data + tail)
EOF
qf55 "another program's cdb" "$W/foreign.cdb"
if [ "$(id -u)" != 0 ]; then
	cp "$W/big.cdb" "$W/noread.cdb"; chmod 000 "$W/noread.cdb"
	qf55 "an unreadable compiled file" "$W/noread.cdb"
fi

echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
