# gen.py: the messages of the differential test (run.py), from a fixed
# seed: hostile MIME structures, each hiding a small PE (or a name that
# ends in .exe) one way, and ordinary mail, clean or with a plain
# executable attachment. cases(seed) returns a list of
#   (name, kind, bytes)
# kind: "hostile" (readers may disagree about it), "ordinary" (a
# structure mailers send: qfilter must not call it ambiguous).
import base64, binascii, quopri, random, struct


def pe(lfanew=0x80, size=512):
    """A minimal PE: DOS header, e_lfanew -> "PE\\0\\0" + COFF machine
    (the samples' generators use this one too)."""
    b = bytearray(size)
    b[0:2] = b'MZ'
    struct.pack_into('<HHHH', b, 2, 0x90, 3, 0, 4)
    struct.pack_into('<I', b, 0x3c, lfanew)
    b[lfanew:lfanew + 4] = b'PE\0\0'
    struct.pack_into('<H', b, lfanew + 4, 0x14c)
    return bytes(b)


PE = pe()
PDF = b'%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n' * 8
TXT = b'Hello,\n\nthe report is attached.\n\n-- \nSender\n'


def b64(data, width=76):
    s = base64.b64encode(data)
    return b'\n'.join(s[i:i + width] for i in range(0, len(s), width)) + b'\n'


def qp(data):
    return quopri.encodestring(data)


def uu(name, data):
    out = b'begin 644 ' + name + b'\n'
    for i in range(0, len(data), 45):
        out += binascii.b2a_uu(data[i:i + 45])
    return out + b'`\nend\n'


BINHEX_ALPHABET = b"!\"#$%&'()*+,-012345689@ABCDEFGHIJKLMNPQRSTUVXYZ[`abcdefhijklmpqr"


XX = b'+-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'


def xx_lines(data):
    """xxencode's lines (45 bytes each, the length char first) and the empty line."""
    out = b''
    for i in range(0, len(data), 45):
        c = data[i:i + 45]
        out += XX[len(c):len(c) + 1]
        for j in range(0, len(c), 3):
            g = c[j:j + 3] + b'\0\0'
            for v in (g[0] >> 2, (g[0] << 4 | g[1] >> 4) & 63, (g[1] << 2 | g[2] >> 6) & 63, g[2] & 63):
                out += XX[v:v + 1]
        out += b'\n'
    return out + b'+\n'


def _rle90(d):
    out, i = bytearray(), 0
    while i < len(d):
        c, n = d[i], 1
        while i + n < len(d) and d[i + n] == c and n < 255:
            n += 1
        lit = b'\x90\x00' if c == 0x90 else bytes([c])
        if n >= 3:
            out += lit + bytes([0x90, n])
            i += n
        else:
            out += lit
            i += 1
    return bytes(out)


def binhex(name, data):
    """BinHex 4.0 (RFC 1741): header, data fork, empty resource fork,
    each with its CRC; run-length coded, six bits a letter."""
    h = bytes([len(name)]) + name + b'\0' + b'APPL????' + b'\0\0' + struct.pack('>II', len(data), 0)
    s = (h + struct.pack('>H', binascii.crc_hqx(h, 0)) + data +
         struct.pack('>H', binascii.crc_hqx(data, 0)) + struct.pack('>H', 0))
    bits = ''.join('{:08b}'.format(x) for x in _rle90(s))
    bits += '0' * (-len(bits) % 6)
    enc = b':' + bytes(BINHEX_ALPHABET[int(bits[i:i + 6], 2)] for i in range(0, len(bits), 6)) + b':'
    return (b'(This file must be converted with BinHex 4.0)\n' +
            b'\n'.join(enc[i:i + 64] for i in range(0, len(enc), 64)) + b'\n')


