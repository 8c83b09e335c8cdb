#!/usr/bin/env bash
# t-auth.sh: the spf, dmarc and arc filters with real components: a name
# server (dnsmasq on a high loopback port, tests/lib/dns-start) serving
# the SPF, DMARC and key records of tests/samples/gen/auth-signed.py,
# messages signed and ARC-sealed at test time by dkimpy, and name servers
# that answer SERVFAIL or never answer (tests/lib/fake-dns). Every result
# value of spf=, dmarc= and arc= is produced at least once, and every
# dmarc-fail= action.
#   QF_BIN=bin bash tests/t-auth.sh
# Prints ok/not ok lines and "N passed, N failed".
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/lib/tap.sh"
QF_BIN=${QF_BIN:-$root/bin}
L=$root/tests/lib
T=$(mktemp -d "${TMPDIR:-/tmp}/qf-t-auth.XXXXXX")
PIDS=""
cleanup() {
	local p
	"$L/dns-stop" "$T/dns" >/dev/null 2>&1
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	[ -n "$KEEP" ] || rm -rf "$T"
}
trap cleanup EXIT


# run NAME MESSAGE SENDER IP CONF-LINE...: qfilter with the envelope
# SENDER -> rcpt@example.com (RCPTS overrides), TCPREMOTEIP=IP (and the
# environment in ENVS), fd 6 a pipe ($T/NAME.fd6), the recording queue
# ($T/NAME/message), the log in $T/NAME.err; sets RC.
run() {
	local name=$1 msg=$2 sender=$3 ip=$4 r; shift 4
	printf '%s\n' "authserv-id mx.test.example" "dns $DNS" "$@" >"$T/$name.conf"
	{ printf 'F%s\0' "$sender"; for r in ${RCPTS:-rcpt@example.com}; do printf 'T%s\0' "$r"; done; printf '\0'; } >"$T/$name.env"
	rm -rf "${T:?}/$name"
	( export REC=$T/$name QQF_QMAILQUEUE=$root/tests/lib/recorder QFILTER_CONF=$T/$name.conf TCPREMOTEIP=$ip
	  for e in $ENVS; do export "${e?}"; done
	  timeout 60 "$QF_BIN/qfilter" <"$msg" 1<"$T/$name.env" 2>"$T/$name.err" 6>&3 3>&- ) 3>&1 |
		cat >"$T/$name.fd6"
	RC=${PIPESTATUS[0]}
}
# the headers qfilter added (unfolded): the queued copy before the original's first line
added() { awk -v first="$(head -1 "$2")" '$0 == first { exit } { print }' "$T/$1/message" | tr -d '\n' | tr '\t' ' '; }
has() {
	added "$1" "$2" | grep -qE -- "$3" || { echo "added headers lack /$3/:"; added "$1" "$2"; echo; sed 's/^/log: /' "$T/$1.err"; return 1; }
}
hasnt() { ! added "$1" "$2" | grep -qE -- "$3" || { echo "added headers match /$3/:"; added "$1" "$2"; return 1; }; }
rc_is() { [ "$RC" = "$2" ] || { echo "exit $RC, wanted $2"; sed 's/^/log: /' "$T/$1.err" | head -5; return 1; }; }
log_has() { grep -qE -- "$2" "$T/$1.err" || { echo "log lacks /$2/:"; sed 's/^/log: /' "$T/$1.err"; return 1; }; }
free_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# expect NAME MESSAGE SENDER IP ERE CONF...: queued (exit 0), the added headers match
expect() {
	local n=$1 m=$2 s=$3 ip=$4 re=$5; shift 5
	run "$n" "$m" "$s" "$ip" "$@"
	rc_is "$n" 0 && has "$n" "$m" "$re"
}
rules() { # rules NAME LINE...: compiles a rules file, prints its conf line
	printf '%s\n' "${@:2}" >"$T/$1.rules"
	"$QF_BIN/qfilter-rules" "$T/$1.rules" "$T/$1.cdb" >"$T/$1.rules.err" 2>&1 && echo "rules $T/$1.cdb"
}

