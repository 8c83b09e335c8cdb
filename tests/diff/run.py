# run.py: the differential test of qfilter's MIME walk against the mail
# readers (issue 19). For every message of gen.py it asks
#   gmime      GMime's full parser (tests/diff/gmime-parts)
#   py-default Python's email package, policy.default
#   py-compat32                       policy.compat32
#   uudeview   uudeview, which also decodes uuencode, BinHex and yEnc
#              blocks inside text, as desktop readers do
# whether some decoded part is a PE, or is named *.exe, and asks qfilter
# (qfilter-test, rules "* ban-ext=exe") for its verdict. A message that
# any reader turns into an executable must be refused by qfilter; an
# ordinary message must not be called ambiguous, nor refused when no
# reader finds an executable in it.
#   usage: run.py BINDIR WORKDIR [NAME-SUBSTRING]
import concurrent.futures, email, email.policy, json, os, shutil, subprocess, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen

BIN, WORK = sys.argv[1], sys.argv[2]
ONLY = sys.argv[3] if len(sys.argv) > 3 else None


def is_pe(b):
    if not isinstance(b, (bytes, bytearray)) or len(b) < 0x40 or b[:2] != b'MZ':
        return False
    lfanew = int.from_bytes(b[0x3c:0x40], 'little')
    return b[lfanew:lfanew + 4] == b'PE\0\0'


def exe_name(n):
    return isinstance(n, str) and n.rstrip('. ').lower().endswith('.exe')


def python_reader(path, policy):
    """(exe parts, names) as Python's email package reads the message."""
    with open(path, 'rb') as f:
        msg = email.message_from_binary_file(f, policy=policy)
    exe, names = 0, []
    for part in msg.walk():
        if part.is_multipart():
            continue
        for get in (lambda: part.get_filename(), lambda: part.get_param('name')):
            try:
                n = get()
            except Exception:
                continue
            if isinstance(n, tuple):
                n = email.utils.collapse_rfc2231_value(n)
            if n:
                names.append(str(n))
        try:
            if is_pe(part.get_payload(decode=True)):
                exe += 1
        except Exception:
            pass
    return exe, names


def uudeview_reader(path, tmp):
    out = os.path.join(tmp, 'uu-' + os.path.basename(path))
    os.makedirs(out)
    subprocess.run(['uudeview', '-i', '-o', '-q', '-z', '-p', out + '/', path], stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
    exe, names = 0, []
    for n in os.listdir(out):
        names.append(n)
        with open(os.path.join(out, n), 'rb') as f:
            if is_pe(f.read()):
                exe += 1
    shutil.rmtree(out)
    return exe, names


def qfilter(path, conf):
    p = subprocess.run([os.path.join(BIN, 'qfilter-test'), '-c', conf, '--json', path],
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
    try:
        j = json.loads(p.stdout)
    except ValueError:
        return {'exit': 'crash %d' % p.returncode, 'reason': p.stderr.decode('latin-1')[-200:], 'filters': []}
    return j


def main():
    os.makedirs(WORK, exist_ok=True)
    rules = os.path.join(WORK, 'rules')
    with open(rules + '.txt', 'w') as f:
        f.write('* ban-ext=exe\n')
    subprocess.run([os.path.join(BIN, 'qfilter-rules'), rules + '.txt', rules + '.cdb'], check=True)
    conf = os.path.join(WORK, 'qfilter.conf')
    with open(conf, 'w') as f:
        f.write('rules %s.cdb\nspool %s\n' % (rules, WORK))
    msgs = os.path.join(WORK, 'msgs')
    os.makedirs(msgs, exist_ok=True)
    cases = [c for c in gen.cases() if not ONLY or ONLY in c[0]]
    paths = []
    for name, kind, data in cases:
        p = os.path.join(msgs, name + '.eml')
        with open(p, 'wb') as f:
            f.write(data)
        paths.append(p)

    refs = {p: {} for p in paths}
    out = subprocess.run([os.path.join(BIN, 'diff', 'gmime-parts')] + paths, capture_output=True, check=True)
    for line in out.stdout.decode('utf-8', 'replace').splitlines():
        p, exe, names = (line.split('\t') + [''])[:3]
        refs[p]['gmime'] = (0 if exe == '-' else int(exe), [n for n in names.split('/') if n])
    have_uu = shutil.which('uudeview') is not None
    for p in paths:
        for label, pol in (('py-default', email.policy.default), ('py-compat32', email.policy.compat32)):
            try:
                refs[p][label] = python_reader(p, pol)
            except Exception as e:
                refs[p][label] = (0, [])
        if have_uu:
            refs[p]['uudeview'] = uudeview_reader(p, WORK)
    readers = ['gmime', 'py-default', 'py-compat32'] + (['uudeview'] if have_uu else [])

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        verdicts = dict(zip(paths, pool.map(lambda p: qfilter(p, conf), paths)))

    passed = failed = 0
    fig = {r: [0, 0] for r in readers}      # exe content, exe name
    any_exe = refused = missed = false_amb = false_refusal = ambiguous = 0
    for (name, kind, _), p in zip(cases, paths):
        v = verdicts[p]
        finds = {}
        for r in readers:
            exe, names = refs[p][r]
            named = any(exe_name(n) for n in names)
            fig[r][0] += exe > 0
            fig[r][1] += named
            if exe or named:
                finds[r] = ('exe' if exe else '') + ('+' if exe and named else '') + ('name' if named else '')
        q_refused = v.get('exit') == 31
        reason = v.get('reason', '')
        amb = 'ambiguous' in reason or 'message/partial' in reason
        refused += q_refused
        ambiguous += amb
        what = '%s [%s] readers: %s; qfilter: %s %s' % (
            name, kind, ', '.join('%s=%s' % kv for kv in finds.items()) or 'none',
            'refused' if q_refused else 'exit %s' % v.get('exit'), reason[:140])
        problems = []
        if finds:
            any_exe += 1
            if not q_refused:
                missed += 1
                problems.append('a reader extracts an executable, qfilter accepts')
        if kind == 'ordinary' and amb:
            false_amb += 1
            problems.append('ordinary mail called ambiguous')
        if kind == 'ordinary' and not finds and v.get('exit') != 0:
            false_refusal += 1
            problems.append('ordinary clean mail not accepted')
        if isinstance(v.get('exit'), str):
            problems.append('qfilter-test failed')
        if problems:
            failed += 1
            print('not ok - %s: %s' % (what, '; '.join(problems)))
        else:
            passed += 1
            print('ok - %s' % what)
    n = len(cases)
    print('# %d cases (%d hostile, %d ordinary)' % (n, sum(c[1] == 'hostile' for c in cases),
                                                    sum(c[1] == 'ordinary' for c in cases)))
    for r in readers:
        print('# %-12s extracts a PE from %3d messages, an *.exe name from %3d' % (r, fig[r][0], fig[r][1]))
    print('# some reader finds an executable in %d; qfilter refuses %d of all (%d as ambiguous or partial);'
          ' misses %d; ordinary mail called ambiguous %d, clean ordinary mail refused %d'
          % (any_exe, refused, ambiguous, missed, false_amb, false_refusal))
    # a reader that finds nothing at all is broken, not in agreement
    for r in readers:
        if fig[r][0] == 0:
            failed += 1
            print('not ok - the %s reader extracted no executable from any message' % r)
    if not have_uu:
        failed += 1
        print('not ok - uudeview not installed: its reading was not compared (tests/lib/need-packages installs it)')
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
