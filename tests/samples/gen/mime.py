# Samples of the MIME walk and the exe, types and size filters that are
# binary, big or repetitive: executables in every encoding, zip archives
# (nested, encrypted, bombs), hostile MIME structure.
# usage: mime.py OUTDIR   (the sample runner's @GEN@)
import base64, binascii, io, os, quopri, random, struct, sys, tarfile, zipfile, zlib

out = sys.argv[1]
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'diff'))
import gen as diffgen  # the differential test's PE builder, BinHex and yEnc encoders


def w(name, data):
    with open(os.path.join(out, name), 'wb') as f:
        f.write(data if isinstance(data, bytes) else data.encode('latin-1'))


pe = diffgen.pe   # a minimal PE: DOS header, e_lfanew -> "PE\0\0" + COFF machine


PE = pe()
# a DOS .EXE without a PE header: 320 bytes, 64-byte header, "mov ax,4c01; int 21h"
DOS = bytearray(320)
struct.pack_into('<2sHHHHHHHHHHHH', DOS, 0, b'MZ', 320, 1, 0, 4, 0, 0xffff, 0, 0xb8, 0, 0, 0, 0x40)
DOS[64:69] = b'\xb8\x01\x4c\xcd\x21'
DOS = bytes(DOS)
# e_lfanew beyond the 8 KB head, DOS fields zeroed: only the copy on disk shows the PE
FAR = bytearray(pe(lfanew=0x10000, size=0x10200))
FAR[2:0x3c] = bytes(0x3a)
FAR = bytes(FAR)


def hdr(subj, extra=''):
    return ('Received: from client by mx (qfilter samples)\nFrom: Sender <sender@example.net>\n'
            'To: rcpt@example.com\nSubject: %s\nDate: Sat, 21 Nov 2026 10:00:00 +0000\n'
            'Message-ID: <%s@example.net>\nMIME-Version: 1.0\n%s' % (subj, subj.replace(' ', '.'), extra))


def b64(data):
    return base64.encodebytes(data).decode()


def multipart(subj, parts, boundary='=_b1', kind='mixed'):
    s = hdr(subj) + 'Content-Type: multipart/%s; boundary="%s"\n\npreamble\n' % (kind, boundary)
    for head, body in parts:
        s += '--%s\n%s\n%s\n' % (boundary, head, body)
    return s + '--%s--\n' % boundary


def attach(ctype, name, data, enc='base64'):
    head = 'Content-Type: %s; name="%s"\nContent-Disposition: attachment; filename="%s"\n' % (ctype, name, name)
    if enc == 'base64':
        return head + 'Content-Transfer-Encoding: base64\n', b64(data)
    return head + 'Content-Transfer-Encoding: quoted-printable\n', quopri.encodestring(data).decode('latin-1')


TEXT = ('text/plain; charset=us-ascii', 'see attached\n')


def text_part():
    return 'Content-Type: %s\n' % TEXT[0], TEXT[1]


def zip_of(files, method=zipfile.ZIP_DEFLATED):
    z = io.BytesIO()
    with zipfile.ZipFile(z, 'w', method) as zf:
        for name, data in files:
            zf.writestr(name, data)
    return z.getvalue()


# ---- raw zip writing, for what zipfile cannot make: encryption, shared data ----

def raw_zip(entries):
    """entries: (name, stored bytes, method, crc, uncompressed size, flags)"""
    body, cd = b'', b''
    for name, data, method, crc, usize, flags in entries:
        n = name.encode()
        off = len(body)
        body += struct.pack('<IHHHHHIIIHH', 0x04034b50, 20, flags, method, 0, 0x21,
                            crc, len(data), usize, len(n), 0) + n + data
        cd += struct.pack('<IHHHHHHIIIHHHHHII', 0x02014b50, 20, 20, flags, method, 0, 0x21,
                          crc, len(data), usize, len(n), 0, 0, 0, 0, 0, off) + n
    return body + cd + struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, len(entries), len(entries),
                                   len(cd), len(body), 0)


def deflate_stream(chunks):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    out, crc, size = [], 0, 0
    for chunk in chunks:
        out.append(c.compress(chunk))
        crc = zlib.crc32(chunk, crc)
        size += len(chunk)
    out.append(c.flush())
    return b''.join(out), crc, size


CRC_TABLE = []
for i in range(256):
    c = i
    for _ in range(8):
        c = (c >> 1) ^ 0xEDB88320 if c & 1 else c >> 1
    CRC_TABLE.append(c)


