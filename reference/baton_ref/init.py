"""Portable initialisation: a counter-based generator that Java and Python evaluate bit-identically.

Contract: PORTABLE-INIT, copied into reference/README.md. All integer arithmetic is
on unsigned 64-bit values mod 2^64; numpy's uint64 wraps exactly like Java's long.
"""
import math

import numpy as np

MASK64 = (1 << 64) - 1
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MUL1 = np.uint64(0xBF58476D1CE4E5B9)
_MUL2 = np.uint64(0x94D049BB133111EB)


def splitmix64_int(x: int) -> int:
    """Scalar splitmix64 on Python ints (the readable definition, used to cross-check numpy)."""
    z = (x + 0x9E3779B97F4A7C15) & MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def fnv1a64(name: str) -> int:
    h = 0xCBF29CE484222325
    for b in name.encode("utf-8"):
        h = ((h ^ b) * 0x100000001B3) & MASK64
    return h


def key(seed: int, name: str) -> int:
    return splitmix64_int((seed & MASK64) ^ fnv1a64(name))


def _splitmix64_np(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        z = x + _GOLDEN
        z = (z ^ (z >> np.uint64(30))) * _MUL1
        z = (z ^ (z >> np.uint64(27))) * _MUL2
        return z ^ (z >> np.uint64(31))


def u_int(k: int, i: int) -> float:
    """u(key, i) for one index, on Python ints."""
    return (splitmix64_int((k + i) & MASK64) >> 40) * 2.0 ** -24


def u(k: int, idx: np.ndarray) -> np.ndarray:
    """u(key, i) = (splitmix64(key + i) >> 40) * 2^-24 as float64, for an array of flat indices."""
    with np.errstate(over="ignore"):
        x = np.uint64(k) + idx.astype(np.uint64)
    return (_splitmix64_np(x) >> np.uint64(40)).astype(np.float64) * (2.0 ** -24)


def uniform(seed: int, name: str, numel: int, bound: float) -> np.ndarray:
    """float32((2u - 1) * bound) at flat indices 0..numel-1 (math in float64)."""
    v = u(key(seed, name), np.arange(numel, dtype=np.uint64))
    return ((2.0 * v - 1.0) * bound).astype(np.float32)


def normal(seed: int, name: str, numel: int, std: float) -> np.ndarray:
    """Box-Muller on u(2i), u(2i+1): float32(std * sqrt(-2 ln(1 - u1)) * cos(2 pi u2))."""
    k = key(seed, name)
    i = np.arange(numel, dtype=np.uint64)
    u1 = u(k, 2 * i)
    u2 = u(k, 2 * i + np.uint64(1))
    return (std * np.sqrt(-2.0 * np.log(1.0 - u1)) * np.cos(2.0 * math.pi * u2)).astype(np.float32)


def sample_indices(seed: int, param: str, numel: int, count: int = 4096) -> np.ndarray:
    """Golden-file sample positions: floor(u(key(seed, "sample/"+param), j) * numel), j < count."""
    v = u(key(seed, "sample/" + param), np.arange(count, dtype=np.uint64))
    return np.floor(v * numel).astype(np.int64)
