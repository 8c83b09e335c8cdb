#!/usr/bin/env bash
# t-e2e.sh: qfilter where it lives. A real SMTP server (Debian's mailfront,
# smtpfront-qmail, under ucspi-tcp's tcpserver on 127.0.0.1) runs qfilter
# at QMAILQUEUE, set per client class through a tcprules cdb as qmail sites
# do; the recording queue (tests/e2e/queue) stands behind it at
# QQF_QMAILQUEUE; swaks and python's smtplib are the clients.
#   QF_BIN=bin bash tests/t-e2e.sh       (KEEP=1 keeps the work folder)
#
# Why mailfront: qmail-smtpd is not packaged for Debian 12. mailfront runs
# $QMAILQUEUE as qmail-smtpd does (message on fd 0, envelope on fd 1, the
# environment of the tcprules class), with two differences that shape the
# checks below:
#   - it maps any exit code 11-40 to 554 and every other one to 451, with
#     fixed texts ("5.3.0 Message refused."), so a check can only see 5xx
#     versus 4xx; the reason is checked in qfilter's log line instead;
#   - it opens no custom-error descriptor (fd 6): qfilter finds fd 6 is not
#     a pipe and exits 31 or 71 rather than 82 (which mailfront would show
#     as a 451 for every refusal).
# It also hangs if the queue program exits without reading a message over
# about 64 KiB, which the size and session checks would show as a timeout.
#
# Client classes (tcprules, longest prefix wins):
#   127.0.0.2  a configuration whose clamd socket does not exist (scanner down)
#   127.0.0.3  no QMAILQUEUE at all: the roll-back of docs/INSTALL.md
#   127.       everything else: test clamd, dkim-keys file, max-size 512k
# Everything listens on 127.0.0.1 only, every client runs under timeout,
# and the server and clamd are stopped on exit.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/lib/tap.sh"
QF_BIN=${QF_BIN:-$root/bin}
E=$root/tests/e2e
W=$(mktemp -d "${TMPDIR:-/tmp}/t-e2e.XXXXXX") || exit 1
chmod 755 "$W"
cleanup() {
	"$E/stop" "$W/smtp" 2>/dev/null
	"$root/tests/lib/clamd-stop" "$W/clamd" 2>/dev/null
	[ -n "${KEEP:-}" ] && echo "# kept $W" || rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
finish() { echo "$PASS passed, $FAIL failed, $SKIP skipped"; [ "$FAIL" = 0 ]; exit; }

for p in tcpserver tcprules swaks openssl; do
	command -v $p >/dev/null || { bad "$p is installed (tests/lib/need-packages)"; finish; }
done
[ -x /usr/sbin/smtpfront-qmail ] || { bad "mailfront is installed (tests/lib/need-packages)"; finish; }
[ -x "$QF_BIN/qfilter" ] || { bad "$QF_BIN/qfilter exists (make)"; finish; }

# --- the installed example configuration (make install copies it to
# control/qfilter.conf.example): every key of qfilter.conf(5) is explained,
# and as shipped it behaves like no configuration at all.
missing=""
for k in $(awk '/^\.SH/{keys = ($2 == "KEYS")} keys && /^\.TP/{getline; if ($1 ~ /^\.B/) print $2}' "$root/docs/qfilter.conf.5" | tr -d '"'); do
	grep -qE "^#?$k( |$)" "$root/docs/qfilter.conf.example" || missing="$missing $k"
done
check "docs/qfilter.conf.example shows every key of qfilter.conf(5)" \
	bash -c "[ -z '$missing' ] || { echo 'missing:$missing'; false; }"
printf 'From: a@example.net\nTo: b@example.com\nSubject: conf example\n\nhello\n' >"$W/conf-example.eml"
if [ -x "$QF_BIN/qfilter-test" ]; then
	check "docs/qfilter.conf.example as shipped: same verdict and headers as no file" bash -c "
		a=\$('$QF_BIN/qfilter-test' -c '$root/docs/qfilter.conf.example' --json '$W/conf-example.eml' 2>&1) || exit 1
		b=\$('$QF_BIN/qfilter-test' -c '$W/no-such.conf' --json '$W/conf-example.eml' 2>&1) || exit 1
		strip() { /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d[\"verdict\"], d[\"exit\"], d[\"headers\"])'; }
		[ \"\$(printf %s \"\$a\" | strip)\" = \"\$(printf %s \"\$b\" | strip)\" ] || { echo \"\$a\"; echo \"\$b\"; false; }"
fi

# --- set-up: data, clamd, configurations, the server
"$E/fixtures" "$W/fx" || { bad "test data written (openssl, python3-dkim)"; finish; }
mkdir -p "$W/spool" && chmod 1777 "$W/spool"
clamd_line=
if "$root/tests/lib/clamd-start" "$W/clamd" LocalSocketMode 666 >/dev/null 2>"$W/clamd.err"; then
	clamd_line="clamd unix:$W/clamd/clamd.sock"
else
	sed 's/^/# clamd: /' "$W/clamd.err"
fi
conf() { # conf NAME CLAMD-LINE: a class's qfilter.conf
	{
		echo "# t-e2e.sh: class $1"
		echo "authserv-id mx.test.example"
		echo "spool $W/spool"
		[ -z "$2" ] || echo "$2"
		echo "dkim-keys $W/fx/keys/dkim.keys"
		echo "max-size 512k"
		echo "timeout 120"
	} >"$W/conf.$1"
}
conf main "$clamd_line"
conf down "clamd unix:$W/clamd/gone.sock"
chmod -R a+rX "$W/fx" "$W"/conf.*

# Run the sessions as an unprivileged user when we can, as qmail runs
# them as qmaild: that catches permission trouble (clamd socket, spool).
as_user=
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1 &&
	setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
		sh -c "test -x '$QF_BIN/qfilter' && test -x '$E/queue' && test -r '$W/conf.main' && test -w '$W/spool'" 2>/dev/null; then
	as_user=nobody
fi

R=$W/rec
port=$("$E/start" "$W/smtp" ${as_user:+-u $as_user} \
	127.0.0.2 "$W/conf.down" "$R/down" \
	127.0.0.3 - "$R/direct" \
	127. "$W/conf.main" "$R/main" 2>"$W/start.err")
[ -n "$port" ] || { bad "the SMTP stack started"; sed 's/^/#   /' "$W/start.err"; finish; }
echo "# smtpfront-qmail on 127.0.0.1:$port${as_user:+, sessions as $as_user}"
LOG=$W/smtp/smtp.log

# --- helpers
# send NAME [SWAKS-ARGS]: one message from alice@example.net to
# bob@example.com; the transcript lands in $W/NAME.out
send() {
	local name=$1; shift
	timeout 90 swaks -s 127.0.0.1 -p "$port" -h client.example.org \
		-f alice@example.net -t bob@example.com "$@" >"$W/$name.out" 2>&1
}
# the server's reply to the end of DATA ("." line)
data_reply() { awk '/^ -> \.$/{getline; print; exit}' "$W/$1.out"; }
reply_is() { # reply_is NAME REGEX
	data_reply "$1" | grep -qE "^<[-*]+ +$2" || { echo "reply after DATA: $(data_reply "$1")"; tail -4 "$W/$1.out"; return 1; }
}
queued() { find "$1" -name message 2>/dev/null | wc -l; }
queued_is() { local n; n=$(queued "$1"); [ "$n" = "$2" ] || { echo "$n messages queued in $1, wanted $2"; return 1; }; }
newest() { find "$1" -name message 2>/dev/null | sort | tail -1; }
clear_rec() { rm -rf "${1:?}"/*; }
logline() { grep '^qfilter: ' "$LOG" | tail -1; }
log_has() { logline | grep -qE "$1" || { echo "log line: $(logline)"; return 1; }; }

# --- a clean message
clear_rec "$R/main"
send clean --h-Subject "e2e clean message" --body "A plain message, nothing to see."
check "clean message: 250 after DATA" reply_is clean 250
check "clean message: queued exactly once" queued_is "$R/main" 1
m=$(newest "$R/main")
check "clean message: an X-Qfilter: trace header added above the server's Received:" \
	bash -c "'$E/added' '$m' | grep -q '^X-Qfilter: qfilter '"
check "clean message: subject and body reach the queue" \
	bash -c "grep -q '^Subject: e2e clean message' '$m' && grep -q 'A plain message, nothing to see.' '$m'"
check "clean message: the envelope reaches the queue unchanged" \
	bash -c "printf 'Falice@example.net\0Tbob@example.com\0\0' | cmp - '$(dirname "$m")/envelope'"
check "log: one qfilter line on fd 2 with verdict=accept and the sender" \
	log_has '^qfilter: .*from=<alice@example\.net>.*verdict=accept'
check "log: the qfilter line parses as key=value pairs" /usr/bin/python3 - "$LOG" <<'PY'
import re, shlex, sys
lines = [l for l in open(sys.argv[1], errors='replace') if l.startswith('qfilter: pid=')]
assert lines, 'no qfilter log line'
for l in lines:
    for tok in shlex.split(l[len('qfilter: '):]):
        assert re.match(r'^[a-z][a-z0-9_.-]*=', tok), 'not key=value: %r in %r' % (tok, l)
PY
if [ -n "$as_user" ]; then
	check "the sessions, and so qfilter, ran as $as_user (as qmaild would)" \
		bash -c "[ \"\$(cat '$(dirname "$m")/uid')\" = '$(id -u "$as_user")' ]"
elif [ "$(id -u)" = 0 ]; then
	skip "sessions run as root: user nobody cannot reach $QF_BIN or $W"
else
	skip "not run as root: sessions run as uid $(id -u), no user switch"
fi

# --- an executable attachment
clear_rec "$R/main"
send exe --h-Subject "e2e executable" --attach-type application/octet-stream \
	--attach-name setup.exe --attach "@$W/fx/pe.bin"
check "executable attachment: 5xx after DATA" reply_is exe '5[0-9][0-9]'
check "executable attachment: nothing queued" queued_is "$R/main" 0
check "executable attachment: the log says reject, executable" \
	log_has 'verdict=reject.*(exe|executable)'

# --- a virus, with the test clamd running
clear_rec "$R/main"
if [ -n "$clamd_line" ]; then
	send virus --h-Subject "e2e virus" --attach-type application/octet-stream \
		--attach-name eicar.com --attach "@$W/fx/eicar.com"
	check "virus (EICAR, clamd): 5xx after DATA" reply_is virus '5[0-9][0-9]'
	check "virus: nothing queued" queued_is "$R/main" 0
	check "virus: the log names it" log_has 'verdict=reject.*Eicar-Test-Signature'
else
	bad "a test clamd started (tests/lib/clamd-start): virus checks not run"
fi

# --- over max-size (and over the 64 KiB mailfront's pipe would swallow)
clear_rec "$R/main"
SECONDS=0
send big --h-Subject "e2e oversize" --attach-type text/plain --attach-name report.txt \
	--attach "@$W/fx/big.txt"
took=$SECONDS
check "over max-size (700 KB > 512k): 5xx after DATA" reply_is big '5[0-9][0-9]'
check "over max-size: the reply came within 60 s (all input read, no hang)" [ "$took" -lt 60 ]
check "over max-size: nothing queued" queued_is "$R/main" 0
check "over max-size: the log names the limit" log_has 'verdict=reject.*max-size'

# --- the scanner is down: a temporary refusal, never a pass
clear_rec "$R/down"
send down -li 127.0.0.2 --h-Subject "e2e scanner down" --body "clamd is not there"
check "clamd socket missing: 4xx after DATA" reply_is down '4[0-9][0-9]'
check "clamd socket missing: nothing queued" queued_is "$R/down" 0
check "clamd socket missing: the log says tempfail" log_has 'verdict=tempfail'

# --- DKIM
clear_rec "$R/main"
send dkim --data "@$W/fx/dkim-signed.eml"
check "DKIM-signed message: 250 after DATA" reply_is dkim 250
m=$(newest "$R/main")
check "DKIM-signed message: Authentication-Results dkim=pass header.d=example.net in the queued copy" \
	bash -c "'$E/added' '$m' | tr -d '\n' | grep -qE 'Authentication-Results: *mx\.test\.example;.*dkim=pass[^;]*header\.d=example\.net'"
check "DKIM-signed message: the signature itself is passed on" grep -q '^DKIM-Signature: ' "$m"
clear_rec "$R/main"
send forged --data "@$W/fx/forged-ar.eml"
m=$(newest "$R/main")
check "a forged Authentication-Results in our authserv-id is removed" \
	bash -c "[ -f '$m' ] && grep -q '^Subject: e2e forged ar' '$m' && ! grep -q 'bank\.example' '$m'"

# --- several messages in one SMTP session
clear_rec "$R/main"
mk_eml() { # mk_eml FILE SUBJECT [BODY-FILE]
	{
		printf 'From: alice@example.net\nTo: bob@example.com\nSubject: %s\nMessage-ID: <%s@example.net>\n' "$2" "${2// /.}"
		printf 'Date: Sun, 22 Nov 2026 10:00:00 +0000\n'
		if [ -n "${3:-}" ]; then
			printf 'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\n\nsee attached\n'
			printf -- '--b\nContent-Type: application/octet-stream; name="x.exe"\nContent-Transfer-Encoding: base64\n\n'
			base64 "$3"
			printf -- '--b--\n'
		else
			printf '\nbody of %s\n' "$2"
		fi
	} >"$1"
}
mk_eml "$W/s1.eml" "e2e session one"
mk_eml "$W/s2.eml" "e2e session exe" "$W/fx/pe.bin"
{ mk_eml /dev/stdout "e2e session big"; cat "$W/fx/big.txt"; } >"$W/s3.eml"
mk_eml "$W/s4.eml" "e2e session four"
timeout 120 "$E/session" "$port" alice@example.net bob@example.com \
	"$W/s1.eml" "$W/s2.eml" "$W/s3.eml" "$W/s4.eml" >"$W/session.out" 2>&1
check "one session, four messages (clean, exe, oversize, clean): 250 554 554 250" \
	bash -c "[ \"\$(cut -d' ' -f2 '$W/session.out' | tr '\n' ' ')\" = '250 554 554 250 ' ] || { cat '$W/session.out'; false; }"
check "one session: the two clean messages, and only they, queued in order" \
	bash -c "[ \"\$(find '$R/main' -name message | sort | xargs grep -h '^Subject:' | tr '\n' '|')\" = 'Subject: e2e session one|Subject: e2e session four|' ]"

# --- 20 concurrent sessions
clear_rec "$R/main"
pids=""
for i in $(seq 20); do
	send "conc$i" --h-Subject "e2e concurrent $i" --body "message $i of 20" &
	pids="$pids $!"
done
# shellcheck disable=SC2086
wait $pids
n250=0
for i in $(seq 20); do data_reply "conc$i" | grep -qE '^<- +250' && n250=$((n250+1)); done
check "20 concurrent sessions: all 20 got 250" [ "$n250" = 20 ]
check "20 concurrent sessions: 20 messages queued" queued_is "$R/main" 20
check "20 concurrent sessions: each subject queued exactly once, none lost or doubled" \
	bash -c "diff <(for i in \$(seq 20); do echo \"Subject: e2e concurrent \$i\"; done | sort) \
		<(find '$R/main' -name message -exec grep -h '^Subject:' {} + | sort)"
check "20 concurrent sessions: every queued copy carries the trace header" \
	bash -c "[ \"\$(find '$R/main' -name message -exec grep -l '^X-Qfilter: ' {} + | wc -l)\" = 20 ]"

# --- roll-back: a class without QMAILQUEUE goes straight to qmail-queue
clear_rec "$R/direct"
before=$(grep -c '^qfilter: ' "$LOG")
send direct -li 127.0.0.3 --h-Subject "e2e rolled back" --body "no filter for this class"
m=$(newest "$R/direct")
check "roll-back class (no QMAILQUEUE in tcp.smtp): 250 after DATA" reply_is direct 250
check "roll-back class: queued without qfilter's headers" \
	bash -c "[ -f '$m' ] && ! grep -q '^X-Qfilter' '$m'"
check "roll-back class: qfilter did not run" [ "$(grep -c '^qfilter: ' "$LOG")" = "$before" ]

# --- nothing left behind
"$E/stop" "$W/smtp"
check "stopped: nothing listens on 127.0.0.1:$port any more" \
	/usr/bin/python3 -c "import socket,sys; s=socket.socket(); s.settimeout(2); sys.exit(0 if s.connect_ex(('127.0.0.1',$port)) else 1)"
check "the spool holds no leftover temp files" bash -c "[ -z \"\$(ls -A '$W/spool')\" ] || ls -la '$W/spool'"
finish
