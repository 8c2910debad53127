"""PASS/FAIL checks of model_bench.py's pieces on a CPU (the GPU-only kernels excepted).

  /path/to/python-with-torch reference/bench/check_model_bench.py [--skip-run]

1. document layouts equal Baton's Java DocumentLayouts.logNormal (values printed by the JDK);
2. the banded block masks equal create_block_mask's (layouts, windows, block sizes, paired positions);
3. flex_attention under those masks (forward: flex has no CPU backward) equals SDPA under the dense mask and
   baton_ref's independently built document + causal + window mask; compiled, with the masks' buffers refreshed
   in place per micro-batch, it stays right and is not recompiled;
4. the bench GPT (fp32, PyTorch kernels, dense masks) gives baton_ref's loss and all 13 gradients, at phase 0
   (MTP 3 weights, windows (1,3)) and phase 2 (YaRN applied twice, windows (5,11)), random weights everywhere;
5. the FP8 lm_head op (CPU _scaled_mm) is close to the fp32 product, forward and both gradients;
6. NorMuon's bf16 + mantissa update is bit-identical to the fp32 update of the master value; two optimizer steps
   (even, odd; tied, then untied) match baton_ref's fp32 NorMuonAndAdam within the bf16 polar express's error;
7. the record's triton_kernels.py, as loaded, differs from its file only by the 8 fp32 casts (and parses);
8. (unless --skip-run) model_bench.py --tiny --device cpu runs and its JSON line carries consistent figures.
"""
import argparse
import ast
import difflib
import json
import math
import os
import subprocess
import sys
import tempfile
import warnings

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

from baton_ref.attention import doc_window_mask, masked_attention  # noqa: E402
from baton_ref.model import GPT as RefGPT, ForwardSchedule  # noqa: E402
from baton_ref.optim import NorMuonAndAdam, record_param_table  # noqa: E402
from speedrun import kernel_choice, lm_head_fp8  # noqa: E402
from speedrun.block_masks import DocumentWindowMasks, check_against_create_block_mask  # noqa: E402
from speedrun.documents import log_normal_layout, micro_batch_pool  # noqa: E402
from speedrun.gpt import GPT  # noqa: E402
from speedrun.optimizer import NorMuonAdam, cautious_update_bf16, cautious_update_f32  # noqa: E402
from speedrun.phases import phase, tiny_size  # noqa: E402
from speedrun.record_triton import find_record_kernels, patch_float_args  # noqa: E402

RESULTS = []
CPU = torch.device("cpu")


def check(name, ok, detail=""):
    RESULTS.append(ok)
    print(f"{'PASS' if ok else 'FAIL'}  {name}{': ' + detail if detail else ''}", flush=True)


def rel(a, b):
    return kernel_choice.rel(a, b)


def check_layouts():
    cu = log_normal_layout(2026, 49152, 600, 1.0, 2048)
    java = [0, 856, 2561, 4609, 5305, 6034, 6525, 8402, 9197, 9465, 10476, 11298]
    check("layout seed 2026 (record size) = Java", len(cu) - 1 == 61 and cu[:12] == java and sum(cu) == 1671625,
          f"{len(cu) - 1} documents, first boundaries {cu[:6]}")
    cu = log_normal_layout(7, 1536, 96, 1.0, 384)
    check("layout seed 7 (tiny) = Java", cu == [0, 224, 463, 535, 739, 1104, 1141, 1316, 1536], str(cu))


def check_block_masks():
    cases = [(1536, 96, 384, (5, 11), 16, 128), (1024, 40, 200, (1, 3), 16, 64), (2048, 300, 2048, (3, 7), 128, 128),
             (1024, 600, 2048, (6, 13), 128, 128)]
    bad, tables = [], 0
    for T, med, cap, (ws, wl), unit, block in cases:
        masks = DocumentWindowMasks(T, ws, wl, unit, CPU, block=block, compile_tables=False)
        for mb in micro_batch_pool(3, T, 11, med, 1.0, cap, 7999, False):
            bad += check_against_create_block_mask(masks, masks.build(mb.cu_seqlens))
            tables += 24
    check("banded block masks = create_block_mask", not bad, f"{tables} tables compared" if not bad else str(bad))


