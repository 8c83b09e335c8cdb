#!/usr/bin/env bash
# t-daemon-idle.sh: clients that connect to qfilterd and send nothing, or
# half a request, never stall it (issue 17.5): more idle connections than
# workers, a flood of them, and a message whose own deadline passes while
# it waits for a busy worker.   QF_BIN=bin bash tests/t-daemon-idle.sh
# The checks rest on the order of events (the message's log line before
# the first drop, the holder's connections still open when the message
# was done), not on tight wall-clock bounds: the request timeout (5 s) is
# far longer than a message takes, even on a loaded machine.
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/lib/tap.sh"
. "$root/tests/lib/daemon.sh"
QF_BIN=${QF_BIN:-$root/bin}
PY=/usr/bin/python3; [ -x $PY ] || PY=python3
W=$(mktemp -d "${TMPDIR:-/tmp}/t-daemon-idle.XXXXXX")
PIDS=""
cleanup() {
	local p
	for p in $PIDS; do { kill -9 "$p" && wait "$p"; } 2>/dev/null; done
	[ -n "$KEEP" ] || rm -rf "$W"
}
trap cleanup EXIT
REQ_TIMEOUT=5
# the half requests must be good as far as they go: today's protocol version
VERSION=$(sed -n 's/^#define QF_PROTO_VERSION \([0-9]*\).*/\1/p' "$root/daemon/daemon_proto.h")

printf 'From: a@example.net\nTo: b@example.com\nSubject: idle\nMessage-ID: <idle@example.net>\n\nhello\n' >"$W/plain.eml"
printf 'Fsender@example.net\0Trcpt@example.com\0\0' >"$W/env"
printf 'Fsender@example.net\0Tslow@example.com\0\0' >"$W/env-slow"

# The holder: opens connections to the socket as SPEC says, one letter
# each (n: sends nothing; h: half a head; b: a head and half its body;
# f: half a request with a descriptor, as qfilter lends the spool), writes
# "open N" once all are connected, then "dropped I SPEC SECONDS" as
# qfilterd closes each (seconds since that connection was made).
cat >"$W/holder.py" <<'PY'
import os, select, socket, struct, sys, time
path, spec, out, version = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
log = open(out, 'w', buffering=1)
head = lambda n: b'QFDQ' + struct.pack('>HHI', version, 0, n)
conns = {}
for i, kind in enumerate(spec):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    if kind == 'h':
        s.sendall(head(100)[:6])
    elif kind == 'b':
        s.sendall(head(100) + b'\0' * 40)
    elif kind == 'f':
        fd = os.open('/dev/null', os.O_RDONLY)
        socket.send_fds(s, [head(100) + b'\0' * 20], [fd])
        os.close(fd)
    conns[s] = (i, kind, time.monotonic())
log.write('open %d\n' % len(conns))
end = time.monotonic() + 60
while conns and time.monotonic() < end:
    r, _, _ = select.select(list(conns), [], [], 1)
    for s in r:
        try:
            gone = s.recv(4096) == b''
        except OSError:
            gone = True
        if gone:
            i, kind, t0 = conns.pop(s)
            log.write('dropped %d %s %.2f\n' % (i, kind, time.monotonic() - t0))
            s.close()
PY
# hold NAME SOCKET SPEC: starts a holder, waits until its connections are made
hold() {
	$PY "$W/holder.py" "$2" "$3" "$W/$1.out" "$VERSION" 2>"$W/$1.err" & HP=$!; PIDS="$PIDS $HP"
	local i; for i in $(seq 200); do grep -q '^open' "$W/$1.out" 2>/dev/null && return 0; sleep 0.05; done
	echo "# holder $1 did not connect:"; sed 's/^/#   /' "$W/$1.err"; return 1
}
dropped() { grep -c '^dropped' "$W/$1.out" 2>/dev/null; }


qf() { # qf NAME CONF [ENV]: RC, $W/NAME.err, the queued copy in $W/rec/NAME/
	rm -rf "$W/rec/$1"; mkdir -p "$W/rec"
	QFILTER_CONF=$2 REC=$W/rec/$1 QQF_QMAILQUEUE=$root/tests/lib/recorder timeout 60 \
		"$QF_BIN/qfilter" <"$W/plain.eml" 1<"${3:-$W/env}" 2>"$W/$1.err" 6>&-
	RC=$?
}
served() { ! grep -q 'cannot serve' "$W/$1.err" && grep -q 'verdict=' "$W/$1.err"; }

# --- more idle connections than workers
printf 'daemon unix:%s/i.sock\ndaemon-workers 2\ndaemon-request-timeout %s\n' "$W" $REQ_TIMEOUT >"$W/i.conf"
# the client gives up long before today's 30 s per idle connection
{ cat "$W/i.conf"; echo 'timeout 20'; } >"$W/i-client.conf"
start_daemon i "$W/i.conf" || { echo "$PASS passed, $((FAIL+1)) failed"; exit 1; }
I=$DPID
hold idle "$W/i.sock" nnhbf || bad "the holder did not connect"
sleep 0.3   # the workers take the connections (today's code: and wait on them)
qf real "$W/i-client.conf"
open_after=$((5 - $(dropped idle)))
check "5 idle connections, 2 workers: a real message is served by qfilterd (0)" \
	bash -c "[ $RC = 0 ] && [ -f '$W/rec/real/message' ]" || { echo "#   exit $RC"; sed 's/^/#   /' "$W/real.err"; }
check "...served by qfilterd, not in process" served real
check "...while every idle connection was still open ($open_after of 5)" [ "$open_after" = 5 ]
check "the idle connections are dropped with a log line each after daemon-request-timeout" \
	wait_log "$W/i.log" 'no request within daemon-request-timeout' 20 5
