# gen.py: the messages of the DKIM differential test (tests/t-dkim-diff.sh).
# dkimpy (Debian's python3-dkim) signs N generated messages with varied
# options, a share is changed after signing, and dkimpy verifies each
# signature: its verdict is the reference qfilter is compared with.
# usage: /usr/bin/python3 gen.py OUTDIR SEED N   (the messages depend on
# SEED only; the keys are made afresh, which changes no verdict)
# Writes OUTDIR/NNNN.eml (LF or CRLF line ends, as a spool may hold),
# OUTDIR/keys (the dkim-keys file) and OUTDIR/manifest.json: per message
# its options and changes, per signature (top first) s=, the start of b=,
# c=, l=, the canonicalized body length and dkimpy's result.
import base64, json, logging, os, random, subprocess, sys
import dkim
from dkim.canonicalization import CanonicalizationPolicy

out, seed, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(out, exist_ok=True)
rnd = random.Random(seed)
DOMAIN = b'example.net'

def run(*a, **kw):
    return subprocess.run(list(a), check=True, capture_output=True, **kw).stdout

def rsa(bits):
    pem = os.path.join(out, 'rsa%d.pem' % bits)
    run('openssl', 'genrsa', '-out', pem, str(bits))
    der = run('openssl', 'rsa', '-in', pem, '-pubout', '-outform', 'DER')
    return open(pem, 'rb').read(), 'v=DKIM1; k=rsa; p=' + base64.b64encode(der).decode()

def ed25519():
    pem = os.path.join(out, 'ed.pem')
    run('openssl', 'genpkey', '-algorithm', 'ed25519', '-out', pem)
    priv = run('openssl', 'pkey', '-in', pem, '-outform', 'DER')
    pub = run('openssl', 'pkey', '-in', pem, '-pubout', '-outform', 'DER')
    # dkimpy wants the raw seed, DNS the raw public key: the last 32 bytes
    return base64.b64encode(priv[-32:]), 'v=DKIM1; k=ed25519; p=' + base64.b64encode(pub[-32:]).decode()

KEYS = {}   # selector -> (private key, algorithm, TXT value)
for bits in (1024, 2048):
    k, txt = rsa(bits)
    KEYS[b'r%d' % bits] = (k, b'rsa-sha256', txt)
k, txt = ed25519()
KEYS[b'ed'] = (k, b'ed25519-sha256', txt)
with open(os.path.join(out, 'keys'), 'w') as f:
    for sel, (_, _, txt) in KEYS.items():
        f.write('%s._domainkey.%s %s\n' % (sel.decode(), DOMAIN.decode(), txt))
TXT = {b'%s._domainkey.%s.' % (s, DOMAIN): t.encode() for s, (_, _, t) in KEYS.items()}

def dnsfunc(name, timeout=5):
    return TXT.get(name)

WORDS = ('alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi '
         'omicron pi rho sigma tau upsilon phi chi psi omega').split()

def words(n):
    return ' '.join(rnd.choice(WORDS) for _ in range(n)).encode()

def make_body(traits):
    kind = rnd.choice(['empty', 'text', 'text', 'text', 'ws', 'long', '8bit', 'blank-end', 'only-blank'])
    traits.append('body=' + kind)
    if kind == 'empty':
        return b''
    if kind == 'only-blank':
        return b'\n' * rnd.randint(1, 4)
    lines = []
    for _ in range(rnd.randint(1, 12)):
        if kind == 'ws' and rnd.random() < 0.5:
            lines.append(rnd.choice([b' ', b'\t', b'  \t']) + words(rnd.randint(1, 6)) +
                         rnd.choice([b'', b' ', b'\t', b'   ', b' \t ']) + b'  ' + words(2) +
                         rnd.choice([b' ', b'\t', b'  \t ']))
        elif kind == 'long' and rnd.random() < 0.4:
            lines.append(words(rnd.randint(150, 900)))
        elif kind == '8bit' and rnd.random() < 0.5:
            lines.append(words(3) + ' \u00e9t\u00e9 \u00fcber na\u00efve \u20ac'.encode() + bytes([0xff, 0xfe]))
        elif rnd.random() < 0.15:
            lines.append(b'')
        else:
            lines.append(words(rnd.randint(1, 14)))
    body = b'\n'.join(lines) + b'\n'
    if kind == 'blank-end' or rnd.random() < 0.2:
        body += b'\n' * rnd.randint(1, 3)
        traits.append('trailing-blank-lines')
    if rnd.random() < 0.15:
        body += rnd.choice([b' \n', b'\t\n', b'  \n\n \n'])
        traits.append('trailing-ws-lines')
    if rnd.random() < 0.15:
        body = body.rstrip(b'\n')
        traits.append('no-final-newline')
    return body

