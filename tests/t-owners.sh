#!/usr/bin/env bash
# The owner scheme of INSTALL.md sections 8 and 9, set up by running the
# commands those sections give (with this test's paths, users and group
# put in for /var/qmail, qfilterd and nofiles), as a site would:
# qmail-smtpd's user (here qftest-smtpd, group qftest-smtp) runs qfilter;
# qfilterd runs as its own user whose primary group is the same one, so
# that one quarantine Maildir (group qftest-smtp, mode 2770) and one
# socket directory serve both modes: through qfilterd, and in process
# when qfilterd is down (daemon-fail inprocess).
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/lib/tap.sh"
BIN=${QF_BIN:-$root/bin}
W=$(mktemp -d "${TMPDIR:-/tmp}/qf-owners.XXXXXX"); chmod 755 "$W"
# per run, so that two runs at once (make check beside a helper's) do
# not delete each other's users
G=qft$$-smtp SMTPD=qft$$-smtpd QFD=qft$$-qfd
PIDS="" MADE=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	for u in $MADE; do userdel "$u" 2>/dev/null; done
	[ -n "$MADE" ] && groupdel "$G" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
if [ "$(id -u)" != 0 ]; then
	skip "owner scheme: needs root to make the test users"; tap_summary; exit
fi
getent group "$G" >/dev/null || groupadd -r "$G" || { bad "groupadd $G"; tap_summary; exit; }
# INSTALL.md's commands for the user, the socket's directory and the
# Maildir, as written there, with this test's names put in
doc_cmds() {
	awk '/^## 8\./,/^## 10\./' "$root/docs/INSTALL.md" |
		grep -E '^    (useradd|install -d|/var/qmail/bin/maildirmake|chgrp|chmod) ' | sed 's/^    //' |
		sed -e "s|/var/qmail/bin/maildirmake|maildirmake|; s|/var/qmail/quarantine|$W/quarantine|g" \
		    -e "s|/var/qmail/qfilterd|$W/run|g; s|nofiles|$G|g; s|-o qfilterd|-o $QFD|; s|nologin qfilterd\$|nologin $QFD|"
}
maildirmake() { mkdir -p "$1/tmp" "$1/new" "$1/cur"; }   # qmail's; not installed here
doc_cmds >"$W/doc.sh"
check "INSTALL.md sections 8 and 9 give the five set-up commands (useradd, install -d, maildirmake, chgrp, chmod)" \
	bash -c "[ \$(wc -l <'$W/doc.sh') = 5 ]"
sed 's/^/# from INSTALL.md: /' "$W/doc.sh"
id "$SMTPD" >/dev/null 2>&1 || { useradd -r -M -g "$G" -d /nonexistent -s /usr/sbin/nologin "$SMTPD" && MADE="$MADE $SMTPD"; }
MADE="$MADE $QFD"
as() { local u=$1; shift; setpriv --reuid="$u" --regid="$G" --clear-groups "$@"; }

/usr/bin/python3 - "$W" <<'PY'
import sys, base64, struct
W = sys.argv[1]
pe = bytearray(512); pe[0:2] = b'MZ'; struct.pack_into('<I', pe, 0x3c, 0x80); pe[0x80:0x84] = b'PE\0\0'
open(W + '/exe.eml', 'w').write('From: s@example.net\nTo: r@example.com\nSubject: exe\nMIME-Version: 1.0\n'
    'Content-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\n\nsee attached\n'
    '--b\nContent-Type: application/octet-stream; name="tool.exe"\nContent-Transfer-Encoding: base64\n\n' +
    base64.encodebytes(bytes(pe)).decode() + '--b--\n')
PY
printf 'Fs@example.net\0Tr@example.com\0\0' >"$W/env"
printf '* exe=quarantine\n' >"$W/rules"
"$BIN/qfilter-rules" "$W/rules" "$W/rules.cdb" >/dev/null
mkdir -m 1777 "$W/rec"
# as INSTALL.md says: the user, the socket's directory and the Maildir
( set -e; . "$W/doc.sh" ) 2>"$W/doc.err"
check "INSTALL.md's set-up commands run" bash -c "[ -d '$W/run' ] && [ -d '$W/quarantine/new' ] && id '$QFD' >/dev/null || { cat '$W/doc.err'; false; }"
cat >"$W/conf" <<EOC
rules $W/rules.cdb
quarantine $W/quarantine
daemon unix:$W/run/socket
daemon-mode 0660
daemon-fail inprocess
EOC
chmod 644 "$W/conf" "$W/rules.cdb"
export QFILTER_CONF=$W/conf QQF_QMAILQUEUE=$root/tests/lib/recorder

setpriv --reuid="$QFD" --regid="$G" --clear-groups "$BIN/qfilterd" -c "$W/conf" 2>"$W/qfd.log" & PIDS=$!
for _ in $(seq 100); do [ -S "$W/run/socket" ] && break; sleep 0.05; done
stored() { find "$W/quarantine/new" -type f | wc -l; }
REC=$W/rec/d as "$SMTPD" "$BIN/qfilter" <"$W/exe.eml" 1<"$W/env" 2>"$W/d.err"; rc=$?
check "through qfilterd (user $QFD): quarantined, exit 0, stored in new/, nothing queued" \
	bash -c "[ $rc = 0 ] && [ $(stored) = 1 ] && [ ! -e '$W/rec/d/message' ] && grep -q 'verdict=quarantine' '$W/qfd.log'"
kill "$PIDS"; wait "$PIDS" 2>/dev/null; PIDS=""
for _ in $(seq 100); do pgrep -u "$QFD" -x qfilterd >/dev/null || break; sleep 0.05; done
check "qfilterd stopped (so the next message is filtered in process)" bash -c "! pgrep -u $QFD -x qfilterd"
REC=$W/rec/i as "$SMTPD" "$BIN/qfilter" <"$W/exe.eml" 1<"$W/env" 2>"$W/i.err"; rc=$?
check "qfilterd down, in process (user $SMTPD): quarantined into the same Maildir, exit 0" \
	bash -c "[ $rc = 0 ] && [ $(stored) = 2 ] && [ ! -e '$W/rec/i/message' ] && grep -q 'filtering in process' '$W/i.err'"
check "the stored files belong to the shared group" \
	bash -c "[ -z \"\$(find '$W/quarantine/new' -type f ! -group $G)\" ]"
# a Maildir the user cannot write: 451-class, the error names the directory and the user
chmod 2750 "$W/quarantine/tmp"
REC=$W/rec/x as "$SMTPD" "$BIN/qfilter" <"$W/exe.eml" 1<"$W/env" 2>"$W/x.err"; rc=$?
check "an unwritable Maildir: exit 71, one error naming the directory and the uid, no doubled prefix" \
	bash -c "[ $rc = 71 ] && grep -q 'error: quarantine: the Maildir directory $W/quarantine/tmp is not writable by uid' '$W/x.err' && ! grep -q 'quarantine: quarantine:' '$W/x.err'"
tap_summary