def zipcrypto(data, password, crc):
    """Traditional PKWARE encryption (APPNOTE 6.1) of stored data."""
    k = [0x12345678, 0x23456789, 0x34567890]

    def update(b):
        k[0] = CRC_TABLE[(k[0] ^ b) & 0xff] ^ (k[0] >> 8)
        k[1] = ((k[1] + (k[0] & 0xff)) * 134775813 + 1) & 0xffffffff
        k[2] = CRC_TABLE[(k[2] ^ (k[1] >> 24)) & 0xff] ^ (k[2] >> 8)

    for b in password:
        update(b)
    rnd = random.Random(7)
    plain = bytes(rnd.randrange(256) for _ in range(11)) + bytes([crc >> 24]) + data
    enc = bytearray()
    for p in plain:
        t = (k[2] | 2) & 0xffff
        enc.append(p ^ (((t * (t ^ 1)) >> 8) & 0xff))
        update(p)
    return bytes(enc)


def encrypted_zip(name, data, password=b'secret'):
    crc = zlib.crc32(data)
    return raw_zip([(name, zipcrypto(data, password, crc), 0, crc, len(data), 1)])


# ---- executables in every encoding ----
w('mime-exe-b64.eml', multipart('exe b64', [text_part(), attach('application/octet-stream', 'tool.exe', PE)]))
w('mime-exe-qp.eml', multipart('exe qp', [text_part(), attach('application/octet-stream', 'tool.exe', PE, 'qp')]))
w('mime-dos.eml', multipart('dos', [attach('application/octet-stream', 'old.com', DOS)]))
w('mime-exe-far.eml', multipart('far pe', [attach('application/octet-stream', 'far.exe', FAR)]))
w('mime-exe-as-jpg.eml', multipart('exe as jpg', [attach('image/jpeg', 'photo.jpg', PE)]))
uu = 'begin 644 run.exe\n' + ''.join(binascii.b2a_uu(PE[i:i + 45]).decode().replace(' ', '`')
                                     for i in range(0, len(PE), 45)) + '`\nend\n'
w('mime-exe-uu-cte.eml', hdr('exe x-uuencode') + 'Content-Type: application/octet-stream\n'
  'Content-Transfer-Encoding: x-uuencode\n\n' + uu)
w('mime-exe-uu-qp.eml', hdr('exe uu in qp') + 'Content-Type: text/plain\n'
  'Content-Transfer-Encoding: quoted-printable\n\nhere=20it is=\n\n\n' + uu.replace('=', '=3D'))
w('mime-exe-begin-base64.eml', hdr('exe begin-base64') + 'Content-Type: text/plain\n\nhere:\n'
  'begin-base64 644 run.exe\n' + b64(PE) + '====\nbye\n')

# base64 cut at odd places, blank lines and trailing blanks between, CRLF here and there
enc = base64.b64encode(PE).decode()
rnd = random.Random(1)
lines, i = [], 0
while i < len(enc):
    n = rnd.choice([1, 3, 7, 13, 64, 76, 99])
    lines.append(enc[i:i + n] + rnd.choice(['', ' ', '\t', '\r']))
    if rnd.random() < 0.1:
        lines.append('')
    i += n
head, _ = attach('application/octet-stream', 'odd.exe', PE)
w('mime-exe-b64-odd.eml', multipart('exe b64 odd lines', [(head, '\n'.join(lines) + '\n')]))
# base64 with junk between: decoded as a mail reader would, damage noted
junk = ''.join(c + ('!' if k % 9 == 0 else '') for k, c in enumerate(enc))
w('mime-exe-b64-junk.eml', multipart('exe b64 junk', [(head, junk + '\n')]))
# CRLF line ends throughout
w('mime-exe-crlf.eml', multipart('exe crlf', [text_part(), attach('application/octet-stream', 'tool.exe', PE)])
  .replace('\n', '\r\n'))

# ---- executables inside structure ----
inner = multipart('inner', [attach('application/x-msdownload', 'x.exe', PE)], '=_inner')
w('mime-exe-nested.eml', multipart('exe nested', [text_part(), ('Content-Type: message/rfc822\n', inner)]))
w('mime-exe-digest.eml', multipart('exe digest', [('', inner)], '=_d', 'digest'))
w('mime-exe-unclosed.eml', hdr('exe unclosed') + 'Content-Type: multipart/mixed; boundary="u"\n\n--u\n'
  + '\n'.join(attach('application/octet-stream', 'cut.exe', PE)) + '\n')
w('mime-exe-zip.eml', multipart('exe zip', [attach('application/zip', 'a.zip', zip_of([('readme.txt', 'hi\n'), ('setup.exe', PE)]))]))
w('mime-exe-zip-nested.eml', multipart('exe zip nested', [attach('application/zip', 'outer.zip', zip_of([
    ('docs/readme.txt', 'hi\n'), ('inner.zip', zip_of([('deep/setup.exe', PE)], zipfile.ZIP_STORED))]))]))

