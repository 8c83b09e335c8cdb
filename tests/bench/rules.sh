#!/usr/bin/env bash
# rules.sh: the cost of one rules look-up (qf_rules_policy) with 10 rules
# and with 100,000 per-user rules. The compiled file is keyed by selector,
# so the two figures should be about the same.
#   tests/bench/rules.sh [BINDIR]    (run from anywhere; builds with make)
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
W=$(mktemp -d "${TMPDIR:-/tmp}/bench-rules.XXXXXX")
trap '[ -n "$KEEP" ] || rm -rf "$W"' EXIT
N=${N:-200000}
make -s bin/qfilter-rules obj/std/libqf.a >/dev/null || exit 1
cc -O2 -std=gnu11 -D_GNU_SOURCE -Ilib -Irules -o "$W/rules_bench" tests/bench/rules_bench.c \
	obj/std/libqf.a $(pkg-config --libs gmime-3.0 libmagic opendkim libcrypto libarchive libunbound 2>/dev/null) \
	-lcdb -ldl || exit 1

# both files share the same few unkeyed rules; the big one adds per-user lines
common() {
	printf '* exe=reject virus=reject\nip=10.0.0.0/8 exe=off\nip=2001:db8::/32 exe=off\nrelay exe=tag\n'
	printf 'from=@trusted.example exe=off\nto=@lax.example exe=off\n'
}
{ common; for i in 0 1 2 3; do printf 'to=user%d@example.com size=%dk ban-ext=exe,scr\n' $i $((i+1)); done; } >"$W/small"
{ common; python3 -c '
for i in range(100000): print("to=user%d@example.com size=%dk ban-ext=exe,scr" % (i, i % 900 + 1))'; } >"$W/big"
bin/qfilter-rules "$W/small" "$W/small.cdb" && bin/qfilter-rules "$W/big" "$W/big.cdb" || exit 1
rules_small=$(grep -c . "$W/small"); rules_big=$(grep -c . "$W/big")
size_big=$(stat -c %s "$W/big.cdb")

run() { "$W/rules_bench" "$1" "$N" "$2" | awk '{print $2}'; }
small=$(run "$W/small.cdb" user3@example.com)
big=$(run "$W/big.cdb" user77777@example.com)
bigmiss=$(run "$W/big.cdb" nobody@elsewhere.example)
echo "rules look-up, $N calls each (ns per qf_rules_policy call):"
printf '  %7d rules: %6s ns\n' "$rules_small" "$small"
printf '  %7d rules: %6s ns  (a per-user hit; compiled file %d bytes)\n' "$rules_big" "$big" "$size_big"
printf '  %7d rules: %6s ns  (no per-user rule for the recipient)\n' "$rules_big" "$bigmiss"
if command -v valgrind >/dev/null; then
	# instructions of 2000 calls minus those of 1000: start-up cancels out
	ir1() { valgrind --tool=callgrind --callgrind-out-file="$W/cg.out" "$W/rules_bench" "$1" "$3" "$2" >/dev/null 2>"$W/cg.err"
		awk '/^summary:/ {print $2}' "$W/cg.out"; }
	ir() { echo $(( ($(ir1 "$1" "$2" 2000) - $(ir1 "$1" "$2" 1000)) / 1000 )); }
	printf 'instructions per call (callgrind):\n'
	printf '  %7d rules: %s\n' "$rules_small" "$(ir "$W/small.cdb" user3@example.com)"
	printf '  %7d rules: %s\n' "$rules_big" "$(ir "$W/big.cdb" user77777@example.com)"
fi