def check_attention_semantics():
    from torch.nn.attention.flex_attention import flex_attention
    T, worst_flex, worst_ref = 1024, 0.0, 0.0
    masks = DocumentWindowMasks(T, 3, 7, 16, CPU, block=128, compile_tables=False)
    g = torch.Generator().manual_seed(5)
    for mb in micro_batch_pool(2, T, 13, 60, 1.0, 256, 7999, False):
        built, dense = masks.build(mb.cu_seqlens), masks.build(mb.cu_seqlens, dense=True)
        for kind, groups, scale in (("short", 4, 1), ("long", 4, 1), ("paired", 2, 2)):
            S = T * scale
            q, k, v = (torch.randn(1, groups, S, 32, generator=g) for _ in range(3))
            y_flex = flex_attention(q, k, v, block_mask=built[kind], scale=0.12)
            y_sdpa = F.scaled_dot_product_attention(q, k, v, attn_mask=dense[kind], scale=0.12)
            window = masks.kinds[kind][1]
            ref_mask = doc_window_mask(mb.cu_seqlens.long() * scale, S, window)
            y_ref = masked_attention(q[0].transpose(0, 1), k[0].transpose(0, 1), v[0].transpose(0, 1), ref_mask, 0.12)
            worst_flex = max(worst_flex, rel(y_flex, y_sdpa))
            worst_ref = max(worst_ref, rel(y_sdpa[0].transpose(0, 1), y_ref))
    check("flex_attention with the banded masks = SDPA with the dense mask", worst_flex < 1e-5, f"{worst_flex:.1e}")
    check("dense mask = baton_ref's document + causal + window mask", worst_ref < 1e-5, f"{worst_ref:.1e}")


def check_compiled_flex_with_refreshed_masks():
    """As in the compiled model: BlockMask arguments whose mask_mods read buffers refreshed in place per
    micro-batch give right answers for every batch without recompiling (CPU flex compiles its forward)."""
    from torch._dynamo.utils import counters
    from torch.nn.attention.flex_attention import flex_attention
    T = 512
    masks = DocumentWindowMasks(T, 3, 7, 16, CPU, block=128, compile_tables=False)
    fn = torch.compile(lambda q, k, v, bm: flex_attention(q, k, v, block_mask=bm, scale=0.12), fullgraph=True,
                       dynamic=False)
    g = torch.Generator().manual_seed(8)
    worst, graphs = 0.0, []
    for mb in micro_batch_pool(3, T, 17, 50, 1.0, 256, 7999, False):
        built, dense = masks.build(mb.cu_seqlens), masks.build(mb.cu_seqlens, dense=True)
        for kind in ("short", "long"):
            q, k, v = (torch.randn(1, 4, T, 32, generator=g) for _ in range(3))
            y = fn(q, k, v, built[kind])
            worst = max(worst, rel(y, F.scaled_dot_product_attention(q, k, v, attn_mask=dense[kind], scale=0.12)))
        graphs.append(counters["stats"]["unique_graphs"])
    check("compiled flex_attention, masks refreshed in place: right for each batch, no recompilation",
          worst < 1e-5 and graphs[0] == graphs[-1], f"{worst:.1e}, compiled graphs after each batch {graphs}")