# ---- zip archives that cannot be inspected ----
w('mime-zip-encrypted.eml', multipart('zip encrypted', [text_part(), attach('application/zip', 'secret.zip', encrypted_zip('setup.exe', PE))]))
w('mime-zip-ban-ext.eml', multipart('zip ban ext', [attach('application/zip', 'a.zip', zip_of([('readme.scr', 'harmless\n')]))]))
# one entry of 64 MB of zeros: only its head is inflated
data, crc, size = deflate_stream(bytes(1 << 20) for _ in range(64))
w('mime-zip-bomb-flat.eml', multipart('zip bomb flat', [attach('application/zip', 'flat.zip', raw_zip([('zeros.bin', data, 8, crc, size, 0)]))]))
# 42.zip's shape: 16 x 16 x 16 x 100 MB; the nested archives run into the inflated-bytes limit
data, crc, size = deflate_stream(bytes(100 << 20) for _ in range(1))
level = raw_zip([('%02d.bin' % k, data, 8, crc, size, 0) for k in range(16)])
for depth in range(2):
    data, crc, size = deflate_stream([level])
    level = raw_zip([('%d-%02d.zip' % (depth, k), data, 8, crc, size, 0) for k in range(16)])
w('mime-zip-bomb.eml', multipart('zip bomb', [attach('application/zip', 'bomb.zip', level)]))
w('mime-zip-many.eml', multipart('zip many entries', [attach('application/zip', 'many.zip',
    raw_zip([('f%05d.txt' % k, b'', 0, 0, 0, 0) for k in range(10001)]))]))

# ---- types ----
w('mime-pe-plain.eml', multipart('pe plain', [attach('application/octet-stream', 'program.bin', PE)]))
w('mime-gif.eml', multipart('gif', [attach('image/gif', 'dot.gif', b'GIF89a\x01\x00\x01\x00\x00\x00\x00;')]))
t = io.BytesIO()
with tarfile.open(fileobj=t, mode='w', format=tarfile.USTAR_FORMAT) as tf:
    info = tarfile.TarInfo('notes.txt')
    info.size = 3
    tf.addfile(info, io.BytesIO(b'hi\n'))
w('mime-tar.eml', multipart('tar', [attach('application/octet-stream', 'backup.bin', t.getvalue())]))
w('mime-pdf-as-text.eml', multipart('pdf as text', [attach('text/plain', 'notes.txt', b'%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n')]))
w('mime-ext-encoded.eml', multipart('ext encoded', [text_part(),
  ('Content-Type: text/plain; name="=?utf-8?b?dG9vbC5leGU=?="\n', 'harmless\n')]))
w('mime-ext-trailing.eml', multipart('ext trailing', [
  ('Content-Type: text/plain\nContent-Disposition: attachment; filename="TOOL.EXE. "\n', 'harmless\n')]))

# ---- size and structure ----
w('mime-part-2k.eml', multipart('part 2k', [text_part(), attach('application/octet-stream', 'data.bin', bytes(range(256)) * 8)]))
# 40,000 bytes: decoded for its first 8 KB, only counted after (the walk
# counts base64 past a part's head when no filter reads further)
w('mime-part-40000.eml', multipart('part 40000', [text_part(), attach('application/octet-stream', 'data.bin', bytes(range(256)) * 156 + bytes(64))]))
w('mime-parts-1000.eml', hdr('1000 parts') + 'Content-Type: multipart/mixed; boundary=p\n\n'
  + ''.join('--p\n\n%d\n' % k for k in range(1000)) + '--p--\n')
w('mime-parts-1001.eml', hdr('1001 parts') + 'Content-Type: multipart/mixed; boundary=p\n\n'
  + ''.join('--p\n\n%d\n' % k for k in range(1001)) + '--p--\n')
w('mime-deep.eml', hdr('deep') + ''.join('Content-Type: multipart/mixed; boundary="d%d"\n\n--d%d\n' % (k, k)
                                        for k in range(200)) + 'Content-Type: text/plain\n\nbottom\n')
w('mime-depth-4.eml', hdr('depth 4') + ''.join('Content-Type: multipart/mixed; boundary="d%d"\n\n--d%d\n' % (k, k)
                                              for k in range(4)) + 'Content-Type: text/plain\n\nbottom\n')