def make_headers(i, traits):
    subj = words(rnd.randint(1, 8))
    if rnd.random() < 0.15:
        subj += ' \u00e4\u00f6\u00fc'.encode()
        traits.append('8bit-header')
    h = [b'Received: from client.example (client.example [192.0.2.%d])\n\tby mx.test.example' % (i % 250 + 1),
         b'From: ' + rnd.choice([b'Joe Sender <joe@example.net>', b'joe@example.net', b'"Sender, Joe" <joe@example.net>']),
         b'To: ' + (b'one@example.com,\n\ttwo@example.com' if rnd.random() < 0.3 else b'rcpt@example.com'),
         b'Subject: ' + (subj + b'\n\t' + words(3) if rnd.random() < 0.3 else subj),
         b'Date: Sat, 21 Nov 2026 10:%02d:00 +0000' % (i % 60),
         b'Message-ID: <diff.%d@example.net>' % i]
    if rnd.random() < 0.2:
        h.append(b'X-Spaced:   value  with   spaces   ')
        traits.append('header-ws')
    if rnd.random() < 0.3:
        h.append(b'Subject: a second subject')
    h += [b'MIME-Version: 1.0', b'Content-Type: text/plain; charset=utf-8']
    return b'\n'.join(h) + b'\n'

def crlf(m):
    return m.replace(b'\r\n', b'\n').replace(b'\n', b'\r\n')

class QDKIM(dkim.DKIM):
    """dkimpy signs with q=dns/txt: this one signs another q= value"""
    q = b'dns/txt'
    def gen_header(self, fields, *a, **kw):
        return super().gen_header([(k, self.q if k == b'q' else v) for k, v in fields], *a, **kw)

def sign(msg, traits, n):
    sel = rnd.choice([b'r1024', b'r2048', b'r2048', b'ed'])
    key, alg, _ = KEYS[sel]
    canon = (rnd.choice([b'simple', b'relaxed']), rnd.choice([b'simple', b'relaxed']))
    hdrs = [b'from', b'to', b'subject', b'date', b'message-id']
    if rnd.random() < 0.25:   # oversigned: instances that are not there
        hdrs += [b'from', b'subject', b'reply-to']
        traits.append('sig%d-oversigned' % n)
    if rnd.random() < 0.2:
        hdrs.append(b'x-spaced')
    length = rnd.random() < 0.25
    traits.append('sig%d=%s/%s/%s/%s%s' % (n, sel.decode(), alg.decode(), canon[0].decode(),
                                           canon[1].decode(), '/l=' if length else ''))
    signer = QDKIM(crlf(msg), signature_algorithm=alg)
    if rnd.random() < 0.06:    # a valid signature naming another query method
        signer.q = rnd.choice([b'http', b'dns/odd', b'http:dns/txt'])
        traits.append('sig%d-q=%s' % (n, signer.q.decode()))
    sig = signer.sign(sel, DOMAIN, key, canonicalize=canon, include_headers=hdrs, length=length)
    return sig.replace(b'\r\n', b'\n') + msg

def split(msg):
    i = msg.find(b'\n\n')
    return msg[:i + 1], msg[i + 2:]

# changes after signing: (name, function of the message, or None if it
# does not apply). Each leaves dkimpy's verdict to dkimpy.
def m_body_byte(msg):
    h, b = split(msg)
    i = b.find(b'a')
    return h + b'\n' + b[:i] + b'o' + b[i + 1:] if i >= 0 else None
def m_append(msg):
    h, b = split(msg)
    return h + b'\n' + b + b'\nAppended after signing: click here\n'
def m_blank_lines(msg):
    h, b = split(msg)
    return h + b'\n' + b + (b'\n' if b.endswith(b'\n') or not b else b'\n\n') + b'\n\n'
def m_body_ws(msg):
    h, b = split(msg)
    i = b.find(b' ')
    return h + b'\n' + b[:i] + b' \t ' + b[i + 1:] if i >= 0 else None
def m_line_end_ws(msg):
    h, b = split(msg)
    i = b.find(b'\n')
    return h + b'\n' + b[:i] + b'  \t' + b[i:] if i > 0 else None
def m_drop_final_lf(msg):
    h, b = split(msg)
    return h + b'\n' + b.rstrip(b'\n') if b.endswith(b'\n') and b.strip(b'\n') else None
def m_subject(msg):
    return msg.replace(b'\nSubject: ', b'\nSubject: Re: ', 1)
def m_refold(msg):
    h, b = split(msg)
    return h.replace(b'\nTo: ', b'\nTo:\n\t  ', 1) + b'\n' + b
