#!/usr/bin/env python3
"""Golden data for Baton's golf model, from the parameter-golf baseline's own GPT.

Usage: golf_golden.py [--baseline PATH/train_gpt.py] --out FILE.safetensors

Loads the challenge's train_gpt.py as a module (its top level only defines things; sentencepiece,
which it imports but the model does not use, is stubbed), builds its GPT in fp32 on the CPU and
writes, for Baton's tests:

  micro config (vocab 64, 5 blocks, d 16, 4 heads over 2 KV heads, MLP 2x, seq 8, batch 3):
    weights = the portable initialisation of golf/README (the baseline's init rules) plus a portable
    normal perturbation (std 0.3, tensor "perturb/<name>") so that every path carries gradient;
    tokens from the portable generator; then `loss` (GPT.forward, the mean softcapped CE) and
    `grad/<name>` for every parameter (loss.backward()).
  baseline config (the defaults): the state_dict names, shapes and order and model_params, as
    metadata, so the Java parameter table can be checked against PyTorch's.

The portable generator is reference/baton_ref/init.py (shared with the Java PortableInit).
"""
import argparse
import importlib.util
import json
import math
import os
import sys
import types

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from baton_ref import init as pinit  # noqa: E402
from baton_ref import safetensors_io  # noqa: E402

SEED = 3
PERTURB_STD = 0.3
MICRO = dict(vocab_size=64, num_layers=5, model_dim=16, num_heads=4, num_kv_heads=2, mlp_mult=2)
SEQ = 8
BATCH = 3


def find_baseline():
    """The baseline script under ../shared/reference/parameter-golf of some parent folder."""
    d = HERE
    while True:
        cand = os.path.join(d, "shared", "reference", "parameter-golf", "train_gpt.py")
        if os.path.exists(cand):
            return cand
        if os.path.dirname(d) == d:
            sys.exit("cannot find shared/reference/parameter-golf/train_gpt.py above " + HERE + "; give --baseline")
        d = os.path.dirname(d)


def load_baseline(path):
    sys.modules.setdefault("sentencepiece", types.ModuleType("sentencepiece"))
    spec = importlib.util.spec_from_file_location("golf_baseline", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def build(mod, **sizes):
    return mod.GPT(tie_embeddings=True, tied_embed_init_std=0.005, logit_softcap=30.0, rope_base=10000.0,
                   qk_gain_init=1.5, **sizes).float()


def portable_state(model, seed):
    """The baseline's init rules through the portable generator, then the portable perturbation."""
    out = {}
    for name, p in model.state_dict().items():
        shape = tuple(p.shape)
        n = int(np.prod(shape))
        if name == "tok_emb.weight":
            v = pinit.normal(seed, name, n, 0.005)
        elif name.endswith(("c_q.weight", "c_k.weight", "c_v.weight", "fc.weight")):
            v = pinit.uniform(seed, name, n, 1.0 / math.sqrt(shape[1]))
        elif name.endswith("proj.weight"):
            v = np.zeros(n, np.float32)
        elif name.endswith("q_gain"):
            v = np.full(n, 1.5, np.float32)
        elif name.endswith("resid_mix"):
            v = np.concatenate([np.ones(shape[1], np.float32), np.zeros(shape[1], np.float32)])
        else:  # attn_scale, mlp_scale, skip_weights
            v = np.ones(n, np.float32)
        v = v + pinit.normal(seed, "perturb/" + name, n, PERTURB_STD)
        out[name] = torch.from_numpy(v.astype(np.float32).reshape(shape))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--baseline", default=None, help="the challenge's train_gpt.py (default: found above)")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    mod = load_baseline(args.baseline or find_baseline())
    torch.manual_seed(0)

    model = build(mod, **MICRO)
    model.load_state_dict(portable_state(model, SEED), strict=True)
    n = BATCH * SEQ + 1
    stream = np.floor(pinit.u(pinit.key(SEED, "tokens"), np.arange(n, dtype=np.uint64)) * MICRO["vocab_size"])
    stream = torch.from_numpy(stream.astype(np.int64))
    x = stream[:-1].reshape(BATCH, SEQ)
    y = stream[1:].reshape(BATCH, SEQ)
    loss = model(x, y)
    loss.backward()
    tensors = {"tokens": stream.numpy().astype(np.int32), "loss": np.array([loss.item()], np.float64)}
    for name, p in model.named_parameters():
        tensors["grad/" + name] = p.grad.detach().numpy().astype(np.float32)

    base = build(mod, vocab_size=1024, num_layers=9, model_dim=512, num_heads=8, num_kv_heads=4, mlp_mult=2)
    layout = [[k, list(v.shape)] for k, v in base.state_dict().items()]
    meta = {
        "seed": str(SEED), "perturb_std": str(PERTURB_STD), "seq_len": str(SEQ), "batch": str(BATCH),
        "micro": json.dumps(MICRO), "torch": torch.__version__,
        "baseline_state_dict": json.dumps(layout),
        "baseline_model_params": str(sum(p.numel() for p in base.parameters())),
    }
    safetensors_io.write(args.out, tensors, meta)
    print(f"loss {loss.item():.8f}; {len(tensors)} tensors; baseline params {meta['baseline_model_params']}")


if __name__ == "__main__":
    main()