for p in /usr/bin/python3 dnsmasq openssl; do
	command -v $p >/dev/null || { bad "$p is installed (tests/lib/need-packages)"; tap_summary; exit 1; }
done
G=$T/gen
mkdir -p "$G"
if ! /usr/bin/python3 "$root/tests/samples/gen/auth-signed.py" "$G" >"$T/gen.log" 2>&1; then
	bad "the signed messages could be made"; sed 's/^/#   /' "$T/gen.log" | tail -5
	tap_summary; exit 1
fi
if ! QF_DNS_LOG=$T/queries.log "$L/dns-start" "$T/dns" >"$T/dns.log" 2>&1; then
	bad "dnsmasq starts: $(tail -1 "$T/dns.log")"; tap_summary; exit 1
fi
DNS=$(cat "$T/dns/addr")
AR='Authentication-Results: mx\.test\.example;'
NET=$G/auth-from-net.eml
SPF="spf yes"

echo "# SPF (RFC 7208), every result"
check "pass: spf=pass smtp.mailfrom=the sender, in our Authentication-Results after dkim=" \
	expect s-pass "$NET" joe@example.net 192.0.2.1 "$AR dkim=none; domainkeys=none; spf=pass smtp\.mailfrom=joe@example\.net\$" "$SPF"
check "... the log says spf=pass:example.net" log_has s-pass ' spf=pass:example\.net'
check "fail: another address (-all)" expect s-fail "$NET" joe@example.net 192.0.2.9 'spf=fail smtp\.mailfrom=joe@example\.net' "$SPF"
check "fail: an IPv6 client not listed" expect s-fail6 "$NET" joe@example.net 2001:db8::9 'spf=fail ' "$SPF"
check "softfail (~all)" expect s-soft "$NET" joe@soft.example.net 192.0.2.9 'spf=softfail ' "$SPF"
check "softfail's record still passes its address" expect s-softpass "$NET" joe@soft.example.net 192.0.2.1 'spf=pass ' "$SPF"
check "neutral (?all)" expect s-neutral "$NET" joe@neutral.example.net 192.0.2.9 'spf=neutral ' "$SPF"
check "none: a domain without an SPF record (NODATA)" expect s-none "$NET" joe@nospf.example.net 192.0.2.1 'spf=none smtp\.mailfrom=joe@nospf\.example\.net' "$SPF"
check "none: a domain that does not exist (NXDOMAIN)" expect s-nx "$NET" joe@nosuch.example.net 192.0.2.1 'spf=none ' "$SPF"
check "permerror: an unknown mechanism, named in the comment" expect s-perm "$NET" joe@bad.example.net 192.0.2.1 "spf=permerror \\(Unknown mechanism found near 'frobnicate" "$SPF"
check "mx: the MX host's address passes" expect s-mx "$NET" joe@mx.example.net 192.0.2.5 'spf=pass ' "$SPF"
check "mx: another address fails" expect s-mxf "$NET" joe@mx.example.net 192.0.2.1 'spf=fail ' "$SPF"
check "include: passes through the included record" expect s-inc "$NET" joe@inc.example.net 192.0.2.1 'spf=pass ' "$SPF"
echo "# SPF limits (RFC 7208 4.6.4)"
check "eleven includes: permerror (more than 10 DNS mechanisms), though the address is listed after them" \
	expect s-11 "$NET" joe@toomany.example.net 192.0.2.1 'spf=permerror \(more than 10 DNS mechanisms\)' "$SPF"
check "three void look-ups before the matching ip4: permerror (libspf2 alone passes it)" \
	expect s-void3 "$NET" joe@voids.example.net 192.0.2.1 'spf=permerror \(more than 2 void DNS look-ups\)' "$SPF"
check "two void look-ups: still within the limit, pass" expect s-void2 "$NET" joe@twovoids.example.net 192.0.2.1 'spf=pass ' "$SPF"
echo "# SPF: who is checked"
check "a loopback client: spf=none (local client), not libspf2's free pass" \
	expect s-lo "$NET" joe@example.net 127.0.0.1 'spf=none \(local client 127\.0\.0\.1\)' "$SPF"
