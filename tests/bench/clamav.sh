#!/usr/bin/env bash
# clamav.sh: what a virus scan costs per message, at 50 KB and 5 MB (one
# attachment, tests/bench/messages.py), through clamd INSTREAM (unix
# socket, a test clamd from tests/lib/clamd-start) and with libclamav in
# process (clamav-db); and what libclamav costs a process at start.
#   tests/bench/clamav.sh        (run from anywhere; builds with make)
# Environment: RUNS (default 400; the 5 MB message gets RUNS/10), KEEP=1.
# Scans only (tests/bench/clamav_bench.c): the process start-up of qfilter
# itself is in tests/bench/run's rows.
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
RUNS=${RUNS:-400}
BIG=$((RUNS / 10)); [ "$BIG" -ge 3 ] || BIG=3
W=$(mktemp -d "${TMPDIR:-/tmp}/bench-clamav.XXXXXX")
cleanup() { tests/lib/clamd-stop "$W/clamd"; [ -n "$KEEP" ] || rm -rf "$W"; }
trap cleanup EXIT
make -s obj/std/filters/clamd.o obj/std/filters/clamav_lib.o >/dev/null || exit 1
cc -O2 -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -Ilib -Iqmail -Ifilters \
	-o "$W/clamav_bench" tests/bench/clamav_bench.c \
	obj/std/filters/clamd.o obj/std/filters/clamav_lib.o -ldl || exit 1
/usr/bin/python3 tests/bench/messages.py "$W/m" >/dev/null || { echo "clamav.sh: messages.py failed"; exit 1; }
tests/lib/clamd-start "$W/clamd" >/dev/null || { echo "clamav.sh: no test clamd"; exit 1; }
sock=$W/clamd/clamd.sock db=$W/clamd/db

echo "virus scan per message, ms (median / p90 / min; each run a different message, so"
echo "libclamav's cache of clean files does not help; database: $(cat "$db"/* | wc -l) signatures):"
printf '  %-28s %10s %10s\n' "" "50 KB" "5 MB"
row() { # row LABEL MODE ARG
	local a b
	a=$("$W/clamav_bench" "$2" "$3" "$W/m/50k.eml" "$RUNS" | tail -1) || a="failed"
	b=$("$W/clamav_bench" "$2" "$3" "$W/m/5m.eml" "$BIG" | tail -1) || b="failed"
	printf '  %-28s %10s %10s   (%s runs / %s runs)\n' "$1" "${a%% *}" "${b%% *}" "$RUNS" "$BIG"
	printf '  %-28s %s  |  %s\n' "" "$a" "$b"
}
row "clamd INSTREAM (unix socket)" clamd "unix:$sock"
row "libclamav in-process" lib "$db"
echo "libclamav start, once per process (dlopen, cl_init, cl_load, compile):" \
	"$("$W/clamav_bench" lib "$db" "$W/m/50k.eml" 1 | awk '/^open_ms/ { print $2 }') ms"

# instructions at start: a trivial program, the same linked with
# libclamav, and one that dlopen()s it and calls cl_init (what clamav-db
# costs qfilter; a qfilter without clamav-db pays nothing)
if command -v valgrind >/dev/null; then
	printf 'int main(void) { return 0; }\n' >"$W/triv.c"
	printf '#include <dlfcn.h>\nint main(void) { void *h = dlopen("libclamav.so.12", RTLD_NOW); int (*f)(unsigned) = (int (*)(unsigned))dlsym(h, "cl_init"); return !(h && f && f(0) == 0); }\n' >"$W/dl.c"
	cc -O2 -o "$W/triv" "$W/triv.c" && cc -O2 -o "$W/triv-clamav" "$W/triv.c" -Wl,--no-as-needed -lclamav &&
		cc -O2 -o "$W/dl" "$W/dl.c" -ldl || exit 1
	ir() { valgrind --tool=callgrind --callgrind-out-file="$W/cg.out" "$@" >/dev/null 2>&1; awk '/^summary:/ { printf "%.2f M", $2 / 1e6 }' "$W/cg.out"; }
	echo "start-up instructions (callgrind): trivial program $(ir "$W/triv"); linked with libclamav $(ir "$W/triv-clamav");" \
		"dlopen + cl_init $(ir "$W/dl")"
	# one in-process scan of 50 KB: 5 scans minus 1, over 4 (start-up cancels out)
	one=$(ir "$W/clamav_bench" lib "$db" "$W/m/50k.eml" 1) five=$(ir "$W/clamav_bench" lib "$db" "$W/m/50k.eml" 5)
	echo "instructions of one in-process scan of 50 KB (callgrind): $(awk -v a="${one% M}" -v b="${five% M}" 'BEGIN { printf "%.1f M", (b - a) / 4 }');" \
		"a process with libclamav open and one scan: $one"
fi
