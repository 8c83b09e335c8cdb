#!/usr/bin/env bash
# t-daemon.sh: qfilterd behind a thin qfilter (qfilterd(8)): the same
# results as single-process mode (the whole sample suite, the client's
# environment, external filters, quarantine, one exit code in both logs,
# fd 0 or fd 1 unreadable in the client), the socket's permissions,
# hostile clients and broken daemons, a daemon killed mid-message (then
# daemon-fail), SIGHUP with 20 messages in flight, 50 concurrent clients,
# SIGTERM.   QF_BIN=bin bash tests/t-daemon.sh
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/lib/tap.sh"
. "$root/tests/lib/daemon.sh"   # start_daemon, wait_log, slowclamd
QF_BIN=${QF_BIN:-$root/bin}
PY=/usr/bin/python3; [ -x $PY ] || PY=python3
W=$(mktemp -d "${TMPDIR:-/tmp}/t-daemon.XXXXXX")
chmod 755 "$W"   # the test users below must reach the config and rules
PIDS="" USERS_MADE="" GROUP_MADE=""
cleanup() {
	local p
	for p in $PIDS; do { kill -9 "$p" && wait "$p"; } 2>/dev/null; done
	for p in $USERS_MADE; do userdel "$p" 2>/dev/null; done
	[ -n "$GROUP_MADE" ] && groupdel "$GROUP_MADE" 2>/dev/null
	[ -n "$KEEP" ] || rm -rf "$W"
}
trap cleanup EXIT

# --- fixtures: a clean message, one with a PE attachment, an envelope
$PY - "$W" <<'PY'
import sys, base64, struct, os
W = sys.argv[1]
pe = bytearray(512); pe[0:2] = b'MZ'; struct.pack_into('<I', pe, 0x3c, 0x80); pe[0x80:0x84] = b'PE\0\0'
hdr = 'From: Sender <sender@example.net>\nTo: rcpt@example.com\nSubject: %s\nMessage-ID: <%s@example.net>\nMIME-Version: 1.0\n'
open(os.path.join(W, 'plain.eml'), 'w').write(hdr % ('plain', 'plain') + 'Content-Type: text/plain\n\n' + 'hello\n' * 50)
open(os.path.join(W, 'exe.eml'), 'w').write(hdr % ('exe', 'exe') +
    'Content-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\n\nsee attached\n'
    '--b\nContent-Type: application/octet-stream; name="tool.exe"\nContent-Transfer-Encoding: base64\n\n' +
    base64.encodebytes(bytes(pe)).decode() + '--b--\n')
PY
printf 'Fsender@example.net\0Trcpt@example.com\0\0' >"$W/env"
mkdir -m 1777 "$W/rec"   # where the recording queue writes, for every user
# hand-made requests and answers speak today's protocol version
VERSION=$(sed -n 's/^#define QF_PROTO_VERSION \([0-9]*\).*/\1/p' "$root/daemon/daemon_proto.h")

# qf NAME MSG [ARGS]: qfilter with $QFILTER_CONF, fd 6 closed; RC, $W/NAME.err,
# the queued copy in $W/rec/NAME/
qf() {
	local name=$1 msg=$2; shift 2
	rm -rf "$W/rec/$name"
	REC=$W/rec/$name QQF_QMAILQUEUE=$root/tests/lib/recorder timeout 60 $AS "$QF_BIN/qfilter" "$@" \
		<"$msg" 1<"$W/env" 2>"$W/$name.err" 6>&-
	RC=$?
}
# qf6: the same with fd 6 a pipe into $W/NAME.fd6 (a FIFO read by a cat
# that is waited for, so the file is complete when qf6 returns)
qf6() {
	local name=$1 msg=$2 cpid; shift 2
	rm -rf "$W/rec/$name" "$W/$name.fifo"
	mkfifo "$W/$name.fifo"
	cat "$W/$name.fifo" >"$W/$name.fd6" & cpid=$!
	REC=$W/rec/$name QQF_QMAILQUEUE=$root/tests/lib/recorder timeout 60 "$QF_BIN/qfilter" "$@" \
		<"$msg" 1<"$W/env" 2>"$W/$name.err" 6>"$W/$name.fifo"
	RC=$?
	wait $cpid
}
queued() { [ -f "$W/rec/$1/message" ]; }
served() { ! grep -q 'cannot serve' "$W/$1.err" && grep -q 'verdict=' "$W/$1.err"; }
rc_is() { [ "$RC" = "$1" ] || { echo "exit $RC, wanted $1"; cat "$W/$2.err"; return 1; }; }

