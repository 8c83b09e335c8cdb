# Messages and DNS records for the spf and dmarc filters (and ARC chains),
# made at test time: DKIM signatures and ARC sets by dkimpy (python3-dkim,
# an independent signer), keys by openssl.
# usage: /usr/bin/python3 auth-signed.py OUTDIR
# Writes OUTDIR/auth-*.eml and OUTDIR/auth/dnsmasq.conf: the SPF, DMARC
# and key records that tests/lib/dns-start serves (the samples' `needs
# dns`, t-auth.sh). The client that SPF passes is 192.0.2.1.
import base64, os, subprocess, sys
import dkim

out = sys.argv[1]
kd = os.path.join(out, 'auth')
os.makedirs(kd, exist_ok=True)

def w(name, data):
    with open(os.path.join(out, name), 'wb') as f:
        f.write(data)

def rsa(name):
    pem = os.path.join(kd, name + '.pem')
    subprocess.run(['openssl', 'genrsa', '-out', pem, '1024'], check=True, capture_output=True)
    der = subprocess.run(['openssl', 'rsa', '-in', pem, '-pubout', '-outform', 'DER'],
                         check=True, capture_output=True).stdout
    return open(pem, 'rb').read(), base64.b64encode(der).decode()

key, pub = rsa('auth')
arckey, arcpub = rsa('arc')
txt = [
    ('auth._domainkey.example.net', 'v=DKIM1; k=rsa; p=' + pub),
    ('auth._domainkey.example.org', 'v=DKIM1; k=rsa; p=' + pub),
    ('arc._domainkey.lists.example.com', 'v=DKIM1; k=rsa; p=' + arcpub),
    # SPF
    ('example.net', 'v=spf1 ip4:192.0.2.1 -all'),
    ('mail.example.net', 'v=spf1 ip4:192.0.2.1 -all'),
    ('soft.example.net', 'v=spf1 ip4:192.0.2.1 ~all'),
    ('neutral.example.net', 'v=spf1 ?all'),
    ('bad.example.net', 'v=spf1 ip4:192.0.2.1 frobnicate -all'),
    ('toomany.example.net', 'v=spf1 ' + ' '.join('include:i%d.example.net' % i for i in range(1, 12))
     + ' ip4:192.0.2.1 -all'),
    ('voids.example.net', 'v=spf1 a:v1.example.net a:v2.example.net a:v3.example.net ip4:192.0.2.1 -all'),
    ('twovoids.example.net', 'v=spf1 a:v1.example.net a:v2.example.net ip4:192.0.2.1 -all'),
    ('mx.example.net', 'v=spf1 mx -all'),
    ('inc.example.net', 'v=spf1 include:example.net -all'),
    ('example.org', 'v=spf1 ip4:192.0.2.1 -all'),
    ('mail.example.org', 'v=spf1 ip4:192.0.2.1 -all'),
    ('sub.example.org', 'v=spf1 -all'),
    ('pct.example.com', 'v=spf1 -all'),
    ('badrec.example.com', 'v=spf1 -all'),
    ('two.example.com', 'v=spf1 -all'),
    ('lists.example.com', 'v=spf1 ip4:192.0.2.50 -all'),
    # DMARC
    ('_dmarc.example.net', 'v=DMARC1; p=reject'),
    ('_dmarc.example.org', 'v=DMARC1; p=quarantine; sp=none; aspf=s'),
    ('_dmarc.pct.example.com', 'v=DMARC1; p=reject; pct=0'),
    ('_dmarc.badrec.example.com', 'v=DMARC1; p=bogus'),
    ('_dmarc.two.example.com', 'v=DMARC1; p=reject'),
    ('_dmarc.two.example.com', 'v=DMARC1; p=none'),
] + [('i%d.example.net' % i, 'v=spf1 -all') for i in range(1, 12)]
with open(os.path.join(kd, 'dnsmasq.conf'), 'w') as f:
    for n, v in txt:
        parts = [v[i:i + 200] for i in range(0, len(v), 200)] or ['']
        f.write('txt-record=%s,%s\n' % (n, ','.join('"%s"' % p for p in parts)))
    f.write('mx-host=mx.example.net,mail-in.example.net,10\n')
    f.write('host-record=mail-in.example.net,192.0.2.5\n')
    f.write('host-record=nospf.example.net,192.0.2.7\n')

def msg(frm, subject=b'test'):
    return (b'Received: from client.example (client.example [192.0.2.1])\n\tby mx.test.example\n'
            b'From: Joe <' + frm + b'>\nTo: rcpt@example.com\nSubject: ' + subject +
            b'\nDate: Thu, 01 Jan 2026 00:00:00 +0000\nMessage-ID: <auth-' + frm + b'>\n\nHello.\n')

def sign(m, domain):
    sig = dkim.sign(m, b'auth', domain, key, canonicalize=(b'relaxed', b'relaxed'),
                    include_headers=[b'from', b'to', b'subject', b'date', b'message-id'])
    return sig.replace(b'\r\n', b'\n') + m

for name, frm in [('net', b'joe@example.net'), ('org', b'joe@example.org'), ('sub-org', b'joe@sub.example.org'),
                  ('com', b'joe@example.com'), ('pct', b'joe@pct.example.com'), ('badrec', b'joe@badrec.example.com'),
                  ('two', b'joe@two.example.com')]:
    w('auth-from-%s.eml' % name, msg(frm))
w('auth-signed-net.eml', sign(msg(b'joe@example.net'), b'example.net'))
w('auth-signed-other.eml', sign(msg(b'joe@example.com'), b'example.net'))
w('auth-two-from.eml', msg(b'joe@example.net').replace(b'From: Joe <joe@example.net>',
                                                        b'From: Joe <joe@example.net>, Ann <ann@example.org>'))

# A mailing list: the author's signed message gets a subject tag (which
# breaks the DKIM signature), the list seals what it saw (ARC, RFC 8617).
orig = sign(msg(b'joe@example.net'), b'example.net')
seen = b'Authentication-Results: lists.example.com; dkim=pass header.d=example.net; spf=pass smtp.mailfrom=example.net\n' + orig
listed = seen.replace(b'Subject: test', b'Subject: [list] test')
arcset = dkim.arc_sign(listed, b'arc', b'lists.example.com', arckey, b'lists.example.com',
                       include_headers=[b'from', b'to', b'subject', b'date', b'message-id'])
arc = b''.join(h.replace(b'\r\n', b'\n') for h in arcset) + listed
w('auth-arc-pass.eml', arc)
# ... and one changed after the list sealed it
w('auth-arc-fail.eml', arc.replace(b'\nHello.\n', b'\nHello, changed.\n'))
# ... one whose seal no longer matches the ARC-Authentication-Results
# it sealed (the AMS still does: AAR is not in its h=)
w('auth-arc-badseal.eml', arc.replace(b'dkim=pass header.d=example.net;\n  spf=pass', b'dkim=pass header.d=example.net;\n  spf=fail', 1))
# ... and a second hop that seals the first chain again (i=2, cv=pass)
hop2 = b'Authentication-Results: lists.example.com; arc=pass\n' + arc
arcset2 = dkim.arc_sign(hop2, b'arc', b'lists.example.com', arckey, b'lists.example.com',
                        include_headers=[b'from', b'to', b'subject', b'date', b'message-id'])
w('auth-arc-two.eml', b''.join(h.replace(b'\r\n', b'\n') for h in arcset2) + hop2)
