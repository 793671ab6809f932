#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Sum an insn_profile.c output per kernel function and compare two runs.

usage: fold.py MIB BASE.prof BASE.System.map TIP.prof TIP.System.map [N]

Prints, per function, the instructions executed per MiB sent at base and
at tip and the difference, the N (default 40) largest differences first,
then the totals; and the calls per MiB (the runs of the block at the
function's first byte, which a loop back to it counts too).  User-space instructions are summed as [user], kernel
addresses that no symbol covers as [kernel?].
"""
import bisect
import sys


def load_map(path):
    addrs, names = [], []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) < 3 or parts[1] not in 'tTwW':
                continue
            addrs.append(int(parts[0], 16))
            names.append(parts[2])
    order = sorted(range(len(addrs)), key=addrs.__getitem__)
    return [addrs[i] for i in order], [names[i] for i in order]


def fold(prof, smap):
    addrs, names = smap
    out, calls = {}, {}
    marks = None
    with open(prof) as f:
        for line in f:
            if line.startswith('# marks'):
                marks = int(line.split()[2])
                continue
            va, n, e = line.split()
            va, n, e = int(va, 16), int(n), int(e)
            if va < 1 << 47:
                name = '[user]'
            else:
                i = bisect.bisect_right(addrs, va) - 1
                name = names[i] if i >= 0 else '[kernel?]'
                if i >= 0 and addrs[i] == va:
                    calls[name] = calls.get(name, 0) + e
            out[name] = out.get(name, 0) + n
    if marks != 2:
        sys.exit(f'{prof}: the window was not closed (marks {marks}); '
                 'did the guest program run with --mark?')
    return out, calls


def main():
    if len(sys.argv) not in (6, 7):
        sys.exit(__doc__)
    mib = float(sys.argv[1])
    base, bcalls = fold(sys.argv[2], load_map(sys.argv[3]))
    tip, tcalls = fold(sys.argv[4], load_map(sys.argv[5]))
    top = int(sys.argv[6]) if len(sys.argv) == 7 else 40
    names = set(base) | set(tip)
    rows = sorted(names, key=lambda k: -abs(tip.get(k, 0) - base.get(k, 0)))
    print(f'{"function":40} {"base/MiB":>10} {"tip/MiB":>10} {"diff/MiB":>9}'
          f' {"calls/MiB":>15}')
    for k in rows[:top]:
        b, t = base.get(k, 0) / mib, tip.get(k, 0) / mib
        cb, ct = bcalls.get(k, 0) / mib, tcalls.get(k, 0) / mib
        print(f'{k[:40]:40} {b:10.0f} {t:10.0f} {t - b:+9.0f}'
              f' {cb:7.1f} {ct:7.1f}')
    b, t = sum(base.values()) / mib, sum(tip.values()) / mib
    print(f'{"total":40} {b:10.0f} {t:10.0f} {t - b:+9.0f}  ({t / b:.4f}x)')


if __name__ == '__main__':
    main()
