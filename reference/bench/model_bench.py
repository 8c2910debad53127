"""PyTorch side of `baton bench --compare-pytorch`: the record's model and optimizer (PR #200) on one GPU, timed.

The record's size and layout, one phase of its batch schedule (default: the last, 393,216 tokens per step =
8 micro-batches of 49,152 tokens, windows (5, 11) x 128, MTP [1.0]), bf16 weights and activations with fp32
optimizer state, FP8 lm_head (on by default), torch.compile, flex_attention under a document + causal +
sliding-window block mask built for every micro-batch, NorMuon + Adam as the record steps them. Synthetic
tokens, FineWeb-like document lengths, fixed seeds. See README.md beside this file.

  python3 reference/bench/model_bench.py [--phase 2] [--steps 20] [--warmup 4] [--no-fp8] [--compile-mode M]
                                         [--kernels auto|record|torch] [--record-dir DIR] [--tiny] [--device cpu]
  torchrun --nproc_per_node=W reference/bench/model_bench.py ...   (data parallel over W GPUs: speedrun/ranks.py;
                                         grad accumulation 8 / W, the same global batch; rank 0 prints)

Prints the run as it goes, then one JSON line (the last line of stdout, also written to --json-out):
{"impl": "pytorch", "ok": true, "ms_per_step": ..., "tokens_per_s": ..., ...}; on failure {"impl": "pytorch",
"ok": false, "error": ...} and exit status 1.
"""
import argparse
import gc
import json
import math
import os
import statistics
import sys
import time
import traceback

os.environ.setdefault("PYTORCH_ALLOC_CONF", "expandable_segments:True")   # the record's allocator setting

import torch  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))      # reference/ (baton_ref)
sys.path.insert(0, HERE)                       # reference/bench (speedrun)

from speedrun import kernel_choice  # noqa: E402
from speedrun.block_masks import DocumentWindowMasks, check_against_create_block_mask  # noqa: E402
from speedrun.documents import micro_batch_pool  # noqa: E402
from speedrun.gpt import GPT, parameter_count, step_flops  # noqa: E402
from speedrun.optimizer import NorMuonAdam  # noqa: E402
from speedrun.phases import PHASE_NAMES, phase, record_size, tiny_size  # noqa: E402
from speedrun.ranks import Ranks  # noqa: E402

RANKS = Ranks()     # torchrun's environment: rank 0 of 1 without it

COMPILE_MODES = ("default", "reduce-overhead", "max-autotune", "max-autotune-no-cudagraphs", "none")


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--phase", type=int, default=2, choices=(0, 1, 2, 3), help="; ".join(
        f"{k}: {v}" for k, v in PHASE_NAMES.items()) + " (default 2)")
    ap.add_argument("--steps", type=int, help="timed optimizer steps (default 20, tiny 2); rounded up to even")
    ap.add_argument("--warmup", type=int, help="untimed steps first, compilation included (default 4, tiny 2)")
    ap.add_argument("--grad-accum", type=int, help="micro-batches per step and rank (the record: 8 // world size)")
    ap.add_argument("--fp8", dest="fp8", action="store_true", default=True, help="FP8 lm_head (default)")
    ap.add_argument("--no-fp8", dest="fp8", action="store_false", help="bf16 lm_head")
    ap.add_argument("--compile-mode", default="default", choices=COMPILE_MODES,
                    help="torch.compile mode of the model ('none': eager, for debugging)")
    ap.add_argument("--kernels", default="auto", choices=("auto", "record", "torch"),
                    help="the record's Triton kernels (MLP, CE, polar express) or PyTorch forms (default auto)")
    ap.add_argument("--record-dir", help="folder holding the record's triton_kernels.py")
    ap.add_argument("--attention", choices=("flex", "dense"),
                    help="flex_attention (default on CUDA) or SDPA under a dense S x S mask (default on CPU: flex "
                         "has no CPU backward)")
    ap.add_argument("--tiny", action="store_true", help="width 128, vocab 4096, 1/64 of the tokens: smoke tests")
    ap.add_argument("--device", help="cuda (default when present) or cpu")
    ap.add_argument("--seed", type=int, default=2026, help="weights, tokens and document layouts")
    ap.add_argument("--pool", type=int, default=16, help="distinct micro-batches, cycled")
    ap.add_argument("--check-masks", action="store_true",
                    help="compare the banded block masks with create_block_mask first (default on with --tiny)")
    ap.add_argument("--no-fallback", action="store_true",
                    help="fail instead of retrying with PyTorch kernels / without FP8 when a warm-up step fails")
    ap.add_argument("--json-out", help="also write the JSON result to this file")
    args = ap.parse_args(argv)
    args.steps = args.steps if args.steps is not None else (2 if args.tiny else 20)
    args.steps += args.steps % 2          # Adam runs on odd steps: time whole even/odd pairs
    args.warmup = args.warmup if args.warmup is not None else (2 if args.tiny else 4)
    args.check_masks = args.check_masks or args.tiny
    args.grad_accum = RANKS.grad_accum(args.grad_accum)
    if args.steps < 2 or args.warmup < 0 or args.grad_accum < 1 or args.pool < 1:
        ap.error("--steps >= 1, --warmup >= 0, --grad-accum >= 1 and --pool >= 1 please")
    return args