check "...the holder saw all 5 closed" wait_log "$W/idle.out" '^dropped' 5 5
check "...none before the request timeout (${REQ_TIMEOUT} s)" \
	awk -v t=$REQ_TIMEOUT '/^dropped/ { n++; if ($4 < t - 0.2) { print; bad = 1 } } END { exit bad || n != 5 }' "$W/idle.out"
check "...the half requests are named as such (bytes received so far)" \
	bash -c "grep 'no request within' '$W/i.log' | grep -c '[1-9][0-9]* of ' | grep -qx 3"
check "qfilterd's line for the real message comes before the first drop" \
	awk '/verdict=accept/ && !d { a = 1 } /no request within/ { d = 1 } END { exit !a }' "$W/i.log"
check "no worker died on the way" bash -c "! grep -q 'killed by signal\|worker .* exited' '$W/i.log'"

# --- a flood: more idle connections than the workers keep waiting
hold flood "$W/i.sock" "$(printf 'n%.0s' $(seq 200))" || bad "the flood holder did not connect"
sleep 0.3
qf flooded "$W/i-client.conf"
check "200 idle connections: a real message is still served by qfilterd (0)" \
	bash -c "[ $RC = 0 ] && [ -f '$W/rec/flooded/message' ]" || { echo "#   exit $RC"; sed 's/^/#   /' "$W/flooded.err"; }
check "...served by qfilterd, not in process" served flooded
check "...the oldest waiting connections were dropped to make room, with a log line" \
	grep -q 'connections wait for their request: dropped the oldest' "$W/i.log"
kill $HP 2>/dev/null; wait $HP 2>/dev/null
qf after-flood "$W/i-client.conf"
check "...and the next message is served as usual" bash -c "[ $RC = 0 ] && ! grep -q 'cannot serve' '$W/after-flood.err'"
kill $I; wait $I

# --- a message whose deadline passes while it waits for the only worker
slowclamd clamd 3 || bad "the slow clamd did not start"
printf '* virus=off\nto=slow@example.com virus=reject\n' >"$W/d.rules"
"$QF_BIN/qfilter-rules" "$W/d.rules" "$W/d.cdb"
printf 'daemon unix:%s/d.sock\ndaemon-workers 1\nclamd unix:%s/clamd.sock\nrules %s/d.cdb\n' \
	"$W" "$W" "$W" >"$W/d.conf"
{ cat "$W/d.conf"; echo 'timeout 60'; } >"$W/d-slow.conf"
{ cat "$W/d.conf"; echo 'timeout 1'; } >"$W/d-late.conf"
start_daemon d "$W/d.conf" || bad "qfilterd d did not start"
D=$DPID
( qf slow "$W/d-slow.conf" "$W/env-slow"; echo $RC >"$W/slow.rc" ) &
check "a slow message holds the only worker (its scan has begun)" wait_log "$W/clamd.log" '^stream' 10
qf late "$W/d-late.conf"
check "a message whose 1 s deadline passes while it waits: tempfailed (71), not accepted" \
	bash -c "[ $RC = 71 ] && ! [ -e '$W/rec/late/message' ]" || { echo "#   exit $RC"; sed 's/^/#   /' "$W/late.err"; }
check "...the client logs it with exit=71" grep -q 'verdict=tempfail.*exit=71' "$W/late.err"
check "...and qfilterd, with the same exit and the reason" \
	wait_log "$W/d.log" 'verdict=tempfail reason="?time ran out.*exit=71' 5
for i in $(seq 100); do [ -f "$W/slow.rc" ] && break; sleep 0.1; done
check "...while the slow message is accepted (0)" \
	bash -c "[ \"\$(cat '$W/slow.rc' 2>/dev/null)\" = 0 ] && [ -f '$W/rec/slow/message' ]"
kill $D; wait $D

# --- the same, but the worker is busy past the client's grace: the client
# gives up with a log line (52), and qfilterd, finding it gone, serves
# nothing and logs no second verdict for it
slowclamd clamd6 6 || bad "the slow clamd did not start"
sed "s|$W/clamd.sock|$W/clamd6.sock|; s|$W/d.sock|$W/g.sock|" "$W/d.conf" >"$W/g.conf"
{ cat "$W/g.conf"; echo 'timeout 60'; } >"$W/g-slow.conf"
{ cat "$W/g.conf"; echo 'timeout 1'; } >"$W/g-late.conf"
start_daemon g "$W/g.conf" || bad "qfilterd g did not start"
G=$DPID
( qf slow6 "$W/g-slow.conf" "$W/env-slow"; echo $RC >"$W/slow6.rc" ) &
check "a slower message holds the only worker (its scan has begun)" wait_log "$W/clamd6.log" '^stream' 10
qf gone "$W/g-late.conf"
check "no answer 3 s past the client's deadline: 52, with a log line, nothing queued" \
	bash -c "[ $RC = 52 ] && grep -q 'did not answer within the timeout.*exit=52' '$W/gone.err' && ! [ -e '$W/rec/gone/message' ]" ||
	{ echo "#   exit $RC"; sed 's/^/#   /' "$W/gone.err"; }
check "...qfilterd then finds the client gone and logs that, not a verdict" \
	wait_log "$W/g.log" 'gave up before a worker was free' 10
check "...its only message line is the slow message's" \
	bash -c "[ \$(grep -c 'verdict=' '$W/g.log') = 1 ] && grep -q 'to=slow@.*verdict=accept' '$W/g.log'"
for i in $(seq 100); do [ -f "$W/slow6.rc" ] && break; sleep 0.1; done
kill $G; wait $G

echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
