"""Writes the "record-small" golden file of GOLDEN.md: init, batches, losses, grads, weights, steps 0..7.

Usage (GPU machine, or any machine with PyTorch): python3 golden.py --out record-small.safetensors
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from baton_ref import init as pinit  # noqa: E402
from baton_ref import safetensors_io  # noqa: E402
from baton_ref.batches import BosLoader, document_stream  # noqa: E402
from baton_ref.config import record_small, to_json_dict  # noqa: E402
from baton_ref.model import GPT, ForwardSchedule  # noqa: E402
from baton_ref.optim import WORK_ORDER, NorMuonAndAdam, record_param_table  # noqa: E402
from baton_ref.schedule import Schedule  # noqa: E402

INIT_SEED = 1234
DATA_SEED = 20240520
NUM_DOCS = 400
DOC_LEN = (5, 70)
SAMPLE_COUNT = 4096
WHOLE_MAX = 32768


def deterministic_torch():
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    torch.use_deterministic_algorithms(True)
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.set_float32_matmul_precision("highest")


class GoldenTensors:
    """Collects tensors under the golden naming rules: whole when small, else sample values + stats."""

    def __init__(self, shapes: dict):
        self.out = {}
        self.samples = {}
        for name, shape in shapes.items():
            numel = int(np.prod(shape))
            if numel > WHOLE_MAX:
                idx = pinit.sample_indices(INIT_SEED, name, numel, SAMPLE_COUNT)
                self.samples[name] = idx
                self.out["sample." + name] = idx.astype(np.int32)

    def put(self, key: str, param: str, t):
        """key: full tensor name (e.g. step.3.param.attn_bank); param: whose sample indices apply."""
        a = (t.detach().float().cpu().numpy() if torch.is_tensor(t) else np.asarray(t, np.float32))
        a = a.astype(np.float32)
        if param in self.samples:
            flat = a.reshape(-1)
            d = flat.astype(np.float64)
            self.out[key + ".val"] = flat[self.samples[param]]
            self.out[key + ".stats"] = np.array([d.sum(), (d * d).sum(), np.abs(d).max()], np.float64)
        else:
            self.out[key] = a

    def scalar(self, key: str, values, dtype=np.float64):
        self.out[key] = np.asarray(values, dtype=dtype)


def make_batches(sched: Schedule, sc):
    tokens = document_stream(DATA_SEED, NUM_DOCS, *DOC_LEN)
    loader = BosLoader(tokens, sc.train_max_seq_len)
    return [loader.next_batch(sched.get_bs(s)) for s in range(sc.num_iterations)]


def run(device: str, verbose: bool = True):
    deterministic_torch()
    mc, sc, oc = record_small()
    sched = Schedule(sc)
    model = GPT(mc, device=device)
    model.portable_init(INIT_SEED)
    params = dict(model.named_parameters())
    opt = NorMuonAndAdam(params, model.bank_views, record_param_table(), oc)
    gt = GoldenTensors({n: tuple(p.shape) for n, p in params.items()})
    batches = make_batches(sched, sc)

    for n, p in params.items():
        gt.put("init." + n, n, p)
    per_step = []
    ws_long = sched.get_ws(0)[1]
    for step in range(sc.num_iterations):
        ws_short, new_long = sched.get_ws(step)
        if new_long != ws_long:
            model.yarn.apply(ws_long, new_long)
            model.yarn_paired_head.apply(ws_long, new_long)
            ws_long = new_long
        fs = ForwardSchedule(sched.mtp_weights(step), ws_short, ws_long)
        inputs, targets, cu = batches[step]
        gt.out[f"batch.{step}.inputs"], gt.out[f"batch.{step}.targets"] = inputs, targets
        gt.out[f"batch.{step}.cu_seqlens"] = cu
        inp, tgt, cut = (torch.from_numpy(a.astype(np.int64)).to(device) for a in (inputs, targets, cu))
        if step == 0:
            with torch.no_grad():
                gt.scalar("eval.init.loss", model(inp, tgt, cut, fs, training=False).item())
        loss = model(inp, tgt, cut, fs, training=True)
        loss.backward()
        grads = {n: p.grad.detach().clone() for n, p in params.items()}
        do_adam = sched.is_adam_step(step)
        lr, mom = sched.get_lr(step), sched.momentum(step)
        seen = opt.step(lr, mom, do_adam)
        grads.update(seen)
        if step == sched.split_step:
            opt.copy_lm_state_to_embed()
        gt.scalar(f"step.{step}.loss", loss.item())
        gt.scalar(f"step.{step}.attn_scale", [model.yarn.attn_scale, model.yarn_paired_head.attn_scale])
        for n, p in params.items():
            gt.put(f"step.{step}.grad.{n}", n, grads[n])
            gt.put(f"step.{step}.param.{n}", n, p)
            put_state(gt, opt, step, n, n in seen or (n == "embed" and step == sched.split_step))
        info = dict(step=step, tokens=int(len(inputs)), docs=int(len(cu) - 1), lr_factor=lr, momentum=mom,
                    ws_short=ws_short, ws_long=ws_long, mtp_weights=fs.mtp_weights, adam_step=do_adam,
                    tied=not opt.split_embed or step == sched.split_step,
                    attn_scale=[model.yarn.attn_scale, model.yarn_paired_head.attn_scale], loss=loss.item())
        per_step.append(info)
        if verbose:
            print(f"step {step}: T={info['tokens']} docs={info['docs']} loss={loss.item():.6f} "
                  f"(per token {loss.item() / len(inputs):.6f}) lr={lr:.6f} mom={mom:.4f} "
                  f"ws=({ws_short},{ws_long}) mtp={fs.mtp_weights} adam={do_adam} "
                  f"scale={model.yarn.attn_scale:.6f}", flush=True)
    meta = metadata(mc, sc, oc, sched, per_step, device)
    return gt.out, meta


def put_state(gt: GoldenTensors, opt: NorMuonAndAdam, step: int, name: str, changed: bool):
    """Optimizer state after step s of each param whose state changed at s (the untie hand-over too)."""
    cfg, st = opt.cfgs[name], opt.state[name]
    if not changed:
        return
    if cfg.optim == "normuon":
        gt.put(f"step.{step}.state.{name}.momentum", name, st["momentum"])
        gt.put(f"step.{step}.state.{name}.second_momentum", name + ".second_momentum", st["second_momentum"])
        return
    gt.put(f"step.{step}.state.{name}.exp_avg", name, st["exp_avg"])
    gt.put(f"step.{step}.state.{name}.exp_avg_sq", name, st["exp_avg_sq"])
    gt.scalar(f"step.{step}.state.{name}.step", st["step"], np.int32)


def metadata(mc, sc, oc, sched: Schedule, per_step: list, device: str) -> dict:
    cfg = {
        "model": to_json_dict(mc), "schedule": to_json_dict(sc), "optim": to_json_dict(oc),
        "param_table": record_param_table(), "work_order": WORK_ORDER,
        "split_step": sched.split_step, "yarn_transitions": sched.yarn_transitions(),
        "init_seed": INIT_SEED,
        "data": {"numpy_random_state_seed": DATA_SEED, "num_docs": NUM_DOCS, "doc_len_min": DOC_LEN[0],
                 "doc_len_max": DOC_LEN[1], "bos": 50256, "max_seq_len": sc.train_max_seq_len},
        "golden": {"sample_count": SAMPLE_COUNT, "whole_max_numel": WHOLE_MAX,
                   "sample_seed": INIT_SEED, "steps": per_step},
        "loss": "train: sum over rows of sum_k w_k * CE(softcap(logits_row), targets[row+k]); "
                "eval: mean CE of softcapped logits, next token only",
    }
    name = torch.cuda.get_device_name(0) if device.startswith("cuda") else "cpu"
    return {"config": json.dumps(cfg, sort_keys=True), "format": "baton-golden-1",
            "generator": f"Baton reference/golden.py; PyTorch {torch.__version__} on {name}; fp32; "
                         f"dense masked attention; portable init seed {INIT_SEED}"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    a = ap.parse_args()
    tensors, meta = run(a.device)
    safetensors_io.write(a.out, tensors, meta)
    print(f"wrote {a.out}: {os.path.getsize(a.out)} bytes, {len(tensors)} tensors")


if __name__ == "__main__":
    main()