def log(msg):
    if RANKS.leader:
        print(msg, flush=True)


class Clock:
    """Step times: CUDA events at step boundaries (no synchronisation inside the timed loop) or host time."""

    def __init__(self, device):
        self.cuda = device.type == "cuda"
        self.marks = []

    def mark(self):
        if self.cuda:
            e = torch.cuda.Event(enable_timing=True)
            e.record()
            self.marks.append(e)
        else:
            self.marks.append(time.perf_counter())

    def intervals_ms(self):
        if self.cuda:
            torch.cuda.synchronize()
            return [a.elapsed_time(b) for a, b in zip(self.marks, self.marks[1:])]
        return [(b - a) * 1e3 for a, b in zip(self.marks, self.marks[1:])]


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


class Bench:
    """Model, optimizer, masks and batches of one configuration; `step()` is one optimizer step."""

    def __init__(self, args, size, ph, kernels, fp8, device, pool):
        self.args, self.size, self.ph, self.device, self.pool = args, size, ph, device, pool
        self.kernels, self.fp8, self.cursor = kernels, fp8, 0
        compiled = args.compile_mode != "none"
        cfn = (lambda f: torch.compile(f, dynamic=False, fullgraph=True)) if compiled else (lambda f: f)
        self.masks = DocumentWindowMasks(ph.micro_tokens, ph.ws_short, ph.ws_long, size.model.block_size, device,
                                         compile_tables=compiled)
        self.model = GPT(size.model, ph.micro_tokens, ph.yarn_transitions, kernels, fp8, device)
        self.model.init_weights(args.seed)
        mode = None if args.compile_mode in ("default", "none") else args.compile_mode
        self.forward = torch.compile(self.model, dynamic=False, fullgraph=True, mode=mode) if compiled else self.model
        self.optimizer = NorMuonAdam(self.model, size.optim, kernels.polar_express, cfn, ph.tied)
        self.mtp = torch.tensor(ph.mtp_weights, dtype=torch.float32, device=device)
        self.step_index = 0

    def next_batch(self):
        mb = self.pool[RANKS.micro_batch(self.cursor) % len(self.pool)]
        self.cursor += 1
        return mb.to(self.device)

    def step(self):
        """One optimizer step: grad_accum forward/backward passes, then NorMuon (+ Adam on odd steps)."""
        losses = []
        for _ in range(self.ph.grad_accum):
            inputs, targets, cu = self.next_batch()
            block_masks = self.masks.build(cu, dense=self.args.attention == "dense")
            loss = self.forward(inputs, targets, block_masks, self.mtp) / self.ph.grad_accum
            loss.backward()
            losses.append(loss.detach())
        RANKS.average_grads(self.model)
        self.optimizer.step(self.ph.lr_factor, self.ph.momentum, do_adam=self.step_index % 2 == 1)
        self.step_index += 1
        return RANKS.average(torch.stack(losses).sum())

    def mask_ms_per_step(self, repeats=3):
        """Block-mask construction alone for one step's micro-batches (median of `repeats`)."""
        batches = [self.next_batch()[2] for _ in range(self.ph.grad_accum)]
        times = []
        for _ in range(repeats):
            clock = Clock(self.device)
            clock.mark()
            for cu in batches:
                self.masks.build(cu)
            clock.mark()
            times.append(clock.intervals_ms()[0])
        return statistics.median(times)


