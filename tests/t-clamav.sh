#!/usr/bin/env bash
# t-clamav.sh: the clamav filter against real clamd instances (unix and
# TCP sockets, IPv6, a small StreamMaxLength), misbehaving fake servers
# (tests/lib/fake-clamd) and libclamav in-process; and every file of
# Debian's clamav-testfiles as an attachment.
#   QF_BIN=bin bash tests/t-clamav.sh
# Prints ok/not ok lines and "N passed, N failed".
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/lib/tap.sh"
QF_BIN=${QF_BIN:-$root/bin}
case $QF_BIN in /*) ;; *) QF_BIN=$PWD/$QF_BIN ;; esac
L=$root/tests/lib
T=$(mktemp -d "${TMPDIR:-/tmp}/qf-t-clamav.XXXXXX")
FAKES=""
cleanup() {
	local d p
	for p in $FAKES; do kill "$p" 2>/dev/null; done
	for d in "$T"/clamd-*; do [ -d "$d" ] && "$L/clamd-stop" "$d"; done
	[ -n "$KEEP" ] || rm -rf "$T"
}
trap cleanup EXIT


# run NAME MESSAGE CONF-LINE...: qfilter with fd 6 a pipe (its text in
# $T/NAME.fd6), the recording queue ($T/NAME/message if queued), log in
# $T/NAME.err; sets RC and SECS.
run() {
	local name=$1 msg=$2 start; shift 2
	printf '%s\n' "$@" >"$T/$name.conf"
	rm -rf "${T:?}/$name"
	start=$(date +%s.%N)
	# fd 3 is the pipe to cat: it becomes fd 6, fd 1 is the envelope
	( REC=$T/$name QQF_QMAILQUEUE=$L/recorder QFILTER_CONF=$T/$name.conf \
		timeout 60 "$QF_BIN/qfilter" <"$msg" 1<"$T/env" 2>"$T/$name.err" 6>&3 3>&- ) 3>&1 |
		cat >"$T/$name.fd6"
	RC=${PIPESTATUS[0]}
	SECS=$(echo "$(date +%s.%N) - $start" | bc)
}
rc_is() { # rc_is NAME CODE...
	local n=$1 c; shift
	for c in "$@"; do [ "$RC" = "$c" ] && return 0; done
	echo "exit $RC, wanted $*"; sed 's/^/log: /' "$T/$n.err" | head -5; return 1
}
log_has() { grep -qE -- "$2" "$T/$1.err" || { echo "log lacks /$2/:"; cat "$T/$1.err"; return 1; }; }
fd6_has() { grep -qE -- "$2" "$T/$1.fd6" || { echo "fd 6 text '$(cat "$T/$1.fd6")' lacks /$2/"; return 1; }; }
queued() { [ -f "$T/$1/message" ]; }
not_queued() { ! queued "$1" || { echo "it was queued"; return 1; }; }
rc_text() { rc_is "$1" "$2" && fd6_has "$1" "$3"; }   # rc_text NAME CODE REGEX
rc_in_time() { local n=$1 s=$2; shift 2; rc_is "$n" "$@" && faster "$s"; }  # NAME SECS CODE...
faster() { [ "$(echo "$SECS < $1" | bc)" = 1 ] || { echo "took $SECS s"; return 1; }; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
fake() { # fake MODE ADDRESS: starts tests/lib/fake-clamd, waits for it
	"$L/fake-clamd" "$1" "$2" & FAKES="$FAKES $!"
	local i; for i in $(seq 50); do
		case $2 in /*) [ -S "$2" ] && return 0 ;;
		*) python3 -c "import socket,sys; socket.create_connection(('${2%:*}', ${2##*:}), 1).close()" 2>/dev/null && return 0 ;;
		esac
		sleep 0.1
	done
	return 1
}

[ -x "$QF_BIN/qfilter" ] || { bad "no $QF_BIN/qfilter"; echo "$PASS passed, $FAIL failed"; exit 1; }
command -v clamd >/dev/null || PATH=$PATH:/usr/sbin
command -v clamd >/dev/null || { skip "no clamd (apt-get install clamav-daemon)"; echo "$PASS passed, $FAIL failed, $SKIP skipped"; exit 0; }

printf 'Fsender@example.net\0Trcpt@example.com\0\0' >"$T/env"
mkdir -p "$T/gen"
/usr/bin/python3 "$root/tests/samples/gen/clamav.py" "$T/gen" || bad "the sample generator ran"
EICAR=$T/gen/clamav-eicar.eml CLEAN=$root/tests/samples/clamav-clean.eml
python3 - "$T/big.eml" <<'PY'
import sys
open(sys.argv[1], 'w').write('From: a@example.net\nSubject: big\n\n' + ('0123456789abcdef' * 4 + '\n') * 48000)
PY

PORT=$(free_port)
"$L/clamd-start" "$T/clamd-main" TCPSocket "$PORT" TCPAddr 127.0.0.1 >/dev/null ||
	{ bad "the test clamd started"; echo "$PASS passed, $FAIL failed"; exit 1; }
SOCK=$T/clamd-main/clamd.sock DB=$T/clamd-main/db

echo "# clamd over TCP"
run tcp "$EICAR" "clamd 127.0.0.1:$PORT"
check "TCP 127.0.0.1: EICAR is refused with its name" rc_text tcp 82 '^Dmessage contains a virus \(Eicar-Test-Signature'
run tcpclean "$CLEAN" "clamd 127.0.0.1:$PORT"
check "TCP 127.0.0.1: a clean message is queued" queued tcpclean
check "TCP 127.0.0.1: with the clamd header" grep -q '^X-Qfilter-Virus: clean (clamd ClamAV 1\.' "$T/tcpclean/message"
run hostname "$EICAR" "clamd localhost:$PORT"
check "a host name (localhost, maybe ::1 first) connects" rc_is hostname 82
if python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null; then
	PORT6=$(free_port)
	"$L/clamd-start" "$T/clamd-v6" TCPSocket "$PORT6" TCPAddr ::1 >/dev/null
	run v6 "$EICAR" "clamd [::1]:$PORT6"
	check "IPv6 [::1]:port: EICAR is refused" rc_is v6 82
else
	skip "IPv6: no ::1 here"
fi

echo "# failover"
DEAD_PORT=$(free_port)
run firstdown "$EICAR" "clamd 127.0.0.1:$DEAD_PORT unix:$SOCK"
check "the first of two servers refuses connections: the second scans" rc_is firstdown 82
check "the dead one is named in a warning" log_has firstdown "warning: clamav: 127\.0\.0\.1:$DEAD_PORT: connect: Connection refused"
run alldown "$CLEAN" "clamd unix:$T/none1.sock 127.0.0.1:$DEAD_PORT"
check "all servers down: temporary refusal" rc_text alldown 82 '^Zvirus scanner unavailable, try again later \(#4\.3\.0\)$'
check "all servers down: each one warned about" bash -c "[ \$(grep -c 'warning: clamav:' '$T/alldown.err') = 2 ]"
check "all servers down: nothing queued" not_queued alldown

echo "# misbehaving servers"
fake hang "$T/hang.sock" || bad "fake hang server started"
run hang "$CLEAN" "clamd unix:$T/hang.sock" "timeout 5"
check "a server that never answers: 52 or 71 (or 82 with a Z text)" rc_is hang 82 52 71
check "a server that never answers: within the timeout (<20 s; took $SECS s)" faster 20
check "a server that never answers: logged" log_has hang "no reply from clamd in time|timeout"
run hangbig "$T/big.eml" "clamd unix:$T/hang.sock" "timeout 3"
check "a server that stops reading a 3 MB stream: temporary failure in time ($SECS s)" rc_in_time hangbig 15 82 52 71
run hangfirst "$EICAR" "clamd unix:$T/hang.sock unix:$SOCK" "timeout 6"
check "hanging first server: the second scans within the time limit" rc_is hangfirst 82
check "hanging first server: after half the time at most ($SECS s)" faster 5
fake noaccept "$T/noaccept.sock" || bad "fake noaccept server started"
run noaccept "$T/big.eml" "clamd unix:$T/noaccept.sock" "timeout 3"
check "a server that never accepts: temporary failure in time ($SECS s)" rc_in_time noaccept 15 82 52 71
fake midreply "$T/mid.sock" || bad "fake midreply server started"
run mid "$CLEAN" "clamd unix:$T/mid.sock"
check "a server closing in the middle of its reply: temporary failure" rc_is mid 82
check "a server closing in the middle of its reply: logged as such" log_has mid "closed the connection in the middle of its reply"
run midfirst "$EICAR" "clamd unix:$T/mid.sock unix:$SOCK"
check "a server closing mid-reply: the next one scans" rc_is midfirst 82
check "a server closing mid-reply: the next one's verdict" fd6_has midfirst Eicar-Test-Signature
fake garbage "$T/garbage.sock" || bad "fake garbage server started"
run garbage "$CLEAN" "clamd unix:$T/garbage.sock"
check "a reply that is not clamd's is an error, not clean" rc_is garbage 82
check "the strange reply is logged" log_has garbage "unexpected clamd reply: all is fine"
fake silent "$T/silent.sock" || bad "fake silent server started"
run silent "$CLEAN" "clamd unix:$T/silent.sock"
check "a server closing without a reply: temporary failure" rc_is silent 82
# virus-fail=pass needs a rules file
printf '* virus-fail=pass\n' >"$T/pass.rules"
if "$QF_BIN/qfilter-rules" "$T/pass.rules" "$T/pass.cdb" 2>"$T/rules.err"; then
	run hangpass "$CLEAN" "clamd unix:$T/hang.sock" "timeout 4" "rules $T/pass.cdb"
	check "virus-fail=pass and a hanging server: queued after the timeout" queued hangpass
	check "virus-fail=pass: the header says it was not scanned" grep -q '^X-Qfilter-Virus: not scanned' "$T/hangpass/message"
else
	bad "qfilter-rules compiled '* virus-fail=pass': $(head -1 "$T/rules.err")"
fi

echo "# StreamMaxLength"
"$L/clamd-start" "$T/clamd-small" StreamMaxLength 1M >/dev/null || bad "a clamd with StreamMaxLength 1M started"
run toobig "$T/big.eml" "clamd unix:$T/clamd-small/clamd.sock"
check "a 3 MB message over clamd's 1 MB StreamMaxLength: temporary failure" rc_is toobig 82
check "... with clamd's reason in the log" log_has toobig "INSTREAM size limit exceeded"
check "... not queued" not_queued toobig
run toobigfail "$T/big.eml" "clamd unix:$T/clamd-small/clamd.sock unix:$SOCK"
check "... and the next server with a larger limit scans it" queued toobigfail
run bigok "$T/big.eml" "clamd unix:$SOCK"
check "a 3 MB message within the limit is scanned and queued" queued bigok

echo "# libclamav in-process"
run lib "$EICAR" "clamav-db $DB"
check "libclamav: EICAR is refused" rc_is lib 82
check "libclamav: the log names the virus" log_has lib "clamav=virus:Eicar-Test-Signature"
run libclean "$CLEAN" "clamav-db $DB"
check "libclamav: a clean message is queued with its header" grep -q '^X-Qfilter-Virus: clean (libclamav 1\.' "$T/libclean/message"
run libbig "$T/big.eml" "clamav-db $DB"
check "libclamav: a 3 MB message is scanned and queued" queued libbig
mkdir -p "$T/emptydb"
run libempty "$CLEAN" "clamav-db $T/emptydb"
check "libclamav: an empty database is a temporary failure, not a pass" rc_is libempty 82
run nolib "$CLEAN" "clamd unix:$T/none.sock" "clamav-db $DB"
check "clamd down and clamav-db set: libclamav scans" queued nolib

echo "# every file of clamav-testfiles, attached"
# exe=off: the exe filter would refuse the executables before the scan
printf '* exe=off types=off\n' >"$T/noexe.rules"
"$QF_BIN/qfilter-rules" "$T/noexe.rules" "$T/noexe.cdb" 2>"$T/rules.err" || bad "qfilter-rules compiled '* exe=off types=off'"
if [ -d /usr/share/clamav-testfiles ]; then
	n=0 missed=""
	for f in /usr/share/clamav-testfiles/*; do
		# clam.exe in tgz in tgz... as deep as clamd's MaxRecursion (17):
		# inside a mail it is deeper, beyond the limit, by design
		[ "${f##*/}" = clam_cache_emax.tgz ] && continue
		python3 - "$f" "$T/tf.eml" <<'PY'
