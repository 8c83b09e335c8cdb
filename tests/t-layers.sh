#!/usr/bin/env bash
# The layers of the tree (README, docs/ARCHITECTURE.md) are held by the
# build: a file in a folder is compiled with the include path of that
# folder and the ones before it only. Here a probe that includes a header
# of a higher layer must fail to compile with a folder's flags, and one
# that includes its own layer's header must compile. Also: the thin front
# (bin/qfilter) links no filtering library.
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/lib/tap.sh"
cd "$root" || exit 1
BIN=${QF_BIN:-$root/bin}
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
flags() { make -s print-inc F="$1"; }
probe() { # FOLDER HEADER: does a file of FOLDER that includes HEADER compile?
	printf '#include "%s"\nint qf_probe;\n' "$2" >"$W/probe.c"
	cc -D_GNU_SOURCE -std=gnu11 $(pkg-config --cflags gmime-3.0 2>/dev/null) -I"$root/$1" $(cd "$root" && flags "$1" | sed "s|-I|-I$root/|g") \
		-fsyntax-only "$W/probe.c" 2>/dev/null
}
# a header of each layer, and one above it that the layer must not see
while read -r folder own above; do
	probe "$folder" "$own" && ok "$folder/ may include its own $own" || bad "$folder/ may include its own $own"
	probe "$folder" "$above" && bad "$folder/ including $above (a higher layer) builds" ||
		ok "$folder/ cannot include $above (a higher layer)"
done <<'EOT'
lib io.h envelope.h
qmail envelope.h msg.h
sniff exe_header.h mime_sink.h
archive archive_walk.h clamd.h
rules policy.h msg.h
engine msg.h clamd.h
filters filter.h daemon_proto.h
EOT
# the exceptions still listed in the Makefile (UP_...), printed, so that
# they are seen until they are gone
for f in $(sed -n 's/^UP_\([a-z]*\) = .*/\1/p' Makefile); do
	echo "# still reaching up: $f/ -> $(sed -n "s/^UP_$f = //p" Makefile)"
done
if [ -x "$BIN/qfilter" ]; then
	libs=$(ldd "$BIN/qfilter" 2>&1)
	case $libs in
	*gmime*|*magic*|*opendkim*|*crypto*|*archive*|*clamav*) bad "bin/qfilter (the front) links a filtering library" ;;
	*) ok "bin/qfilter (the front) links no filtering library" ;;
	esac
	nm "$BIN/qfilter" 2>/dev/null | grep -qE ' [Tt] (g_mime_|magic_|dkim_|archive_read|EVP_)' &&
		bad "bin/qfilter holds a filtering library's code" || ok "bin/qfilter holds no filtering library's code"
fi
tap_summary
