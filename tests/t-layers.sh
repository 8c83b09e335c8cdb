#!/usr/bin/env bash
# The layers of the tree (README, docs/ARCHITECTURE.md) are held by the
# build: a file in a folder is compiled with the include path of that
# folder and the ones before it only. Here a probe that includes a header
# of a higher layer must fail to compile with a folder's flags, and one
# that includes its own layer's header must compile. The same at link
# level: no object of a folder takes a symbol that a higher folder defines
# (but for folders listed as UP_ in the Makefile: none now). Also: the thin
# front (bin/qfilter) links no filtering library.
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
mime mime_walk.h msg.h
archive archive_walk.h msg.h
dkim dkim_int.h msg.h
auth auth_spf.h msg.h
rules policy.h msg.h
engine msg.h clamd.h
filters filter.h daemon_proto.h
EOT
# the exceptions still listed in the Makefile (UP_...), printed, so that
# they are seen until they are gone
for f in $(sed -n 's/^UP_\([a-z]*\) = .*/\1/p' Makefile); do
	echo "# still reaching up: $f/ -> $(sed -n "s/^UP_$f = //p" Makefile)"
done

# Symbols: which objects of the library use a symbol that a higher layer
# defines (mk/layer-edges, which the build runs over the library: any
# such use fails make), from the build products of $BIN (obj/std for bin,
# obj/asan for bin-asan).
LAYERS=$(sed -n 's/^LAYERS = //p' Makefile)
edges() { "$root/mk/layer-edges" "$LAYERS" "$@"; }
case $(basename "$BIN") in
bin) OBJ=$root/obj/std ;;
bin-asan) OBJ=$root/obj/asan ;;
*) OBJ= ;;
esac
objs=()
for l in $LAYERS; do
	# only objects of files that are in the tree: a build folder that
	# saw older layouts keeps objects of files since moved
	for o in "$OBJ/$l"/*.o; do [ -f "$o" ] && [ -f "$root/$l/$(basename "$o" .o).c" ] && objs+=("$o"); done
done
if [ -z "$OBJ" ]; then
	skip "symbol edges: no known object folder for $BIN (bin: obj/std, bin-asan: obj/asan)"
elif [ ${#objs[@]} = 0 ]; then
	skip "symbol edges: no objects in $OBJ (make all, or make ASAN=1 all, first)"
else
	# the check itself: a mime/ object that calls the engine is caught
	mkdir -p "$W/mime"
	printf 'void qf_msg_error(void);\nvoid qf_probe(void) { qf_msg_error(); }\n' >"$W/mime/probe.c"
	if cc -c -o "$W/mime/probe.o" "$W/mime/probe.c" 2>/dev/null; then
		edges "${objs[@]}" "$W/mime/probe.o" | grep -qx 'mime/probe -> engine: qf_msg_error' &&
			ok "symbol edges: a mime/ object calling qf_msg_error (engine/) is found" ||
			bad "symbol edges: a mime/ object calling qf_msg_error (engine/) is not found"
		# and the build refuses to make the library with it
		mkdir -p "$W/obj"
		if make -s OBJ="$W/obj" LIBOBJ="${objs[*]} $W/mime/probe.o" "$W/obj/libqf.a" >/dev/null 2>"$W/make.err"; then
			bad "make builds the library with a mime/ object that calls qf_msg_error (engine/)"
		elif grep -q 'layers: a lower layer uses a higher one: mime/probe -> engine: qf_msg_error' "$W/make.err"; then
			ok "make refuses the library with a mime/ object that calls qf_msg_error (engine/), and says why"
		else
			bad "make fails on the probe object, but not for its layer"; sed 's/^/#   /' "$W/make.err" | head -5
		fi
	else
		bad "symbol edges: the probe object does not compile"
	fi
	# folders still listed as UP_ may reach up until they are gone
	allowed=$(sed -n 's/^UP_\([a-z]*\) = .*/\1/p' Makefile | paste -sd'|')
	up=$(edges "${objs[@]}")
	wrong=$(printf '%s\n' "$up" | grep -vE "^(${allowed:-.^})/" | grep .)
	printf '%s\n' "$up" | grep -E "^(${allowed:-.^})/" | sed 's/^/# still reaching up (symbol): /'
	if [ -n "$wrong" ]; then
		bad "symbol edges: objects use symbols of a higher layer"
		printf '%s\n' "$wrong" | sed 's/^/#   /'
	else
		ok "symbol edges: no object uses a higher layer's symbol (${#objs[@]} objects, ${allowed:-no} exception)"
	fi
fi
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
