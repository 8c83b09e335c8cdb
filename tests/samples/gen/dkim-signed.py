# Signed samples for the dkim filter, made at test time by independent
# signers: dkimpy (DKIM: rsa-sha256, rsa-sha1, ed25519; simple, relaxed)
# and Mail::DKIM's dkimproxy-sign (DomainKeys: simple, nofws). Keys are
# made here with openssl (RSA and Ed25519).
# usage: /usr/bin/python3 dkim-signed.py OUTDIR (not "dkim.py": that would
# shadow the dkim module)
# Writes OUTDIR/dkim-*.eml, OUTDIR/dk-*.eml and OUTDIR/keys/keys, the
# dkim-keys file ("<selector>._domainkey.<domain> <TXT value>" lines)
# that the samples name as @KEYS@/keys; OUTDIR/keys/dnsmasq.conf serves
# the same records from a name server (t-dkim.sh).
import base64, os, subprocess, sys
import dkim

out = sys.argv[1]
kd = os.path.join(out, 'keys')
os.makedirs(kd, exist_ok=True)

def w(name, data):
    with open(os.path.join(out, name), 'wb') as f:
        f.write(data)

def rsa(name, bits):
    pem = os.path.join(kd, name + '.pem')
    subprocess.run(['openssl', 'genrsa', '-out', pem, str(bits)], check=True, capture_output=True)
    der = subprocess.run(['openssl', 'rsa', '-in', pem, '-pubout', '-outform', 'DER'],
                         check=True, capture_output=True).stdout
    return pem, open(pem, 'rb').read(), base64.b64encode(der).decode()

records = []   # (name, TXT value)
pem, key, pub = rsa('rsa', 2048)
records += [('rsa._domainkey.example.net', 'v=DKIM1; k=rsa; p=' + pub),
            ('dk._domainkey.example.net', 'k=rsa; p=' + pub),
            ('revoked._domainkey.example.net', 'v=DKIM1; k=rsa; p='),
            ('dkrevoked._domainkey.example.net', 'k=rsa; p=')]
tpem, tkey, tpub = rsa('testing', 1024)
records += [('testing._domainkey.example.net', 'v=DKIM1; k=rsa; t=y; p=' + tpub),
            ('dktesting._domainkey.example.net', 'k=rsa; t=y; p=' + tpub),
            ('garbled._domainkey.example.net', 'v=DKIM1; k=rsa; p=bm90IGEga2V5')]
spem, skey, spub = rsa('small', 512)
records.append(('small._domainkey.example.net', 'v=DKIM1; k=rsa; p=' + spub))
# Ed25519: dkimpy wants the raw 32-byte seed, DNS the raw 32-byte public
# key; both are the last 32 bytes of openssl's DER forms
edpem = os.path.join(kd, 'ed.pem')
subprocess.run(['openssl', 'genpkey', '-algorithm', 'ed25519', '-out', edpem], check=True, capture_output=True)
edder = subprocess.run(['openssl', 'pkey', '-in', edpem, '-outform', 'DER'], check=True, capture_output=True).stdout
edpub = subprocess.run(['openssl', 'pkey', '-in', edpem, '-pubout', '-outform', 'DER'],
                       check=True, capture_output=True).stdout
edkey = base64.b64encode(edder[-32:])
records.append(('ed._domainkey.example.net', 'v=DKIM1; k=ed25519; p=' + base64.b64encode(edpub[-32:]).decode()))
with open(os.path.join(kd, 'keys'), 'w') as f:
    f.write('# made by tests/samples/gen/dkim-signed.py\n')
    for n, v in records:
        f.write('%s %s\n' % (n, v))
with open(os.path.join(kd, 'dnsmasq.conf'), 'w') as f:
    for n, v in records:
        # dnsmasq splits a TXT value at commas into strings of <= 255 bytes
        parts = [v[i:i + 200] for i in range(0, len(v), 200)] or ['']
        f.write('txt-record=%s,%s\n' % (n, ','.join('"%s"' % p for p in parts)))

