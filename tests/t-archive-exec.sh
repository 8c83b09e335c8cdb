#!/usr/bin/env bash
# The archive walk never runs a program on mail. libarchive falls back to
# an external lzop, lrzip, grzip (and gzip, xz, ... in a build without
# their library) when it lacks the codec; qfilter registers only the
# filters it has built in (archive_walk.c). Every compressor's signature,
# followed by a zip so that the walk hands the part to libarchive, goes
# through qfilter with a PATH whose decompressors only leave a mark.
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/lib/tap.sh"
BIN=${QF_BIN:-$root/bin}
W=$(mktemp -d "${TMPDIR:-/tmp}/qf-aexec.XXXXXX"); trap 'rm -rf "$W"' EXIT
export QQF_QMAILQUEUE=$root/tests/lib/recorder
printf 'Fs@example.net\0Tr@example.com\0\0' >"$W/env"
mkdir -p "$W/fake" "$W/marks" "$W/msg"
for p in lzop lrzip grzip gzip gunzip bzip2 xz lzma unxz lz4 zstd lzip compress uncompress \
	unzip 7z 7za bsdtar cabextract lzcat zcat; do
	printf '#!/bin/sh\ntouch "%s/%s"\ncat >/dev/null\n' "$W/marks" "$p" >"$W/fake/$p"
	chmod +x "$W/fake/$p"
done
/usr/bin/python3 - "$W/msg" <<'PY'
import base64, io, sys, zipfile
out = sys.argv[1]
pe = b'MZ' + b'\0' * 58 + b'\x80\0\0\0' + b'\0' * 64 + b'PE\0\0\x4c\x01' + b'\0' * 400
z = io.BytesIO()
with zipfile.ZipFile(z, 'w') as zf:
    zf.writestr('setup.exe', pe)
heads = {'lzop': b'\x89LZO\0\r\n\x1a\n\x10\x40\x20\xa0\x09\x40', 'lrzip': b'LRZI\0\6',
         'grzip': b'GRZipII\0\2\0:)', 'gzip': b'\x1f\x8b\x08\0', 'bzip2': b'BZh91AY&SY',
         'xz': b'\xfd7zXZ\0\0\4', 'lzma': b'\x5d\0\0\x80\0\xff\xff\xff\xff\xff\xff\xff\xff',
         'lz4': b'\x04\x22\x4d\x18\x64\x40\xa7', 'zstd': b'\x28\xb5\x2f\xfd\x24',
         'compress': b'\x1f\x9d\x90', 'lzip': b'LZIP\1\x0c', 'uu': b'begin 644 a.exe\n'}
for name, head in heads.items():
    data = head + b'\0' * 32 + z.getvalue()
    open('%s/%s.eml' % (out, name), 'w').write(
        'From: s@example.net\nTo: r@example.com\nSubject: %s\nMIME-Version: 1.0\n'
        'Content-Type: multipart/mixed; boundary="BB"\n\n--BB\nContent-Type: text/plain\n\nhi\n'
        '--BB\nContent-Type: application/octet-stream; name="a.%s"\n'
        'Content-Transfer-Encoding: base64\n\n%s--BB--\n'
        % (name, name, base64.encodebytes(data).decode()))
PY
# tag: an unchecked part does not stop the walk, so libarchive sees each
printf 'unchecked tag\n' >"$W/conf"
for m in "$W"/msg/*.eml; do
	n=$(basename "$m" .eml)
	PATH=$W/fake:$PATH QFILTER_CONF=$W/conf REC=$W/rec.$n "$BIN/qfilter-inprocess" <"$m" 1<"$W/env" 2>"$W/log.$n"
	echo "$?" >"$W/rc.$n"
done
check "no decompressor program was run for any of $(ls "$W/msg" | wc -l) compressor signatures" \
	bash -c '[ -z "$(ls -A "$1")" ] || { ls "$1"; exit 1; }' _ "$W/marks"
check "no message made qfilter fail (exit 0, 31 or 82 for each)" \
	bash -c 'for f in "$1"/rc.*; do case $(cat "$f") in 0|82|31) ;; *) echo "$f: $(cat "$f")"; exit 1;; esac; done' _ "$W"
check "each one's zip is still read by libarchive's own zip reader: setup.exe found in all" \
	bash -c 'for f in "$1"/log.*; do grep -q "reason=\"exe: PE executable setup.exe" "$f" || { echo "$f"; exit 1; }; done' _ "$W"
tap_summary
