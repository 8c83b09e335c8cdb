#!/usr/bin/env bash
# The documentation: every man page renders without warnings (groff -ww),
# every program has its man page with the sections an admin needs, and the
# README names the two set-up commands.
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
BIN=${QF_BIN:-$root/bin}
P=0 F=0
ok() { P=$((P+1)); echo "ok - $*"; }
bad() { F=$((F+1)); echo "not ok - $*"; }
for m in docs/*.[58]; do
	out=$(groff -ww -man -Tutf8 "$m" 2>&1 >/dev/null)
	[ -z "$out" ] && ok "$m renders without warnings" || { bad "$m renders without warnings"; echo "$out" | head -5 | sed 's/^/#   /'; }
	if command -v man >/dev/null; then
		out=$(MANWIDTH=80 man --warnings -l "$m" 2>&1 >/dev/null)
		[ -z "$out" ] && ok "man -l $m is quiet" || { bad "man -l $m is quiet"; echo "$out" | head -3 | sed 's/^/#   /'; }
	fi
done
for p in qfilter qfilter-test qfilter-rules qfilterd; do
	[ -x "$BIN/$p" ] || continue
	[ -f "docs/$p.8" ] && ok "$p has docs/$p.8" || bad "$p has docs/$p.8"
done
for f in qfilter.conf qfilter.rules; do
	[ -f "docs/$f.5" ] && ok "docs/$f.5 exists" || bad "docs/$f.5 exists"
done
for s in "EXIT CODES" ENVIRONMENT FILES; do
	for m in docs/qfilter.8; do grep -q "^\.SH $s" "$m" && ok "$m has $s" || bad "$m has $s"; done
done
grep -q 'make demo' README.md && grep -q 'make check' README.md && ok "README names make demo and make check" || bad "README names make demo and make check"
grep -q 'make check' .ci/run && ok ".ci/run runs the README's test command" || bad ".ci/run runs make check"
echo "$P passed, $F failed"
[ "$F" = 0 ]
