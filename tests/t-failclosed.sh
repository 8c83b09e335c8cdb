#!/usr/bin/env bash
# Fail-closed details found from outside (issue 17): descriptors qmail
# should have opened but did not, a full spool with a message small
# enough to stay in memory, and SIGTERM from the SMTP server's side.
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/lib/tap.sh"
BIN=${QF_BIN:-$root/bin}
W=$(mktemp -d "${TMPDIR:-/tmp}/qf-fc.XXXXXX")
PIDS="" MOUNTS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for m in $MOUNTS; do umount "$m" 2>/dev/null; done
	rm -rf "$W"
}
trap cleanup EXIT
export QQF_QMAILQUEUE=$root/tests/lib/recorder
printf 'Fs@example.net\0Tr@example.com\0\0' >"$W/env"
printf 'From: s@example.net\nTo: r@example.com\nSubject: t\n\nhello\n' >"$W/small.eml"
: >"$W/empty.conf"
export QFILTER_CONF=$W/empty.conf
nothing_queued() { [ ! -e "$1/message" ]; }

# --- fd 0 or fd 1 closed: 54 and a log line, never an empty message queued
for prog in qfilter qfilter-inprocess; do
	REC=$W/r0-$prog "$BIN/$prog" <&- 1<"$W/env" 2>"$W/e0-$prog"; rc=$?
	check "$prog with fd 0 closed: exit 54, a log line, nothing queued" \
		bash -c "[ $rc = 54 ] && grep -q 'error: fd 0 not open' '$W/e0-$prog' && [ ! -e '$W/r0-$prog/message' ]"
	REC=$W/r1-$prog "$BIN/$prog" <"$W/small.eml" 1>&- 2>"$W/e1-$prog"; rc=$?
	check "$prog with fd 1 closed: exit 54, a log line, nothing queued" \
		bash -c "[ $rc = 54 ] && grep -q 'error: fd 1 not open' '$W/e1-$prog' && [ ! -e '$W/r1-$prog/message' ]"
done
# fd 2 closed: the message is queued unchanged, and no log line went into it
REC=$W/r2 "$BIN/qfilter" <"$W/small.eml" 1<"$W/env" 2>&-; rc=$?
check "fd 2 closed: exit 0, and the queued message holds no log line" \
	bash -c "[ $rc = 0 ] && ! grep -q 'pid=' '$W/r2/message' && tail -c \$(stat -c %s '$W/small.eml') '$W/r2/message' | cmp -s - '$W/small.eml'"

# --- a full spool: 53 also for a message kept in memory (qfilter.conf(5))
mkdir -p "$W/full"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=1m,mode=0777 qf-fc "$W/full" 2>"$W/mount.err"; then
	MOUNTS="$W/full"
	dd if=/dev/zero of="$W/full/fill" bs=64k 2>/dev/null   # until it is full
	printf 'spool %s\n' "$W/full" >"$W/full.conf"
	QFILTER_CONF=$W/full.conf REC=$W/r3 "$BIN/qfilter" <"$W/small.eml" 1<"$W/env" 2>"$W/e3"; rc=$?
	check "full spool, $(stat -c %s "$W/small.eml")-byte message kept in memory: exit 53, a log line, nothing queued" \
		bash -c "[ $rc = 53 ] && grep -q 'error: the spool .* has no room' '$W/e3' && [ ! -e '$W/r3/message' ]"
	rm -f "$W/full/fill"
	QFILTER_CONF=$W/full.conf REC=$W/r4 "$BIN/qfilter" <"$W/small.eml" 1<"$W/env" 2>"$W/e4"; rc=$?
	check "the same spool with room again: exit 0, queued" bash -c "[ $rc = 0 ] && [ -e '$W/r4/message' ]"
else
	skip "full spool: cannot mount a tmpfs ($(head -1 "$W/mount.err" 2>/dev/null))"
fi

# --- SIGTERM: one error line naming the signal, nothing queued
# while reading the message (the SMTP server is still sending)
mkfifo "$W/msgfifo"
( REC=$W/r5 exec "$BIN/qfilter" <"$W/msgfifo" 1<"$W/env" 2>"$W/e5" ) & qpid=$!
exec 7>"$W/msgfifo"; printf 'From: s@example.net\n' >&7
for _ in $(seq 50); do [ -n "$(ls -l /proc/$qpid/fd 2>/dev/null | grep -c msgfifo)" ] && break; sleep 0.05; done
sleep 0.3
kill -TERM "$qpid"; wait "$qpid"; rc=$?; exec 7>&-
check "SIGTERM while reading: killed by SIGTERM (exit $rc), one error line, nothing queued" \
	bash -c "[ $rc = 143 ] && grep -q 'error: killed by signal 15 (SIGTERM)' '$W/e5' && [ \$(wc -l <'$W/e5') = 1 ] && [ ! -e '$W/r5/message' ]"
# while waiting on clamd (a clamd that reads and never answers)
python3 - "$W/clamd.sock" <<'PY' & PIDS="$PIDS $!"
import os, socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(5)
conns = []
while True:
    c, _ = s.accept(); conns.append(c)
PY
for _ in $(seq 100); do [ -S "$W/clamd.sock" ] && break; sleep 0.05; done
printf 'clamd unix:%s\ntimeout 60\n' "$W/clamd.sock" >"$W/clamd.conf"
( QFILTER_CONF=$W/clamd.conf REC=$W/r6 exec "$BIN/qfilter" <"$W/small.eml" 1<"$W/env" 2>"$W/e6" ) & qpid=$!
for _ in $(seq 100); do ls -l /proc/$qpid/fd 2>/dev/null | grep -q socket && break; sleep 0.05; done
sleep 0.3
kill -TERM "$qpid"; wait "$qpid"; rc=$?
check "SIGTERM while waiting on clamd: killed by SIGTERM (exit $rc), one error line, nothing queued" \
	bash -c "[ $rc = 143 ] && grep -q 'error: killed by signal 15 (SIGTERM)' '$W/e6' && [ ! -e '$W/r6/message' ]"
tap_summary