def attempts(kernels, fp8, allow_fallback):
    """Configurations to try in order: as chosen, then PyTorch kernels, then also without FP8."""
    out = [(kernels, fp8, None)]
    if allow_fallback and any(v != "torch" for v in kernels.names.values()):
        out.append((kernel_choice.torch_only(kernels.notes), fp8, "the record's kernels -> PyTorch forms"))
    if allow_fallback and fp8:
        out.append((kernel_choice.torch_only(kernels.notes), False, "FP8 lm_head -> bf16"))
    return out


def warm_up(args, size, ph, kernels, fp8, device, pool, notes):
    """Build and run the warm-up steps, falling back to safer configurations on failure."""
    last_error = None
    for kern, use_fp8, change in attempts(kernels, fp8, not args.no_fallback):
        if change:
            notes.append(f"fallback after a failed warm-up ({last_error}): {change}")
            log(f"[bench] retrying: {change}")
        bench = None
        try:
            bench = Bench(args, size, ph, kern, use_fp8, device, pool)
            times = []
            for _ in range(max(args.warmup, 1)):
                t0 = time.perf_counter()
                loss = bench.step()
                sync(device)
                times.append(time.perf_counter() - t0)
                per_token = loss.item() / ph.micro_tokens / sum(ph.mtp_weights)
                log(f"[bench] warm-up step {len(times)}: {times[-1]:.1f} s, loss {per_token:.4f} per token")
            return bench, times
        except Exception as e:  # noqa: BLE001 - report, then try the next configuration
            last_error = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"[:300]
            log(f"[bench] warm-up failed: {last_error}")
            traceback.print_exc(limit=6)
        # only out here is the traceback (and with it the failed model's frames) released
        del bench
        torch._dynamo.reset()
        gc.collect()
        if device.type == "cuda":
            torch.cuda.empty_cache()
    raise RuntimeError(f"every configuration failed; last error: {last_error}")


def finite(x):
    return None if x is None or not math.isfinite(x) else x