ENVS=RELAYCLIENT= run s-relay "$NET" joe@example.net 192.0.2.9 "$SPF"
check "a relay client: no spf= at all (our mail to send, not to judge)" bash -c "[ $RC = 0 ] && ! grep -q 'spf=' '$T/s-relay/message'"
ENVS=SMTPHELO=mail.example.net run s-helo "$NET" "" 192.0.2.1 "$SPF" "helo-env SMTPHELO"
check "a bounce: the HELO name from helo-env is checked as postmaster@helo: spf=pass smtp.helo" \
	bash -c "$(declare -f added has rc_is); T=$T RC=$RC; rc_is s-helo 0 && has s-helo '$NET' 'spf=pass smtp\.helo=mail\.example\.net'"
ENVS=SMTPHELO=mail.example.net run s-helof "$NET" "" 192.0.2.9 "$SPF" "helo-env SMTPHELO"
check "... and fails from another address" has s-helof "$NET" 'spf=fail smtp\.helo=mail\.example\.net'
check "a bounce without a HELO name: spf=none" expect s-bounce "$NET" "" 192.0.2.1 'spf=none \(null sender and no HELO name\)' "$SPF"
check "received-spf yes: a Received-SPF: field (RFC 7208 9.1)" \
	expect s-rspf "$NET" joe@example.net 192.0.2.9 'Received-SPF: fail \([^)]*\) client-ip=192\.0\.2\.9; envelope-from=joe@example\.net;' "$SPF" "received-spf yes"
check "... for our own verdicts too (void look-ups)" \
	expect s-rspf2 "$NET" joe@voids.example.net 192.0.2.1 'Received-SPF: permerror \(more than 2 void DNS look-ups\)' "$SPF" "received-spf yes"
check "without it, none" hasnt s-pass "$NET" 'Received-SPF'
run s-local "$NET" joe@example.net "" "$SPF" "dmarc yes"
check "no TCPREMOTEIP (qmail-inject, a forward): neither spf= nor dmarc=" \
	bash -c "[ $RC = 0 ] && ! grep -qE 'spf=|dmarc=' '$T/s-local/message'"
: >"$T/empty-keys"
check "DKIM keys from a file (dkim-keys): SPF still looks up DNS" expect s-keyfile "$NET" joe@example.net 192.0.2.1 'spf=pass ' "$SPF" "dkim-keys $T/empty-keys"
check "spf off (the default): no spf=, no look-up" expect s-off "$NET" joe@example.net 192.0.2.1 "$AR dkim=none; domainkeys=none\$"
if R=$(rules dkimoff '* dkim=off'); then
	run s-dkimoff "$NET" joe@example.net 192.0.2.1 "$SPF" "$R"
	check "dkim=off in the rules: no header to add to, so no spf= either" \
		bash -c "[ $RC = 0 ] && ! grep -q 'spf=' '$T/s-dkimoff/message'"
else bad "qfilter-rules compiles dkim=off"; fi

echo "# forged results"
{ printf 'Authentication-Results: mx.test.example; spf=pass smtp.mailfrom=joe@example.net;\n\tdmarc=pass header.from=example.net\n'; cat "$NET"; } >"$T/forged.eml"
run forged "$T/forged.eml" joe@example.net 192.0.2.9 "$SPF" "dmarc yes" "arc yes"
check "a forged A-R in our authserv-id claiming spf= and dmarc= passes is removed" \
	bash -c "[ $RC = 0 ] && ! grep -q 'dmarc=pass' '$T/forged/message' && grep -q 'spf=fail' '$T/forged/message'"

