#!/usr/bin/env bash
# load.sh: the load test. 50 concurrent SMTP sessions through mailfront
# (smtpfront-qmail under tcpserver, qfilter at QMAILQUEUE through a
# tcprules cdb: tests/e2e/start) deliver 2,000 messages of mixed kinds
#   clean (text and a PDF), signed (DKIM, key from a dkim-keys file)
#      -> 250, queued exactly once
#   exe (a PE attachment), virus (EICAR, found by a test clamd),
#   oversize (over max-size)  -> 554, never queued
# Every message has a unique Message-ID; the recording queue
# (tests/e2e/queue) writes each one to a folder of its own, so the queue
# can be counted: none lost, none duplicated, none let through. The
# sessions run as an unprivileged user (the SMTP server's, as qmaild),
# with the spool 0700 owned by it. Reports the throughput.
#   QF_BIN=bin bash tests/slow/load.sh    (LOAD_MESSAGES, LOAD_SESSIONS; KEEP=1)
# Prints ok/not ok lines and "N passed, N failed".
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
QF_BIN=${QF_BIN:-$root/bin}
case $QF_BIN in /*) ;; *) QF_BIN=$root/$QF_BIN ;; esac
export QF_BIN
E=$root/tests/e2e
N=${LOAD_MESSAGES:-2000}
C=${LOAD_SESSIONS:-50}
USER_NAME=qftest
W=$(mktemp -d "${TMPDIR:-/tmp}/qf-load.XXXXXX") || exit 1
chmod 755 "$W"
cleanup() {
	"$E/stop" "$W/smtp" 2>/dev/null
	"$root/tests/lib/clamd-stop" "$W/clamd" 2>/dev/null
	if [ -n "${KEEP:-}" ]; then echo "# kept $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# shellcheck source=tests/lib/tap.sh
. "$root/tests/lib/tap.sh"
finish() { tap_summary; exit; }

for p in tcpserver tcprules openssl; do command -v $p >/dev/null || { bad "$p is installed"; finish; }; done
[ -x /usr/sbin/smtpfront-qmail ] || { bad "mailfront is installed"; finish; }
[ -x "$QF_BIN/qfilter" ] || { bad "$QF_BIN/qfilter exists (make)"; finish; }

# --- the messages: N files, kind by number, a unique Message-ID each ---
mkdir -p "$W/msgs" "$W/keys"
openssl genrsa -out "$W/keys/priv.pem" 2048 2>/dev/null || { bad "openssl genrsa"; finish; }
printf 'load._domainkey.example.net v=DKIM1; k=rsa; p=%s\n' \
	"$(openssl rsa -in "$W/keys/priv.pem" -pubout -outform DER 2>/dev/null | base64 -w0)" >"$W/keys/dkim.keys"
/usr/bin/python3 - "$W" "$N" <<'PY' || { bad "the messages are written (python3-dkim)"; finish; }
import base64, os, random, struct, sys
import dkim
W, N = sys.argv[1], int(sys.argv[2])
key = open(os.path.join(W, 'keys/priv.pem'), 'rb').read()
rng = random.Random(2000)
pe = bytearray(1024); pe[0:2] = b'MZ'; struct.pack_into('<I', pe, 0x3c, 0x80)
pe[0x80:0x84] = b'PE\0\0'; struct.pack_into('<H', pe, 0x84, 0x14c)
eicar = b'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'
kinds = ['clean', 'exe', 'signed', 'virus', 'clean', 'oversize', 'signed', 'clean']
def hdr(i, kind):
    return ('From: Alice <alice@example.net>\r\nTo: bob@example.com\r\nSubject: load %d %s\r\n'
            'Date: Sun, 22 Nov 2026 10:00:00 +0000\r\nMessage-ID: <load-%05d@example.net>\r\n'
            'MIME-Version: 1.0\r\n' % (i, kind, i))
def attach(i, kind, name, ctype, data):
    return (hdr(i, kind) + 'Content-Type: multipart/mixed; boundary="=_l"\r\n\r\n--=_l\r\n'
            'Content-Type: text/plain\r\n\r\nplease find it attached\r\n--=_l\r\n'
            'Content-Type: %s; name="%s"\r\nContent-Transfer-Encoding: base64\r\n'
            'Content-Disposition: attachment; filename="%s"\r\n\r\n' % (ctype, name, name) +
            base64.encodebytes(data).decode().replace('\n', '\r\n') + '--=_l--\r\n').encode()
text = 'the quarterly figures are attached, please check the totals in section three\r\n'
with open(os.path.join(W, 'kinds'), 'w') as out:
    for i in range(1, N + 1):
        kind = kinds[i % len(kinds)]
        if kind == 'clean' and i % 2:
            m = (hdr(i, kind) + 'Content-Type: text/plain\r\n\r\n' + text * rng.randint(5, 200)).encode()
        elif kind == 'clean':
            m = attach(i, kind, 'report.pdf', 'application/pdf', b'%PDF-1.4\n' + rng.randbytes(rng.randint(2000, 30000)))
        elif kind == 'exe':
            m = attach(i, kind, 'setup.exe', 'application/octet-stream', bytes(pe))
        elif kind == 'virus':
            m = attach(i, kind, 'readme.com', 'application/octet-stream', eicar)
        elif kind == 'oversize':
            m = (hdr(i, kind) + 'Content-Type: text/plain\r\n\r\n' + text * 4000).encode()   # ~310 KB
        else:
            body = (hdr(i, kind) + 'Content-Type: text/plain\r\n\r\n' + text * rng.randint(3, 50)).encode()
            m = dkim.sign(body, b'load', b'example.net', key,
                          include_headers=[b'from', b'to', b'subject', b'date', b'message-id']) + body
        # LF line ends on disk: the SMTP client (smtplib) sends CRLF
        open(os.path.join(W, 'msgs', '%05d.eml' % i), 'wb').write(m.replace(b'\r\n', b'\n'))
        out.write('%05d %s %s\n' % (i, kind, '250' if kind in ('clean', 'signed') else '554'))
PY

# --- the SMTP server's user, the spool, clamd, the configuration ---
as_user=()
if [ "$(id -u)" = 0 ] && { id "$USER_NAME" >/dev/null 2>&1 || useradd -r -M -d /nonexistent -s /usr/sbin/nologin "$USER_NAME"; }; then
	as_user=(-u "$USER_NAME")
	mkdir -p "$W/spool"; chown "$USER_NAME:" "$W/spool"; chmod 0700 "$W/spool"
else
	skip "sessions as an unprivileged user (not root, or no useradd): they run as $(id -un)"
	mkdir -p "$W/spool"
fi
chmod -R a+rX "$W/keys"; chmod 644 "$W/keys/priv.pem"
if ! "$root/tests/lib/clamd-start" "$W/clamd" LocalSocketMode 666 MaxThreads 8 MaxQueue 200 >/dev/null 2>"$W/clamd.err"; then
	bad "a test clamd starts: $(tail -1 "$W/clamd.err")"; finish
fi
cat >"$W/qfilter.conf" <<C
spool $W/spool
clamd unix:$W/clamd/clamd.sock
dkim-keys $W/keys/dkim.keys
max-size 256k
authserv-id mx.test.example
timeout 300
C
chmod 644 "$W/qfilter.conf"
port=$("$E/start" "$W/smtp" "${as_user[@]}" 127. "$W/qfilter.conf" "$W/queue" 2>"$W/start.err") ||
	{ bad "the SMTP server starts: $(tail -2 "$W/start.err")"; finish; }

# --- C concurrent sessions, the messages dealt out round-robin ---
mkdir -p "$W/sess"
for ((s = 0; s < C; s++)); do
	awk -v s="$s" -v c="$C" -v d="$W/msgs" '(NR - 1) % c == s { print d "/" $1 ".eml" }' "$W/kinds" >"$W/sess/$s.list"
done
t0=$(date +%s%N)
for ((s = 0; s < C; s++)); do
	# shellcheck disable=SC2046
	timeout 900 /usr/bin/python3 "$E/session" "$port" alice@example.net bob@example.com $(cat "$W/sess/$s.list") \
		>"$W/sess/$s.out" 2>&1 &
done
wait
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))

# --- what every message got: its reply, and its copies in the queue ---
broke=0
for ((s = 0; s < C; s++)); do
	grep -q 'session broke' "$W/sess/$s.out" && broke=$((broke + 1))
	# "i code text" -> "NNNNN code"
	paste -d' ' <(sed 's,.*/\([0-9]*\)\.eml$,\1,' "$W/sess/$s.list") <(awk '/^[0-9]+ [0-9]+ /{ print $2 }' "$W/sess/$s.out")