def randomise(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            scale = 0.5 if name in ("scalars", "x0_lambdas") else (0.05 if p.dim() > 1 else 0.3)
            p.copy_(torch.randn(p.shape, generator=g) * scale + (0.5 if name == "scalars" else 0.0))


def check_model_against_reference():
    size = tiny_size()
    for index in (0, 2):
        ph = phase(size, index)
        T = ph.micro_tokens
        kernels = kernel_choice.torch_only()
        bench = GPT(size.model, T, ph.yarn_transitions, kernels, False, CPU, dtype=torch.float32)
        randomise(bench, 10 + index)
        ref = RefGPT(size.model, CPU)
        with torch.no_grad():
            for name, p in ref.named_parameters():
                p.copy_(dict(bench.named_parameters())[name])
        for old, new in ph.yarn_transitions:
            ref.yarn.apply(old, new)
            ref.yarn_paired_head.apply(old, new)
        mb = micro_batch_pool(1, T, 21 + index, size.doc_median, 1.0, size.doc_cap, size.bos, False)[0]
        masks = DocumentWindowMasks(T, ph.ws_short, ph.ws_long, size.model.block_size, CPU, compile_tables=False)
        loss = bench(mb.inputs, mb.targets, masks.build(mb.cu_seqlens, dense=True), torch.tensor(ph.mtp_weights))
        loss.backward()
        sched = ForwardSchedule(list(ph.mtp_weights), ph.ws_short, ph.ws_long)
        ref_loss = ref(mb.inputs.long(), mb.targets, mb.cu_seqlens, sched)
        ref_loss.backward()
        grads = dict(ref.named_parameters())
        worst = max(rel(p.grad, grads[n].grad) for n, p in bench.named_parameters())
        check(f"bench GPT = baton_ref GPT, phase {index} (loss)", rel(loss, ref_loss) < 1e-5,
              f"{loss.item():.4f} vs {ref_loss.item():.4f}")
        check(f"bench GPT = baton_ref GPT, phase {index} (13 gradients)", worst < 1e-4, f"worst relative {worst:.1e}")


def check_fp8():
    g = torch.Generator().manual_seed(6)
    x = torch.randn(96, 64, generator=g).bfloat16().requires_grad_()
    w = (torch.randn(64, 256, generator=g) * 0.05).bfloat16().requires_grad_()
    y = lm_head_fp8.lm_head_fp8(x, w)
    dy = torch.randn(y.shape, generator=g).bfloat16() * 1e-3
    y.backward(dy)
    xr, wr = x.detach().float().requires_grad_(), w.detach().float().requires_grad_()
    yr = xr @ wr
    yr.backward(dy.float())
    errs = (rel(y, yr), rel(x.grad, xr.grad), rel(w.grad, wr.grad))
    ok = all(e < 0.1 for e in errs) and y.dtype == torch.bfloat16 and x.grad.dtype == torch.bfloat16
    check("FP8 lm_head op vs fp32 product (out, dx, dw)", ok, ", ".join(f"{e:.2e}" for e in errs))


def check_mantissa_update():
    g = torch.Generator().manual_seed(7)
    master = torch.randn(4, 64, 32, generator=g) * 0.05
    bits = master.view(torch.int32)
    p_bits, mantissa = (bits >> 16).to(torch.int16), bits.to(torch.int16)
    v = (torch.randn(4, 64, 32, generator=g) * 0.05).bfloat16()
    wd, lr = torch.tensor(0.03), torch.tensor(0.02)
    cautious_update_bf16(p_bits, mantissa, v, wd, lr)
    expect = master.clone()
    cautious_update_f32(expect, None, v, wd, lr)
    got = ((p_bits.to(torch.int32) << 16) | (mantissa.to(torch.int32) & 0xFFFF)).view(torch.float32)
    check("NorMuon bf16 weight + int16 mantissa update = fp32 update, bit for bit", torch.equal(got, expect))


def check_optimizer_against_reference():
    size = tiny_size()
    ph = phase(size, 0)
    T = ph.micro_tokens
    bench = GPT(size.model, T, (), kernel_choice.torch_only(), False, CPU)
    randomise(bench, 30)
    with torch.no_grad():
        bench.embed.copy_(bench.lm_head.T)
    ref = RefGPT(size.model, CPU)
    with torch.no_grad():
        for name, p in ref.named_parameters():
            p.copy_(dict(bench.named_parameters())[name].float())
    start = {n: p.detach().float().clone() for n, p in ref.named_parameters()}
    opt = NorMuonAdam(bench, size.optim, kernel_choice.torch_only().polar_express, lambda f: f, tied=True)
    ref_opt = NorMuonAndAdam(dict(ref.named_parameters()), ref.bank_views, record_param_table(), size.optim)
    g = torch.Generator().manual_seed(31)
    for step in range(2):
        for (name, p), rp in zip(bench.named_parameters(), ref.parameters()):
            # multiples of 2^-12 below 64 * 2^-12: sums of up to four (two steps, embed tie) are exact in bf16, so
            # both optimizers see the same gradients (a bf16 rounding can flip a near-zero sum's sign, and Adam's
            # first update is the sign)
            grad = (torch.randint(-63, 64, p.shape, generator=g) * 2.0 ** -12).to(p.dtype)
            p.grad = grad if p.grad is None else p.grad + grad
            rp.grad = grad.float() if rp.grad is None else rp.grad + grad.float()
        opt.step(ph.lr_factor, ph.momentum, do_adam=step % 2 == 1)
        ref_opt.step(ph.lr_factor, ph.momentum, step % 2 == 1)
    worst = {kind: (0.0, "all equal") for kind in ("bank", "bf16", "fp32")}
    for name, p in bench.named_parameters():
        ref_value = ref.state_dict()[name]
        if name in opt.views:     # NorMuon banks: compare the fp32 master (bf16 bits | mantissa) change
            bits = (p.detach().view(torch.int16).to(torch.int32) << 16) | (
                opt.state[name]["mantissa"].view(p.shape).to(torch.int32) & 0xFFFF)
            kind, e = "bank", rel(bits.view(torch.float32) - start[name], ref_value - start[name])
        elif p.dtype == torch.bfloat16:   # Adam on bf16 weights: the fp32 result rounded, within one bf16 ulp
            ulp = ref_value.abs() * 2.0 ** -7 + 1e-30
            kind, e = "bf16", float(((p.detach().float() - ref_value).abs() / ulp).max())
        else:
            kind, e = "fp32", rel(p.detach() - start[name], ref_value - start[name])
        if e > worst[kind][0]:
            worst[kind] = (e, name)
    check("two NorMuon + Adam steps, banks: fp32 master change = baton_ref's within bf16 polar express error",
          worst["bank"][0] < 0.1, "worst relative difference {:.2e} ({})".format(*worst["bank"]))
    check("two steps, bf16 Adam weights = baton_ref's fp32 weights within one bf16 ulp", worst["bf16"][0] <= 1.0,
          "worst {:.2f} ulp ({})".format(*worst["bf16"]))
    check("two steps, fp32 Adam weights (scalars, x0_lambdas) = baton_ref's", worst["fp32"][0] < 1e-5,
          "worst relative difference {:.1e} ({})".format(*worst["fp32"]))
    check("embed follows lm_head while tied", torch.equal(bench.embed.detach(), bench.lm_head.detach().T))


def check_record_kernels_patch():
    """The only change to the record's triton_kernels.py: one fp32 cast per float scalar argument."""
    path = find_record_kernels()
    if path is None:
        check("the record's triton_kernels.py patch", False, "file not found (../shared/reference/...)")
        return
    source = open(path).read()
    patched = patch_float_args(source)
    ast.parse(patched)
    diff = [d for d in difflib.ndiff(source.splitlines(), patched.splitlines()) if d[:2] in ("+ ", "- ")]
    casts = [d for d in diff if d.startswith("+ ") and d.strip().endswith(", tl.float32)")]
    check("the record's triton_kernels.py patch: 8 fp32 casts added, nothing else changed",
          len(diff) == 8 and len(casts) == 8, f"{len(diff)} changed lines")


def check_run():
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "bench.json")
        cmd = [sys.executable, os.path.join(HERE, "model_bench.py"), "--tiny", "--device", "cpu", "--compile-mode",
               "none", "--grad-accum", "2", "--warmup", "1", "--steps", "2", "--json-out", out]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
        last = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
        try:
            r = json.loads(last)
            same = json.load(open(out)) == r
        except (ValueError, OSError):
            check("model_bench.py --tiny --device cpu", False, (proc.stdout + proc.stderr)[-2000:])
            return
    tokens = 2 * phase(tiny_size(), 2).micro_tokens
    ok = (proc.returncode == 0 and r["ok"] and same and r["tokens_per_step"] == tokens and r["steps"] == 2
          and r["ms_per_step"] > 0 and abs(r["tokens_per_s"] - tokens / r["ms_per_step"] * 1e3) < 1e-3 * tokens
          and abs(r["loss_last"] - math.log(tiny_size().bos)) < 1.0 and r["windows"] == [5, 11])
    check("model_bench.py --tiny --device cpu: JSON figures", ok,
          f"{r['ms_per_step']:.0f} ms/step, {r['tokens_per_s']:.0f} tokens/s, loss {r['loss_last']:.3f}")


CHECKS = [check_layouts, check_block_masks, check_attention_semantics, check_compiled_flex_with_refreshed_masks,
          check_model_against_reference, check_fp8, check_mantissa_update, check_optimizer_against_reference,
          check_record_kernels_patch, check_run]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-run", action="store_true", help="skip the end-to-end run (the slowest check)")
    ap.add_argument("--only", help="run the checks whose function name contains this")
    args = ap.parse_args()
    torch.manual_seed(0)
    # eager flex forward (check 3) is the point there: its "use torch.compile" advice is noise
    warnings.filterwarnings("ignore", message="flex_attention called without torch.compile")
    for fn in CHECKS:
        if (args.only and args.only not in fn.__name__) or (args.skip_run and fn is check_run):
            continue
        fn()
    print(f"{sum(RESULTS)}/{len(RESULTS)} checks passed")
    return 0 if RESULTS and all(RESULTS) else 1


if __name__ == "__main__":
    sys.exit(main())