SF=$(free_port); "$L/fake-dns" servfail "$SF" >"$T/fake-sf.log" 2>&1 & PIDS="$PIDS $!"
SL=$(free_port); "$L/fake-dns" silent "$SL" >"$T/fake-sl.log" 2>&1 & PIDS="$PIDS $!"
for i in $(seq 50); do grep -q ready "$T/fake-sf.log" && grep -q ready "$T/fake-sl.log" && break; sleep 0.1; done
echo "# DNS trouble"
DNS0=$DNS
DNS=127.0.0.1:$SF
check "SERVFAIL: spf=temperror, queued" expect s-sf "$NET" joe@example.net 192.0.2.1 'spf=temperror \([^)]*rcode 2' "$SPF"
DNS=127.0.0.1:$SL
start=$(date +%s%N)
run s-silent "$NET" joe@example.net 192.0.2.1 "$SPF" "timeout 8"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
check "a silent name server: spf=temperror within half the message's timeout (8 s), queued (${ms} ms)" \
	bash -c "$(declare -f added has rc_is); T=$T RC=$RC; rc_is s-silent 0 && has s-silent '$NET' 'spf=temperror \(.*timed out' && [ $ms -ge 3500 ] && [ $ms -lt 6500 ]"
DNS=$DNS0

echo "# DMARC (RFC 7489)"
D="dmarc yes"
check "pass by an aligned DKIM signature (SPF fails): dmarc=pass header.from policy.dmarc" \
	expect m-dkim "$G/auth-signed-net.eml" joe@example.net 192.0.2.9 'dkim=pass [^;]*; domainkeys=none; spf=fail [^;]*; dmarc=pass header\.from=example\.net policy\.dmarc=reject$' "$D"
check "dmarc yes checks SPF without spf yes" has m-dkim "$G/auth-signed-net.eml" 'spf=fail'
check "the log field has the aggregate-report row" \
	log_has m-dkim ' dmarc="pass:from=example\.net,domain=example\.net,p=reject,pct=100,disposition=none,action=none,dkim=pass,spf=fail'
check "pass by SPF of a subdomain (relaxed aspf): mail.example.net aligns with example.net" \
	expect m-spf "$NET" bounce@mail.example.net 192.0.2.1 'spf=pass [^;]*; dmarc=pass header\.from=example\.net' "$D"
check "a signature of another domain does not align: From example.com, d=example.net, no record: dmarc=none" \
	expect m-none "$G/auth-signed-other.eml" joe@example.com 192.0.2.9 'dmarc=none header\.from=example\.com$' "$D"
run m-fail "$NET" joe@example.net 192.0.2.9 "$D"
check "fail, p=reject: by default a tag (X-Qfilter-Tag), not a rejection; queued" \
	bash -c "$(declare -f added has rc_is); T=$T RC=$RC; rc_is m-fail 0 && has m-fail '$NET' 'dmarc=fail header\.from=example\.net policy\.dmarc=reject.*X-Qfilter-Tag: dmarc'"
check "... logged with action=tag and disposition=reject" log_has m-fail 'dmarc="fail:from=example\.net,domain=example\.net,p=reject,pct=100,disposition=reject,action=tag,dkim=fail,spf=fail'
if R=$(rules rej '* dmarc-fail=policy-reject'); then
	run m-rej "$NET" joe@example.net 192.0.2.9 "$D" "$R"
	check "dmarc-fail=policy-reject: p=reject refuses: 5.7.26, the domain named" \
		bash -c "[ $RC = 82 ] && grep -q '^D.*DMARC policy of example.net.*5\.7\.26' '$T/m-rej.fd6'"
	run m-rejpass "$G/auth-signed-net.eml" joe@example.net 192.0.2.9 "$D" "$R"
	check "... a pass is still queued" rc_is m-rejpass 0
	run m-pct "$G/auth-from-pct.eml" joe@pct.example.com 192.0.2.9 "$D" "$R" "quarantine $T/q-pct"
	check "pct=0: outside the sample, reject becomes quarantine (RFC 7489 6.6.4): quarantined, not refused" \
		bash -c "[ $RC = 0 ] && [ ! -e '$T/m-pct/message' ] && ls '$T/q-pct/new/' | grep -q . && grep -q 'disposition=quarantine' '$T/m-pct.err'"
	check "... the comment says so" bash -c "grep -q 'not in the pct=0 sample' '$T/q-pct/new/'*"