def m_header_case(msg):
    return msg.replace(b'\nSubject: ', b'\nSUBJECT: ', 1)
def m_header_ws(msg):
    return msg.replace(b'\nDate: ', b'\nDate:    ', 1)
def m_new_header(msg):
    return b'X-Added: by a relay\n' + msg
def m_second_from(msg):
    h, b = split(msg)
    return h + b'From: other@example.org\n\n' + b
def m_no_from(msg):
    h, b = split(msg)
    lines = [l for l in h.split(b'\n') if not l.lower().startswith(b'from:')]
    return b'\n'.join(lines) + b'\n' + b
def m_q_http(msg):
    return msg.replace(b'DKIM-Signature: v=1; ', b'DKIM-Signature: v=1; q=http; ', 1)
def m_q_option(msg):
    return msg.replace(b'DKIM-Signature: v=1; ', b'DKIM-Signature: v=1; q=dns/odd; ', 1)

MUTATIONS = [m_body_byte, m_append, m_blank_lines, m_body_ws, m_line_end_ws, m_drop_final_lf,
             m_subject, m_refold, m_header_case, m_header_ws, m_new_header, m_second_from,
             m_no_from, m_q_http, m_q_option]

class Log(logging.Handler):
    def __init__(self):
        super().__init__()
        self.msgs = []
    def emit(self, r):
        self.msgs.append(r.getMessage())

def dkimpy_result(wire, idx):
    """dkimpy's verdict on one signature as an RFC 8601 result word"""
    log = Log()
    logger = logging.getLogger('dkimpy%d' % idx)
    logger.handlers = [log]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    try:
        ok = dkim.DKIM(wire, logger=logger).verify(idx=idx, dnsfunc=dnsfunc)
    except dkim.ValidationError as e:
        return ('fail', str(e)[:60]) if 'body hash mismatch' in str(e) else ('permerror', str(e)[:60])
    except dkim.DKIMException as e:
        return 'permerror', str(e)[:60]
    if ok:
        return 'pass', ''
    errs = [m for m in log.msgs if 'missing public key' in m or 'KeyFormat' in m or 'parse' in m]
    return ('permerror', errs[0][:60]) if errs else ('fail', 'signature did not verify')

def sig_fields(wire):
    """the DKIM-Signature tag lists, top first"""
    d = dkim.DKIM(wire)
    out = []
    for name, value in d.headers:
        if name.lower() == b'dkim-signature':
            tags = {}
            for part in b''.join(value.split()).split(b';'):
                if b'=' in part:
                    k, v = part.split(b'=', 1)
                    tags[k.decode()] = v.decode('latin-1')
            out.append(tags)
    return out, d.body

manifest = []
for i in range(count):
    traits = []
    msg = make_headers(i, traits) + b'\n' + make_body(traits)
    nsig = 2 if rnd.random() < 0.15 else 1
    for n in range(nsig):
        msg = sign(msg, traits, n + 1)
    if rnd.random() < 0.4:
        muts = list(MUTATIONS)
        rnd.shuffle(muts)
        for mut in muts:
            m2 = mut(msg)
            if m2 is not None and m2 != msg:
                msg = m2
                traits.append('changed:' + mut.__name__[2:])
                break
    if rnd.random() < 0.1:
        msg = crlf(msg)
        traits.append('crlf-spool')
    wire = crlf(msg)
    sigs, body = sig_fields(wire)
    raw_body = msg.replace(b'\r\n', b'\n').split(b'\n\n', 1)[1]
    # a last line without its line end that ends in WSP (compare.py)
    entry = {'file': '%04d.eml' % i, 'traits': traits, 'sigs': [],
             'unended_ws': raw_body[-1:] in (b' ', b'\t')}
    for idx, t in enumerate(sigs):
        res, why = dkimpy_result(wire, idx)
        c = t.get('c', 'simple/simple')
        try:
            canon_len = len(CanonicalizationPolicy.from_c_value(c.encode()).canonicalize_body(body))
        except Exception:
            canon_len = -1
        entry['sigs'].append({'s': t.get('s', ''), 'b': t.get('b', '')[:8], 'c': c, 'l': t.get('l'),
                              'canon_len': canon_len, 'dkimpy': res, 'why': why})
    with open(os.path.join(out, entry['file']), 'wb') as f:
        f.write(msg)
    manifest.append(entry)
with open(os.path.join(out, 'manifest.json'), 'w') as f:
    json.dump(manifest, f, indent=0)
print('%d messages, %d signatures' % (len(manifest), sum(len(e['sigs']) for e in manifest)))