# ---- message/rfc822 sent in base64 (RFC 2046 forbids it; readers open it) ----
w('mime-exe-rfc822-b64.eml', multipart('exe rfc822 b64', [text_part(),
  ('Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n', b64(inner.encode()))]))
msg = inner
for k in range(12):
    msg = hdr('level %d' % k) + 'Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n' + b64(msg.encode())
w('mime-rfc822-b64-deep.eml', msg)

# Archives that lie about sizes (issue 17.2): the local header and the
# central directory declare more uncompressed bytes than the entry holds;
# Python's zipfile and unzip extract the whole program all the same.
def lying_zip(data, more, method=zipfile.ZIP_DEFLATED):
    z = bytearray(zip_of([('a.exe', data)], method))
    size = struct.unpack_from('<I', z, 22)[0]
    new = min(size + more, 0xffffffff)
    struct.pack_into('<I', z, 22, new)
    cd = z.find(b'PK\1\2')
    struct.pack_into('<I', z, cd + 24, new)
    return bytes(z)

BIGPE = pe(size=4096)
for tag, more, method in [('1', 1, zipfile.ZIP_DEFLATED), ('100', 100, zipfile.ZIP_DEFLATED),
                          ('10g', 10 << 30, zipfile.ZIP_DEFLATED), ('stored', 1, zipfile.ZIP_STORED)]:
    w('mime-zip-lie-%s.eml' % tag, multipart('zip lies', [text_part(), attach('application/zip', 'a.zip', lying_zip(BIGPE, more, method))]))
# the same lie about a harmless entry: nothing found, but not all of it read
w('mime-zip-lie-clean.eml', multipart('zip lies', [text_part(), attach('application/zip', 'a.zip',
    bytes((lambda z: (struct.pack_into('<I', z, 22, struct.unpack_from('<I', z, 22)[0] + 1),
                      struct.pack_into('<I', z, z.find(b'PK\1\2') + 24, struct.unpack_from('<I', z, 22)[0]), z)[2])(
        bytearray(zip_of([('notes.txt', b'plain words\n' * 300)])))))]))
# a zip cut short: the end of its data and its central directory are gone
w('mime-zip-truncated.eml', multipart('zip truncated', [text_part(), attach('application/zip', 'a.zip',
    zip_of([('notes.txt', bytes(range(256)) * 64)], zipfile.ZIP_STORED)[:9000])]))
# a harmless text attachment that is only named like a program
w('mime-fake-exe-name.eml', multipart('fake exe', [text_part(), attach('application/octet-stream', 'readme.exe', b'just words, not a program\n' * 20)]))

# Structures that readers could read otherwise than the walk (AMBIGUOUS
# MIME in qfilter.conf(5)); each hides the PE behind the ambiguity.
def amb(name, top_extra, part_headers):
    body = ('--=_b1\nContent-Type: text/plain\n\nhello\n--=_b1\n' + part_headers +
            '\n' + b64(PE) + '--=_b1--\n')
    w(name, (hdr('ambiguous') + top_extra + 'Content-Type: multipart/mixed; boundary="=_b1"\n\n' + body).encode('latin-1'))
amb('mime-amb-two-ct.eml', '', 'Content-Type: text/plain\nContent-Type: application/octet-stream; name="t.exe"\nContent-Transfer-Encoding: base64\n')
amb('mime-amb-two-cte.eml', '', 'Content-Type: application/octet-stream; name="t.exe"\nContent-Transfer-Encoding: 7bit\nContent-Transfer-Encoding: base64\n')
amb('mime-amb-no-colon.eml', '', 'Content-Type: application/octet-stream; name="t.exe"\nX-Junk no colon here\nContent-Transfer-Encoding: base64\n')
amb('mime-amb-bare-cr.eml', '', 'Content-Type: application/octet-stream; name="t.exe"\rX-Other: 1\nContent-Transfer-Encoding: base64\n')
amb('mime-amb-nul.eml', '', 'Content-Type: application/octet-stream; name="t.exe"\nContent-Transfer-Encoding: base\x0064\n')
amb('mime-amb-long.eml', '', 'Content-Type: application/octet-stream; x="' + 'a' * 9000 + '"; name="t.exe"\nContent-Transfer-Encoding: base64\n')

# ---- what mail readers could read two ways (issue 19), and blocks in text ----
exe_att = attach('application/octet-stream', 'tool.bin', PE)
w('mime-ambiguous-bare-cr.eml', multipart('bare cr', [text_part(), exe_att]).replace('\n', '\r'))
w('mime-ambiguous-nul.eml', hdr('nul', 'Content-Type: multipart/mixed; x="a\0b"; boundary="n1"\n') +
  '\n--n1\n%s\n%s--n1--\n' % exe_att)