workers_of() { ps --ppid "$1" -o pid= 2>/dev/null; }
kill_all() { # the master and its workers, at once, as a crash would
	local w; w=$(workers_of "$1")
	kill -9 "$1" $w 2>/dev/null; wait "$1" 2>/dev/null
}
rules() { # rules NAME LINE...: compiles into $W/NAME.cdb
	printf '%s\n' "${@:2}" >"$W/$1.rules"
	"$QF_BIN/qfilter-rules" "$W/$1.rules" "$W/$1.cdb"
}

# --- the whole sample suite through qfilterd: every case's expected exit,
# reply, log and queue checked as in process (tests/run-samples runs it in
# process once; it is not run twice)
if [ -z "$QF_DAEMON_NO_SAMPLES" ]; then
	out=$(QF_SAMPLES_DAEMON=1 "$root/tests/run-samples" "$QF_BIN" 2>&1)
	ncases=$(ls "$root"/tests/samples/*.test | wc -l)
	check "samples through qfilterd: all $ncases cases ran and passed" \
		bash -c "grep -qE '^$ncases passed, 0 failed, 0 skipped' <<<\"\$1\"" _ "$out"
	grep -E '^not ok - ' <<<"$out" | head -20
	check "samples through qfilterd: every client was served by qfilterd" bash -c "! grep -q 'did not serve' <<<\"\$1\"" _ "$out"
fi

# --- one daemon, the basics
rules a '* exe=reject' 'ip=192.0.2.0/24 exe=tag'
grp=""
if [ "$(id -u)" = 0 ] && command -v groupadd >/dev/null; then
	# names of this run's own, so that two runs at once do not delete
	# each other's group and users
	groupadd "qfs$$" && GROUP_MADE=qfs$$ && grp=qfs$$
fi
{ printf 'daemon unix:%s/a.sock\nrules %s/a.cdb\n' "$W" "$W"; [ -n "$grp" ] && echo "daemon-group $grp"; } >"$W/a.conf"
printf 'rules %s/a.cdb\n' "$W" >"$W/a-inproc.conf"
# the daemon's own environment must not count: only the client's
TCPREMOTEIP=192.0.2.9 RELAYCLIENT= start_daemon a "$W/a.conf" || { echo "$PASS passed, $((FAIL+1)) failed"; exit 1; }
A=$DPID
export QFILTER_CONF=$W/a.conf
check "the socket has mode 0660" [ "$(stat -c %a "$W/a.sock")" = 660 ]
if [ -n "$grp" ]; then check "the socket has the daemon-group" [ "$(stat -c %G "$W/a.sock")" = "$grp" ]; fi
check "daemon-workers: 4 workers by default" [ "$(workers_of $A | wc -l)" = 4 ]
qf plain "$W/plain.eml"
check "a clean message: queued (0)" rc_is 0 plain
check "...served by qfilterd, not in process" served plain
check "...with the added headers in front of the original bytes" \
	bash -c "head -1 '$W/rec/plain/message' | grep -q '^X-Qfilter:' && tail -c $(wc -c <"$W/plain.eml") '$W/rec/plain/message' | cmp -s - '$W/plain.eml'"
check "...and the envelope unchanged" cmp -s "$W/rec/plain/envelope" "$W/env"
check "the daemon logged the message (qfilterd: ... verdict=accept)" grep -q '^qfilterd: pid=.*verdict=accept' "$W/a.log"
qf exe "$W/exe.eml"
check "an executable: refused (31), nothing queued" bash -c "[ $RC = 31 ] && ! [ -e '$W/rec/exe/message' ]"
qf6 exe6 "$W/exe.eml"
check "an executable with fd 6 a pipe: 82 and the D text, written by the client" \
	bash -c "[ $RC = 82 ] && grep -q '^D.*executable' '$W/exe6.fd6' || { echo exit $RC; cat '$W/exe6.fd6' '$W/exe6.err'; exit 1; }"
check "...and qfilterd logs the same exit, 82 (one message, one exit code)" \
	bash -c "grep 'verdict=reject' '$W/a.log' | grep -c 'exit=82' | grep -qx 1 && grep -q 'verdict=reject.*exit=82' '$W/exe6.err'"

# fd 0 or fd 1 that cannot be read: 54 before anything reaches qfilterd,
# never an empty message queued (qmail-queue: 54 for an unreadable
# message or envelope)
lines=$(grep -c 'verdict=' "$W/a.log")
unreadable() { # unreadable NAME WHAT REDIRECTIONS: runs qfilter with them
	local name=$1 what=$2; shift 2
	rm -rf "$W/rec/$name"
	eval "REC=\$W/rec/$name QQF_QMAILQUEUE=\$root/tests/lib/recorder timeout 60 \"\$QF_BIN/qfilter\" $* 2>\"\$W/$name.err\" 6>&-"
	RC=$?
	check "through qfilterd, $what: 54, nothing queued" \
		bash -c "[ $RC = 54 ] && ! [ -e '$W/rec/$name' ] && grep -q 'error:' '$W/$name.err'" ||
		sed 's/^/#   /' "$W/$name.err"
}
unreadable fd0-closed "fd 0 closed" '<&- 1<"$W/env"'
unreadable fd1-closed "fd 1 closed" '<"$W/plain.eml" 1>&-'
unreadable fd01-closed "fd 0 and fd 1 closed" '<&- 1>&-'
unreadable fd0-wronly "fd 0 open for writing only" '0>"$W/fd0-wronly.out" 1<"$W/env"'
unreadable fd1-wronly "fd 1 open for writing only" '<"$W/plain.eml" 1>"$W/fd1-wronly.out"'
unreadable fd0-dir "fd 0 a directory" '<"$W" 1<"$W/env"'
check "...and qfilterd never saw one of them" [ "$(grep -c 'verdict=' "$W/a.log")" = "$lines" ]
TCPREMOTEIP=192.0.2.9 qf exe-ip "$W/exe.eml"
check "the client's TCPREMOTEIP reaches the rules (ip= rule: tag, 0)" \
	bash -c "[ $RC = 0 ] && grep -qi '^X-Qfilter-Tag:' '$W/rec/exe-ip/message'"
QFILTER_CONF=$W/a-inproc.conf TCPREMOTEIP=192.0.2.9 qf exe-ip-inproc "$W/exe.eml"
check "...the same as in single-process mode (headers and all)" \
	cmp "$W/rec/exe-ip/message" "$W/rec/exe-ip-inproc/message"
check "the client's log line names the filters that ran in the daemon" grep -q 'verdict=tag.* exe=' "$W/exe-ip.err"

# external filters run in the client, as the calling user, on the daemon's output
qf ext "$W/plain.eml" sh -c "head -1 >'$W/ext.first'; echo \$QMAILRCPTS >'$W/ext.rcpts'"
check "external filter: run by the client on the composed message" \
	bash -c "[ $RC = 0 ] && grep -q '^X-Qfilter:' '$W/ext.first' && grep -q rcpt@example.com '$W/ext.rcpts'"
qf ext99 "$W/plain.eml" sh -c 'exit 99'
check "external filter exit 99: dropped (0), nothing queued" bash -c "[ $RC = 0 ] && ! [ -e '$W/rec/ext99/message' ]"
qf ext31 "$W/plain.eml" sh -c 'exit 31'
check "external filter exit 31: 31" rc_is 31 ext31

# the queue starts as if qmail-smtpd had run it: no signal ignored (qfilter
# ignores SIGPIPE; its handlers are reset by execve) and no timer armed
# (the queue below outlives the 2 s timeout)
cat >"$W/sigqueue" <<EOF
#!/bin/sh
sed -n 's/^SigIgn:[[:space:]]*//p' /proc/\$\$/status >"\$REC.sigign"
sleep 3
exec "$root/tests/lib/recorder"
EOF
chmod +x "$W/sigqueue"
{ cat "$W/a.conf"; echo "timeout 2"; } >"$W/a2.conf"
{ cat "$W/a-inproc.conf"; echo "timeout 2"; } >"$W/a2-inproc.conf"
for mode in a2 a2-inproc; do
	rm -rf "$W/rec/sig-$mode"
	REC=$W/rec/sig-$mode QQF_QMAILQUEUE=$W/sigqueue QFILTER_CONF=$W/$mode.conf \
		"$QF_BIN/qfilter" <"$W/plain.eml" 1<"$W/env" 2>"$W/sig-$mode.err"
	RC=$?
	check "$mode: the queue runs past qfilter's timeout, no timer kills it (0)" \
		bash -c "[ $RC = 0 ] && [ -f '$W/rec/sig-$mode/message' ]"
	# SIGTRAP, SIGABRT, SIGPIPE, SIGALRM: bits 4, 5, 12 and 13 of SigIgn
	m=$(cat "$W/rec/sig-$mode.sigign" 2>/dev/null)
	check "$mode: ...and ignores none of the signals qfilter handles (SigIgn ${m:-?})" \
		bash -c "[ -n '$m' ] && [ \$(( 0x$m & 0x3030 )) = 0 ]"
done

# --- hostile clients: the daemon logs them and serves on
printf 'GET / HTTP/1.0\r\n\r\n' >"$W/junk"
$PY -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(open(sys.argv[2],"rb").read()); s.close()' "$W/a.sock" "$W/junk"
$PY -c 'import socket,sys,struct; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b"QFDQ" + struct.pack(">HH", int(sys.argv[2]), 0) + b"\xff\xff\xff\xff"); s.close()' "$W/a.sock" $VERSION
$PY -c 'import socket,sys,struct; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b"QFDQ" + struct.pack(">HH", int(sys.argv[2]), 0) + b"\0\0\0\4abcd"); s.close()' "$W/a.sock" $VERSION
check "garbage from a client is logged as a bad request" wait_log "$W/a.log" 'bad request: not a qfilterd' 5
check "an oversized length is refused before any allocation" wait_log "$W/a.log" 'bad request: body too long' 5
check "a request without the spool descriptor is refused" wait_log "$W/a.log" 'bad request: .*descriptor' 5
qf after-junk "$W/exe.eml"
check "...and the next client is served as usual (31)" bash -c "[ $RC = 31 ] && ! grep -q 'cannot serve' '$W/after-junk.err'"

# --- 50 concurrent clients
for i in $(seq 50); do
	m=plain; [ $((i % 2)) = 0 ] && m=exe
	( qf c$i "$W/$m.eml"; echo $RC >"$W/c$i.rc" ) &
done
wait_all_c() { local i; for i in $(seq 50); do [ -f "$W/c$i.rc" ] || return 1; done; }
for i in $(seq 600); do wait_all_c && break; sleep 0.1; done
wrong=0
for i in $(seq 50); do
	want=0; [ $((i % 2)) = 0 ] && want=31
	[ "$(cat "$W/c$i.rc" 2>/dev/null)" = $want ] || { wrong=$((wrong+1)); echo "# client $i: exit $(cat "$W/c$i.rc" 2>/dev/null), wanted $want"; }
	grep -q 'cannot serve' "$W/c$i.err" && wrong=$((wrong+1))
done
check "50 concurrent clients: every one served, with the right verdict" [ $wrong = 0 ]
check "...25 queued" [ "$(ls -d "$W"/rec/c*/message 2>/dev/null | wc -l)" = 25 ]

# --- the socket file means "listening": a client that connects as soon as it
# appears is served, even while qfilterd is still setting its permissions
# (strace holds the chmod for 2 s; a connect between bind and listen is refused)
if command -v strace >/dev/null && strace -o /dev/null true 2>/dev/null; then
	printf 'daemon unix:%s/w.sock\nrules %s/a.cdb\n' "$W" "$W" >"$W/w.conf"
	strace -f -o /dev/null -e trace=chmod -e inject=chmod:delay_enter=2000000 \
		"$QF_BIN/qfilterd" -c "$W/w.conf" 2>"$W/w.log" & WP=$!; PIDS="$PIDS $WP"
	for i in $(seq 200); do [ -S "$W/w.sock" ] && break; sleep 0.01; done
	QFILTER_CONF=$W/w.conf qf early "$W/plain.eml"
	check "a client connecting as soon as the socket file exists is served" \
		bash -c "[ $RC = 0 ] && ! grep -q 'cannot serve' '$W/early.err'" || sed 's/^/#   /' "$W/early.err"
	pkill -TERM -f -- "-c $W/w.conf" 2>/dev/null; wait $WP 2>/dev/null   # strace exits with it
else
	skip "the socket's bind-to-listen window: needs strace with ptrace allowed"
fi

# --- a second qfilterd on the same socket must not start
"$QF_BIN/qfilterd" -c "$W/a.conf" 2>"$W/a2.log"; rc=$?
check "a second qfilterd on a live socket exits 111" [ $rc = 111 ]
check "...saying another qfilterd answers there" grep -q 'another qfilterd answers' "$W/a2.log"
check "...and the first still serves" bash -c "kill -0 $A"

# --- workers that die are replaced; the daemon survives them
w=$(workers_of $A)
kill -9 $w
check "killed workers are logged and replaced" wait_log "$W/a.log" 'killed by signal 9: starting another' 5
sleep 1.2
check "...back to 4 workers" [ "$(workers_of $A | wc -l)" = 4 ]
qf after-kill "$W/plain.eml"
check "...which serve the next message" bash -c "[ $RC = 0 ] && ! grep -q 'cannot serve' '$W/after-kill.err'"

# --- a user not in the socket's group is refused by permissions, and daemon-fail decides
if [ -n "$grp" ] && command -v useradd >/dev/null && command -v setpriv >/dev/null; then
	getent passwd qfo$$ >/dev/null || { useradd -M -N -r -s /usr/sbin/nologin qfo$$ && USERS_MADE="$USERS_MADE qfo$$"; }
	getent passwd qfm$$ >/dev/null || { useradd -M -N -r -s /usr/sbin/nologin -G "$grp" qfm$$ && USERS_MADE="$USERS_MADE qfm$$"; }
	AS="setpriv --reuid=qfo$$ --regid=nogroup --clear-groups" qf outsider "$W/exe.eml"
	check "a user outside daemon-group cannot connect: a note, not a warning (qmail-inject does it for every message)" \
		bash -c "grep -q '^qfilter: note: qfilterd at .* not permitted for uid [0-9]* (the socket.s mode and group): filtering in process' '$W/outsider.err' && ! grep -q 'warning' '$W/outsider.err'"
	check "...and daemon-fail inprocess filters in process: 31" rc_is 31 outsider
	printf 'daemon unix:%s/a.sock\nrules %s/a.cdb\ndaemon-fail tempfail\n' "$W" "$W" >"$W/a-tf.conf"
	QFILTER_CONF=$W/a-tf.conf AS="setpriv --reuid=qfo$$ --regid=nogroup --clear-groups" qf outsider-tf "$W/plain.eml"
	check "...with daemon-fail tempfail: 71, nothing queued, and a warning (the site asked for qfilterd only)" \
		bash -c "[ $RC = 71 ] && ! [ -e '$W/rec/outsider-tf/message' ] && grep -q 'warning: qfilterd .* cannot serve (connect: Permission denied)' '$W/outsider-tf.err'"
	AS="setpriv --reuid=qfm$$ --regid=nogroup --init-groups" qf member "$W/plain.eml"
	check "a user in daemon-group is served (and the queue runs as that user)" \
		bash -c "[ $RC = 0 ] && ! grep -q 'cannot serve' '$W/member.err' && [ \$(stat -c %U '$W/rec/member/message') = qfm$$ ]"
else
	skip "users outside the socket's group: needs root, groupadd, useradd and setpriv"
fi

# --- SIGTERM: stop accepting, finish, remove the socket, exit 0
w=$(workers_of $A | tr '\n' ' ')
kill -TERM $A; wait $A; rc=$?
check "SIGTERM: qfilterd exits 0" [ $rc = 0 ]
check "...removes its socket" [ ! -e "$W/a.sock" ]
check "...and no worker outlives it" bash -c "for p in $w; do kill -0 \$p 2>/dev/null && exit 1; done; exit 0"
qf down "$W/exe.eml"
check "qfilterd down: daemon-fail inprocess filters in process (31)" \
	bash -c "[ $RC = 31 ] && grep -q 'cannot serve.*filtering in process' '$W/down.err'"

# --- daemons that misbehave: the client never passes a message unfiltered
fake() { # fake NAME PYTHON-ANSWER-EXPR: a "qfilterd" that answers bytes (or closes)
	$PY -c '
import socket, sys, os
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(8)
c, _ = s.accept(); c.recv(65536)
c.sendall(eval(sys.argv[2])); c.close()' "$W/$1.sock" "$2" & PIDS="$PIDS $!"
	local i; for i in $(seq 100); do [ -S "$W/$1.sock" ] && break; sleep 0.05; done
	printf 'daemon unix:%s/%s.sock\nrules %s/a.cdb\n' "$W" "$1" "$W" >"$W/$1.conf"
}
fake junkd 'b"250 ok, queued as 12345\r\n"'
QFILTER_CONF=$W/junkd.conf qf junkd "$W/exe.eml"
check "a daemon answering junk: in process instead (31)" bash -c "[ $RC = 31 ] && grep -q 'no answer: not a qfilterd' '$W/junkd.err'"
fake closed 'b""'
QFILTER_CONF=$W/closed.conf qf closed "$W/exe.eml"
check "a daemon closing without an answer: in process instead (31)" bash -c "[ $RC = 31 ] && grep -q 'no answer: connection closed' '$W/closed.err'"
fake nofd 'b"QFDA\0'"$(printf '\\x%02x' $VERSION)"'\0\1\0\0\0\x0b" + b"\0\0" + b"\0\0\0\0" + b"\0\0\0\0" + b"\0"'
QFILTER_CONF=$W/nofd.conf qf nofd "$W/exe.eml"
check "a daemon saying accept without the message: in process instead (31)" bash -c "[ $RC = 31 ] && grep -q 'descriptor missing' '$W/nofd.err'"

# --- killed mid-message
slowclamd clamd2 2 || bad "the slow clamd did not start"
printf 'daemon unix:%s/k.sock\nclamd unix:%s/clamd2.sock\ntimeout 60\n' "$W" "$W" >"$W/k.conf"
start_daemon k "$W/k.conf"; K=$DPID
QFILTER_CONF=$W/k.conf qf mid "$W/plain.eml" & QP=$!
sleep 0.8; kill_all $K; wait $QP
check "qfilterd killed mid-message: the client filters in process and queues (0)" \
	bash -c "[ -f '$W/rec/mid/message' ] && grep -q 'cannot serve (no answer: connection closed.*filtering in process' '$W/mid.err' && grep -q 'verdict=accept.*clamav=' '$W/mid.err'"
check "...the spool was intact: the queued copy ends with the whole message" \
	bash -c "tail -c $(wc -c <"$W/plain.eml") '$W/rec/mid/message' | cmp -s - '$W/plain.eml'"
check "a dead daemon's stale socket is left behind" [ -S "$W/k.sock" ]
printf 'daemon-fail tempfail\n' >>"$W/k.conf"
start_daemon k2 "$W/k.conf"; K=$DPID
check "...and removed by the next qfilterd, which starts" bash -c "kill -0 $K"
QFILTER_CONF=$W/k.conf qf mid-tf "$W/plain.eml" & QP=$!
sleep 0.8; kill_all $K; wait $QP
check "killed mid-message with daemon-fail tempfail: 71, nothing queued" \
	bash -c "[ ! -e '$W/rec/mid-tf/message' ] && grep -q 'refusing temporarily' '$W/mid-tf.err' && grep -q 'verdict=tempfail.*exit=71' '$W/mid-tf.err'"

# --- the timeout: the same exit as in single-process mode
slowclamd clamd30 30 || bad "the slow clamd did not start"
printf 'daemon unix:%s/t.sock\nclamd unix:%s/clamd30.sock\ntimeout 2\n' "$W" "$W" >"$W/t.conf"
printf 'clamd unix:%s/clamd30.sock\ntimeout 2\n' "$W" >"$W/t-inproc.conf"
start_daemon t "$W/t.conf"; T=$DPID
QFILTER_CONF=$W/t-inproc.conf qf slow-inproc "$W/plain.eml"; want=$RC
QFILTER_CONF=$W/t.conf qf slow "$W/plain.eml"
check "a scanner slower than the timeout: the same exit through qfilterd ($want)" \
	bash -c "[ $RC = $want ] && ! grep -q 'cannot serve' '$W/slow.err'"
kill $T; wait $T

# --- SIGHUP with 20 messages in flight
slowclamd clamdh 0.5 || bad "the slow clamd did not start"
rules h '* exe=tag'
printf 'daemon unix:%s/h.sock\nclamd unix:%s/clamdh.sock\nrules %s/h.cdb\n' "$W" "$W" "$W" >"$W/h.conf"
start_daemon h "$W/h.conf"; H=$DPID
for i in $(seq 20); do ( QFILTER_CONF=$W/h.conf qf h$i "$W/exe.eml"; echo $RC >"$W/h$i.rc" ) & done
sleep 0.3
rules h '* exe=reject'
kill -HUP $H
check "SIGHUP: the new configuration is loaded" wait_log "$W/h.log" '^qfilterd: reloaded' 10
wait_all_h() { local i; for i in $(seq 20); do [ -f "$W/h$i.rc" ] || return 1; done; }
for i in $(seq 600); do wait_all_h && break; sleep 0.1; done
lost=0 old=0 new=0
for i in $(seq 20); do
	case $(cat "$W/h$i.rc" 2>/dev/null) in
	0) queued h$i && old=$((old+1)) || lost=$((lost+1)) ;;
	31) new=$((new+1)) ;;
	*) lost=$((lost+1)); echo "# message $i: exit $(cat "$W/h$i.rc" 2>/dev/null)"; sed 's/^/#   /' "$W/h$i.err" ;;
	esac
	grep -q 'cannot serve' "$W/h$i.err" && { lost=$((lost+1)); echo "# message $i: not served"; }
