"""PyTorch side of Baton's attention benchmark (kernels' AttentionBench), on the same GPU and
the same documents: torch.nn.attention.flex_attention (compiled) with the record's
document + causal + sliding-window mask (the record's single-GPU stand-in for FlashAttention-3),
and SDPA's flash backend called per document (causal only: SDPA has no sliding window, so it
does the full causal work of each document). Also measures the two ceilings METHOD.md asks for
(bf16 matmul rate, device copy bandwidth) and prints each shape's FLOP and byte floors.

  python3 attention_bench.py --cu CU_FILE [--baton CSV] [--out RESULT_FILE]

CU_FILE holds the training layout's cu_seqlens (one comma-separated line, written by
AttentionBench); CSV is AttentionBench's result table, printed beside PyTorch's with ratios.
"""
import argparse
import csv
import statistics

import torch
from torch.nn.attention.flex_attention import create_block_mask, flex_attention

G, D, SCALE, SAMPLES, BATCH, WARMUP = 6, 128, 0.12, 10, 10, 5


def median_ms(fn, sets=1, batch=BATCH):
    """Device time per call: median over SAMPLES of `batch` back-to-back calls between two events
    (as AttentionBench times Baton), so Python's dispatch cost overlaps the GPU's work."""
    for i in range(WARMUP):
        fn(i % sets)
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    times = []
    for r in range(SAMPLES):
        start.record()
        for i in range(batch):
            fn((r * batch + i) % sets)
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end) / batch)
    return statistics.median(times)


def ceilings():
    a = torch.randn(8192, 8192, device="cuda", dtype=torch.bfloat16)
    b = torch.randn(8192, 8192, device="cuda", dtype=torch.bfloat16)
    mm = median_ms(lambda i: a @ b)
    x = torch.empty(1 << 30, device="cuda", dtype=torch.uint8)
    y = torch.empty_like(x)
    cp = median_ms(lambda i: y.copy_(x))
    return 2 * 8192 ** 3 / (mm * 1e-3), 2 * (1 << 30) / (cp * 1e-3)


def pairs(cu, scale, window):
    total = 0
    for a, b in zip(cu, cu[1:]):
        n = (b - a) * scale
        total += n * (n + 1) // 2 if n <= window + 1 else (window + 1) * (window + 2) // 2 + (n - window - 1) * (window + 1)
    return total


class DocumentWindowMask:
    """The mask as a mask_mod that reads its document ids and window from tensors, so that one
    compiled flex_attention serves every window (a constant in the closure would recompile)."""

    def __init__(self, S):
        self.doc = torch.zeros(S, device="cuda", dtype=torch.int64)
        self.window = torch.zeros((), device="cuda", dtype=torch.int64)

    def set(self, cu, seq_scale, window):
        S = self.doc.numel()
        bounds = torch.tensor(cu, device="cuda", dtype=torch.int64) * seq_scale
        self.doc.copy_(torch.searchsorted(bounds[1:], torch.arange(S, device="cuda"), right=True))
        self.window.fill_(window)

    def __call__(self, b, h, qi, ki):
        return (self.doc[qi] == self.doc[ki]) & (ki <= qi) & (qi - ki <= self.window)


def flex_times(mask, flex, cu, seq_scale, groups, window):
    S = cu[-1] * seq_scale
    mask.set(cu, seq_scale, window)
    try:
        bm = create_block_mask(mask, None, None, S, S, device="cuda", _compile=True)
    except Exception:  # older or stricter builds: the eager path (materialises S x S booleans)
        bm = create_block_mask(mask, None, None, S, S, device="cuda")
    qkv = [[torch.randn(1, groups, S, D, device="cuda", dtype=torch.bfloat16, requires_grad=True) for _ in range(3)]
           for _ in range(2)]
    dout = torch.randn(1, groups, S, D, device="cuda", dtype=torch.bfloat16)
    fwd = median_ms(lambda i: flex(*qkv[i], block_mask=bm, scale=SCALE), sets=2)
    o = flex(*qkv[0], block_mask=bm, scale=SCALE)
    bwd = median_ms(lambda i: torch.autograd.grad(o, qkv[0], dout, retain_graph=True))
    return fwd, bwd