def yenc(name, data, line=128):
    lines, cur = [], bytearray()
    for x in data:
        c = (x + 42) & 0xff
        if c in (0, 10, 13, 61):
            cur += b'=' + bytes([(c + 64) & 0xff])
        else:
            cur.append(c)
        if len(cur) >= line:
            lines.append(bytes(cur))
            cur = bytearray()
    if cur:
        lines.append(bytes(cur))
    return (b'=ybegin line=%d size=%d name=%s\n' % (line, len(data), name) + b'\n'.join(lines) +
            b'\n=yend size=%d crc32=%08x\n' % (len(data), binascii.crc32(data)))


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.out = []
        self.n = 0

    def boundary(self):
        r = self.r
        return r.choice([
            b'=_b%d' % r.randrange(10 ** 6),
            b'----=_NextPart_000_%04X_01D9%04X.%08X' % (r.randrange(65536), r.randrange(65536),
                                                       r.randrange(1 << 32)),
            b'------------%024d' % r.randrange(10 ** 20),
            b'Apple-Mail=_%08X-%04X' % (r.randrange(1 << 32), r.randrange(65536)),
            b'b1_%032x' % r.getrandbits(128),
        ])

    def top(self, subj, extra=b''):
        return (b'Received: from client by mx (diff)\nFrom: Sender <s@example.net>\n'
                b'To: r@example.com\nSubject: ' + subj + b'\nDate: Sat, 21 Nov 2026 10:00:00 +0000\n'
                b'Message-ID: <%d@example.net>\nMIME-Version: 1.0\n' % self.r.randrange(10 ** 9) + extra)

    def add(self, kind, name, data, eol=None):
        if eol is None:
            eol = b'\n'
        if eol != b'\n':
            data = data.replace(b'\n', eol)
        self.n += 1
        self.out.append(('%03d-%s' % (self.n, name), kind, data))

    def exe_name(self):
        return self.r.choice([b'tool.exe', b'invoice.pdf', b'setup.scr', b'photo.jpg', b'readme.txt'])

    def attach(self, data, name=None, ctype=b'application/octet-stream', enc=b'base64'):
        name = name or self.exe_name()
        body = b64(data) if enc == b'base64' else qp(data) if enc == b'quoted-printable' else data
        return (b'Content-Type: ' + ctype + b'; name="' + name + b'"\n'
                b'Content-Disposition: attachment; filename="' + name + b'"\n'
                b'Content-Transfer-Encoding: ' + enc + b'\n\n' + body)

    def text(self, body=TXT, ctype=b'text/plain; charset=us-ascii'):
        return b'Content-Type: ' + ctype + b'\n\n' + body

    def multipart(self, subj, parts, b=None, kind=b'mixed', close=True, preamble=b'This is MIME.\n',
                  ctype=None, extra=b''):
        b = b or self.boundary()
        ct = ctype if ctype is not None else b'Content-Type: multipart/' + kind + b'; boundary="' + b + b'"\n'
        s = self.top(subj, extra + ct) + b'\n' + preamble
        for p in parts:
            s += b'--' + b + b'\n' + p
            if not s.endswith(b'\n'):
                s += b'\n'
        if close:
            s += b'--' + b + b'--\n'
        return s

    def sub(self, parts, b=None, kind=b'mixed'):
        """A multipart as a part: its headers and body."""
        b = b or self.boundary()
        s = b'Content-Type: multipart/' + kind + b'; boundary="' + b + b'"\n\n'
        for p in parts:
            s += b'--' + b + b'\n' + p
            if not s.endswith(b'\n'):
                s += b'\n'
        return s + b'--' + b + b'--\n'