done
check "SIGHUP with 20 messages in flight: none lost, all served by qfilterd ($old old rules, $new new)" [ $lost = 0 ]
check "...the messages in hand finished under the old rules" [ $old -gt 0 ]
QFILTER_CONF=$W/h.conf qf h-later "$W/exe.eml"
check "...and the new rules apply to later messages (31)" rc_is 31 h-later
echo 'not a cdb' >"$W/h.cdb.new" && mv "$W/h.cdb.new" "$W/h.cdb"   # replaced, as qfilter-rules does
kill -HUP $H
check "a reload that fails is logged" wait_log "$W/h.log" 'reload failed, keeping the running configuration' 10
QFILTER_CONF=$W/h.conf qf h-kept "$W/exe.eml"
check "...and the running configuration keeps serving (31)" bash -c "[ $RC = 31 ] && ! grep -q 'cannot serve' '$W/h-kept.err'"
kill $H; wait $H

# --- resident means loaded: qfilterd loads libmagic's database at start
# (the types filter's preload), and a broken one stops the start
printf 'daemon unix:%s/m.sock\n' "$W" >"$W/m.conf"
MAGIC=/nonexistent timeout 20 "$QF_BIN/qfilterd" -c "$W/m.conf" 2>"$W/m.log"; RC=$?
check "qfilterd with a libmagic database that does not load: does not start (111)" rc_is 111 m
check "...with one error line naming the types filter" \
	bash -c "grep -c '^qfilterd: error: filter types cannot start: libmagic: ' '$W/m.log' | grep -qx 1 && ! [ -S '$W/m.sock' ]"

unset QFILTER_CONF
echo "$PASS passed, $FAIL failed${SKIP:+, $SKIP skipped}"
[ "$FAIL" = 0 ]
