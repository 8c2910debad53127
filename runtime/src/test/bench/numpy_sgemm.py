#!/usr/bin/env python3
"""numpy's sgemm GFLOP/s on the shapes of MatmulBench, alone or side by side with CpuOps.

    numpy_sgemm.py                   numpy on the default shapes (a copy of MatmulBench.CASES)
    numpy_sgemm.py --java 'CMD...'   CMD runs MatmulBench; for each of its cases (CMD --list),
                                     times Java (CMD --serve, one JVM for all) and numpy on the
                                     same shape and prints the ratio Java / numpy
    --threads N                      both sides on N threads (default: every core)

Timing is the same on both sides: a 1 s warm-up, then the best of five rounds of at least
0.3 s, with preallocated output. Side by side, the rounds alternate (Java, numpy, Java, ...),
so that a shared machine's changing load hits both sides alike.
"""
import argparse
import os
import platform
import shlex
import subprocess
import sys
import time

np = None  # imported in main(), after --threads has set OpenBLAS's thread count

# name, batch (0: 2-D), m, n, k, transA, transB: mirrors MatmulBench.CASES
DEFAULT_CASES = [
    ("square-256", 0, 256, 256, 256, False, False),
    ("square-512", 0, 512, 512, 512, False, False),
    ("square-1024", 0, 1024, 1024, 1024, False, False),
    ("square-2048", 0, 2048, 2048, 2048, False, False),
    ("mlp-fc x.W^T", 0, 4096, 3072, 768, False, True),
    ("mlp-proj h.W", 0, 4096, 768, 3072, False, False),
    ("mlp-fc dW=dh^T.x", 0, 3072, 768, 4096, True, False),
    ("attn-out y.Wo^T", 0, 4096, 768, 768, False, True),
    ("qkv x.W^T", 0, 4096, 2304, 768, False, True),
    ("lm-head x.W", 0, 1024, 50304, 768, False, False),
    ("polar X.X^T 5x768x768", 5, 768, 768, 768, False, True),
    ("polar A.X 5x768x768", 5, 768, 768, 768, False, False),
    ("polar X.X^T 3x768x3072", 3, 768, 768, 3072, False, True),
    ("gate x12.W^T", 0, 4096, 6, 12, False, True),
    ("gate dW=dg^T.x12", 0, 6, 12, 4096, True, False),
]


def parse_case(line):
    f = line.rstrip("\n").split("\t")
    return (f[0], int(f[1]), int(f[2]), int(f[3]), int(f[4]), f[5] == "true", f[6] == "true")


def operand(rng, batch, rows, cols, transposed):
    """A (rows, cols) operand stored as Java stores it: (cols, rows) when transposed."""
    shape = (cols, rows) if transposed else (rows, cols)
    if batch:
        shape = (batch,) + shape
    x = rng.uniform(-1, 1, size=shape).astype(np.float32)
    return np.swapaxes(x, -1, -2) if transposed else x


def run_for(fn, seconds):
    """Calls fn for at least `seconds`; returns calls per wall second and per CPU second."""
    cpu_start = time.process_time()
    start = time.perf_counter()
    calls = 0
    while True:
        fn()
        calls += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return calls / elapsed, calls / max(time.process_time() - cpu_start, 1e-9)


class NumpyCase:
    """Operands of one case laid out as Java lays them out; round() times one round."""

    def __init__(self, case):
        _, batch, m, n, k, ta, tb = case
        rng = np.random.default_rng(1)
        self.a = operand(rng, batch, m, k, ta)
        self.b = operand(rng, batch, k, n, tb)
        self.c = np.empty((batch, m, n) if batch else (m, n), dtype=np.float32)
        self.flops = 2.0 * max(batch, 1) * m * n * k

    def round(self, seconds):
        """(GFLOP/s per wall second, GFLOP per CPU second of this process)."""
        wall, cpu = run_for(lambda: np.matmul(self.a, self.b, out=self.c), seconds)
        return self.flops * wall / 1e9, self.flops * cpu / 1e9


def numpy_gflops(case):
    x = NumpyCase(case)
    x.round(1.0)
    return max(x.round(0.3)[0] for _ in range(5))


class JavaServer:
    """MatmulBench --serve: one JVM that times single rounds on request."""

    def __init__(self, java, threads):
        self.proc = subprocess.Popen(java + ["--serve", str(threads)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)

    def round(self, name, seconds):
        self.proc.stdin.write(f"{name}\t{seconds}\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline()
        if not answer:
            sys.exit("MatmulBench stopped before answering '" + name + "'")
        fields = answer.rstrip("\n").split("\t")
        return float(fields[7]), float(fields[8])

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def header(threads):
    print(f"# machine: {cpu_model()}, {os.cpu_count()} cores; {threads} threads per side; numpy {np.__version__}; "
          f"load average at start {os.getloadavg()[0]:.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--java", help="command that runs MatmulBench (it gets --list and --serve appended)")
    parser.add_argument("--threads", type=int, default=os.cpu_count(), help="threads for both sides")
    parser.add_argument("filter", nargs="?", default="", help="only cases whose name contains this")
    args = parser.parse_args()
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)
    global np
    import numpy
    np = numpy
    header(args.threads)
    if not args.java:
        print("case\tbatch\tm\tn\tk\tnumpy GFLOP/s")
        for case in DEFAULT_CASES:
            if args.filter in case[0]:
                print(f"{case[0]}\t{case[1]}\t{case[2]}\t{case[3]}\t{case[4]}\t{numpy_gflops(case):.1f}", flush=True)
        return
    java = shlex.split(args.java)
    listed = subprocess.run(java + ["--list"], check=True, capture_output=True, text=True).stdout
    cases = [parse_case(line) for line in listed.splitlines() if line.strip()]
    cases = [c for c in cases if args.filter in c[0]]
    server = JavaServer(java, args.threads)
    print("# GFLOP/s over wall time, best of 5 alternating rounds; 'per CPU-s' divides by the CPU time"
          " each process got instead (all its threads, spin-waits included), which discounts time"
          " the machine gave to others")
    print(f"{'case':<24}{'batch':>6}{'m':>7}{'n':>7}{'k':>6}  op  {'Java':>7}{'numpy':>7}{'ratio':>7}"
          f"   per CPU-s: {'Java':>6}{'numpy':>7}{'ratio':>7}")
    ratios = []
    try:
        for case in cases:
            name, batch, m, n, k, ta, tb = case
            numpy_case = NumpyCase(case)
            server.round(name, 1.0)
            numpy_case.round(1.0)
            java = [0.0, 0.0]
            numpy_ = [0.0, 0.0]
            for _ in range(5):
                java = [max(x, y) for x, y in zip(java, server.round(name, 0.3))]
                numpy_ = [max(x, y) for x, y in zip(numpy_, numpy_case.round(0.3))]
            del numpy_case
            ratio = java[0] / numpy_[0]
            ratios.append(ratio)
            op = ("T" if ta else "N") + ("T" if tb else "N")
            print(f"{name:<24}{batch:>6}{m:>7}{n:>7}{k:>6}  {op}  {java[0]:>7.1f}{numpy_[0]:>7.1f}{ratio:>7.2f}"
                  f"              {java[1]:>6.1f}{numpy_[1]:>7.1f}{java[1] / numpy_[1]:>7.2f}", flush=True)
    finally:
        server.close()
    if ratios:
        geo = float(np.exp(np.mean(np.log(ratios))))
        print(f"# geometric mean Java/numpy {geo:.2f}; load average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
