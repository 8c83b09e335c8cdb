#!/usr/bin/env bash
# The documentation: every man page renders without warnings (groff -ww),
# every program has its man page with the sections an admin needs, and the
# README names the two set-up commands.
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/lib/tap.sh"
cd "$root" || exit 1
BIN=${QF_BIN:-$root/bin}
for m in docs/*.[58]; do
	out=$(groff -ww -man -Tutf8 "$m" 2>&1 >/dev/null)
	[ -z "$out" ] && ok "$m renders without warnings" || { bad "$m renders without warnings"; echo "$out" | head -5 | sed 's/^/#   /'; }
	if command -v man >/dev/null; then
		out=$(MANWIDTH=80 man --warnings -l "$m" 2>&1 >/dev/null)
		[ -z "$out" ] && ok "man -l $m is quiet" || { bad "man -l $m is quiet"; echo "$out" | head -3 | sed 's/^/#   /'; }
	fi
done
for p in qfilter qfilter-test qfilter-rules qfilterd qfilter-sign; do
	[ -x "$BIN/$p" ] || continue
	[ -f "docs/$p.8" ] && ok "$p has docs/$p.8" || bad "$p has docs/$p.8"
done
for f in qfilter.conf qfilter.rules; do
	[ -f "docs/$f.5" ] && ok "docs/$f.5 exists" || bad "docs/$f.5 exists"
done
for s in "EXIT CODES" ENVIRONMENT FILES; do
	for m in docs/qfilter.8 docs/qfilter-test.8 docs/qfilter.conf.5; do
		[ "$s" = "EXIT CODES" ] && [ "$m" = docs/qfilter.conf.5 ] && continue
		grep -q "^\.SH $s" "$m" && ok "$m has $s" || bad "$m has $s"
	done
done
# every configuration key config.c accepts is in qfilter.conf(5), and
# every key the page describes is one config.c accepts
code=$(grep -o '!strcmp(key, "[a-z0-9-]*")' lib/config.c | sed 's/.*"\(.*\)".*/\1/' | sort -u)
page=$(awk 'prev == ".TP" && /^\.BI? / { sub(/^\.BI? /, ""); gsub(/\\-/, "-"); gsub(/"/, ""); split($0, w, " "); print w[1] } { prev = $1 }' docs/qfilter.conf.5 | grep -E '^[a-z][a-z0-9-]*$' | sort -u)
undocumented=$(comm -23 <(printf '%s\n' "$code") <(printf '%s\n' "$page") | tr '\n' ' ')
unknown=$(comm -13 <(printf '%s\n' "$code") <(printf '%s\n' "$page") | tr '\n' ' ')
[ -n "$code" ] && [ -z "$undocumented" ] && ok "every key of config.c ($(echo $code | wc -w)) is in qfilter.conf(5)" || bad "keys of config.c missing from qfilter.conf(5): ${undocumented:-(no keys found in config.c)}"
[ -z "$unknown" ] && ok "qfilter.conf(5) describes no key that config.c does not accept" || bad "qfilter.conf(5) describes keys config.c does not accept: $unknown"
# the guide's sample output is what the programs print (tests/docs-samples)
while read -r line; do
	case $line in ok\ -*) ok "${line#ok - }" ;; not\ ok\ -*) bad "${line#not ok - }" ;; *) echo "$line" ;; esac
done < <(tests/docs-samples check "$BIN" 2>&1)
# every program make builds is in INSTALL.md's table of what make install puts
for p in "$BIN"/qfilter*; do
	[ -x "$p" ] || continue
	grep -q "^| \`/var/qmail/bin/$(basename "$p")\` |" docs/INSTALL.md &&
		ok "INSTALL.md's install table lists $(basename "$p")" || bad "INSTALL.md's install table lists $(basename "$p")"
done
# make install puts programs, man pages and examples under PREFIX
I=$(mktemp -d)
if make -s install PREFIX="$I" >/dev/null 2>&1; then
	missing=""
	for f in bin/qfilter bin/qfilter-inprocess bin/qfilter-test bin/qfilter-rules bin/qfilterd bin/qfilter-sign man/man8/qfilter-sign.8 \
		man/man8/qfilter.8 man/man8/qfilter-test.8 man/man8/qfilter-rules.8 man/man8/qfilterd.8 \
		man/man5/qfilter.conf.5 man/man5/qfilter.rules.5 control/qfilter.conf.example control/qfilter.rules.example; do
		[ -e "$I/$f" ] || missing="$missing $f"
	done
	[ -z "$missing" ] && ok "make install PREFIX=... installs programs, man pages, examples" || bad "make install lacks:$missing"
else
	bad "make install PREFIX=... succeeds"
fi
rm -rf "$I"
grep -q 'make demo' README.md && grep -q 'make check' README.md && ok "README names make demo and make check" || bad "README names make demo and make check"
grep -q 'make check' .ci/run && ok ".ci/run runs the README's test command" || bad ".ci/run runs make check"
tap_summary