base = (b'Received: from client.example (client.example [192.0.2.1])\n\tby mx.test.example\n'
        b'From: Joe Sender <joe@example.net>\nTo: rcpt@example.com\n'
        b'Subject: a signed message\nDate: Sat, 21 Nov 2026 10:00:00 +0000\n'
        b'Message-ID: <signed.1@example.net>\nMIME-Version: 1.0\n'
        b'Content-Type: text/plain; charset=us-ascii\n\n'
        b'Hello,\n\n  this line starts with spaces\tand has a tab.\n'
        b'A line with trailing spaces   \n\n-- \nJoe\n\n\n')
HDRS = [b'from', b'to', b'subject', b'date', b'message-id']

def crlf(m):
    return m.replace(b'\n', b'\r\n')

def lf(m):
    return m.replace(b'\r\n', b'\n')

def sign(msg, sel, k, canon=(b'relaxed', b'relaxed'), alg=b'rsa-sha256', domain=b'example.net', **kw):
    d = dkim.DKIM(crlf(msg))
    sig = d.sign(sel, domain, k, canonicalize=canon, include_headers=HDRS, **kw) if alg == b'rsa-sha256' else \
        dkim.DKIM(crlf(msg), signature_algorithm=alg).sign(sel, domain, k, canonicalize=canon,
                                                            include_headers=HDRS, **kw)
    return lf(sig) + msg

w('dkim-pass-relaxed.eml', sign(base, b'rsa', key))
w('dkim-pass-simple.eml', sign(base, b'rsa', key, canon=(b'simple', b'simple')))
w('dkim-pass-sha1.eml', sign(base, b'rsa', key, alg=b'rsa-sha1', canon=(b'simple', b'relaxed')))
w('dkim-pass-ed25519.eml', sign(base, b'ed', edkey, alg=b'ed25519-sha256'))
good = sign(base, b'rsa', key)
w('dkim-fail-body.eml', good.replace(b'Joe\n', b'Jim\n'))
w('dkim-fail-header.eml', good.replace(b'Subject: a signed message', b'Subject: a changed message'))
w('dkim-permerror-nokey.eml', sign(base, b'missing', key))
w('dkim-permerror-revoked.eml', sign(base, b'revoked', key))
w('dkim-permerror-garbled.eml', sign(base, b'garbled', key))
w('dkim-permerror-expired.eml', good.replace(b'DKIM-Signature: v=1;', b'DKIM-Signature: v=1; x=1000000000;', 1))
# CVE-2020-12272: A-R syntax in d=, here with a key served for the odd name
w('dkim-permerror-oddname.eml', good.replace(b'd=example.net;', b'd=example.net(.attacker.example;', 1))
w('dkim-policy-smallkey.eml', sign(base, b'small', skey))
w('dkim-policy-partial.eml', sign(base, b'rsa', key, length=True) + b'Appended after signing: click here\n')
w('dkim-neutral-testing.eml', sign(base, b'testing', tkey).replace(b'Joe\n', b'Jim\n'))
# two signatures: one good, one without a published key
w('dkim-two.eml', lf(dkim.DKIM(crlf(good)).sign(b'missing', b'example.net', key, include_headers=HDRS)) + good)
many = base
for i in range(10):
    many = sign(many, b'rsa', key)
w('dkim-many.eml', many)
# signed by another domain than the From: domain (dkim-require)
w('dkim-pass-other-domain.eml', sign(base.replace(b'joe@example.net', b'joe@other.example'), b'rsa', key))

def dk(msg, sel, method, keypem=pem):
    r = subprocess.run(['dkimproxy-sign', '--type=domainkeys', '--method=' + method, '--algorithm=rsa-sha1',
                        '--selector=' + sel, '--domain=example.net', '--key=' + keypem],
                       input=msg, check=True, capture_output=True)
    return r.stdout + msg

