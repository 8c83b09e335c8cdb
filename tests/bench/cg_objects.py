#!/usr/bin/python3
"""cg_objects.py CALLGRIND-OUT: (one file, or several dumps joined) instructions (Ir, self cost) per ELF object
of a callgrind profile, most first: which library costs what. The
dynamic linker's symbol look-up shows as ld-linux; a library's own
initialisers (GLib's type system, OpenSSL's tables) as that library."""
import collections
import os
import re
import sys

names = {}
cost = collections.Counter()
ob = '?'
skip = False
total = 0
for line in open(sys.argv[1], errors='replace'):
    if line.startswith('ob=') or line.startswith('cob='):
        # names are given once, at the first ob= or cob= of each id
        m = re.match(r'c?ob=\((\d+)\)(?: (.*))?', line.rstrip('\n'))
        if m and m.group(2):
            names[m.group(1)] = m.group(2)
        if line.startswith('ob='):
            ob = names.get(m.group(1), '?') if m else line[3:].strip()
        continue
    if line.startswith('calls='):
        skip = True      # the next cost line is the call's inclusive cost
        continue
    if line[:1].isdigit() or line[:1] in '+-*':
        if skip:
            skip = False
            continue
        fields = line.split()
        if len(fields) >= 2:
            cost[ob] += int(fields[-1])
    elif line.startswith('totals:'):
        total += int(line.split()[1])   # one per dump; several files may be joined
total = total or sum(cost.values())
for name, n in cost.most_common():
    if n * 200 < total:
        break
    print('%-34s %8.2f M  %5.1f%%' % (os.path.basename(name), n / 1e6, 100.0 * n / total))
rest = total - sum(n for _, n in cost.most_common() if n * 200 >= total)
if rest > 0:
    print('%-34s %8.2f M  %5.1f%%' % ('(others, each < 0.5%)', rest / 1e6, 100.0 * rest / total))
print('%-34s %8.2f M' % ('total', total / 1e6))
