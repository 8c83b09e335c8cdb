#!/usr/bin/env python3
"""Writes the clamav samples' messages into argv[1] (@GEN@).

They are made at test time so that the tree holds no test-virus files
for a desktop scanner to quarantine: EICAR as an attachment, EICAR in a
zip, and files of Debian's clamav-testfiles (every one of them holds the
same 544-byte clam.exe, which tests/lib/clamd-start's test.hdb knows)
attached as they come or wrapped in a zip. (tests/t-clamav.sh tries
every file of the package.)"""
import base64, io, os, sys, zipfile

out = sys.argv[1]
TESTFILES = '/usr/share/clamav-testfiles'
EICAR = b'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'


def header(subject):
    return ('Received: from client.example.net (client.example.net [192.0.2.7])\n'
            '  by mx.example.com (qfilter samples)\n'
            'From: Sender <sender@example.net>\nTo: rcpt@example.com\n'
            'Subject: %s\nDate: Sat, 21 Nov 2026 10:00:00 +0000\n'
            'Message-ID: <%s@example.net>\nMIME-Version: 1.0\n'
            % (subject, subject.replace(' ', '.')))


def attachment(name, data, ctype='application/octet-stream'):
    return ('Content-Type: %s; name="%s"\nContent-Transfer-Encoding: base64\n'
            'Content-Disposition: attachment; filename="%s"\n\n%s'
            % (ctype, name, name, base64.encodebytes(data).decode()))


def multipart(subject, parts, boundary='=_qf1'):
    s = header(subject) + 'Content-Type: multipart/mixed; boundary="%s"\n\n' % boundary
    s += '--%s\nContent-Type: text/plain; charset=us-ascii\n\nsee the attachment\n' % boundary
    for p in parts:
        s += '--%s\n%s' % (boundary, p)
    return s + '--%s--\n' % boundary


def zipped(name, data):
    z = io.BytesIO()
    with zipfile.ZipFile(z, 'w', zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(name, data)
    return z.getvalue()


def write(name, text):
    with open(os.path.join(out, name), 'w') as f:
        f.write(text)


write('clamav-eicar.eml', multipart('eicar', [attachment('eicar.com', EICAR)]))
write('clamav-eicar-zip.eml', multipart('eicar zip', [
    attachment('eicar.zip', zipped('eicar.com', EICAR), 'application/zip')]))
# EICAR in a forwarded message, inside a zip: mail, rfc822 and zip parsers
inner = multipart('inner', [attachment('e.zip', zipped('eicar.com', EICAR), 'application/zip')], '=_qf2')
write('clamav-eicar-nested.eml', header('eicar nested') +
      'Content-Type: multipart/mixed; boundary="=_qf1"\n\n--=_qf1\n'
      'Content-Type: text/plain\n\nforwarded\n--=_qf1\nContent-Type: message/rfc822\n\n'
      + inner + '--=_qf1--\n')

if os.path.isdir(TESTFILES):
    def testfile(name):
        with open(os.path.join(TESTFILES, name), 'rb') as f:
            return f.read()
    clam = testfile('clam.exe')
    write('clamav-clam-zip.eml', multipart('clam zip', [
        attachment('clam.zip', zipped('clam.exe', clam), 'application/zip')]))
    # the package's containers, attached as they are
    for name, ctype in (('clam.7z', 'application/x-7z-compressed'),
                        ('clam.cab', 'application/vnd.ms-cab-compressed'),
                        ('clam-upx.exe', 'application/octet-stream'),
                        ('clam.pdf', 'application/pdf'),
                        ('clam.ole.doc', 'application/msword'),
                        ('clam.tar.gz', 'application/gzip'),
                        ('clam.arj', 'application/x-arj')):
        slug = name.replace('.', '-').replace('_', '-')
        write('clamav-testfile-%s.eml' % slug, multipart(name, [attachment(name, testfile(name), ctype)]))
else:
    print('clamav.py: no %s (apt-get install clamav-testfiles)' % TESTFILES, file=sys.stderr)
    sys.exit(1)

