#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Apply a mutation of tests/mutations.def to a file.

usage: mutate.py FILE OLD NEW [OLD NEW]...

Replaces the first OLD in FILE by NEW, pair by pair; exits 1, leaving
FILE as it was, if an OLD is not found (the mutation no longer applies).
"""
import sys


def main():
    path, pairs = sys.argv[1], sys.argv[2:]
    if not pairs or len(pairs) % 2:
        sys.exit("usage: mutate.py FILE OLD NEW [OLD NEW]...")
    with open(path) as f:
        text = f.read()
    for old, new in zip(pairs[::2], pairs[1::2]):
        if old not in text:
            sys.exit(1)
        text = text.replace(old, new, 1)
    with open(path, 'w') as f:
        f.write(text)


if __name__ == '__main__':
    main()