done | sort >"$W/replies"
for f in "$W/queue"/*/message; do
	[ -f "$f" ] || continue
	grep -m1 -oi '^Message-ID: <load-[0-9]*@' "$f" | sed 's/.*load-\([0-9]*\)@/\1/'
done | sort | uniq -c | awk '{ print $2, $1 }' >"$W/queued"   # NNNNN copies
check_all() {
	/usr/bin/python3 - "$W" <<'PY'
import sys
W = sys.argv[1]
kinds = {l.split()[0]: (l.split()[1], l.split()[2]) for l in open(W + '/kinds')}
replies = {}
for l in open(W + '/replies'):
    f = l.split()
    replies[f[0]] = f[1] if len(f) > 1 else 'none'
queued = {l.split()[0]: int(l.split()[1]) for l in open(W + '/queued')}
bad = []
tally = {}
for n, (kind, want) in sorted(kinds.items()):
    got, copies = replies.get(n, 'none'), queued.get(n, 0)
    tally.setdefault(kind, {}).setdefault(got, 0)
    tally[kind][got] += 1
    if got != want:
        bad.append('%s (%s): reply %s, wanted %s' % (n, kind, got, want))
    if want == '250' and got == '250' and copies != 1:
        bad.append('%s (%s): %d copies queued' % (n, kind, copies))
    if want != '250' and copies:
        bad.append('%s (%s): refused kind, yet %d copies queued' % (n, kind, copies))
    if got != '250' and want == '250' and copies:
        bad.append('%s (%s): %s reply, yet queued' % (n, kind, got))
for n in queued:
    if n not in kinds:
        bad.append('%s: queued, not one of ours' % n)
open(W + '/tally', 'w').write(' '.join('%s:%s' % (k, ','.join('%sx%s' % (c, r) for r, c in sorted(v.items())))
                                       for k, v in sorted(tally.items())) + '\n')
for b in bad[:30]:
    print(b)
sys.exit(1 if bad else 0)
PY
}
accepted=$(awk '$3 == 250' "$W/kinds" | wc -l)
check_msg="every message replied to and queued exactly as its kind says"
if check_all >"$W/check.out" 2>&1; then
	ok "$N messages in $C concurrent sessions: $check_msg ($accepted queued once each, $((N - accepted)) refused with 554, none lost, none duplicated): $(cat "$W/tally")"
else
	bad "$N messages in $C concurrent sessions: $check_msg ($(grep -c . "$W/check.out") problems)"
	sed 's/^/#   /' "$W/check.out" | head -30
fi
[ $broke = 0 ] && ok "no SMTP session broke" || bad "$broke SMTP sessions broke"

# every queued copy is whole: its envelope, the original body after the
# added headers; signed ones verified
whole() {
	local bad=0 f d id
	for d in "$W/queue"/*/; do
		[ -s "$d/envelope" ] || { echo "$d: no envelope"; bad=1; continue; }
		id=$(grep -m1 -oi '^Message-ID: <load-[0-9]*@' "$d/message" | sed 's/.*load-\([0-9]*\)@/\1/')
		f=$W/msgs/$id.eml
		[ -f "$f" ] || { echo "$d: unknown message"; bad=1; continue; }
		# smtplib sends a file of LF lines as it is and adds CRLF before the
		# final dot: the server sees one more empty line at the end
		tail -c "$(wc -c <"$f")" "$d/message" | cmp -s - "$f" ||
			tail -c "$(($(wc -c <"$f") + 1))" "$d/message" | cmp -s - <(cat "$f"; echo) ||
			{ echo "$d ($id): not the original"; bad=1; }
		if grep -q '^DKIM-Signature:' "$f"; then
			awk '/^$/ { exit } /^[ \t]/ { printf " %s", $0; next } { printf "\n%s", $0 }' "$d/message" |
				grep -qi '^Authentication-Results: mx.test.example;.*dkim=pass' || { echo "$d ($id): no dkim=pass"; bad=1; }
		fi
	done
	return $bad
}
if whole >"$W/whole.out" 2>&1; then
	ok "every queued copy is whole (envelope, original bytes); every signed one says dkim=pass"
