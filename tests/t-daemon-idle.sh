#!/usr/bin/env bash
# Connections that send nothing must not stall qfilterd (issue 17.5): with
# two workers and five silent connections, a real message is served by
# qfilterd at once, before any silent one is dropped, and each silent one
# is closed with a warning at daemon-request-timeout.
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/lib/tap.sh"
BIN=${QF_BIN:-$root/bin}
W=$(mktemp -d "${TMPDIR:-/tmp}/qf-idle.XXXXXX")
PIDS=""
cleanup() { for p in $PIDS; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$W"; }
trap cleanup EXIT
export QQF_QMAILQUEUE=$root/tests/lib/recorder
printf 'Fs@example.net\0Tr@example.com\0\0' >"$W/env"
printf 'From: s@example.net\nTo: r@example.com\nSubject: t\n\nhello\n' >"$W/m.eml"
printf 'daemon unix:%s/qfd.sock\ndaemon-workers 2\ndaemon-request-timeout 3\ntimeout 60\n' "$W" >"$W/conf"
"$BIN/qfilterd" -c "$W/conf" 2>"$W/qfd.log" & PIDS=$!
for _ in $(seq 200); do [ -S "$W/qfd.sock" ] && break; sleep 0.05; done
# five connections that say nothing, held open for 30 s
/usr/bin/python3 - "$W/qfd.sock" "$W/idle.ready" <<'PY' & PIDS="$PIDS $!"
import socket, sys, time
socks = []
for _ in range(5):
    s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); socks.append(s)
open(sys.argv[2], 'w').close()
time.sleep(30)
PY
for _ in $(seq 200); do [ -e "$W/idle.ready" ] && break; sleep 0.05; done
sleep 0.5   # the workers have taken them in
QFILTER_CONF=$W/conf REC=$W/rec "$BIN/qfilter" <"$W/m.eml" 1<"$W/env" 2>"$W/c.err" 6>&-; rc=$?
check "with 5 silent connections and 2 workers, a message is served by qfilterd (exit $rc)" \
	bash -c "[ $rc = 0 ] && [ -e '$W/rec/message' ] && ! grep -q 'cannot serve' '$W/c.err'"
# order, not time: the message's line comes before any line about the
# silent clients (a worker stuck on one logs it first, then serves)
v=$(grep -n 'verdict=accept' "$W/qfd.log" | head -1 | cut -d: -f1)
c=$(grep -n 'warning: client' "$W/qfd.log" | head -1 | cut -d: -f1)
check "...before any silent connection was dropped or timed out (daemon-request-timeout 3 s)" \
	bash -c "[ -n '$v' ] && { [ -z '$c' ] || [ '$v' -lt '$c' ]; }"
for _ in $(seq 100); do [ "$(grep -c 'no request within' "$W/qfd.log")" -ge 5 ] && break; sleep 0.1; done
check "each silent connection is closed with a warning at daemon-request-timeout" \
	bash -c "[ \$(grep -c 'no request within daemon-request-timeout: connection closed' '$W/qfd.log') = 5 ]"
tap_summary