import base64, os, sys
f, out = sys.argv[1], sys.argv[2]
name = os.path.basename(f)
data = base64.encodebytes(open(f, 'rb').read()).decode()
open(out, 'w').write('From: a@example.net\nSubject: %s\nMIME-Version: 1.0\n'
    'Content-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\n\nhi\n'
    '--b\nContent-Type: application/octet-stream; name="%s"\nContent-Transfer-Encoding: base64\n\n%s--b--\n'
    % (name, name, data))
PY
		n=$((n+1))
		run tf "$T/tf.eml" "clamd unix:$SOCK" "rules $T/noexe.cdb"
		[ "$RC" = 82 ] && grep -q Qfilter-Test-ClamExe "$T/tf.fd6" || missed="$missed clamd:${f##*/}"
		run tflib "$T/tf.eml" "clamav-db $DB" "rules $T/noexe.cdb"
		[ "$RC" = 82 ] && grep -q Qfilter-Test-ClamExe "$T/tflib.fd6" || missed="$missed lib:${f##*/}"
	done
	check "all $n clamav-testfiles (but clam_cache_emax.tgz) are found by clamd and by libclamav${missed:+ (missed:$missed)}" test -z "$missed"
else
	skip "no /usr/share/clamav-testfiles (apt-get install clamav-testfiles)"
fi

echo "$PASS passed, $FAIL failed${SKIP:+, $SKIP skipped}"
[ "$FAIL" = 0 ]