else
	bad "queued copies: $(grep -c . "$W/whole.out") problems"; sed 's/^/#   /' "$W/whole.out" | head -10
fi
lines=$(grep -c '^qfilter: pid=' "$W/smtp/smtp.log")
[ "$lines" = "$N" ] && ok "one qfilter log line per message ($lines)" || bad "qfilter log lines: $lines for $N messages"
if [ ${#as_user[@]} -gt 0 ]; then
	u=$(cat "$W/queue"/*/uid 2>/dev/null | sort -u | paste -sd,)
	[ "$u" = "$(id -u "$USER_NAME")" ] && ok "qfilter and the queue ran as $USER_NAME (uid $u); nothing left in the spool" ||
		bad "the queue ran as uid $u, not $USER_NAME"
	[ -z "$(ls -A "$W/spool")" ] || bad "files left in the spool: $(ls "$W/spool" | head -3)"
fi
rate=$(awk -v n="$N" -v ms="$ms" 'BEGIN { printf "%.1f", n * 1000 / ms }')
echo "# throughput: $N messages in $(awk -v ms="$ms" 'BEGIN { printf "%.1f", ms / 1000 }') s = $rate messages/s ($C sessions, $(nproc) CPUs, clamd scanning, DKIM verifying)"
echo "# verdicts logged: $(grep -o 'verdict=[a-z]*' "$W/smtp/smtp.log" | sort | uniq -c | awk '{ printf "%s %s  ", $2, $1 }')"
finish