def sdpa_per_document(cu, groups):
    from torch.nn.attention import SDPBackend, sdpa_kernel
    S = cu[-1]
    q, k, v = (torch.randn(1, groups, S, D, device="cuda", dtype=torch.bfloat16, requires_grad=True)
               for _ in range(3))
    dout = torch.randn(1, groups, S, D, device="cuda", dtype=torch.bfloat16)
    spans = [(a, b) for a, b in zip(cu, cu[1:]) if b > a]
    with sdpa_kernel(SDPBackend.FLASH_ATTENTION):
        def run(_):
            return [torch.nn.functional.scaled_dot_product_attention(
                q[:, :, a:b], k[:, :, a:b], v[:, :, a:b], is_causal=True, scale=SCALE) for a, b in spans]
        fwd = median_ms(run, batch=1)
        outs = run(0)
        grads = [dout[:, :, a:b] for a, b in spans]
        bwd = median_ms(lambda i: torch.autograd.grad(outs, (q, k, v), grads, retain_graph=True), batch=1)
    return fwd, bwd


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cu", required=True)
    ap.add_argument("--baton")
    ap.add_argument("--out")
    args = ap.parse_args()
    cu = [int(x) for x in open(args.cu).read().strip().split(",")]
    print(f"[torch] {torch.__version__} on {torch.cuda.get_device_name()}; {len(cu) - 1} documents, {cu[-1]} tokens")
    peak, bw = ceilings()
    print(f"[torch] ceilings: bf16 matmul 8192^3 {peak / 1e12:.0f} TFLOP/s, device copy {bw / 1e12:.2f} TB/s")
    baton = {}
    if args.baton:
        for row in csv.DictReader(open(args.baton)):
            key = (row["shape"], int(row["window"]))
            best = baton.get(key)
            f, b = float(row["fwd_ms"]), float(row["bwd_ms"])
            baton[key] = (min(f, best[0]) if best else f, min(b, best[1]) if best else b)
    # the paired-head shape (S doubled) would need a second compilation: Baton's side times it alone
    shapes = [("train", 1, G, w) for w in (384, 896, 1408)]
    mask = DocumentWindowMask(cu[-1])
    flex = torch.compile(flex_attention, dynamic=False)
    lines = [f"{'shape':7} {'window':>6} | {'floor fwd':>9} {'baton fwd':>9} {'flex fwd':>9} {'flex/baton':>10} | "
             f"{'floor bwd':>9} {'baton bwd':>9} {'flex bwd':>9} {'flex/baton':>10}   (ms)"]
    for name, seq_scale, groups, window in shapes:
        S = cu[-1] * seq_scale
        p = pairs(cu, seq_scale, window)
        rows = S * groups
        floor_f = max(4 * D * p * groups / peak, (4 * rows * D * 2 + rows * 4) / bw) * 1e3
        floor_b = max(10 * D * p * groups / peak, (8 * rows * D * 2 + 3 * rows * 4) / bw) * 1e3
        ff, fb = flex_times(mask, flex, cu, seq_scale, groups, window)
        bf, bb = baton.get((name, window), (float("nan"), float("nan")))
        lines.append(f"{name:7} {window:6d} | {floor_f:9.3f} {bf:9.3f} {ff:9.3f} {ff / bf:10.2f} | "
                     f"{floor_b:9.3f} {bb:9.3f} {fb:9.3f} {fb / bb:10.2f}")
        print(f"[torch] flex {name} window {window}: fwd {ff:.3f} ms ({4 * D * p * groups / ff / 1e9:.0f} TFLOP/s), "
              f"bwd {fb:.3f} ms ({10 * D * p * groups / fb / 1e9:.0f} TFLOP/s)", flush=True)
    sf, sb = sdpa_per_document(cu, G)
    lines.append(f"SDPA flash per document, causal without window ({len(cu) - 1} calls): fwd {sf:.3f} ms, bwd {sb:.3f} ms")
    table = "\n".join(lines)
    print(table)
    if args.out:
        open(args.out, "w").write(table + "\n")


if __name__ == "__main__":
    main()
