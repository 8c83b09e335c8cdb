#!/usr/bin/env bash
# t-sign.sh: DKIM signing (qfilter-sign(8)). As a qmail-remote wrapper in
# front of a fake qmail-remote.orig that records its arguments and its
# fd 0, prints a fixed result protocol and exits with a fixed code; and
# as the sign filter of qfilter. Every signature is checked by two
# verifiers: python3-dkim (dnsfunc answering with the test's public
# keys) and qfilter's own dkim filter (dkim-keys file -> dkim=pass).
#   QF_BIN=bin bash tests/t-sign.sh
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/lib/tap.sh"
QF_BIN=${QF_BIN:-$root/bin}
T=$(mktemp -d "${TMPDIR:-/tmp}/qf-t-sign.XXXXXX")
chmod 755 "$T"
trap '[ -n "$KEEP" ] || rm -rf "$T"' EXIT
PY=/usr/bin/python3
for p in $PY openssl; do
	command -v $p >/dev/null || { bad "$p is installed (tests/lib/need-packages)"; tap_summary; exit 1; }
done
$PY -c 'import dkim' 2>/dev/null || { bad "python3-dkim is installed (tests/lib/need-packages)"; tap_summary; exit 1; }

# keys: RSA 2048 and Ed25519, a 512-bit RSA key, garbage
K=$T/keys; mkdir -p "$K"
openssl genrsa -out "$K/rsa.pem" 2048 2>/dev/null
openssl genrsa -traditional -out "$K/rsa-trad.pem" 2048 2>/dev/null || cp "$K/rsa.pem" "$K/rsa-trad.pem"
openssl genrsa -out "$K/small.pem" 512 2>/dev/null
openssl genpkey -algorithm ed25519 -out "$K/ed.pem"
openssl pkey -in "$K/ed.pem" -outform DER -out "$K/ed.der"
echo "not a key" >"$K/garbage.pem"
mkdir -p "$K/adir.pem"
rsapub=$(openssl rsa -in "$K/rsa.pem" -pubout -outform DER 2>/dev/null | base64 -w0)
tradpub=$(openssl rsa -in "$K/rsa-trad.pem" -pubout -outform DER 2>/dev/null | base64 -w0)
edpub=$(openssl pkey -in "$K/ed.pem" -pubout -outform DER | tail -c 32 | base64 -w0)
# the public side, as qfilter's dkim-keys file ("name TXT" lines)
{
	for d in example.com sub.example.com example.org; do
		echo "rsa._domainkey.$d v=DKIM1; k=rsa; p=$rsapub"
		echo "ed._domainkey.$d v=DKIM1; k=ed25519; p=$edpub"
		echo "trad._domainkey.$d v=DKIM1; k=rsa; p=$tradpub"
	done
} >"$K/public"
chmod 644 "$K"/*

# verify.py MESSAGE: every DKIM-Signature of MESSAGE verifies with
# python3-dkim; prints "N d=D s=S" per signature
cat >"$T/verify.py" <<'PYEOF'
import sys, dkim
recs = {}
for l in open(sys.argv[2]):  # the dkim-keys file
    n, v = l.rstrip('\n').split(' ', 1)
    recs[n + '.'] = v.encode()
def dns(name, timeout=5):
    return recs.get(name.decode() if isinstance(name, bytes) else name)
if sys.argv[1] == '--each':   # --each PUBLIC FILE...: "FILE N", N the signatures that verify
    for f in sys.argv[3:]:
        m = open(f, 'rb').read()
        n = sum(1 for h in dkim.rfc822_parse(m)[0] if h[0].lower() == b'dkim-signature')
        print(f, sum(1 for i in range(n) if dkim.DKIM(m).verify(idx=i, dnsfunc=dns)))
    sys.exit(0)
msg = open(sys.argv[1], 'rb').read()
ok = True
sigs = [h for h in dkim.rfc822_parse(msg)[0] if h[0].lower() == b'dkim-signature']
if not sigs:
    print('no signature'); sys.exit(1)
for i in range(len(sigs)):
    r = dkim.DKIM(msg).verify(idx=i, dnsfunc=dns)
    tags = dict(t.strip().split(b'=', 1) for t in sigs[i][1].replace(b'\r\n', b'').replace(b'\n', b'').split(b';') if b'=' in t)
    print('%s d=%s s=%s a=%s' % ('pass' if r else 'FAIL', tags[b'd'].decode(), tags[b's'].decode(), tags[b'a'].decode()))
    ok = ok and r
sys.exit(0 if ok else 1)
PYEOF

# the fake qmail-remote.orig: records argv and fd 0, prints a fixed
# report (NULs, a byte over 127, no final newline) and exits $FAKE_EXIT
cat >"$T/fake-remote" <<'EOF'
#!/bin/sh
d=$FAKE_DIR
printf '%s\n' "$0" "$@" >"$d/argv"
cat >"$d/stdin"
printf 'rthanks \377 a lot\0hnope\0Kdone: 250 ok 1234 qp 5\0' 
exit "${FAKE_EXIT:-0}"
EOF
chmod 755 "$T/fake-remote"
printf 'rthanks \377 a lot\0hnope\0Kdone: 250 ok 1234 qp 5\0' >"$T/fake-output"

msg() { # FROM [MORE HEADER LINES]: a message like those qmail-inject makes
	local from=$1; shift
	printf 'Received: (qmail 123 invoked by uid 1000); 1 Jan 2024 00:00:00 -0000\n'
	[ -n "$from" ] && printf 'From: %s\n' "$from"
	printf 'To: Someone <someone@remote.example>\nSubject: a  test   message\n'
	printf 'Date: Mon, 1 Jan 2024 00:00:00 +0000\nMessage-ID: <1234@example.com>\n'
	for h in "$@"; do printf '%s\n' "$h"; done
	printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n\n'
	printf 'Hello,  there.   \n\nA line with trailing blanks \t\n.leading dot\n\n\n'
}

# wrap NAME SENDER MSGFILE CONF-LINES...: qfilter-sign host SENDER
# rcpt@remote.example, fd 0 the message file, fd 1 into NAME.out, fd 2
# into NAME.err; sets RC. $WRAP_ARGS overrides the recipients.
wrap() {
	local name=$1 sender=$2 m=$3; shift 3
	mkdir -p "$T/$name"; rm -f "$T/$name"/argv "$T/$name"/stdin
	printf '%s\n' "sign-remote $T/fake-remote" "$@" >"$T/$name.conf"
	FAKE_DIR=$T/$name QFILTER_CONF=$T/$name.conf timeout 30 \
		"$QF_BIN/qfilter-sign" remote.example "$sender" ${WRAP_ARGS:-rcpt@remote.example} \
		<"$m" >"$T/$name.out" 2>"$T/$name.err"
	RC=$?
}
signed_by() { # NAME "d=D s=S a=A"...: fd 0 of the fake verifies, one line per signature, in order
	local name=$1 got want; shift
	got=$($PY "$T/verify.py" "$T/$name/stdin" "$K/public" 2>&1) || { echo "python3-dkim: $got"; return 1; }
	want=$(for s in "$@"; do echo "pass $s"; done)
	[ "$got" = "$want" ] || { echo "python3-dkim said:"; echo "$got"; echo "wanted:"; echo "$want"; return 1; }
}
# ours NAME RE: qfilter-test's dkim filter on what the fake got: the A-R matches RE
ours() {
	printf 'authserv-id mx.test\ndkim-keys %s\n' "$K/public" >"$T/verify.conf"
	"$QF_BIN/qfilter-test" -c "$T/verify.conf" "$T/$1/stdin" >"$T/$1.ours" 2>&1
	tr -d '\n' <"$T/$1.ours" | tr '\t' ' ' | grep -qE -- "$2" || { echo "qfilter-test said:"; cat "$T/$1.ours"; return 1; }
}
passed_through() { # NAME: output and exit code are the fake's, byte for byte
	cmp -s "$T/$1.out" "$T/fake-output" || { echo "fd 1 differs:"; od -c "$T/$1.out" | head -5; return 1; }
	[ "$RC" = "${FAKE_EXIT:-0}" ] || { echo "exit $RC, wanted ${FAKE_EXIT:-0}"; cat "$T/$1.err"; return 1; }
}
original_is() { # NAME MSGFILE: the fake got MSGFILE unchanged (unsigned)
	cmp -s "$T/$1/stdin" "$2" || { echo "fd 0 of the fake differs from the message:"; diff "$T/$1/stdin" "$2" | head; return 1; }
}
ends_with() { # NAME MSGFILE: the fake got signatures, then MSGFILE unchanged
	local n; n=$(wc -c <"$2")
	tail -c "$n" "$T/$1/stdin" | cmp -s - "$2" || { echo "the original does not follow the signature unchanged"; return 1; }
}
deferred() { # NAME RE: a Z report matching RE, NUL-ended, exit 0, the fake never ran
	local text
	[ "$RC" = 0 ] || { echo "exit $RC, wanted 0 (qmail-remote always exits 0)"; return 1; }
	[ "$(tail -c 1 "$T/$1.out" | od -An -c | tr -d ' ')" = '\0' ] || { echo "the report does not end with NUL"; od -c "$T/$1.out"; return 1; }
	text=$(tr -d '\0' <"$T/$1.out")
	[ "$(tr -cd '\0' <"$T/$1.out" | wc -c)" = 1 ] || { echo "more than one report"; return 1; }
	case $text in Z*'(#4.3.0)') ;; *) echo "not a Z report ending (#4.3.0): $text"; return 1 ;; esac
	printf '%s' "$text" | grep -qE -- "$2" || { echo "report '$text' lacks /$2/"; return 1; }
	[ ! -e "$T/$1/argv" ] || { echo "the real qmail-remote ran"; return 1; }
}
log_has() { grep -qE -- "$2" "$3" || { echo "log lacks /$2/:"; cat "$3"; return 1; }; }

M=$T/msg; mkdir -p "$M"
msg 'Joe User <joe@example.com>' >"$M/plain"
msg '"Joe, at sub" <joe@sub.example.com>' >"$M/sub"
msg 'Joe <joe@deep.sub.example.com>' >"$M/deep"
msg 'Mary <mary@gmail.example>' >"$M/foreign"
msg 'MAILER-DAEMON@example.com' >"$M/bounce"
msg '' >"$M/nofrom"
msg 'Joe <joe@example.com>' 'Cc: a@b.example,' ' c@d.example' 'Reply-To: r@example.com' >"$M/folded"
printf 'example.com rsa %s\n' "$K/rsa.pem" >"$T/t-rsa"
printf 'example.com ed %s\n' "$K/ed.der" >"$T/t-ed"
printf '# RSA and Ed25519 side by side (RFC 8463)\nexample.com rsa rsa.pem\nEXAMPLE.COM. ed ed.pem   # a comment\n' >"$K/t-both"
printf 'example.com rsa %s\nsub.example.com ed %s\n' "$K/rsa.pem" "$K/ed.pem" >"$T/t-sub"

echo "# qmail-remote wrapper: signing, pass-through"
wrap rsa joe@example.com "$M/plain" "sign-keys $T/t-rsa"
check "rsa-sha256: output and exit code are qmail-remote.orig's, byte for byte" passed_through rsa
check "... its arguments are the wrapper's, the real path first" \
	bash -c "[ \"\$(cat '$T/rsa/argv')\" = \"\$(printf '%s\n' '$T/fake-remote' remote.example joe@example.com rcpt@remote.example)\" ]"
check "... python3-dkim verifies the signature" signed_by rsa "d=example.com s=rsa a=rsa-sha256"
check "... qfilter's dkim filter: dkim=pass" ours rsa 'dkim=pass \(2048-bit key\) header\.d=example\.com header\.i=@example\.com header\.s=rsa header\.a=rsa-sha256'
check "... the original message follows the signature unchanged" ends_with rsa "$M/plain"
check "... relaxed/relaxed, From: oversigned, the default header list" \
	bash -c "tr -d '\n\t ' <'$T/rsa/stdin' | grep -q 'c=relaxed/relaxed;' && tr -d '\n\t ' <'$T/rsa/stdin' | grep -qi 'h=From:To:Subject:Date:Message-ID:MIME-Version:Content-Type:from;'"
check "... the Received: line is not signed" bash -c "! tr -d '\n\t ' <'$T/rsa/stdin' | grep -qi 'h=[^;]*received'"
check "... the log says what was signed" log_has rsa 'qfilter-sign: signed: d=example\.com s=rsa a=rsa-sha256 for example\.com host=remote\.example from=<joe@example\.com> rcpt=<rcpt@remote\.example>' "$T/rsa.err"

wrap ed joe@example.com "$M/plain" "sign-keys $T/t-ed"
check "ed25519-sha256 (a DER key file): python3-dkim verifies" signed_by ed "d=example.com s=ed a=ed25519-sha256"
check "... qfilter's dkim filter: dkim=pass" ours ed 'dkim=pass header\.d=example\.com header\.i=@example\.com header\.s=ed header\.a=ed25519-sha256'
check "... passed through" passed_through ed

wrap both joe@example.com "$M/plain" "sign-keys $K/t-both"
check "two keys for a domain (relative key names, a trailing dot, upper case): two signatures" \
	signed_by both "d=example.com s=rsa a=rsa-sha256" "d=example.com s=ed a=ed25519-sha256"
check "... both dkim=pass in qfilter" ours both 'dkim=pass [^;]*header\.s=rsa[^;]*; dkim=pass [^;]*header\.s=ed'

printf 'example.com trad %s\n' "$K/rsa-trad.pem" >"$T/t-trad"
wrap trad joe@example.com "$M/folded" "sign-keys $T/t-trad"
check "a traditional (PKCS#1) RSA key; folded Cc:, Reply-To: signed" signed_by trad "d=example.com s=trad a=rsa-sha256"
check "... Cc and Reply-To in h=" bash -c "tr -d '\n\t ' <'$T/trad/stdin' | grep -qi 'h=[^;]*:Cc:[^;]*Reply-To'"

FAKE_EXIT=111 wrap exit111 joe@example.com "$M/plain" "sign-keys $T/t-rsa"
check "qmail-remote.orig's exit code 111 comes back as it is" env FAKE_EXIT=111 bash -c "$(declare -f passed_through); T=$T RC=$RC passed_through exit111"

WRAP_ARGS="a@remote.example b@remote.example c@remote.example" wrap many joe@example.com "$M/plain" "sign-keys $T/t-rsa"
check "several recipients: all passed on, in order" \
	bash -c "[ \"\$(tail -n +2 '$T/many/argv' | tr '\n' ' ')\" = 'remote.example joe@example.com a@remote.example b@remote.example c@remote.example ' ]"

echo "# which domain signs"
wrap sub joe@sub.example.com "$M/sub" "sign-keys $T/t-sub"
check "an exact domain before its parent: d=sub.example.com" signed_by sub "d=sub.example.com s=ed a=ed25519-sha256"
wrap deep joe@deep.sub.example.com "$M/deep" "sign-keys $T/t-rsa"
check "a subdomain without keys: its parent's (d=example.com)" signed_by deep "d=example.com s=rsa a=rsa-sha256"
check "... qfilter: dkim=pass" ours deep 'dkim=pass [^;]*header\.d=example\.com'
wrap bounce "" "$M/bounce" "sign-keys $T/t-rsa"
check "a bounce (empty sender, From: MAILER-DAEMON@example.com): signed" signed_by bounce "d=example.com s=rsa a=rsa-sha256"
check "... passed through with the empty sender argument" bash -c "[ \"\$(sed -n 3p '$T/bounce/argv')\" = '' ] && [ \$(wc -l <'$T/bounce/argv') = 4 ]"
wrap fwd joe@example.com "$M/foreign" "sign-keys $T/t-rsa"
check "a From: without a key, an envelope sender with one (a forward): the sender's domain signs" \
	signed_by fwd "d=example.com s=rsa a=rsa-sha256"

echo "# unsigned, and logged"
wrap nokey mary@gmail.example "$M/foreign" "sign-keys $T/t-rsa" "sign-log $T/nokey.log"
check "no key for the From: or the sender domain: sent unsigned" original_is nokey "$M/foreign"
check "... passed through" passed_through nokey
check "... and logged in sign-log" log_has nokey 'qfilter-sign: unsigned: no key for gmail\.example host=remote\.example from=<mary@gmail\.example> rcpt=<rcpt@remote\.example>' "$T/nokey.log"
check "... nothing on fd 2 when sign-log is set" bash -c "[ ! -s '$T/nokey.err' ]"
wrap nofrom joe@example.org "$M/nofrom" "sign-keys $T/t-rsa"
check "no From: and a sender without a key: unsigned" original_is nofrom "$M/nofrom"
printf 'example.org rsa %s\n' "$K/rsa.pem" >"$T/t-org"
wrap nofrom2 joe@example.org "$M/nofrom" "sign-keys $T/t-org"
check "no From: (no signature can be valid), the sender has a key: unsigned" original_is nofrom2 "$M/nofrom"
check "... and logged" log_has nofrom2 'unsigned: example\.org: cannot be signed' "$T/nofrom2.err"

echo "# fd 2 is fd 1, as qmail-rspawn runs qmail-remote"
mkdir -p "$T/rspawn"; printf 'sign-remote %s\nsign-keys %s\n' "$T/fake-remote" "$T/t-rsa" >"$T/rspawn.conf"
FAKE_DIR=$T/rspawn QFILTER_CONF=$T/rspawn.conf "$QF_BIN/qfilter-sign" remote.example mary@gmail.example rcpt@remote.example \
	<"$M/foreign" >"$T/rspawn.out" 2>&1
RC=$?
check "no key, no sign-log: the report is the fake's alone, no log line in it" passed_through rspawn
FAKE_DIR=$T/rspawn QFILTER_CONF=$T/rspawn.conf "$QF_BIN/qfilter-sign" remote.example joe@example.com rcpt@remote.example \
	<"$M/plain" >"$T/rspawn.out" 2>&1
RC=$?
check "signed: the same" passed_through rspawn
cat >"$T/fd2-remote" <<EOF
#!/bin/sh
cat >/dev/null; echo "to fd 2" >&2; printf 'Kok\0'
EOF
chmod 755 "$T/fd2-remote"
printf 'sign-remote %s\nsign-keys %s\nsign-log %s\n' "$T/fd2-remote" "$T/t-rsa" "$T/rspawn.log" >"$T/rspawn2.conf"
QFILTER_CONF=$T/rspawn2.conf "$QF_BIN/qfilter-sign" remote.example joe@example.com rcpt@remote.example \
	<"$M/plain" >"$T/rspawn2.out" 2>&1
check "... qmail-remote.orig's own fd 2 is given back (not the log file)" \
	bash -c "grep -q 'to fd 2' '$T/rspawn2.out' && ! grep -q 'to fd 2' '$T/rspawn.log' && grep -q 'signed:' '$T/rspawn.log'"

echo "# the message on a pipe"
mkdir -p "$T/pipe"
cat "$M/plain" | FAKE_DIR=$T/pipe QFILTER_CONF=$T/rsa.conf "$QF_BIN/qfilter-sign" remote.example joe@example.com rcpt@remote.example \
	>"$T/pipe.out" 2>"$T/pipe.err"
RC=$?
check "fd 0 a pipe: spooled, signed, passed through" bash -c "$(declare -f passed_through signed_by); T=$T RC=$RC PY=$PY K=$K; passed_through pipe && signed_by pipe 'd=example.com s=rsa a=rsa-sha256'"

echo "# temporary failures: qmail-remote's Z report, the real one never runs"
printf 'example.com rsa %s\n' "$K/missing.pem" >"$T/t-missing"
wrap missing joe@example.com "$M/plain" "sign-keys $T/t-missing"
check "a key file that is missing" deferred missing 'key of example\.com .*missing\.pem: cannot open'
printf 'example.com rsa %s\n' "$K/garbage.pem" >"$T/t-garbage"
wrap garbage joe@example.com "$M/plain" "sign-keys $T/t-garbage"
check "a key file that holds no key" deferred garbage 'garbage\.pem: not a private key'
printf 'example.com rsa %s\n' "$K/adir.pem" >"$T/t-adir"
wrap adir joe@example.com "$M/plain" "sign-keys $T/t-adir"
check "a key file that is a directory" deferred adir 'adir\.pem: not a regular file'
printf 'example.com small %s\n' "$K/small.pem" >"$T/t-small"
wrap small joe@example.com "$M/plain" "sign-keys $T/t-small"
check "a 512-bit RSA key" deferred small 'a 512-bit RSA key'
printf 'example.com rsa %s\nexample.com ed %s\n' "$K/rsa.pem" "$K/missing.pem" >"$T/t-half"
wrap half joe@example.com "$M/plain" "sign-keys $T/t-half"
check "one of two keys missing: no half-signed send" deferred half 'missing\.pem'
cp "$K/rsa.pem" "$T/secret.pem"; chmod 600 "$T/secret.pem"
printf 'example.com rsa %s\n' "$T/secret.pem" >"$T/t-secret"; chmod 644 "$T/t-secret"
if [ "$(id -u)" = 0 ]; then
	mkdir -p "$T/perm"; chmod 777 "$T/perm"
	printf 'sign-remote %s\nsign-keys %s\n' "$T/fake-remote" "$T/t-secret" >"$T/perm.conf"
	FAKE_DIR=$T/perm QFILTER_CONF=$T/perm.conf setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$QF_BIN/qfilter-sign" remote.example joe@example.com rcpt@remote.example <"$M/plain" >"$T/perm.out" 2>"$T/perm.err"
else
	chmod 000 "$T/secret.pem"; wrap perm joe@example.com "$M/plain" "sign-keys $T/t-secret"
fi
RC=$?
check "a key file the user may not read (mode 0600, another owner)" deferred perm 'secret\.pem: cannot open: Permission denied'
wrap notable joe@example.com "$M/plain" "sign-keys $T/no-such-table"
check "the key table missing" deferred notable 'no-such-table: cannot open'
printf 'example.com rsa\n' >"$T/t-bad"
wrap badtable joe@example.com "$M/plain" "sign-keys $T/t-bad"
check "a table line without a key file" deferred badtable 't-bad:1: wants three words'
printf 'exa mple.com rsa x y\n' >"$T/t-bad2"; printf 'ex!ample.com rsa k\n' >"$T/t-bad3"
wrap badtable2 joe@example.com "$M/plain" "sign-keys $T/t-bad2"
wrap badtable3 joe@example.com "$M/plain" "sign-keys $T/t-bad3"
check "a table line with four words; a domain that is no domain" \
	bash -c "$(declare -f deferred); T=$T RC=0; deferred badtable2 't-bad2:1: wants three words' && deferred badtable3 't-bad3:1: not a domain name'"
wrap badconf joe@example.com "$M/plain" "sign-keys $T/t-rsa" "no-such-key 1"
check "a qfilter.conf that does not parse" deferred badconf 'badconf\.conf:3: no-such-key: unknown key'
printf 'sign-remote %s\nsign-keys %s\n' "$T/no-such-remote" "$T/t-rsa" >"$T/noremote.conf"
QFILTER_CONF=$T/noremote.conf "$QF_BIN/qfilter-sign" remote.example joe@example.com rcpt@remote.example <"$M/plain" >"$T/noremote.out" 2>"$T/noremote.err"
RC=$?; mkdir -p "$T/noremote"
check "qmail-remote.orig missing" deferred noremote 'cannot run .*no-such-remote: No such file'
check "... and the log says why" log_has noremote 'deferred: cannot run' "$T/noremote.err"

echo "# the sign filter: qfilter signs a relay client's mail before it is queued"
cat >"$T/recorder" <<'R'
#!/bin/sh
cat >"$REC/message" || exit 54
cat 0<&1 >"$REC/envelope" || exit 54
exit 0
R
chmod 755 "$T/recorder"
# queue NAME SENDER MSGFILE ENV... -- CONF-LINES...: bin/qfilter into the recorder; sets RC
queue() {
	local name=$1 sender=$2 m=$3 envs=(); shift 3
	while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done; shift
	mkdir -p "$T/$name"; rm -f "$T/$name/message"
	printf '%s\n' "authserv-id mx.test" "errfd off" "$@" >"$T/$name.conf"
	printf 'F%s\0Tsomeone@remote.example\0\0' "$sender" >"$T/$name.env"
	env "${envs[@]}" REC=$T/$name QQF_QMAILQUEUE=$T/recorder QFILTER_CONF=$T/$name.conf \
		timeout 60 "$QF_BIN/qfilter" <"$m" 1<"$T/$name.env" 2>"$T/$name.err"
	RC=$?
	cp "$T/$name/message" "$T/$name/stdin" 2>/dev/null   # what signed_by and ours read
}
printf 'example.com rsa %s\nexample.com ed %s\n' "$K/rsa.pem" "$K/ed.pem" >"$T/t-two"
queue f-relay joe@example.com "$M/folded" RELAYCLIENT= -- "sign-keys $T/t-two"
check "RELAYCLIENT: queued with two signatures, both verified by python3-dkim" \
	signed_by f-relay "d=example.com s=rsa a=rsa-sha256" "d=example.com s=ed a=ed25519-sha256"
check "... and by qfilter's dkim filter" ours f-relay 'dkim=pass [^;]*header\.s=rsa[^;]*; dkim=pass [^;]*header\.s=ed'
check "... the log says sign=signed:example.com" log_has f-relay 'verdict=accept .*sign=signed:example\.com' "$T/f-relay.err"
queue f-auth "" "$M/bounce" SMTPAUTHUSER=joe -- "sign-keys $T/t-two"
check "SMTPAUTHUSER, an empty sender: signed for the From: domain" \
	signed_by f-auth "d=example.com s=rsa a=rsa-sha256" "d=example.com s=ed a=ed25519-sha256"
queue f-in joe@example.com "$M/plain" -- "sign-keys $T/t-two"
check "not a relay client: queued unsigned" bash -c "[ \$(grep -ci '^DKIM-Signature' '$T/f-in/message') = 0 ] && cmp -s <(tail -c $(wc -c <"$M/plain") '$T/f-in/message') '$M/plain'"
queue f-key joe@example.com "$M/plain" RELAYCLIENT= -- "sign-keys $T/t-missing"
check "a key file missing: exit 71, nothing queued, the log names it" \
	bash -c "[ $RC = 71 ] && [ ! -e '$T/f-key/message' ] && grep -q 'missing\.pem: cannot open' '$T/f-key.err'"

echo "# every allocation failing in turn (tests/lib/failmalloc.c): a Z report or a signed send, never an unsigned one"
FM=$T/failmalloc.so
if ldd "$QF_BIN/qfilter-sign" 2>/dev/null | grep -q libasan; then
	echo "# allocation failures: not with an ASan build (it owns malloc); run with QF_BIN=bin"
elif ! cc -O1 -g -std=gnu11 -shared -fPIC -o "$FM" "$root/tests/lib/failmalloc.c" -ldl 2>"$T/fm.cc"; then
	bad "tests/lib/failmalloc.c builds"; sed 's/^/#   /' "$T/fm.cc" | head -5
else
	mkdir -p "$T/fm" "$T/fmok"
	printf 'sign-remote %s\nsign-keys %s\n' "$T/fake-remote" "$K/t-both" >"$T/fm.conf"
	fm_run() {
		rm -f "$T/fm/argv" "$T/fm/stdin"
		( FAKE_DIR=$T/fm QFILTER_CONF=$T/fm.conf timeout 30 "$@" QF_FAILMALLOC_SCOPE=all LD_PRELOAD="$FM" \
			"$QF_BIN/qfilter-sign" remote.example joe@example.com rcpt@remote.example <"$M/plain" >"$T/fm.out" 2>"$T/fm.err"; exit $? ) 2>/dev/null
		RC=$?
	}
	fm_run env QF_FAILMALLOC_COUNT="$T/fm.count"
	k=$(cat "$T/fm.count" 2>/dev/null)
	if [ "$RC" != 0 ] || [ -z "$k" ] || [ ! -e "$T/fm/argv" ]; then
		bad "allocation failures: the clean run gave $RC, count '$k'"; head -3 "$T/fm.err"
	else
		step=$(( k / 250 + 1 )) fails=0 z=0 sent=0 died=0
		: >"$T/fm.bad"
		for ((n = 1; n <= k + 1; n += step)); do
			fm_run env QF_FAILMALLOC_N=$n
			if [ "$RC" -gt 128 ] && [ "$RC" != 124 ] && [ ! -e "$T/fm/argv" ]; then
				died=$((died + 1))   # qmail-rspawn: "Zqmail-remote crashed.", a deferral
			elif [ "$RC" != 0 ]; then
				fails=$((fails + 1)); echo "N=$n: exit $RC (qmail-rspawn would bounce)" >>"$T/fm.bad"
			elif [ -e "$T/fm/argv" ]; then
				sent=$((sent + 1)); cp "$T/fm/stdin" "$T/fmok/$n"
				cmp -s "$T/fm.out" "$T/fake-output" || { fails=$((fails + 1)); echo "N=$n: the report was changed" >>"$T/fm.bad"; }
			elif [ "$(tr -cd '\0' <"$T/fm.out" | wc -c)" = 1 ] && [ "$(head -c 1 "$T/fm.out")" = Z ]; then
				z=$((z + 1))
			else
				fails=$((fails + 1)); echo "N=$n: neither sent nor a Z report: $(tr '\0' '|' <"$T/fm.out")" >>"$T/fm.bad"
			fi
		done
		# every message that reached the real qmail-remote carries both signatures, valid
		unsigned=$(cd "$T/fmok" && $PY "$T/verify.py" --each "$K/public" * 2>&1 | grep -v ' 2$' | tr '\n' ' ')
		[ -z "$unsigned" ] || { fails=$((fails + 1)); echo "sent without both valid signatures: N=$unsigned" >>"$T/fm.bad"; }
		if [ $fails = 0 ]; then
			ok "allocation failures: $k allocations, every ${step}th failed in turn: $sent sent signed, $z Z reports, $died killed (GLib's abort; a deferral for qmail)"
		else
			bad "allocation failures: $fails runs went wrong"; head -10 "$T/fm.bad" | sed 's/^/#   /'
		fi
	fi
fi

tap_summary
