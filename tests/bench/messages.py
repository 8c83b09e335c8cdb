#!/usr/bin/python3
"""messages.py DIR: writes the benchmark's messages into DIR, LF line ends
as qmail hands them over, and DKIM-signs a copy of each (python3-dkim,
rsa-sha256, relaxed/relaxed, selector "bench" of example.net):

  2k.eml   about 2 KB of plain text
  50k.eml  about 50 KB: a short text part and one base64 attachment (a PDF)
  5m.eml   about 5 MB: the same with a 3.6 MB attachment
  arch.eml about 2.8 MB: a short text part, a 1 MB 7z and a 1 MB zip (each
           a few incompressible files and some text), for the archive walk
  *-signed.eml the same messages, signed
  empty.eml    a few header lines and one body line (start-up cost)
  env          the envelope: sender@example.net -> rcpt@example.com
  keys/priv.pem, keys/dkim.keys (a `dkim-keys` file)

Every byte is deterministic but the key, which is made fresh (openssl)."""
import base64
import os
import random
import subprocess
import sys

import dkim

d = sys.argv[1]
os.makedirs(os.path.join(d, 'keys'), exist_ok=True)
priv = os.path.join(d, 'keys', 'priv.pem')
subprocess.run(['openssl', 'genrsa', '-out', priv, '2048'], check=True, stderr=subprocess.DEVNULL)
der = subprocess.run(['openssl', 'rsa', '-in', priv, '-pubout', '-outform', 'DER'],
                     check=True, capture_output=True).stdout
with open(os.path.join(d, 'keys', 'dkim.keys'), 'w') as f:
    f.write('bench._domainkey.example.net v=DKIM1; k=rsa; p=%s\n' % base64.b64encode(der).decode())
key = open(priv, 'rb').read()


def w(name, data):
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


def header(subject):
    return ('Received: from client.example.org (client.example.org [192.0.2.7])\n'
            '\tby mx.example.com with SMTP; Sun, 22 Nov 2026 10:00:00 +0000\n'
            'From: Alice Sender <sender@example.net>\n'
            'To: Bob Recipient <rcpt@example.com>\n'
            'Subject: %s\n'
            'Date: Sun, 22 Nov 2026 10:00:00 +0000\n'
            'Message-ID: <bench.%s@example.net>\n'
            'MIME-Version: 1.0\n' % (subject, subject.replace(' ', '.')))


rng = random.Random(8)
words = ('the quarterly figures are attached and we would like your comments '
         'before the meeting on thursday please check the totals in section '
         'three as they differ from last year by a small margin').split()


def prose(size):
    out, line = [], []
    n = 0
    while n < size:
        wd = rng.choice(words)
        line.append(wd)
        n += len(wd) + 1
        if sum(len(x) + 1 for x in line) > 66:
            out.append(' '.join(line))
            line = []
    out.append(' '.join(line))
    return '\n'.join(out) + '\n'


def pdf(size):
    """Something libmagic calls application/pdf, with incompressible bulk."""
    head = (b'%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n' +
            b'3 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n' % size)
    tail = b'\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n'
    return head + rng.randbytes(size) + tail


def with_attachment(subject, size):
    b64 = base64.encodebytes(pdf(size)).decode()
    return (header(subject) +
            'Content-Type: multipart/mixed; boundary="=_bench_boundary"\n\n'
            'This is a multi-part message in MIME format.\n\n'
            '--=_bench_boundary\nContent-Type: text/plain; charset=us-ascii\n'
            'Content-Transfer-Encoding: 7bit\n\n' + prose(1200) +
            '\n--=_bench_boundary\nContent-Type: application/pdf; name="report.pdf"\n'
            'Content-Transfer-Encoding: base64\n'
            'Content-Disposition: attachment; filename="report.pdf"\n\n' + b64 +
            '\n--=_bench_boundary--\n').encode()


def archives():
    """A 1 MB 7z and a 1 MB zip, made with 7z from the same files."""
    import shutil, subprocess, tempfile
    t = tempfile.mkdtemp()
    try:
        names = []
        for k in range(4):
            names.append('data%d.bin' % k)
            with open(os.path.join(t, names[-1]), 'wb') as f:
                f.write(rng.randbytes(250 * 1024))
        names.append('notes.txt')
        with open(os.path.join(t, 'notes.txt'), 'w') as f:
            f.write(prose(20000))
        out = []
        for kind, name in (('7z', 'files.7z'), ('zip', 'files.zip')):
            subprocess.run(['7z', 'a', '-t' + kind, name] + names, cwd=t, check=True,
                           stdout=subprocess.DEVNULL)
            out.append((name, open(os.path.join(t, name), 'rb').read()))
        return out
    finally:
        shutil.rmtree(t)


def with_archives(subject):
    s = (header(subject) + 'Content-Type: multipart/mixed; boundary="=_bench_boundary"\n\n'
         '--=_bench_boundary\nContent-Type: text/plain; charset=us-ascii\n\n' + prose(1200))
    for name, data in archives():
        s += ('\n--=_bench_boundary\nContent-Type: application/octet-stream; name="%s"\n'
              'Content-Transfer-Encoding: base64\n'
              'Content-Disposition: attachment; filename="%s"\n\n' % (name, name) +
              base64.encodebytes(data).decode())
    return (s + '\n--=_bench_boundary--\n').encode()


msgs = {
    '2k': (header('bench 2k') + 'Content-Type: text/plain; charset=us-ascii\n\n' + prose(1650)).encode(),
    '50k': with_attachment('bench 50k', 36 * 1024),
    '5m': with_attachment('bench 5m', 3700 * 1024),
    'arch': with_archives('bench archives'),
}
for name, data in msgs.items():
    w(name + '.eml', data)
    crlf = data.replace(b'\n', b'\r\n')
    sig = dkim.sign(crlf, b'bench', b'example.net', key, canonicalize=(b'relaxed', b'relaxed'),
                    include_headers=[b'from', b'to', b'subject', b'date', b'message-id', b'mime-version',
                                     b'content-type'])
    signed = sig + crlf
    if not dkim.verify(signed, dnsfunc=lambda n, timeout=5: open(os.path.join(d, 'keys', 'dkim.keys')).read().split(' ', 1)[1].strip().encode()):
        sys.exit('messages.py: the signed %s does not verify' % name)
    w(name + '-signed.eml', signed.replace(b'\r\n', b'\n'))
w('empty.eml', (header('empty') + '\nhi\n').encode())
w('env', b'Fsender@example.net\0Trcpt@example.com\0\0')
