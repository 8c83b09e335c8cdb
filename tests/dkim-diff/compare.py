# compare.py: qfilter's dkim= results against dkimpy's (tests/t-dkim-diff.sh).
# usage: /usr/bin/python3 compare.py DIR   (DIR/manifest.json from gen.py,
# DIR/NNNN.json: qfilter-test --json on DIR/NNNN.eml)
# Prints the differences that are not documented policy, then
# "agreement: A of N signatures (P documented policy, U undocumented)".
# Exits 1 when a difference is undocumented or an output cannot be read.
import json, os, re, sys

d = sys.argv[1]
manifest = json.load(open(os.path.join(d, 'manifest.json')))

# The differences that are qfilter's documented policy, each with its
# reason. Anything else that differs fails the test.
def documented(sig, q, entry):
    # Text appended past l=: dkimpy passes the signed prefix; qfilter
    # reports policy, as the unsigned rest could say anything (RFC 6376
    # §8.2; docs/qfilter.8, DKIM RESULTS). Only when the canonicalized
    # body really is longer than l=: l= equal to it is a pass.
    if (sig['dkimpy'] == 'pass' and q[0] == 'policy' and 'l= tag' in q[1] and
            sig['l'] is not None and sig['canon_len'] > int(sig['l'])):
        return 'l= shorter than the body (RFC 6376 8.2)'
    # No From: field: dkimpy hashes the missing field as absent and says
    # fail; a signature that cannot cover From: is invalid, permerror
    # (RFC 6376 §5.4, §6.1.1; issue 21).
    if sig['dkimpy'] == 'fail' and q[0] == 'permerror' and 'changed:no_from' in entry['traits']:
        return 'no From: field (RFC 6376 5.4, 6.1.1)'
    # A last line without its CRLF that ends in WSP, relaxed body:
    # dkimpy strips WSP only before a CRLF, so it signs and verifies
    # "text \r\n"; RFC 6376 §3.4.4 ignores WSP at the end of lines and
    # adds the missing CRLF, "text\r\n" (qfilter, and Mail::DKIM's
    # relaxed.pm). qfilter then finds a body hash mismatch, or an l=
    # longer than the body; or, the other way, a pass where dkimpy's
    # kept WSP fails it.
    if (entry['unended_ws'] and sig['c'].endswith('/relaxed') and
            {sig['dkimpy'], q[0]} in ({'pass', 'fail'}, {'pass', 'permerror'})):
        return 'relaxed, WSP ending a last line without CRLF (RFC 6376 3.4.4)'
    # q= listing an unknown method before dns/txt: dkimpy wants q= to be
    # exactly dns/txt; RFC 6376 §3.5 says unrecognized methods MUST be
    # ignored, so dns/txt is used and the signature is verified (pass,
    # or fail when it was changed).
    if (sig['dkimpy'] == 'permerror' and q[0] in ('pass', 'fail', 'policy') and
            any(t.endswith('-q=http:dns/txt') for t in entry['traits'])):
        return 'q= with an unknown method and dns/txt (RFC 6376 3.5)'
    return None

RESINFO = re.compile(r'dkim=(\w+)(?: \(([^)]*)\))?([^;]*)')
total = agree = policy = 0
undocumented = []
why_policy = {}
for e in manifest:
    try:
        out = json.load(open(os.path.join(d, e['file'][:-4] + '.json')))
        ar = [h for h in out['headers'] if h.startswith('Authentication-Results:')][0]
    except Exception as x:
        undocumented.append('%s: no qfilter-test result (%s)' % (e['file'], x))
        total += len(e['sigs'])
        continue
    ar = ' '.join(ar.split())
    got = [(m.group(1), m.group(2) or '', m.group(3)) for m in RESINFO.finditer(ar)]
    if len(got) != len(e['sigs']):
        undocumented.append('%s: %d dkim= results for %d signatures: %s' % (e['file'], len(got), len(e['sigs']), ar))
        total += len(e['sigs'])
        continue
    for sig, q in zip(e['sigs'], got):
        total += 1
        if 'header.s=%s ' % sig['s'] not in q[2] + ' ' or 'header.b="%s"' % sig['b'] not in q[2]:
            undocumented.append('%s: results out of order: %s' % (e['file'], ar))
            continue
        if q[0] == sig['dkimpy']:
            agree += 1
            continue
        why = documented(sig, q, e)
        if why:
            policy += 1
            why_policy[why] = why_policy.get(why, 0) + 1
            continue
        undocumented.append('%s s=%s c=%s l=%s canon_len=%s: dkimpy %s (%s), qfilter %s (%s) [%s]' % (
            e['file'], sig['s'], sig['c'], sig['l'], sig['canon_len'], sig['dkimpy'], sig['why'],
            q[0], q[1], ' '.join(e['traits'])))
for u in undocumented:
    print('differs: ' + u)
for w, n in sorted(why_policy.items()):
    print('documented policy: %d x %s' % (n, w))
print('agreement: %d of %d signatures (%d documented policy, %d undocumented)' % (
    agree, total, policy, len(undocumented)))
sys.exit(1 if undocumented else 0)