else bad "qfilter-rules compiles dmarc-fail=policy-reject: $(head -1 "$T/rej.rules.err")"; fi
for a in reject quarantine tag off; do
	if R=$(rules "a-$a" "* dmarc-fail=$a"); then
		run "m-$a" "$NET" joe@example.net 192.0.2.9 "$D" "$R" "quarantine $T/q-$a"
		case $a in
		reject) check "dmarc-fail=reject: refused (82, the text on fd 6)" bash -c "[ $RC = 82 ] && grep -q '^D' '$T/m-reject.fd6'" ;;
		quarantine) check "dmarc-fail=quarantine: quarantined" bash -c "[ $RC = 0 ] && [ ! -e '$T/m-quarantine/message' ] && ls '$T/q-quarantine/new/' | grep -q ." ;;
		tag) check "dmarc-fail=tag: tagged" bash -c "[ $RC = 0 ] && grep -q '^X-Qfilter-Tag: dmarc' '$T/m-tag/message'" ;;
		off) check "dmarc-fail=off: queued untouched but for the header" bash -c "[ $RC = 0 ] && ! grep -q '^X-Qfilter-Tag' '$T/m-off/message' && grep -q 'dmarc=fail' '$T/m-off/message'" ;;
		esac
	else bad "qfilter-rules compiles dmarc-fail=$a"; fi
done
if R=$(rules per '* dmarc-fail=off' 'to=strict@example.com dmarc-fail=reject'); then
	RCPTS="other@example.com" run m-per1 "$NET" joe@example.net 192.0.2.9 "$D" "$R"
	check "per recipient: dmarc-fail=off for this one: queued" rc_is m-per1 0
	RCPTS="strict@example.com other@example.com" run m-per2 "$NET" joe@example.net 192.0.2.9 "$D" "$R"
	check "per recipient: one recipient's reject is the message's (the strictest)" bash -c "[ $RC = 82 ] || [ $RC = 31 ]"
else bad "qfilter-rules compiles per-recipient dmarc-fail="; fi
run m-quar "$G/auth-from-org.eml" bounce@mail.example.org 192.0.2.1 "$D" "quarantine $T/q-def"
check "p=quarantine with strict aspf: mail.example.org does not align, the default quarantines" \
	bash -c "[ $RC = 0 ] && [ ! -e '$T/m-quar/message' ] && ls '$T/q-def/new/' | grep -q . && grep -q 'dmarc=\"fail:from=example.org,domain=example.org,p=quarantine' '$T/m-quar.err'"
check "strict aspf: the same domain aligns" expect m-strict "$G/auth-from-org.eml" bounce@example.org 192.0.2.1 'dmarc=pass header\.from=example\.org policy\.dmarc=quarantine' "$D"
check "a subdomain without its own record: the organizational domain's sp=none applies, no action" \
	expect m-sp "$G/auth-from-sub-org.eml" joe@sub.example.org 192.0.2.1 'dmarc=fail header\.from=sub\.example\.org policy\.dmarc=none' "$D"
check "... found at example.org (the public suffix list)" log_has m-sp 'domain=example\.org,p=none'
check "... and nothing done" bash -c "! grep -q '^X-Qfilter-Tag' '$T/m-sp/message'"
check "a malformed record (p=bogus): dmarc=permerror" expect m-perm "$G/auth-from-badrec.eml" joe@badrec.example.com 192.0.2.9 'dmarc=permerror ' "$D"
check "two DMARC records: none applies (RFC 7489 6.6.3): dmarc=none" expect m-two "$G/auth-from-two.eml" joe@two.example.com 192.0.2.9 'dmarc=none ' "$D"
check "two From: domains: dmarc=permerror" expect m-2from "$G/auth-two-from.eml" joe@example.net 192.0.2.1 'dmarc=permerror \(no single From: domain\)' "$D"
DNS=127.0.0.1:$SF
run m-temp "$NET" joe@example.net 192.0.2.1 "$D"
check "SERVFAIL: dmarc=temperror and a temporary refusal (4.7.26), never a pass or a rejection" \
	bash -c "$(declare -f added has); T=$T; [ $RC = 82 ] && grep -q '^Z.*4\.7\.26' '$T/m-temp.fd6'"