w('mime-ambiguous-long-header.eml', multipart('long cte', [text_part(),
  ('Content-Type: application/octet-stream\nContent-Transfer-Encoding:' + ' ' * 9000 + 'base64\n', b64(PE))]))
w('mime-exe-binhex.eml', hdr('binhex', 'Content-Type: text/plain\n') + '\nThe tool, in BinHex:\n\n' +
  diffgen.binhex(b'tool.exe', PE).decode() + '\nbye\n')
w('mime-exe-yenc.eml', hdr('yenc', 'Content-Type: text/plain\n') + '\nThe tool, in yEnc:\n\n' +
  diffgen.yenc(b'tool.exe', PE).decode('latin-1') + '\nbye\n')
w('mime-exe-uue.eml', multipart('uue', [text_part(),
  ('Content-Type: application/octet-stream\nContent-Transfer-Encoding: uue\n',
   diffgen.uu(b'tool.bin', PE).decode())]))

# ---- uuencode as readers take it, xxencode, bare base64 runs (red team) ----
def uu_lines(data):
    return ''.join(binascii.b2a_uu(data[i:i + 45]).decode().replace(' ', '`') for i in range(0, len(data), 45))


def xx_lines(data):
    return diffgen.xx_lines(data).decode()


def plain(subj, body):
    return hdr(subj, 'Content-Type: text/plain\n') + '\n' + body


w('mime-exe-uu-upper.eml', plain('uu BEGIN', 'The tool:\n\nBEGIN 644 tool.exe\n' + uu_lines(PE) + '`\nEND\n'))
w('mime-exe-uu-spaces.eml', plain('uu spaces', 'The tool:\n\nbegin  644  tool.exe\n' + uu_lines(PE) + '`\nend\n'))
w('mime-exe-uu-nomode.eml', plain('uu no mode', 'The tool:\n\nbegin tool.exe\n' + uu_lines(PE) + '`\nend\n'))
w('mime-exe-xx.eml', plain('xx', 'The tool:\n\nbegin 644 tool.exe\n' + xx_lines(PE) + 'end\n'))
B64PE = base64.b64encode(PE).decode()
w('mime-exe-b64run-nonmime.eml', hdr('bare base64').replace('MIME-Version: 1.0\n', '') + '\n' + b64(PE))
w('mime-exe-b64run-text.eml', multipart('bare base64 in text', [text_part(),
  ('Content-Type: text/plain\n', 'Here it is:\n' + b64(PE) + '\nbye\n')]))
w('mime-exe-b64run-oneline.eml', plain('base64 one line', 'Here it is:\n' + base64.b64encode(pe(size=4096)).decode() + '\n'))
w('mime-exe-b64run-short.eml', plain('base64 short lines', 'Here it is:\n' +
  ''.join(B64PE[i:i + 4] + '\n' for i in range(0, len(B64PE), 4))))
w('mime-exe-b64run-zip.eml', plain('base64 zip', 'Here it is:\n' + b64(zip_of([('tool.exe', PE)]))))
w('mime-exe-b64-octet.eml', multipart('base64 text attached', [text_part(),
  ('Content-Type: application/octet-stream; name="setup.b64"\n'
   'Content-Disposition: attachment; filename="setup.b64"\n', b64(PE))]))
w('mime-exe-b64-hdrline.eml', multipart('base64 after a header line', [text_part(),
  ('Content-Type: application/octet-stream; name="a.dat"\nContent-Transfer-Encoding: base64\n',
   'X-Junk: 1\n\n' + b64(PE))]))
# not programs: base64 text, a PGP block, uuencoded and xxencoded text files
TXT = b'Minutes of the meeting.\n' * 40
w('mime-b64run-clean.eml', plain('clean base64-looking text',
  'Tokens for the test systems:\nTWFueSBoYW5kcyBtYWtlIGxpZ2h0IHdvcms\nQWxhZGRpbjpvcGVuIHNlc2FtZQ==\n\n'
  'The log, in base64:\n' + b64(TXT) + '\n'
  '-----BEGIN PGP MESSAGE-----\n\nhQEMA5o1GvDUt0zlAQf/Tm9ucy1wcm9ncmFtIFBHUCBkYXRhIGZvciB0aGUgdGVzdA\n'
  'yv66notMachOjustText0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH\n=Xy1z\n-----END PGP MESSAGE-----\n\n'
  'begin 644 notes.txt\n' + uu_lines(TXT) + '`\nend\n\nbegin 644 notes2.txt\n' + xx_lines(TXT) + 'end\n'
  'Begin the meeting at ten.\nTVs were on.\nThe end.\n'))