def ordinary(g):
    r = g.r
    for i in range(30):
        eol = r.choice([b'\n', b'\n', b'\r\n'])
        shape = i % 10
        att = r.choice([PDF, b'\x89PNG\r\n\x1a\n' + bytes(r.randrange(256) for _ in range(300))])
        if shape == 0:
            g.add('ordinary', 'plain', g.top(b'plain', b'Content-Type: text/plain; charset=utf-8\n'
                                          b'Content-Transfer-Encoding: 8bit\n') + b'\nGr\xc3\xbc\xc3\x9fe\n' + TXT, eol)
        elif shape == 1:
            g.add('ordinary', 'mixed-pdf', g.multipart(b'report', [g.text(), g.attach(PDF, b'report.pdf', b'application/pdf')]), eol)
        elif shape == 2:
            alt = g.sub([g.text(), b'Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n' +
                         qp(b'<html><body><p>Hello =\xc3\xa9</p>' + b'x' * 100 + b'</body></html>\n')], kind=b'alternative')
            g.add('ordinary', 'alternative', g.multipart(b'alt', [alt, g.attach(att, b'scan.png', b'image/png')]), eol)
        elif shape == 3:
            inner = g.multipart(b'inner', [g.text(), g.attach(att, b'a.pdf', b'application/pdf')])
            g.add('ordinary', 'forward', g.multipart(b'fwd', [g.text(), b'Content-Type: message/rfc822\n'
                                                             b'Content-Disposition: inline\n\n' + inner]), eol)
        elif shape == 4:
            # RFC 2231 and RFC 2047 names, folded Content-Type, unquoted boundary
            b = g.boundary().replace(b'=', b'x')
            ct = b'Content-Type: multipart/mixed;\n\tboundary=' + b + b'\n'
            p = (b'Content-Type: application/pdf;\n name="=?UTF-8?B?' + base64.b64encode('Bericht-\u00e4.pdf'.encode()) +
                 b'?="\nContent-Disposition: attachment;\n filename*=UTF-8\'\'Bericht-%C3%A4.pdf\n'
                 b'Content-Transfer-Encoding: base64\n\n' + b64(PDF))
            g.add('ordinary', 'intl-names', g.multipart(b'intl', [g.text(), p], b=b, ctype=ct), eol)
        elif shape == 5:
            g.add('ordinary', 'exe-plain', g.multipart(b'exe', [g.text(), g.attach(PE, b'tool.exe')]), eol)
        elif shape == 6:
            g.add('ordinary', 'exe-qp', g.multipart(b'exeqp', [g.text(), g.attach(PE, b'tool.bin', enc=b'quoted-printable')]), eol)
        elif shape == 7:
            rel = g.sub([b'Content-Type: text/html\n\n<img src="cid:a">\n',
                         b'Content-Type: image/png\nContent-ID: <a>\nContent-Transfer-Encoding: base64\n\n' + b64(att)],
                        kind=b'related')
            g.add('ordinary', 'related', g.multipart(b'rel', [rel]), eol)
        elif shape == 8:
            d = g.multipart(b'digest', [b'\nSubject: one\n\nfirst\n', b'\nSubject: two\n\nsecond\n'], kind=b'digest')
            g.add('ordinary', 'digest', d, eol)
        else:
            msg = (b'From sender@example.net Sat Nov 21 10:00:00 2026\n' +
                   g.top(b'mbox', b'Content-Type: text/plain;\n charset="iso-8859-1";\n format=flowed\n') +
                   b'\n' + TXT + b'---------- separator line\n-- \n')
            g.add('ordinary', 'mbox-from', msg, eol)

    # text that looks encoded and is not a program
    words = TXT * 20
    for body in (b'The log:\n' + b64(words) + b'\nbye\n', b'begin 644 notes.txt\n' + uu(b'notes.txt', words).split(b'\n', 1)[1],
                 b'begin 644 notes.txt\n' + xx_lines(words) + b'end\n',
                 b'-----BEGIN PGP MESSAGE-----\n\nhQEMA5o1GvDUt0zlAQf/Tm9ucy1wcm9ncmFtIFBHUCBkYXRh\n=Xy1z\n-----END PGP MESSAGE-----\n'):
        g.add('ordinary', 'text-encoded', g.top(b'x', b'Content-Type: text/plain\n') + b'\n' + body)