def run(args):
    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    if device.type == "cuda" and not torch.cuda.is_available():
        raise SystemExit("--device cuda: no CUDA device visible to PyTorch; use --device cpu")
    device = RANKS.device(device)
    RANKS.start(device)
    args.attention = args.attention or ("flex" if device.type == "cuda" else "dense")
    size = tiny_size() if args.tiny else record_size()
    ph = phase(size, args.phase, args.grad_accum)
    for knob in ("recompile_limit", "cache_size_limit"):
        if hasattr(torch._dynamo.config, knob):
            setattr(torch._dynamo.config, knob, 64)     # the record's setting (one compile per param shape)
    torch.manual_seed(args.seed)
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"
    try:
        import triton
        triton_version = triton.__version__
    except ImportError:
        triton_version = None
    log(f"[bench] torch {torch.__version__}, triton {triton_version}, device {name}")
    log(f"[bench] size {size.name}: {size.model.num_layers} layers, d {size.model.model_dim}, "
        f"{size.model.num_heads} heads x {size.model.head_dim}, V {size.model.padded_vocab}; phase {ph.index} "
        f"({PHASE_NAMES[ph.index]}, schedule step {ph.step}): {ph.grad_accum} x {ph.micro_tokens} tokens, "
        f"windows ({ph.ws_short}, {ph.ws_long}) x {size.model.block_size}, MTP {list(ph.mtp_weights)}, "
        f"{'tied' if ph.tied else 'untied'} embed"
        + (f"; W = {RANKS.world} ranks (torchrun), global batch {ph.tokens_per_step * RANKS.world:,} tokens"
           if RANKS.distributed else ""))
    notes = []
    t_probe = time.perf_counter()
    kernels = kernel_choice.choose(args.kernels, device, args.record_dir, log)
    notes += kernels.notes
    fp8 = args.fp8
    if fp8:
        fp8, note = kernel_choice.fp8_usable(device, log)
        if note:
            notes.append(note + " -> bf16 lm_head")
    probe_s = time.perf_counter() - t_probe
    pool = micro_batch_pool(args.pool, ph.micro_tokens, args.seed, size.doc_median, size.doc_sigma, size.doc_cap,
                            size.bos, pin=device.type == "cuda")
    docs = [mb.documents for mb in pool]
    log(f"[bench] {len(pool)} micro-batches: {min(docs)}-{max(docs)} documents of median {size.doc_median:.0f} "
        f"tokens, cut at {size.doc_cap}")

    t_start = time.perf_counter()
    bench, warm_times = warm_up(args, size, ph, kernels, fp8, device, pool, notes)
    warm_s = time.perf_counter() - t_start
    if args.check_masks:
        bad = check_against_create_block_mask(bench.masks, bench.masks.build(bench.next_batch()[2]))
        if bad:
            raise RuntimeError(f"banded block masks differ from create_block_mask: {bad}")
        log("[bench] block masks: identical to create_block_mask (short, long, paired)")

    sync(device)
    cuda = device.type == "cuda"
    peak_warm = torch.cuda.max_memory_allocated(device) / 2 ** 30 if cuda else None
    if cuda:
        torch.cuda.reset_peak_memory_stats(device)
    clock, losses, first_index = Clock(device), [], bench.step_index
    t0 = time.perf_counter()
    clock.mark()
    for _ in range(args.steps):
        losses.append(bench.step())
        clock.mark()
    times = clock.intervals_ms()
    wall_ms = (time.perf_counter() - t0) * 1e3 / args.steps
    # a step's loss is the mean over its micro-batches of each one's sum over rows (the record's loss / grad_accum)
    step_losses = [x.item() / ph.micro_tokens / sum(ph.mtp_weights) for x in losses]
    for j, (x, t) in enumerate(zip(step_losses, times)):      # after the loop: reading losses would sync it
        log(f"step {first_index + j} loss {x:.6f} ms {t:.1f}")
    peak_timed = torch.cuda.max_memory_allocated(device) / 2 ** 30 if cuda else None
    mask_ms = bench.mask_ms_per_step()

    layouts = [[int(v) for v in mb.cu_seqlens[:mb.documents + 1]] for mb in pool]
    # pool mean, over every rank's micro-batches
    flops = step_flops(size.model, layouts, ph.ws_short, ph.ws_long) * ph.grad_accum * RANKS.world / len(layouts)
    global_tokens = ph.tokens_per_step * RANKS.world
    mean_ms, median_ms = statistics.fmean(times), statistics.median(times)
    even = [t for j, t in enumerate(times) if (first_index + j) % 2 == 0]     # NorMuon only
    odd = [t for j, t in enumerate(times) if (first_index + j) % 2 == 1]      # NorMuon + Adam
    result = {
        "impl": "pytorch", "ok": True, "schema": 1, "device": name, "torch": torch.__version__,
        "triton": triton_version, "cuda": torch.version.cuda, "size": size.name, "phase": ph.index,
        "schedule_step": ph.step, "world": RANKS.world, "tokens_per_step": global_tokens,
        "micro_batch_tokens": ph.micro_tokens,
        "grad_accum": ph.grad_accum, "windows": [ph.ws_short, ph.ws_long],
        "window_tokens": [ph.ws_short * size.model.block_size, ph.ws_long * size.model.block_size],
        "mtp_weights": list(ph.mtp_weights), "tied_embed": ph.tied, "fp8": bench.fp8,
        "compile_mode": args.compile_mode, "kernels": bench.kernels.names,
        "attention": "flex_attention" if args.attention == "flex" else "sdpa-dense-mask",
        "params": parameter_count(bench.model), "warmup_steps": len(warm_times),
        "record_kernels_file": kernels.source, "probe_s": round(probe_s, 2), "compile_s": round(warm_times[0], 2),
        "warmup_s": round(warm_s, 2), "steps": args.steps,
        "ms_per_step": round(mean_ms, 3), "ms_per_step_median": round(median_ms, 3),
        "ms_per_step_min": round(min(times), 3), "ms_per_step_max": round(max(times), 3),
        "ms_per_step_even": round(statistics.fmean(even), 3), "ms_per_step_odd": round(statistics.fmean(odd), 3),
        "wall_ms_per_step": round(wall_ms, 3),
        "tokens_per_s": round(global_tokens / (mean_ms * 1e-3), 1),
        "tokens_per_s_median": round(global_tokens / (median_ms * 1e-3), 1),
        "block_mask_ms_per_step": round(mask_ms, 3), "flops_per_step": flops,
        "model_tflops": round(flops / (mean_ms * 1e-3) / 1e12, 2),
        "peak_mem_gib": round(max(peak_warm, peak_timed), 3) if cuda else None,
        "peak_mem_timed_gib": round(peak_timed, 3) if cuda else None,
        "peak_mem_reserved_gib": round(torch.cuda.max_memory_reserved(device) / 2 ** 30, 3) if cuda else None,
        "loss_first": finite(step_losses[0]), "loss_last": finite(step_losses[-1]),
        "documents_per_micro_batch": round(statistics.fmean(docs), 1), "seed": args.seed, "notes": notes,
    }
    log(f"[bench] warm-up {len(warm_times)} steps: {warm_s:.1f} s (first step {warm_times[0]:.1f} s)")
    log(f"[bench] {args.steps} steps: {mean_ms:.1f} ms/step mean, {median_ms:.1f} median "
        f"(even {result['ms_per_step_even']:.1f}, odd {result['ms_per_step_odd']:.1f}), "
        f"{result['tokens_per_s']:,.0f} tokens/s, "
        f"{result['model_tflops']} TFLOP/s; block masks {mask_ms:.1f} ms/step")
    if cuda:
        log(f"[bench] peak memory {result['peak_mem_gib']:.2f} GiB allocated ({peak_timed:.2f} in the timed steps), "
            f"{result['peak_mem_reserved_gib']:.2f} GiB reserved")
    log(f"[bench] loss per token: {step_losses[0]:.4f} (first timed step) -> {step_losses[-1]:.4f} (last)")
    return result


def emit(result, path):
    if not RANKS.leader:
        return
    line = json.dumps(result, allow_nan=False)
    print(line, flush=True)
    if path:
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            f.write(line + "\n")
        os.replace(tmp, path)


def main(argv=None):
    args = parse_args(argv)
    try:
        result, rc = run(args), 0
    except SystemExit as e:
        if not isinstance(e.code, str):
            raise
        result, rc = {"impl": "pytorch", "ok": False, "error": e.code}, 2
        print(f"[bench] {e.code}", file=sys.stderr)
    except Exception as e:  # noqa: BLE001 - the caller parses one JSON line whatever happened
        traceback.print_exc()
        result, rc = {"impl": "pytorch", "ok": False, "error": f"{type(e).__name__}: {e}"[:2000]}, 1
    finally:
        RANKS.stop()
    emit(result, args.json_out)
    return rc


if __name__ == "__main__":
    sys.exit(main())
