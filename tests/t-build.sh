#!/usr/bin/env bash
# The README's set-up commands on a machine without the packages: the
# targets that install them (make demo, check, bench, check-slow) must
# read the libraries' compile flags after installing, not before. Here a
# pkg-config that knows nothing until a fake need-packages has "installed"
# stands in for a fresh machine, and a compiler that only records its
# arguments stands in for cc: every compile must carry GMime's flags.
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/lib/tap.sh"
cd "$root" || exit 1
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
real=$(command -v pkg-config)
mkdir -p "$T/path"
cat >"$T/path/pkg-config" <<EOS
#!/bin/sh
[ -e "$T/installed" ] || exit 1
exec "$real" "\$@"
EOS
cat >"$T/need-packages" <<EOS
#!/bin/sh
touch "$T/installed"
EOS
cat >"$T/cc" <<EOS
#!/bin/sh
echo "\$*" >>"$T/cc.log"
exit 1
EOS
chmod +x "$T/path/pkg-config" "$T/need-packages" "$T/cc"
for target in demo check bench; do
	rm -f "$T/installed" "$T/cc.log"
	PATH="$T/path:$PATH" make -k "$target" NEED_PACKAGES="$T/need-packages" CC="$T/cc" \
		FRONT_CC= STATIC=0 VARIANT=freshtest BIN="$T/bin" >"$T/make.log" 2>&1
	n=$(grep -c -- ' -c ' "$T/cc.log" 2>/dev/null); n=${n:-0}
	without=$(grep -- ' -c ' "$T/cc.log" 2>/dev/null | grep -vc 'gmime-3.0')
	if [ "$n" -gt 0 ] && [ "$without" = 0 ]; then
		ok "make $target on a fresh machine: all $n compiles carry the flags read after installing"
	else
		bad "make $target on a fresh machine: $without of $n compiles lack GMime's flags"
		grep -v 'gmime-3.0' "$T/cc.log" | head -2 | sed 's/^/#   /'
		tail -3 "$T/make.log" | sed 's/^/#   /'
	fi
done
# plain make without the packages says what is missing instead of a
# missing header deep in a compile
rm -f "$T/installed" "$T/cc.log"
out=$(PATH="$T/path:$PATH" make all CC="$T/cc" FRONT_CC= STATIC=0 VARIANT=freshtest BIN="$T/bin" 2>&1)
case $out in
*"make deps"*) ok "make without the packages names the fix (make deps)" ;;
*) bad "make without the packages names the fix"; printf '%s\n' "$out" | tail -2 | sed 's/^/#   /' ;;
esac
rm -rf obj/freshtest
tap_summary