dkbase = base.replace(b'Received: from client.example (client.example [192.0.2.1])\n\tby mx.test.example\n', b'')
w('dk-pass-simple.eml', dk(dkbase, 'dk', 'simple'))
w('dk-pass-nofws.eml', dk(dkbase, 'dk', 'nofws'))
w('dk-fail-simple.eml', dk(dkbase, 'dk', 'simple').replace(b'Joe\n', b'Jim\n'))
w('dk-fail-nofws.eml', dk(dkbase, 'dk', 'nofws').replace(b'Joe\n', b'Jim\n'))
# nofws ignores white space changes; simple does not
w('dk-pass-nofws-ws.eml', dk(dkbase, 'dk', 'nofws').replace(b'  this line', b' this  line'))
w('dk-neutral-testing.eml', dk(dkbase, 'dktesting', 'nofws', tpem).replace(b'Joe\n', b'Jim\n'))
w('dk-permerror-nokey.eml', dk(dkbase, 'missing', 'nofws'))
w('dk-permerror-revoked.eml', dk(dkbase, 'dkrevoked', 'nofws'))
w('dk-permerror-sender.eml', dk(dkbase.replace(b'joe@example.net', b'joe@other.example'), 'dk', 'nofws'))
w('dk-pass-sender.eml', dk(dkbase.replace(b'To: rcpt', b'Sender: list@lists.example.net\nTo: rcpt'), 'dk', 'simple'))
# a later relay's header above the signature is not signed, so it may change
w('dk-pass-received-above.eml', b'Received: from relay.example by mx.test.example\n' + dk(dkbase, 'dk', 'nofws'))
w('dk-and-dkim.eml', sign(dk(dkbase, 'dk', 'nofws'), b'rsa', key))
# a spool with CRLF line ends (bare LF is what qmail stores, but CRLF must work too)
w('dkim-pass-crlf.eml', crlf(sign(base, b'rsa', key, canon=(b'simple', b'simple'))))
w('dk-pass-crlf.eml', crlf(dk(dkbase, 'dk', 'simple')))
# bodies our own body hash leaves to libopendkim (filters/dkim_bodyhash.h):
# a bare CR in the body, a bare CR in the header block, no final line end
w('dkim-pass-barecr.eml', sign(base.replace(b'-- \nJoe', b'-- \rJoe'), b'rsa', key, canon=(b'simple', b'simple')))
w('dkim-pass-header-cr.eml', sign(base.replace(b'MIME-Version: 1.0\n', b'MIME-Version: 1.0\nX-Odd: a\rb\n'), b'rsa', key))
w('dkim-nofinal-simple.eml', sign(base.rstrip(b'\n'), b'rsa', key, canon=(b'simple', b'simple')))
w('dkim-nofinal-relaxed.eml', sign(base.rstrip(b'\n'), b'rsa', key))
# issue 22: l= equal to the canonicalized body length, the raw body longer
# only by what canonicalization removes (empty lines at the end, trailing
# WSP under relaxed): the whole body is signed (RFC 6376 §3.4.5)
w('dkim-pass-l-whole.eml', sign(base, b'rsa', key, length=True))
w('dkim-pass-l-whole-simple.eml', sign(base, b'rsa', key, canon=(b'simple', b'simple'), length=True))
# no final line end, a relaxed and a simple signature: both pass (§3.4.3,
# §3.4.4 add the CRLF; libopendkim alone failed both)
nofinal = base.rstrip(b'\n')
w('dkim-nofinal-two.eml', lf(dkim.DKIM(crlf(sign(nofinal, b'rsa', key, canon=(b'simple', b'simple')))).sign(
    b'rsa', b'example.net', key, canonicalize=(b'relaxed', b'relaxed'), include_headers=HDRS)) +
    sign(nofinal, b'rsa', key, canon=(b'simple', b'simple')))
w('dkim-nofinal-relaxed-l.eml', sign(nofinal, b'rsa', key, length=True))

# issue 21.8: valid signatures naming a query method we do not use, and a
# message without From: (signed before it was removed)
class QDKIM(dkim.DKIM):
    q = b'dns/txt'
    def gen_header(self, fields, *a, **kw):
        return super().gen_header([(k, self.q if k == b'q' else v) for k, v in fields], *a, **kw)

def qsign(msg, q):
    d = QDKIM(crlf(msg))
    d.q = q
    return lf(d.sign(b'rsa', b'example.net', key, include_headers=HDRS)) + msg

w('dkim-permerror-q-http.eml', qsign(base, b'http'))
w('dkim-permerror-q-option.eml', qsign(base, b'dns/odd'))
w('dkim-pass-q-list.eml', qsign(base, b'http:dns/txt'))   # unknown methods are ignored (§3.5)
w('dkim-permerror-nofrom.eml', good.replace(b'From: Joe Sender <joe@example.net>\n', b''))
# a tag given twice makes the tag-list invalid (RFC 6376 §3.2)
w('dkim-permerror-duptag.eml', good.replace(b'DKIM-Signature: v=1;', b'DKIM-Signature: v=1; q=dns/txt;', 1))