def hostile(g):
    r = g.r
    exe = lambda name=None: g.attach(PE, name)

    def mp(name, parts, **kw):
        g.add('hostile', name, g.multipart(name.encode(), parts, **kw))

    # --- header lines that are not headers, before or between structural ones
    for junk in (b'X-Junk no colon here', b'Bad\x80Name: v', b'Bad\0Name: v', b'>From x', b'Na me: v', b': empty name'):
        b = g.boundary()
        ct = b'Content-Type: multipart/mixed;\n boundary="' + b + b'"\n'
        g.add('hostile', 'junk-before-ct', g.top(b'junk', junk + b'\n' + ct) + b'\n' +
              b'--' + b + b'\n' + exe() + b'--' + b + b'--\n')
        g.add('hostile', 'junk-in-part', g.multipart(b'junk', [g.text(),
              b'Content-Type: application/octet-stream\n' + junk + b'\nContent-Transfer-Encoding: base64\n\n' + b64(PE)]))
        g.add('hostile', 'junk-part-first', g.multipart(b'junk', [
              junk + b'\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n' + b64(PE)]))
    # a multipart whose first delimiter follows its headers with no empty line
    b = g.boundary()
    g.add('hostile', 'no-empty-line', g.top(b'x', b'Content-Type: multipart/mixed; boundary="' + b + b'"\n') +
          b'--' + b + b'\n' + exe() + b'--' + b + b'--\n')
    inner = g.boundary()
    mp('no-empty-line-inner', [g.text(), b'Content-Type: multipart/mixed; boundary="' + inner + b'"\n--' + inner + b'\n' +
                              exe() + b'--' + inner + b'--\n'])
    # --- bare CR line ends
    for where in ('all', 'delims', 'part-headers', 'crlf-mix'):
        b = g.boundary()
        m = g.multipart(b'cr', [g.text(), exe()], b=b)
        if where == 'all':
            m = m.replace(b'\n', b'\r')
        elif where == 'delims':
            m = m.replace(b'\n--' + b, b'\r--' + b).replace(b'--' + b + b'\n', b'--' + b + b'\r')
        elif where == 'part-headers':
            m = m.replace(b'"\nContent-Disposition', b'"\rContent-Disposition').replace(
                b'Content-Transfer-Encoding: base64\n\n', b'Content-Transfer-Encoding: base64\r\r')
        else:
            m = m.replace(b'\n', b'\r\n', 7)
        g.add('hostile', 'cr-' + where, m)
    # delimiter lines ending in bare CR inside an otherwise LF message
    b = g.boundary()
    g.add('hostile', 'cr-hidden-delim', g.multipart(b'x', [g.text(TXT + b'\r--' + b + b'\r' + exe().replace(b'\n', b'\r'))], b=b))
    # --- structural headers longer than any cap
    b = g.boundary()
    for n in (5000, 9000, 70000):
        g.add('hostile', 'long-param-%d' % n, g.top(b'x', b'Content-Type: multipart/mixed; x-pad="' + b'a' * n +
              b'"; boundary="' + b + b'"\n') + b'\n--' + b + b'\n' + exe() + b'--' + b + b'--\n')
        mp('long-cte-%d' % n, [g.text(), b'Content-Type: application/octet-stream\nContent-Transfer-Encoding:' +
                              b' ' * n + b'base64\n\n' + b64(PE)])
    g.add('hostile', 'folded-blank', g.top(b'x', b'Content-Type: multipart/mixed;' + b'\n ' * 200 +
          b'\n boundary="' + b + b'"\n') + b'\n--' + b + b'\n' + exe() + b'--' + b + b'--\n')
    g.add('hostile', 'folded-blank-tabs', g.top(b'x', b'Content-Type: multipart/mixed;' + b'\n\t' * 5 +
          b'\n boundary="' + b + b'"\n') + b'\n--' + b + b'\n' + exe() + b'--' + b + b'--\n')
    g.add('hostile', 'nul-in-ct', g.top(b'x', b'Content-Type: multipart/mixed; x="a\0b"; boundary="' + b + b'"\n') +
          b'\n--' + b + b'\n' + exe() + b'--' + b + b'--\n')
    g.add('hostile', 'nul-in-boundary', g.top(b'x', b'Content-Type: multipart/mixed; boundary="' + b + b'\0x"\n') +
          b'\n--' + b + b'\n' + exe() + b'--' + b + b'--\n')
    mp('nul-in-cte', [g.text(), b'Content-Type: application/octet-stream\nContent-Transfer-Encoding: base\x0064\n\n' + b64(PE)])
    mp('nul-in-cte-after', [g.text(), b'Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\0x\n\n' + b64(PE)])
    # --- delimiters and boundaries
    b = g.boundary()
    for tail in (b',', b'x', b' junk', b'--junk', b'\t'):
        s = g.top(b'x', b'Content-Type: multipart/mixed; boundary="' + b + b'"\n') + b'\n'
        s += b'--' + b + b'\n' + g.text(b'hello\n') + b'--' + b + tail + b'\n' + exe() + b'--' + b + b'--\n'
        g.add('hostile', 'delim-tail', s)
        s = g.top(b'x', b'Content-Type: multipart/mixed; boundary="' + b + tail.strip() + b'"\n') + b'\n'
        s += b'--' + b + b'\n' + exe() + b'--' + b + b'--\n'
        g.add('hostile', 'delim-prefix', s)
    for bb, line in ((b'=?us-ascii?q?B1?=', b'B1'), (b'=?us-ascii?q?B1?=', b'=?us-ascii?q?B1?=')):
        s = g.top(b'x', b'Content-Type: multipart/mixed; boundary="' + bb + b'"\n') + b'\n'
        s += b'--' + line + b'\n' + exe() + b'--' + line + b'--\n'
        g.add('hostile', 'boundary-2047', s)
    for ct in (b'multipart/mixed; (c) boundary="B2"', b'multipart/mixed (c); boundary="B2"',
               b'multipart/mixed; boundary=(c)"B2"', b'multipart/mixed; boundary="B2" (x); boundary="B3"',
               b'multipart/mixed; boundary="B2 "', b'multipart/mixed; boundary=B2 ', b'multipart/mixed; boundary="B2"; boundary="B3"',
               b'multipart/mixed; boundary="B3"; boundary="B2"', b'multipart/mixed; BOUNDARY="B2"; boundary="B3"',
               b'multipart/mixed; boundary*0="B"; boundary*1="2"', b'multipart/mixed; boundary*=us-ascii\'\'B%32',
               b'multipart/mixed; boundary=\'B2\'', b'multipart/mixed; boundary="B\\2"', b'multipart/mixed; boundary=B2;',
               b'multipart/mixed;; boundary=B2', b'multipart/mixed; boundary = "B2"', b'multipart/mixed; boundary="B2"x'):
        s = g.top(b'x', b'Content-Type: ' + ct + b'\n') + b'\n--B3\n' + g.text(b'decoy\n') + b'--B3--\n'
        s += b'--B2\n' + exe() + b'--B2--\n'
        g.add('hostile', 'ct-params', s)
        s = g.top(b'x', b'Content-Type: ' + ct + b'\n') + b'\n--B2\n' + exe() + b'--B2--\n'
        g.add('hostile', 'ct-params-1', s)
    # two Content-Type or two Content-Transfer-Encoding headers
    s = g.top(b'x', b'Content-Type: text/plain\nContent-Type: multipart/mixed; boundary="B2"\n') + b'\n--B2\n' + exe() + b'--B2--\n'
    g.add('hostile', 'two-ct', s)
    s = g.top(b'x', b'Content-Type: multipart/mixed; boundary="B2"\nContent-Type: text/plain\n') + b'\n--B2\n' + exe() + b'--B2--\n'
    g.add('hostile', 'two-ct-rev', s)
    s = g.top(b'x', b'Content-Type: multipart/mixed; boundary="B1"\nContent-Type: multipart/mixed; boundary="B2"\n') + \
        b'\n--B1\n' + g.text(b'decoy\n') + b'--B1--\n--B2\n' + exe() + b'--B2--\n'
    g.add('hostile', 'two-boundaries', s)
    # the same two, differing only in the boundary's case
    s = g.top(b'x', b'Content-Type: multipart/mixed; boundary="b2"\nContent-Type: multipart/mixed; boundary="B2"\n') + \
        b'\n--b2\n' + g.text(b'decoy\n') + b'--B2\n' + exe() + b'--B2--\n--b2--\n'
    g.add('hostile', 'two-ct-case', s)
    for a, c in ((b'7bit', b'base64'), (b'base64', b'7bit'), (b'quoted-printable', b'base64'), (b'base64', b'base64')):
        mp('two-cte', [g.text(), b'Content-Type: application/octet-stream\nContent-Transfer-Encoding: ' + a +
                      b'\nContent-Transfer-Encoding: ' + c + b'\n\n' + (b64(PE) if b'base64' in (a, c) else qp(PE))])
    # --- transfer encodings, spelled every way
    for cte in (b'uue', b'x-uue', b'uuencode', b'x-uuencode', b'"base64"', b'x-base64', b'base\n 64', b'BASE64',
                b' base64 ', b'base64 (c)', b'(c) base64', b'base64;', b'b\tase64', b'base-64', b'"quoted-printable"',
                b'x-quoted-printable', b'quoted-\n printable', b'Base64\n ', b'base64 base64'):
        if b'uu' in cte:
            body = uu(b'tool.bin', PE)
        elif b'quoted' in cte:
            body = qp(PE)
        else:
            body = b64(PE)
        mp('cte-spelling', [g.text(), b'Content-Type: application/octet-stream\nContent-Transfer-Encoding: ' + cte + b'\n\n' + body])
    # --- parts after the close delimiter, multiparts without a boundary
    b = g.boundary()
    s = g.multipart(b'x', [g.text()], b=b) + b'--' + b + b'\n' + exe() + b'--' + b + b'--\n'
    g.add('hostile', 'after-close', s)
    inner = g.boundary()
    s = g.multipart(b'x', [g.sub([g.text()], b=inner) + b'--' + inner + b'\n' + exe() + b'--' + inner + b'--\n'], b=b)
    g.add('hostile', 'after-inner-close', s)
    for ct in (b'multipart/mixed', b'multipart/mixed boundary="B2"', b'multipart/mixed; boundary=""',
               b'multipart/mixed; boundary', b'multipart/mixed, boundary="B2"', b'multipart/mixed: boundary="B2"',
               b'multipart/mixed boundary=B2'):
        s = g.top(b'x', b'Content-Type: ' + ct + b'\n') + b'\n--B2\n' + exe() + b'--B2--\n'
        g.add('hostile', 'no-boundary', s)
    # --- blocks inside text parts, as readers decode them
    for blk in (uu(b'tool.exe', PE), binhex(b'tool.exe', PE), binhex(b'tool.bin', PE), yenc(b'tool.exe', PE),
                yenc(b'tool.bin', PE, 64)):
        g.add('hostile', 'text-block', g.top(b'x', b'Content-Type: text/plain\n') + b'\nhello\n\n' + blk + b'\nbye\n')
        mp('text-block-part', [g.text(b'hello\n' + blk)])
        mp('text-block-b64', [b'Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n' + b64(b'hi\n' + blk)])
    # --- names for ban-ext: every name a reader might save under
    benign = b'just some text\n'
    for head in (b'Content-Type: application/octet-stream; name="tool.exe"\nContent-Disposition: attachment; filename="tool.txt"\n',
                 b'Content-Type: application/octet-stream; name="tool.txt"\nContent-Disposition: attachment; filename="tool.exe"\n',
                 b'Content-Type: application/octet-stream\nContent-Disposition: attachment; filename="tool.txt"; filename="tool.exe"\n',
                 b'Content-Type: application/octet-stream\nContent-Disposition: attachment; filename="tool.exe"; filename="tool.txt"\n',
                 b'Content-Type: application/octet-stream\nContent-Disposition: attachment; filename="tool.txt"; filename*=utf-8\'\'tool.exe\n',
                 b'Content-Type: application/octet-stream\nContent-Disposition: attachment; filename*=utf-8\'\'tool.exe; filename="tool.txt"\n',
                 b'Content-Type: application/octet-stream\nContent-Disposition: attachment; filename="tool.txt"\nContent-Disposition: attachment; filename="tool.exe"\n',
                 b'Content-Type: application/octet-stream\nContent-Disposition: attachment; filename="tool.exe"\nContent-Disposition: attachment; filename="tool.txt"\n',
                 b'Content-Type: application/octet-stream; name="tool.txt"; name="tool.exe"\n',
                 b'Content-Type: application/octet-stream; name="tool.txt"\nContent-Type: application/octet-stream; name="tool.exe"\n',
                 b'Content-Type: application/octet-stream; name*0="tool."; name*1="exe"\n',
                 b'Content-Type: application/octet-stream\nContent-Disposition: attachment; filename*0="tool."; filename*1="exe"\n',
                 b'Content-Type: application/octet-stream\nContent-Disposition: attachment; filename="=?utf-8?q?tool=2Eexe?="\n',
                 b'Content-Type: application/octet-stream\nContent-Disposition: attachment; filename=tool.exe\n',
                 b'Content-Type: application/octet-stream\nContent-Disposition: attachment; filename="tool.exe."\n',
                 b'Content-Type: application/octet-stream\nContent-Disposition: attachment; filename="tool.EXE"\n',
                 b'Content-Type: application/octet-stream\nContent-Disposition: attachment; filename="tool.exe";\n\tfilename="a.txt"\n',
                 b'Content-Type: application/octet-stream\nContent-Disposition: attachment; (c) filename="tool.exe"\n',
                 b'Content-Type: application/octet-stream\nContent-Disposition: attachment; filename="tool.txt"(c)filename="tool.exe"\n',
                 b'Content-Type: application/octet-stream\nContent-Disposition: attachment; name="tool.exe"\n'):
        mp('name', [g.text(), head + b'\n' + benign])
    # --- deeper structures, damaged encodings, mixed line ends
    m = g.multipart(b'leaf', [g.text(), exe()])
    for depth in (1, 3, 8, 28, 40):
        for _ in range(depth):
            m = g.top(b'wrap', b'Content-Type: message/rfc822\n') + b'\n' + m
        g.add('hostile', 'rfc822-deep-%d' % depth, m)
        m = g.multipart(b'leaf', [g.text(), exe()])
    inner = g.multipart(b'inner', [g.text(), exe()])
    for enc in (b'base64', b'quoted-printable'):
        body = b64(inner) if enc == b'base64' else qp(inner)
        mp('rfc822-encoded', [g.text(), b'Content-Type: message/rfc822\nContent-Transfer-Encoding: ' + enc + b'\n\n' + body])
    raw = base64.b64encode(PE)
    for name, body in (('junk', b'\n'.join(raw[i:i + 60] + b'*!' for i in range(0, len(raw), 60)) + b'\n'),
                       ('nopad', raw.rstrip(b'=') + b'\n'),
                       ('spaces', b' '.join(raw[i:i + 4] for i in range(0, len(raw), 4)) + b'\n'),
                       ('one-line', raw + b'\n'),
                       ('midpad', raw[:40] + b'==\n' + raw[40:] + b'\n'),
                       ('short-lines', b'\n'.join(raw[i:i + 3] for i in range(0, len(raw), 3)) + b'\n')):
        mp('b64-' + name, [g.text(), b'Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n' + body])
    q = qp(PE)
    mp('qp-exe', [g.text(), b'Content-Type: application/octet-stream\nContent-Transfer-Encoding: quoted-printable\n\n' + q])
    mp('qp-exe-lower', [g.text(), b'Content-Type: application/octet-stream\nContent-Transfer-Encoding: quoted-printable\n\n' + q.lower()])
    mp('qp-text-exe', [b'Content-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\n' + q])
    mp('no-close', [g.text(), exe()], close=False)
    inner = g.boundary()
    mp('no-close-inner', [b'Content-Type: multipart/mixed; boundary="' + inner + b'"\n\n--' + inner + b'\n' + exe()])
    for eol in (b'\r\n', b'\n'):
        g.add('hostile', 'crlf', g.multipart(b'crlf', [g.text(), exe()]), eol)
    g.add('hostile', 'partial', g.top(b'part 1', b'Content-Type: message/partial; id="abc@example.net"; number=1; total=2\n') +
          b'\n' + g.top(b'tool', b'Content-Type: application/octet-stream; name="tool.exe"\nContent-Transfer-Encoding: base64\n') +
          b'\n' + b64(PE)[:80])
    g.add('hostile', 'digest-default', g.multipart(b'digest', [b'\n' + g.top(b'in', b'Content-Type: multipart/mixed; boundary="I1"\n') +
          b'\n--I1\n' + exe() + b'--I1--\n'], kind=b'digest'))
    g.add('hostile', 'single-exe', g.top(b'x', b'Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n') +
          b'\n' + b64(PE))
    g.add('hostile', 'text-exe-top', g.top(b'x', b'Content-Transfer-Encoding: base64\n') + b'\n' + b64(PE))
    # random mutations of an ordinary carrier, for what the list above forgot
    for i in range(60):
        b = g.boundary()
        m = bytearray(g.multipart(b'mut', [g.text(), exe(b'tool.bin')], b=b))
        for _ in range(r.randrange(1, 4)):
            at = r.randrange(len(m))
            op = r.randrange(6)
            if op == 0:
                m[at:at] = r.choice([b'\r', b'\0', b'\x80', b'(', b'"', b';', b' ', b'\n', b'\n\n', b'--', b'\n--' + b])
            elif op == 1:
                del m[at:at + r.randrange(1, 8)]
            elif op == 2:
                line = m.find(b'\n', at)
                if line > 0:
                    m[line + 1:line + 1] = r.choice([b'Content-Type: text/plain\n', b'Content-Transfer-Encoding: 7bit\n',
                                                      b'X: y\n', b'junk\n', b'Content-Type: multipart/mixed; boundary=Z\n'])
            elif op == 3:
                m = bytearray(bytes(m).replace(b'Content-Transfer-Encoding', r.choice([b'Content-transfer-encoding',
                                                                                      b'Content-Transfer-Encoding ', b'Content-Transfer-Encodin'])))
            elif op == 4:
                m = bytearray(bytes(m).replace(b'"' + b + b'"', r.choice([b + b' ', b'"' + b + b'";', b + b'(x)', b'"' + b[:-1] + b'"'])))
            else:
                m[at:at] = b'\n'
        g.add('hostile', 'mutant', bytes(m))
    # --- (red team) a multipart read as one part: with an encoding, or a
    # boundary that never comes; Content-Types that readers guess at
    for sub in (b'mixed', b'alternative', b'x'):
        inner = g.boundary()
        mp('multipart-b64-' + sub.decode(), [g.text(), b'Content-Type: multipart/' + sub + b'; boundary="' + inner +
                                            b'"\nContent-Transfer-Encoding: base64\n\n' + b64(PE)])
    for ct in (b'multipart/; boundary="%s"', b'; boundary="%s"', b'"multipart/mixed"; boundary="%s"',
               b'x-multipart/mixed; boundary="%s"', b'multipart; boundary="%s"'):
        b = g.boundary()
        g.add('hostile', 'odd-top-ct', g.top(b'odd ct', b'Content-Type: ' + (ct % b) + b'\n') + b'\n' +
              b'--' + b + b'\n' + exe() + b'--' + b + b'--\n')

    # --- uuencode as readers take it, xxencode, bare base64 runs
    ul = uu(b'tool.exe', PE).split(b'\n', 1)[1]
    for begin in (b'BEGIN 644 tool.exe', b'begin  644  tool.exe', b'begin tool.exe', b'Begin 644 tool.exe'):
        g.add('hostile', 'uu-begin', g.top(b'x', b'Content-Type: text/plain\n') + b'\nhello\n\n' + begin + b'\n' + ul)
    g.add('hostile', 'xx', g.top(b'x', b'Content-Type: text/plain\n') + b'\nhello\n\nbegin 644 tool.exe\n' +
          xx_lines(PE) + b'end\n')
    bare = b64(PE)
    g.add('hostile', 'b64run-nonmime', g.top(b'x').replace(b'MIME-Version: 1.0\n', b'') + b'\n' + bare)
    g.add('hostile', 'b64run-text', g.top(b'x', b'Content-Type: text/plain\n') + b'\nhere it is:\n' + bare + b'\nbye\n')
    mp('b64run-part', [g.text(), g.text(bare)])
    mp('b64run-octet', [g.text(), b'Content-Type: application/octet-stream; name="setup.b64"\n\n' + bare])
    mp('b64run-hdrline', [g.text(), b'Content-Type: application/octet-stream; name="a.dat"\n'
                          b'Content-Transfer-Encoding: base64\n\nX-Junk: 1\n\n' + bare])
    mp('b64run-cte', [g.text(), b'Content-Type: application/octet-stream\nContent-Transfer-Encoding: b64\n\n' + bare])


def cases(seed=19):
    g = Gen(seed)
    ordinary(g)
    hostile(g)
    ordinary(g)
    return g.out


if __name__ == '__main__':
    import os, sys
    os.makedirs(sys.argv[1], exist_ok=True)
    for name, kind, data in cases():
        with open(os.path.join(sys.argv[1], name + '.eml'), 'wb') as f:
            f.write(data)
