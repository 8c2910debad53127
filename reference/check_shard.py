#!/usr/bin/env python3
"""Checks token shards the way modded-nanogpt's `_load_data_shard` does, with numpy only.

Usage: check_shard.py FILE... [--vocab N] [--bos ID]

For each file: the 256 little-endian int32 header must start with magic 20240520 and version 1,
and the file must hold exactly 1024 + 2 * num_tokens bytes, read as little-endian uint16 tokens.
With --vocab every token must be below N. Prints one line per shard (tokens, and the number of
BOS tokens when --bos is given) and exits 1 at the first failure.
"""
import argparse
import os
import sys

import numpy as np

MAGIC = 20240520
VERSION = 1
HEADER_INTS = 256


def check(path, vocab=None, bos=None):
    header = np.fromfile(path, dtype="<i4", count=HEADER_INTS)
    assert header.size == HEADER_INTS, f"{path}: shorter than the 1024-byte header"
    assert header[0] == MAGIC, f"{path}: magic number mismatch ({header[0]})"
    assert header[1] == VERSION, f"{path}: unsupported version ({header[1]})"
    num_tokens = int(header[2])
    size = os.path.getsize(path)
    assert size == HEADER_INTS * 4 + 2 * num_tokens, \
        f"{path}: size {size} != 1024 + 2 * {num_tokens}"
    with open(path, "rb", buffering=0) as f:
        f.seek(HEADER_INTS * 4)
        tokens = np.frombuffer(f.read(), dtype="<u2")
    assert tokens.size == num_tokens, "number of tokens read does not match header"
    if vocab is not None and num_tokens:
        assert int(tokens.max()) < vocab, f"{path}: token {int(tokens.max())} >= vocab {vocab}"
    line = f"ok {path} tokens={num_tokens}"
    if bos is not None:
        line += f" bos={int((tokens == bos).sum())}"
    return line


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+")
    parser.add_argument("--vocab", type=int)
    parser.add_argument("--bos", type=int)
    args = parser.parse_args()
    for path in args.files:
        try:
            print(check(path, args.vocab, args.bos))
        except AssertionError as e:
            print(f"FAIL {e}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
