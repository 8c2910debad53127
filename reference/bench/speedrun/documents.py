"""Synthetic packed micro-batches with FineWeb-like document lengths, laid out as the record's loader lays them.

Document lengths follow Baton's `DocumentLayouts.logNormal` (kernels' tests and AttentionBench): a port of
java.util.Random, so that a seed gives the Java side's layout (up to a last-ulp difference of log/exp, which
could move one length by a token in rare cases). Token ids are uniform, BOS at every document start.
"""
import math
from dataclasses import dataclass

import numpy as np
import torch


class JavaRandom:
    """java.util.Random's 48-bit LCG, nextDouble and (legacy, polar) nextGaussian."""

    _MULT, _ADD, _MASK = 0x5DEECE66D, 0xB, (1 << 48) - 1

    def __init__(self, seed: int):
        self.seed = (seed ^ self._MULT) & self._MASK
        self.next_gaussian_value = None

    def next_bits(self, bits: int) -> int:
        self.seed = (self.seed * self._MULT + self._ADD) & self._MASK
        return self.seed >> (48 - bits)

    def next_double(self) -> float:
        return ((self.next_bits(26) << 27) + self.next_bits(27)) * 2.0 ** -53

    def next_gaussian(self) -> float:
        if self.next_gaussian_value is not None:
            g, self.next_gaussian_value = self.next_gaussian_value, None
            return g
        while True:
            v1, v2 = 2 * self.next_double() - 1, 2 * self.next_double() - 1
            s = v1 * v1 + v2 * v2
            if 0 < s < 1:
                break
        m = math.sqrt(-2 * math.log(s) / s)
        self.next_gaussian_value = v2 * m
        return v1 * m


def log_normal_layout(seed: int, tokens: int, median: float, sigma: float, cap: int) -> list:
    """cu_seqlens [0, ..., tokens]: lengths round(median * e^(sigma g)) clamped to [1, cap], the last cut to fit."""
    rnd, cu, pos = JavaRandom(seed), [0], 0
    while pos < tokens:
        n = math.floor(median * math.exp(sigma * rnd.next_gaussian()) + 0.5)   # Java's Math.round
        n = min(max(n, 1), min(cap, tokens - pos))
        pos += n
        cu.append(pos)
    return cu


def padded_docs(tokens: int, docs_needed: int) -> int:
    """Length of the padded cu_seqlens: the record's next_multiple_of_n(tokens // 300, 128), or more if needed."""
    n = max(tokens // 300, docs_needed)
    return -(-max(n, 1) // 128) * 128


@dataclass
class MicroBatch:
    """One packed micro-batch on the host: inputs (T,) int32, targets (T,) int64, cu_seqlens (padded,) int32."""
    inputs: torch.Tensor
    targets: torch.Tensor
    cu_seqlens: torch.Tensor
    documents: int

    def to(self, device):
        """Asynchronous upload (pinned host memory), as the record's loader does."""
        nb = device.type == "cuda"
        return (self.inputs.to(device, non_blocking=nb), self.targets.to(device, non_blocking=nb),
                self.cu_seqlens.to(device, non_blocking=nb))


def micro_batch_pool(count: int, tokens: int, seed: int, median: float, sigma: float, cap: int, bos: int,
                     pin: bool) -> list:
    """`count` distinct micro-batches; batch j has layout seed `seed + j` and token seed (seed, j)."""
    layouts = [log_normal_layout(seed + j, tokens, median, sigma, cap) for j in range(count)]
    width = padded_docs(tokens, max(len(cu) for cu in layouts))
    pool = []
    for j, cu in enumerate(layouts):
        ids = np.random.default_rng([seed, j]).integers(0, bos, size=tokens + 1, dtype=np.int64)
        ids[np.asarray(cu[:-1])] = bos
        padded = np.full(width, tokens, dtype=np.int32)
        padded[:len(cu)] = cu
        mb = MicroBatch(torch.from_numpy(ids[:-1].astype(np.int32)), torch.from_numpy(ids[1:].copy()),
                        torch.from_numpy(padded), len(cu) - 1)
        if pin:
            mb = MicroBatch(mb.inputs.pin_memory(), mb.targets.pin_memory(), mb.cu_seqlens.pin_memory(),
                            mb.documents)
        pool.append(mb)
    return pool