if R=$(rules toff '* dmarc-fail=off'); then
	run m-tempoff "$NET" joe@example.net 192.0.2.1 "$D" "$R"
	check "... with dmarc-fail=off: queued, dmarc=temperror in the header" bash -c "[ $RC = 0 ] && tr -d '\n' <'$T/m-tempoff/message' | grep -q 'dmarc=temperror'"
fi
DNS=$DNS0
run m-nopsl "$NET" joe@example.net 192.0.2.9 "$D" "public-suffix-list $T/no-such-list"
check "the public suffix list missing: dmarc=temperror with a warning, never a guess" \
	bash -c "[ $RC = 82 ] && grep -q 'no-such-list' '$T/m-nopsl.err'"

echo "# ARC (RFC 8617)"
A="arc yes"
check "a list's chain: arc=pass, the sealer named" expect a-pass "$G/auth-arc-pass.eml" list@lists.example.com 192.0.2.50 \
	'dkim=fail [^;]*; domainkeys=none; arc=pass \(1 set, sealed by lists\.example\.com\)$' "$A"
check "... the log says arc=pass:lists.example.com" log_has a-pass ' arc=pass:lists\.example\.com'
check "two hops (i=2, cv=pass): arc=pass" expect a-two "$G/auth-arc-two.eml" list@lists.example.com 192.0.2.50 'arc=pass \(2 sets' "$A"
check "the body changed after sealing: arc=fail (body hash mismatch)" expect a-body "$G/auth-arc-fail.eml" list@lists.example.com 192.0.2.50 'arc=fail \(body hash mismatch\)' "$A"
check "a sealed ARC-Authentication-Results changed: arc=fail (the seal)" expect a-seal "$G/auth-arc-badseal.eml" list@lists.example.com 192.0.2.50 'arc=fail \(seal: bad signature\)' "$A"
check "no chain: arc=none" expect a-none "$NET" joe@example.net 192.0.2.1 'arc=none$' "$A"
sed '/^ARC-Authentication-Results:/,/^[^ \t]/{/^ARC-Authentication-Results:/d;/^[ \t]/d}' "$G/auth-arc-pass.eml" >"$T/arc-incomplete.eml"
check "a set without its ARC-Authentication-Results: arc=fail (incomplete)" expect a-inc "$T/arc-incomplete.eml" list@lists.example.com 192.0.2.50 'arc=fail \(an ARC set is incomplete\)' "$A"
sed 's/^ARC-Seal: i=1; cv=none;/ARC-Seal: i=1; cv=fail;/' "$G/auth-arc-pass.eml" >"$T/arc-cvfail.eml"
check "a seal that says cv=fail: arc=fail" expect a-cv "$T/arc-cvfail.eml" list@lists.example.com 192.0.2.50 'arc=fail \(the newest seal says cv=fail\)' "$A"
if R=$(rules arcrej '* dmarc-fail=policy-reject'); then
	run a-trust "$G/auth-arc-pass.eml" list@lists.example.com 192.0.2.50 "$A" "$D" "$R" "arc-trusted-sealers other.example lists.example.com"
	check "DMARC fails (the list broke DKIM) but a trusted sealer's chain passes: queued, not refused" \
		bash -c "[ $RC = 0 ] && tr -d '\n' <'$T/a-trust/message' | grep -q 'arc=pass.*dmarc=fail' && grep -q 'action=arc-trusted' '$T/a-trust.err'"
	run a-untrusted "$G/auth-arc-pass.eml" list@lists.example.com 192.0.2.50 "$A" "$D" "$R"
	check "... the same without the sealer in arc-trusted-sealers: refused" bash -c "[ $RC = 82 ] || [ $RC = 31 ]"
	run a-trustfail "$G/auth-arc-fail.eml" list@lists.example.com 192.0.2.50 "$A" "$D" "$R" "arc-trusted-sealers lists.example.com"
	check "... a trusted sealer's broken chain: refused" bash -c "[ $RC = 82 ] || [ $RC = 31 ]"
