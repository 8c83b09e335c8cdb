#!/usr/bin/env bash
# t-faults.sh: fault injection. Each fault is made to happen for real and
# each check looks at the exit code, the log line, and that nothing was
# lost or half-queued (the recording queue holds the whole message and
# its envelope, or nothing):
#   the spool full (a 64 KiB tmpfs) or unwritable or missing; the real
#   queue missing, crashing, exiting 53; clamd killed mid-scan; DNS that
#   never answers; an external filter killed by a signal; qfilter itself
#   killed with SIGKILL at random points (no temp file left); every
#   allocation failing in turn (tests/lib/failmalloc.c); qfilter as an
#   unprivileged user (spool 0700, temp files 0600, no setuid).
#   QF_BIN=bin bash tests/t-faults.sh      (root: mounts, users)
# Prints ok/not ok/skip lines and "N passed, N failed".
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
QF_BIN=${QF_BIN:-$root/bin}
case $QF_BIN in /*) ;; *) QF_BIN=$root/$QF_BIN ;; esac
L=$root/tests/lib
PY=/usr/bin/python3
T=$(mktemp -d "${TMPDIR:-/tmp}/qf-t-faults.XXXXXX") || exit 1
chmod 755 "$T"
PIDS="" MOUNTS=""
USER_NAME=qftest
cleanup() {
	local p m
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for m in $MOUNTS; do umount "$m" 2>/dev/null; done
	[ -d "$T/clamd" ] && "$L/clamd-stop" "$T/clamd"
	[ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck source=tests/lib/tap.sh
. "$L/tap.sh"

# --- fixtures ---
envelope() { local s=$1; shift; printf 'F%s\0' "$s"; for r in "$@"; do printf 'T%s\0' "$r"; done; printf '\0'; }
envelope sender@example.net rcpt@example.com >"$T/env"
$PY "$root/tests/bench/messages.py" "$T/m" >/dev/null || { bad "fixtures: tests/bench/messages.py"; tap_summary; exit; }
$PY - "$T" <<'PY' || { bad "fixtures (python3-dkim, openssl)"; tap_summary; exit; }
import base64, os, random, struct, subprocess, sys
import dkim
T = sys.argv[1]
rng = random.Random(7)
def w(name, data):
    with open(os.path.join(T, name), 'wb') as f:
        f.write(data if isinstance(data, bytes) else data.encode())
def hdr(subject):
    return ('From: Alice <sender@example.net>\nTo: rcpt@example.com\nSubject: %s\n'
            'Date: Sun, 22 Nov 2026 10:00:00 +0000\nMessage-ID: <%s@example.net>\n'
            'MIME-Version: 1.0\n' % (subject, subject.replace(' ', '.')))
def text(subject, size):
    line = 'a line of plain text in a message that is there to take up room.....\n'
    return (hdr(subject) + 'Content-Type: text/plain\n\n' + line * (size // len(line) + 1)).encode()
def attach(subject, data, ctype='application/octet-stream', name='data.bin'):
    return (hdr(subject) + 'Content-Type: multipart/mixed; boundary="=_f"\n\n--=_f\n'
            'Content-Type: text/plain\n\nsee the attachment\n--=_f\n'
            'Content-Type: %s; name="%s"\nContent-Transfer-Encoding: base64\n'
            'Content-Disposition: attachment; filename="%s"\n\n' % (ctype, name, name) +
            base64.encodebytes(data).decode() + '--=_f--\n').encode()
w('m1m.eml', text('one megabyte', 1 << 20))
w('m40k.eml', text('forty k', 40 << 10))
w('m2m.eml', attach('two megabytes', rng.randbytes(3 << 19)))
w('m20m.eml', attach('twenty megabytes', rng.randbytes(15 << 20)))
pe = bytearray(1024); pe[0:2] = b'MZ'; struct.pack_into('<I', pe, 0x3c, 0x80)
pe[0x80:0x84] = b'PE\0\0'; struct.pack_into('<H', pe, 0x84, 0x14c)
w('exe.eml', attach('exe', bytes(pe), 'application/octet-stream', 'tool.exe'))
# signed with a key published nowhere: its look-up goes to DNS
subprocess.run(['openssl', 'genrsa', '-out', os.path.join(T, 'dns.pem'), '2048'], check=True, stderr=subprocess.DEVNULL)
src = text('dns signed', 2000).replace(b'\n', b'\r\n')
sig = dkim.sign(src, b'faults', b'example.net', open(os.path.join(T, 'dns.pem'), 'rb').read(),
                include_headers=[b'from', b'to', b'subject', b'date', b'message-id'])
w('dns-signed.eml', (sig + src).replace(b'\r\n', b'\n'))
PY
# the samples' generated messages (executables in zips, nested, uuencoded...)
mkdir -p "$T/gen/keys"
/usr/bin/python3 "$root/tests/samples/gen/mime.py" "$T/gen" >/dev/null 2>&1 || true
cp "$L/recorder" "$T/recorder"
chmod 755 "$T/recorder"
RECORDER=$T/recorder

# run NAME MESSAGE [QFILTER ARGS]...: qfilter with the message on fd 0,
# the envelope on fd 1, fd 6 closed, config $T/NAME.conf (made by conf),
# the recording queue in $T/rec/NAME; log in $T/NAME.err; sets RC, SECS.
conf() { local n=$1; shift; printf '%s\n' "$@" >"$T/$n.conf"; chmod 644 "$T/$n.conf"; }
run() {
	local name=$1 msg=$2 t0; shift 2
	rm -rf "${T:?}/rec/$name"
	t0=$(date +%s%N)
	REC=$T/rec/$name QQF_QMAILQUEUE=${QUEUE:-$RECORDER} QFILTER_CONF=$T/$name.conf \
		timeout 60 "$QF_BIN/qfilter" "$@" <"$msg" 1<"$T/env" 2>"$T/$name.err" 6>&-
	RC=$?
	SECS=$(( ($(date +%s%N) - t0) / 1000000 ))   # ms, in fact
}
rc_is() { [ "$RC" = "$1" ] || { echo "exit $RC, wanted $1"; sed 's/^/log: /' "$T/$2.err" | head -6; return 1; }; }
log_has() { grep -qE -- "$2" "$T/$1.err" || { echo "the log lacks /$2/:"; sed 's/^/log: /' "$T/$1.err" | head -6; return 1; }; }
# nothing queued: not even a half-written message
not_queued() { [ ! -e "$T/rec/$1/message" ] && [ ! -e "$T/rec/$1/envelope" ] || { echo "something was queued"; ls -la "$T/rec/$1"; return 1; }; }
# queued whole: the copy ends with every byte of the original, the envelope unchanged
queued_whole() {
	local n; n=$(wc -c <"$2")
	[ -f "$T/rec/$1/message" ] || { echo "not queued"; return 1; }
	tail -c "$n" "$T/rec/$1/message" | cmp -s - "$2" || { echo "the queued message is not the original"; return 1; }
	cmp -s "$T/rec/$1/envelope" "${3:-$T/env}" || { echo "the queued envelope is not the original"; return 1; }
}
refused_cleanly() { rc_is "$2" "$1" && log_has "$1" "$3" && not_queued "$1"; }   # NAME CODE LOGREGEX

# --- the spool full: a 64 KiB tmpfs ---
mkdir -p "$T/full"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=64k,mode=0777 qf-faults "$T/full" 2>"$T/mount.err"; then
	MOUNTS="$T/full"
	conf full "spool $T/full" "timeout 60"
	# the writer is a pipe, as qmail-smtpd: every one of its writes must
	# succeed (qfilter reads to EOF before refusing); so must the envelope's
	mkfifo "$T/envfifo"
	( cat "$T/env" >"$T/envfifo"; echo $? >"$T/envw.rc" ) &
	rm -rf "$T/rec/full"
	cat "$T/m1m.eml" | REC=$T/rec/full QQF_QMAILQUEUE=$RECORDER QFILTER_CONF=$T/full.conf \
		timeout 60 "$QF_BIN/qfilter" 1<"$T/envfifo" 2>"$T/full.err" 6>&-
	st=("${PIPESTATUS[@]}")
	wait
	RC=${st[1]}
	check "spool full (64 KiB tmpfs), 1 MB message: 53, a log line, nothing queued" refused_cleanly full 53 'error: .*(spool|No space left)'
	check "spool full: the writer's writes all succeeded (message pipe: exit ${st[0]}, envelope: $(cat "$T/envw.rc"))" \
		test "${st[0]}" = 0 -a "$(cat "$T/envw.rc")" = 0
	# from a file on another file system, copy_file_range cannot move
	# the bytes (EXDEV): sendfile, which must fail the same way (the
	# read/write path is test_spool's, under seccomp)
	run full "$T/m1m.eml"
	check "spool full, the message from a file on another file system (sendfile): 53, a log line, nothing queued" \
		refused_cleanly full 53 'error: .*(spool|No space left)'
	check "spool full: nothing left in the spool" bash -c "[ -z \"\$(ls -A '$T/full')\" ] && [ \$(df --output=used -k '$T/full' | tail -1) -le 4 ]"
	# with spool-memory 0, room for the spooled message, not for the
	# copy handed to the queue
	conf full2 "spool $T/full" "timeout 60" "spool-memory 0"
	run full2 "$T/m40k.eml"
	check "spool full at the queue's copy (40 KB message, spool-memory 0): 53, a log line, nothing queued" \
		refused_cleanly full2 53 'error: .*(spool|queue|No space left)'
	# by default both stay in memory: the spool directory is not needed
	run full "$T/m40k.eml"
	check "the same with the default spool-memory: the message and its copy stay in memory, queued whole" \
		queued_whole full "$T/m40k.eml"
	check "spool full: nothing left in the spool afterwards" test -z "$(ls -A "$T/full")"
	# through qfilterd with an external filter: the client copies
	# qfilterd's pipe into a file the filter can seek in. A message just
	# under spool-memory spools in memory; its copy, headers added, does
	# not, and the full directory refuses it: 53, the filter never runs.
	conf qfd "daemon unix:$T/qfd.sock" "timeout 60"
	"$QF_BIN/qfilterd" -c "$T/qfd.conf" 2>"$T/qfd.log" & PIDS="$PIDS $!"
	for _ in $(seq 100); do [ -S "$T/qfd.sock" ] && break; sleep 0.05; done
	head -c 102380 "$T/m1m.eml" >"$T/m100k.eml"
	conf full3 "daemon unix:$T/qfd.sock" "spool $T/full" "spool-memory 100k" "timeout 60"
	run full3 "$T/m100k.eml" sh -c "touch '$T/full3.ran'; cat"
	check "spool full when copying qfilterd's answer for an external filter: 53, a log line, nothing queued" \
		refused_cleanly full3 53 'copying the message for the external filters'
	check "...the filter never ran, and nothing is left in the spool" \
		bash -c "[ ! -e '$T/full3.ran' ] && [ -z \"\$(ls -A '$T/full')\" ] && grep -q 'verdict=' '$T/qfd.log'"
else
	skip "spool full: cannot mount a tmpfs ($(cat "$T/mount.err" 2>/dev/null | head -1))"
fi

# --- the spool missing, or unwritable for the user qfilter runs as ---
conf nodir "spool $T/no/such/dir"
run nodir "$T/m/2k.eml"
check "spool dir missing: 53, a log line naming it, nothing queued" refused_cleanly nodir 53 "error: .*$T/no/such/dir"

have_user=0
if id "$USER_NAME" >/dev/null 2>&1 || useradd -r -M -d /nonexistent -s /usr/sbin/nologin "$USER_NAME" 2>"$T/useradd.err"; then
	have_user=1
fi
AS_USER=(setpriv --reuid="$USER_NAME" --regid="$USER_NAME" --clear-groups --inh-caps=-all)
if [ $have_user = 1 ] && [ "$(id -u)" = 0 ]; then
	mkdir -p "$T/ro" "$T/rec"; chown "$USER_NAME:" "$T/ro"; chmod 0500 "$T/ro"; chmod 1777 "$T/rec"
	conf ro "spool $T/ro"
	rm -rf "$T/rec/ro"
	REC=$T/rec/ro QQF_QMAILQUEUE=$RECORDER QFILTER_CONF=$T/ro.conf \
		timeout 60 "${AS_USER[@]}" "$QF_BIN/qfilter" <"$T/m/2k.eml" 1<"$T/env" 2>"$T/ro.err" 6>&-
	RC=$?
	check "spool unwritable (0500, qfilter as $USER_NAME): 53, a log line, nothing queued" refused_cleanly ro 53 "error: .*$T/ro.*Permission denied"
else
	skip "spool unwritable: no unprivileged user $USER_NAME ($(head -1 "$T/useradd.err" 2>/dev/null))"
fi

# --- the real queue: missing, crashing, exiting 53 ---
conf q "spool $T"
cp "$T/q.conf" "$T/qmissing.conf"
QUEUE=$T/no-such-queue run qmissing "$T/m/2k.eml"
check "real queue missing: 71, a log line naming it, nothing queued" refused_cleanly qmissing 71 "cannot exec the real queue $T/no-such-queue"

# qfilter execs the queue, so the queue's crash is what the caller's
# wait() sees, exactly as when qmail-smtpd runs qmail-queue itself: a
# signal (qmail-smtpd: "qq crashed", 451), never a false success.
cat >"$T/crashing-queue" <<'Q'
#!/bin/sh
cat >/dev/null
exec kill -SEGV $$
Q
chmod 755 "$T/crashing-queue"
cp "$T/q.conf" "$T/qcrash.conf"
rm -rf "$T/rec/qcrash"
sig=$(REC=$T/rec/qcrash QQF_QMAILQUEUE=$T/crashing-queue QFILTER_CONF=$T/qcrash.conf $PY - "$QF_BIN/qfilter" "$T/m/2k.eml" "$T/env" "$T/qcrash.err" <<'PY'
import os, subprocess, sys
q, msg, env, err = sys.argv[1:5]
p = subprocess.run([q], stdin=open(msg, 'rb'), stdout=open(env, 'rb'), stderr=open(err, 'wb'),
                   env=dict(os.environ), timeout=60)
print(p.returncode)
PY
)
RC=$sig
check "real queue crashing (SIGSEGV): the caller sees the signal (wait status: $sig), qfilter logged the accept" \
	bash -c "[ '$sig' = -11 ] && grep -q 'verdict=accept' '$T/qcrash.err'"

cp "$T/q.conf" "$T/q53.conf"
REC_EXIT=53 run q53 "$T/m/2k.eml"
check "real queue exiting 53: 53 reaches the caller" bash -c "[ $RC = 53 ] && grep -q 'verdict=accept' '$T/q53.err'"

# --- an external filter killed by a signal ---
printf '#!/bin/sh\nkill -KILL $$\n' >"$T/killed-filter"; chmod 755 "$T/killed-filter"
cp "$T/q.conf" "$T/extkill.conf"
run extkill "$T/m/2k.eml" "$T/killed-filter"
check "external filter killed by SIGKILL: 81, a log line, nothing queued" refused_cleanly extkill 81 'killed by signal 9'

# --- clamd killed mid-scan ---
if "$L/clamd-start" "$T/clamd" >/dev/null 2>"$T/clamd.err"; then
	cpid=$(cat "$T/clamd/clamd.pid")
	conf clamkill "spool $T" "clamd unix:$T/clamd/clamd.sock" "timeout 120"
	rm -rf "$T/rec/clamkill"
	# no timeout(1) in front: $! must be qfilter (its own timeout is 120 s)
	REC=$T/rec/clamkill QQF_QMAILQUEUE=$RECORDER QFILTER_CONF=$T/clamkill.conf \
		"$QF_BIN/qfilter" <"$T/m20m.eml" 1<"$T/env" 2>"$T/clamkill.err" 6>&- &
	qpid=$!
	# mid-scan: once qfilter holds a socket (its INSTREAM connection), and
	# a little later, so that clamd has the stream
	seen=0
	for _ in $(seq 2000); do
		if ls -l "/proc/$qpid/fd" 2>/dev/null | grep -q 'socket:'; then seen=1; break; fi
		kill -0 "$qpid" 2>/dev/null || break
		sleep 0.01
	done
	sleep 0.2
	kill -KILL "$cpid" 2>/dev/null
	wait "$qpid"
	RC=$?
	if [ $seen = 1 ]; then
		check "clamd killed mid-scan (20 MB message): 71, a log line, nothing queued" refused_cleanly clamkill 71 'clamav|clamd'
	else
		bad "clamd killed mid-scan: qfilter never connected to clamd (exit $RC)"; sed 's/^/#   /' "$T/clamkill.err" | head -5
	fi
	"$L/clamd-stop" "$T/clamd"
else
	skip "clamd killed mid-scan: no test clamd ($(tail -1 "$T/clamd.err"))"
fi

# --- DNS that never answers ---
port=$($PY -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
$PY - "$port" <<'PY' &
import socket, sys, time
# a name server that reads every query and answers none (UDP and TCP)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(('127.0.0.1', int(sys.argv[1])))
t = socket.socket(); t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind(('127.0.0.1', int(sys.argv[1]))); t.listen(16)
u.settimeout(0.2); t.settimeout(0.2)
held = []
end = time.time() + 300
while time.time() < end:
    try: u.recv(4096)
    except OSError: pass
    try: held.append(t.accept()[0])
    except OSError: pass
PY
PIDS="$PIDS $!"
sleep 0.3
conf dns "spool $T" "dns 127.0.0.1:$port" "timeout 10"
run dns "$T/dns-signed.eml"
check "DNS answering nothing (signed message, timeout 10): queued whole within the timeout (${SECS} ms)" \
	bash -c "[ $RC = 0 ] && [ $SECS -lt 10000 ]" 
# the header block, folded lines joined
unfolded() { awk '/^$/ { exit } /^[ \t]/ { printf " %s", $0; next } NR > 1 { print "" } { printf "%s", $0 } END { print "" }' "$1"; }
dns_temperror() { grep -q 'dkim=temperror' "$T/dns.err" && unfolded "$T/rec/dns/message" | grep -qi '^Authentication-Results:.*dkim=temperror'; }
check "DNS answering nothing: dkim=temperror in the log and in Authentication-Results" dns_temperror
check "DNS answering nothing: the message is queued whole" queued_whole dns "$T/dns-signed.eml"

# --- qfilter killed with SIGKILL at random points ---
mkdir -p "$T/kspool"
conf kill "spool $T/kspool" "timeout 60"
# how long one run takes, to spread the kills over it
run kill "$T/m2m.eml" /bin/cat
if [ "$RC" = 0 ]; then
	span=$((SECS > 5 ? SECS : 5))
	left=0 landed=0 badrec=0
	for i in $(seq 50); do
		rm -rf "$T/rec/kill"
		TMPDIR=$T/kspool REC=$T/rec/kill QQF_QMAILQUEUE=$RECORDER QFILTER_CONF=$T/kill.conf \
			"$QF_BIN/qfilter" /bin/cat <"$T/m2m.eml" 1<"$T/env" 2>/dev/null 6>&- &
		p=$!
		sleep "$(awk -v s="$span" -v r="$RANDOM" 'BEGIN { printf "%.3f", s * (r / 32768) / 1000 }')"
		kill -KILL "$p" 2>/dev/null && landed=$((landed + 1))
		wait "$p" 2>/dev/null
		[ -z "$(ls -A "$T/kspool")" ] || { left=$((left + 1)); ls -la "$T/kspool" >>"$T/kill.left"; rm -rf "${T:?}/kspool/"*; }
	done
	check "qfilter killed by SIGKILL at random points, 50 runs ($landed kills landed before exit): no temp file left in the spool" \
		bash -c "[ $left = 0 ] || { cat '$T/kill.left'; false; }"
else
	bad "qfilter killed at random points: the clean run failed (exit $RC)"; sed 's/^/#   /' "$T/kill.err" | head -5
fi

# --- every allocation failing in turn ---
# Count mode first (K = the allocations of a clean run), then N = 1..K.
# Each run must end with a code from the table and: 0 with the message
# queued whole (never for a message that is to be refused), or a refusal
# with nothing queued. Never a signal, never a hang.
# When bin/qfilter is the small static front, the preloaded injector
# reaches the program it execs, bin/qfilter-inprocess, where the filtering
# is (a static program ignores LD_PRELOAD; the front's few allocations are
# not tested here).
FM=$T/failmalloc.so
QFI=$QF_BIN/qfilter
[ -x "$QF_BIN/qfilter-inprocess" ] && QFI=$QF_BIN/qfilter-inprocess
if ldd "$QFI" 2>/dev/null | grep -q libasan; then
	skip "allocation failures: $QF_BIN is an ASan build (it owns malloc); run with QF_BIN=bin"
elif ! cc -O1 -g -std=gnu11 -Wall -Wextra -Werror -shared -fPIC -o "$FM" "$L/failmalloc.c" -ldl 2>"$T/fm.cc"; then
	bad "allocation failures: tests/lib/failmalloc.c does not build"; sed 's/^/#   /' "$T/fm.cc" | head -5
elif ! cc -O2 -static -o "$T/srec" "$root/tests/bench/recorder.c" 2>"$T/srec.cc"; then
	bad "allocation failures: the static recording queue does not build"; sed 's/^/#   /' "$T/srec.cc" | head -5
else
	# the static recorder: a preloaded library cannot reach it
	printf '* virus=off ban-ext=exe,scr,pif ban-types=application/x-dosexec\n' >"$T/fm.rules"
	printf '* virus=off ban-ext=exe,scr,pif dkim-require=example.net\n' >"$T/fmreq.rules"
	"$QF_BIN/qfilter-rules" "$T/fm.rules" "$T/fm.cdb" && "$QF_BIN/qfilter-rules" "$T/fmreq.rules" "$T/fmreq.cdb" ||
		bad "allocation failures: qfilter-rules"
	mkdir -p "$T/fmspool"
	conf fm "spool $T/fmspool" "rules $T/fm.cdb" "dkim-keys $T/m/keys/dkim.keys" "timeout 20"
	conf fmreq "spool $T/fmspool" "rules $T/fmreq.cdb" "dkim-keys $T/m/keys/dkim.keys" "timeout 20"
	# With GLib, GMime, libmagic... linked in statically (make's default),
	# "the program's own allocations" are those of its own functions: their
	# address ranges, by the names its object files define.
	own=""
	if ! ldd "$QFI" | grep -q 'libglib-2.0'; then
		objs=$(ls "$root"/obj/std/qfilter/*.o "$root"/obj/std/filters/*.o "$root"/obj/std/rules/*.o "$root"/obj/std/sniff/*.o 2>/dev/null)
		if [ -n "$objs" ]; then
			# shellcheck disable=SC2086
			nm --defined-only $objs 2>/dev/null | awk 'NF == 3 && $2 ~ /^[tT]$/ { print $3 }' | sort -u >"$T/own.names"
			nm -S --defined-only "$QFI" |
				awk 'NR == FNR { n[$1]; next } NF == 4 && $3 ~ /^[tT]$/ && ($4 in n) { print $1, $2 }' "$T/own.names" - >"$T/own"
			[ -s "$T/own" ] && own=$T/own
		fi
	fi
	table=" 0 11 31 51 52 53 54 55 71 81 82 91 "
	fm_run() { # fm_run CONF MSG [VAR=VALUE]...: one run under the injector; sets RC
		local c=$1 msg=$2; shift 2
		rm -rf "$T/rec/fm"
		# in a subshell: a run killed by a signal is reported here, not by bash on the terminal
		( timeout 30 env "$@" ${own:+QF_FAILMALLOC_OWN=$own} LD_PRELOAD="$FM" REC=$T/rec/fm QQF_QMAILQUEUE=$T/srec QFILTER_CONF=$T/$c.conf \
			"$QF_BIN/qfilter" <"$msg" 1<"$T/env" 2>"$T/fm.err" 6>&-; exit $? ) 2>/dev/null
		RC=$?
	}
	# fm_case NAME CONF MSG WANT [SCOPE]: WANT is the clean outcome, 0 or 31
	# STICKY=1: every allocation from the Nth on fails (a heap that stays full)
	fm_case() {
		local name=$1 c=$2 msg=$3 want=$4 scope=${5:-own} k n step=1 fails=0 outcomes="" crashes=0
		rm -f "$T/fm.count"*
		fm_run "$c" "$msg" QF_FAILMALLOC_SCOPE="$scope" QF_FAILMALLOC_COUNT="$T/fm.count"
		k=$(cat "$T/fm.count" 2>/dev/null)
		if [ "$RC" != "$want" ] && [ -n "${FM_SAMPLE:-}" ]; then
			skip "allocation failures, $name: without failures it gives $RC, not $want (tests/samples says more)"
			return
		fi
		if [ "$RC" != "$want" ] || [ -z "$k" ]; then
			bad "allocation failures, $name: the clean run gave $RC (wanted $want), count '${k}'"; sed 's/^/#   /' "$T/fm.err" | head -5
			return
		fi
		[ "$scope" = all ] && step=$(( k / 1000 + 1 ))   # every one, up to 1,000
		: >"$T/fm.bad"
		for ((n = 1; n <= k + 1; n += step)); do
			fm_run "$c" "$msg" QF_FAILMALLOC_SCOPE="$scope" QF_FAILMALLOC_N="$n" QF_FAILMALLOC_TRACE=1 \
				QF_FAILMALLOC_STICKY="${STICKY:-0}"
			local why=""
			if [ "$RC" = 124 ]; then why="hung (killed after 30 s)"
			elif [ "$RC" -gt 128 ]; then
				if [ "$scope" = all ] && grep -qE 'GLib|failed to allocate|libglib|libgobject|libgio|libgmime' "$T/fm.err" && not_queued fm >/dev/null; then
					crashes=$((crashes + 1)); continue   # g_malloc aborts by design
				fi
				why="killed by signal $((RC - 128))"
			elif [[ $table != *" $RC "* ]]; then why="exit $RC is not in the table"
			elif [ "$RC" = 0 ]; then
				[ "$want" = 0 ] || why="exit 0: a message to be refused ($want) got through"
				[ -n "$why" ] || queued_whole fm "$msg" >/dev/null || why="exit 0 but not queued whole (lost)"
			else
				not_queued fm >/dev/null || why="exit $RC but something was queued"
				[ "$RC" != 31 ] || [ "$want" = 31 ] || why="exit 31: a permanent refusal of a good message"
			fi
			outcomes="$outcomes $RC"
			if [ -n "$why" ]; then
				fails=$((fails + 1))
				{
					echo "N=$n: $why"
					grep -v '^failmalloc\|^\[\|^/' "$T/fm.err" | head -3
					grep -o "$(basename "$QFI")(+0x[0-9a-f]*)" "$T/fm.err" | sed 's/.*(+\(.*\))/\1/' |
						addr2line -f -i -p -e "$QFI" 2>/dev/null | sed "s,$root/,," | head -6
				} | sed 's/^/  /' >>"$T/fm.bad"
			fi
		done
		local summary
		summary=$(printf '%s\n' $outcomes | sort -n | uniq -c | awk '{ printf "%s%sx%s", sep, $1, $2; sep=" " }')
		if [ $fails = 0 ]; then
			ok "allocation failures, $name: $k allocations ($scope), $([ "${STICKY:-0}" = 1 ] && echo "failing from each in turn" || echo "each failed in turn")$([ $step = 1 ] || echo " (every ${step}th)"): exits $summary$([ $crashes = 0 ] || echo "; $crashes GLib aborts, nothing queued")"
		else
			bad "allocation failures, $name: $fails of the runs went wrong (exits $summary)"
			head -40 "$T/fm.bad" | sed 's/^/#/'
		fi
	}
	if ! ldd "$QFI" | grep -q 'libglib-2.0' && [ -z "$own" ]; then
		skip "allocation failures: libraries linked statically and no obj/std/ to tell qfilter's own code from theirs"
	else
	fm_case "2 KB text, accepted" fm "$T/m/2k.eml" 0
	fm_case "50 KB with an attachment, accepted" fm "$T/m/50k.eml" 0
	fm_case "DKIM-signed 50 KB (key file), accepted" fm "$T/m/50k-signed.eml" 0
	fm_case "DKIM-signed under dkim-require=, accepted" fmreq "$T/m/50k-signed.eml" 0
	fm_case "an .exe attachment, refused" fm "$T/exe.eml" 31
	STICKY=1 fm_case "an .exe attachment, refused, every allocation failing from the Nth on" fm "$T/exe.eml" 31
	# the executable's hiding places: each must stay refused whatever fails
	for g in mime-exe-zip mime-exe-nested mime-exe-uu mime-exe-rfc822-b64 mime-exe-qp; do
		f=$T/gen/$g.eml; [ -f "$f" ] || f=$root/tests/samples/$g.eml
		[ -f "$f" ] && FM_SAMPLE=1 fm_case "sample $g, refused" fm "$f" 31
	done
	fm_case "DKIM-signed 50 KB, every caller (libraries too)" fm "$T/m/50k-signed.eml" 0 all
	fi
fi

# --- privileges: the SMTP server's user, spool 0700, temp files 0600 ---
if [ $have_user = 1 ] && [ "$(id -u)" = 0 ]; then
	mkdir -p "$T/uspool" "$T/rec"; chown "$USER_NAME:" "$T/uspool"; chmod 0700 "$T/uspool"; chmod 1777 "$T/rec"
	conf priv "spool $T/uspool"
	# an external filter that looks at every file qfilter holds open, and at its own fds 0, 1, 3, 4
	cat >"$T/modes-filter" <<'F'
#!/bin/sh
for f in /proc/$PPID/fd/* /proc/$$/fd/0 /proc/$$/fd/1 /proc/$$/fd/3 /proc/$$/fd/4; do
	[ -f "$f" ] && echo "$(stat -L -c '%a %U' "$f") $(readlink "$f")"
done >"$MODES" 2>&1
exit 0
F
	chmod 755 "$T/modes-filter"
	rm -rf "$T/rec/priv"
	MODES=$T/rec/modes REC=$T/rec/priv QQF_QMAILQUEUE=$RECORDER QFILTER_CONF=$T/priv.conf \
		timeout 60 "${AS_USER[@]}" "$QF_BIN/qfilter" "$T/modes-filter" <"$T/m/50k.eml" 1<"$T/env" 2>"$T/priv.err" 6>&-
	RC=$?
	check "as the unprivileged user $USER_NAME (spool 0700, owned by it): 0, queued whole" \
		bash -c "[ $RC = 0 ] || { cat '$T/priv.err'; false; }"
	queued_by_user() { [ "$(stat -c %U "$T/rec/priv/message")" = "$USER_NAME" ] && queued_whole priv "$T/m/50k.eml"; }
	check "as $USER_NAME: the queue ran as $USER_NAME and got the whole message" queued_by_user
	spooled=$(grep -c " $T/uspool/" "$T/rec/modes" 2>/dev/null)
	check "temp files in the spool are mode 0600, owned by $USER_NAME (${spooled:-0} seen open, as qfilter's and the filter's descriptors)" \
		bash -c "[ '${spooled:-0}' -ge 2 ] && ! grep ' $T/uspool/' '$T/rec/modes' | grep -v '^600 $USER_NAME ' || { cat '$T/rec/modes'; false; }"
	check "nothing left in the spool; it is still 0700" bash -c "[ -z \"\$(ls -A '$T/uspool')\" ] && [ \$(stat -c %a '$T/uspool') = 700 ]"
else
	skip "privileges: no unprivileged user or not root"
fi
no_setid() { local f; for f in "$QF_BIN"/qfilter "$QF_BIN"/qfilter-inprocess; do [ ! -e "$f" ] || { [ ! -u "$f" ] && [ ! -g "$f" ]; } || return 1; done; }
check "qfilter (and qfilter-inprocess) need no setuid or setgid bit" no_setid

tap_summary