fi

echo "# qfilterd: the same through a worker, the HELO name through the protocol"
printf '%s\n' "authserv-id mx.test.example" "dns $DNS" "$SPF" "$D" "$A" "helo-env SMTPHELO" \
	"daemon unix:$T/qfd.sock" "daemon-workers 1" >"$T/qfd.conf"
"$QF_BIN/qfilterd" -c "$T/qfd.conf" 2>"$T/qfd.log" & QPID=$!; PIDS="$PIDS $QPID"
for i in $(seq 200); do grep -q '^qfilterd: listening on' "$T/qfd.log" 2>/dev/null && break; sleep 0.05; done
ENVS=SMTPHELO=mail.example.net run d-helo "$NET" "" 192.0.2.1 "$SPF" "$D" "$A" "helo-env SMTPHELO" "daemon unix:$T/qfd.sock"
check "qfilterd: a bounce's HELO name is checked (spf=pass smtp.helo)" \
	bash -c "[ $RC = 0 ] && tr -d '\n' <'$T/d-helo/message' | tr '\t' ' ' | grep -q 'spf=pass smtp.helo=mail.example.net' && grep -q 'spf=pass:mail.example.net' '$T/qfd.log'"
run d-arc "$G/auth-arc-pass.eml" list@lists.example.com 192.0.2.50 "$SPF" "$D" "$A" "daemon unix:$T/qfd.sock"
check "qfilterd: arc=pass, dmarc=fail tagged" bash -c "[ $RC = 0 ] && grep -q 'arc=pass:lists.example.com' '$T/qfd.log' && grep -q '^X-Qfilter-Tag: dmarc' '$T/d-arc/message'"
check "qfilterd: the worker started libspf2 and the suffix list before the first message (no warning)" \
	bash -c "! grep -q 'warning' '$T/qfd.log'"
kill "$QPID" 2>/dev/null; wait "$QPID" 2>/dev/null

echo "# costs"
if command -v valgrind >/dev/null && [ -x "$QF_BIN/qfilter-test" ] && ! ldd "$QF_BIN/qfilter-test" | grep -q libasan; then
	printf '%s\n' "authserv-id mx.test.example" "dns $DNS" >"$T/cg0.conf"
	printf '%s\n' "authserv-id mx.test.example" "dns $DNS" "$SPF" "$D" "$A" >"$T/cg1.conf"
	for c in 0 1; do
		TCPREMOTEIP=192.0.2.1 QFILTER_CONF=$T/cg$c.conf valgrind --tool=callgrind --callgrind-out-file="$T/cg$c.out" \
			"$QF_BIN/qfilter-test" -f joe@example.net "$NET" >"$T/cg$c.txt" 2>"$T/cg$c.err"
	done
	RELAYCLIENT= TCPREMOTEIP=192.0.2.1 QFILTER_CONF=$T/cg1.conf valgrind --tool=callgrind --callgrind-out-file="$T/cgr.out" \
		"$QF_BIN/qfilter-test" -f joe@example.net "$NET" >"$T/cgr.txt" 2>"$T/cgr.err"
	check "without spf/dmarc/arc configured, libspf2, libopendmarc and the suffix list are never touched" \
		bash -c "! grep -qE ' (SPF_server_new_dns|opendmarc_policy_library_init|opendmarc_tld_read_file)\$' '$T/cg0.out' && grep -q ' SPF_server_new_dns$' '$T/cg1.out'"
	check "a relay client's message with all three configured touches none of them" \
		bash -c "! grep -qE ' (SPF_server_new_dns|opendmarc_tld_read_file)\$' '$T/cgr.out'"
	echo "# instructions of qfilter-test on an unsigned message: without the checks $(sed -n 's/^summary: //p' "$T/cg0.out"), with spf+dmarc+arc $(sed -n 's/^summary: //p' "$T/cg1.out")"
else
	skip "no valgrind, or a sanitizer build: laziness not measured"
fi

tap_summary
