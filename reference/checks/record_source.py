"""Loads selected definitions of the record's train_gpt.py (read as text, never copied) for cross-checks.

Only class/function definitions are exec'd, with the globals they use stubbed: `args`, `device`, `dist`,
FlashAttention (a dense masked attention built independently of baton_ref), the Triton kernels
(plain PyTorch with the kernels' own backward formulas), FP8 off. Three textual edits make the
eager fp32 run possible: bf16 casts become fp32, torch.compile decorators are dropped, and the key
offset's overlapping in-place slice copy reads a clone (its semantics under torch.compile). The
mantissa trick's uint32 bit operations are rewritten on signed integer types (same bits).
"""
import ast
import math
import os
import re
import sys
import types
from dataclasses import dataclass
from types import SimpleNamespace

import torch
import torch.nn as nn
import torch.nn.functional as F

WANTED = ["norm", "CastedLinearT", "Yarn", "YarnPairedHead", "AttnArgs", "CausalSelfAttention",
          "PairedHeadCausalSelfAttention", "MLP", "Block", "next_multiple_of_n", "ForwardScheduleConfig",
          "GPT", "polar_express_coeffs", "polar_express", "ParamConfig", "NorMuonAndAdam", "get_bs", "get_ws",
          "get_lr", "get_muon_momentum", "BOS_ID", "BOSFinder", "TrainingManager"]


def independent_mask(cu_seqlens, length: int, window: int, device):
    """Block-diagonal causal banded mask built document by document (not via baton_ref)."""
    mask = torch.zeros(length, length, dtype=torch.bool, device=device)
    bounds = sorted(set(int(b) for b in cu_seqlens.tolist()))
    for s, e in zip(bounds[:-1], bounds[1:]):
        n = e - s
        i = torch.arange(n, device=device)
        mask[s:e, s:e] = (i[None, :] <= i[:, None]) & (i[:, None] - i[None, :] <= window)
    return mask


def flash_attn_varlen_func(q, k, v, cu_seqlens_q, cu_seqlens_k, max_seqlen_q, max_seqlen_k, causal,
                           softmax_scale, window_size):
    assert causal and window_size[1] == 0
    S = q.size(0)
    mask = independent_mask(cu_seqlens_q, S, window_size[0], q.device)
    y = F.scaled_dot_product_attention(q.transpose(0, 1), k.transpose(0, 1), v.transpose(0, 1),
                                       attn_mask=mask, scale=softmax_scale)
    return y.transpose(0, 1).contiguous()


class FusedLinearReLUSquareFunction(torch.autograd.Function):
    """Kernel semantics of triton_kernels.FusedLinearReLUSquareFunction with its explicit backward."""

    @staticmethod
    def forward(ctx, x, W1, W2):
        x2 = x.reshape(-1, x.shape[-1])
        pre = x2 @ W1.T
        post = torch.relu(pre) ** 2
        ctx.save_for_backward(x2, W1, W2, pre, post)
        ctx.xshape = x.shape
        return (post @ W2).view(x.shape)

    @staticmethod
    def backward(ctx, g):
        x2, W1, W2, pre, post = ctx.saved_tensors
        g2 = g.reshape(-1, g.shape[-1])
        dW2 = post.T @ g2
        dpre = (g2 @ W2.T) * 2 * torch.where(pre > 0, pre, 0)
        return (dpre @ W1).view(ctx.xshape), dpre.T @ x2, dW2


class FusedSoftcappedCrossEntropy(torch.autograd.Function):
    """Kernel semantics of triton_kernels.FusedSoftcappedCrossEntropy (per-row losses, explicit backward)."""

    @staticmethod
    def forward(ctx, logits, targets, mtp_weights, A=23.0, B=5.0, C=7.5):
        N = logits.size(0)
        z = A * torch.sigmoid((logits.float() + B) / C)
        lse = torch.logsumexp(z, dim=-1)
        losses = torch.zeros(N, dtype=torch.float32, device=logits.device)
        for k in range(mtp_weights.size(0)):
            w = mtp_weights[k].item()
            if w > 0 and N - k > 0:
                rows = torch.arange(N - k, device=logits.device)
                losses[:N - k] += w * (lse[:N - k] - z[rows, targets[k:].long()])
        ctx.save_for_backward(logits, targets, mtp_weights, lse)
        ctx.abc = (A, B, C)
        return losses

    @staticmethod
    def backward(ctx, grad_out):
        logits, targets, mtp_weights, lse = ctx.saved_tensors
        A, B, C = ctx.abc
        N, V = logits.shape
        u = (logits.float() + B) / C
        sig = torch.sigmoid(u)
        z = A * sig
        p = torch.exp(z - lse[:, None])
        s_w = torch.zeros(N, device=logits.device)
        term2 = torch.zeros(N, V, device=logits.device)
        for k in range(mtp_weights.size(0)):
            if N - k > 0:
                w = mtp_weights[k].item()
                s_w[:N - k] += w
                rows = torch.arange(N - k, device=logits.device)
                term2[rows, targets[k:].long()] += w
        grad_z = grad_out[:, None] * (s_w[:, None] * p - term2)
        return grad_z * (1.0 / C) * z * (1.0 - sig), None, None, None, None, None


def _xxt(A, out):
    out.copy_(A @ A.mT)


def _ba_plus_caa(A, alpha, beta, out):
    out.copy_(alpha * (A @ A.mT) + beta * A)


# The mantissa trick's uint32 shifts have no eager kernels: the same bit operations on int64/int32/int16.
UINT_EDITS = [
    ("p_precise_raw = (p.to(torch.uint32) << 16) | mantissa.to(torch.uint32)",
     "p_precise_raw = (((p.view(torch.int16).to(torch.int64) & 0xFFFF) << 16)"
     " | (mantissa.view(torch.int16).to(torch.int64) & 0xFFFF)).to(torch.int32)"),
    ("p.copy_((p_precise_raw >> 16).to(torch.uint16))",
     "p.view(torch.int16).copy_((p_precise_raw >> 16).to(torch.int16))"),
    ("mantissa.copy_(p_precise_raw.to(torch.uint16))",
     "mantissa.view(torch.int16).copy_(p_precise_raw.to(torch.int16))"),
]


def load(path: str, args: SimpleNamespace, device) -> types.ModuleType:
    src = open(path).read()
    tree = ast.parse(src)
    lines = src.splitlines()
    chunks = []
    for node in tree.body:
        names = []
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names = [node.name]
        elif isinstance(node, ast.Assign):
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
        if not any(n in WANTED for n in names):
            continue
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        chunks.append("\n".join(lines[start - 1:node.end_lineno]))
    code = "\n\n".join(chunks)
    code = re.sub(r"^\s*@torch\.compile.*$", "", code, flags=re.M)
    code = code.replace("torch.bfloat16", "torch.float32").replace(".bfloat16()", ".float()")
    code, n = re.subn(r"(= k\[:, :-1, :, [^\n]*?\])\s*$", r"\1.clone()", code, flags=re.M)
    assert n == 2, f"key-offset lines not found ({n})"
    for old, new in UINT_EDITS:
        assert old in code, old
        code = code.replace(old, new)
    mod = types.ModuleType("record_train_gpt")
    sys.modules[mod.__name__] = mod
    os.environ["DISABLE_FP8"] = "1"
    mod.__dict__.update(
        torch=torch, nn=nn, F=F, Tensor=torch.Tensor, math=math, os=os, dataclass=dataclass,
        args=args, device=torch.device(device), grad_accum_steps=1, world_size=1,
        dist=SimpleNamespace(get_world_size=lambda: 8, is_initialized=lambda: False, get_rank=lambda: 0),
        flash_attn_interface=SimpleNamespace(flash_attn_varlen_func=flash_attn_varlen_func),
        FusedLinearReLUSquareFunction=FusedLinearReLUSquareFunction,
        FusedSoftcappedCrossEntropy=FusedSoftcappedCrossEntropy, XXT=_xxt, ba_plus_cAA=_ba_plus_caa,
        threading=__import__("threading"), copy=__import__("copy"))
    exec(compile(code, path + " (selected definitions)", "exec"), mod.__dict__)
    return mod


def record_args(sc, mc) -> SimpleNamespace:
    return SimpleNamespace(
        block_size=mc.block_size, train_max_seq_len=sc.train_max_seq_len, val_batch_size=4096,
        num_scheduled_iterations=sc.num_scheduled_iterations,
        num_extension_iterations=sc.num_extension_iterations, num_iterations=sc.num_iterations,
        cooldown_frac=sc.cooldown_frac, split_embed_frac=sc.split_embed_frac,
        train_bs_schedule=sc.train_bs_schedule, train_bs_extension=sc.train_bs_extension,
        ws_schedule=sc.ws_schedule, ws_final=sc.ws_final, ws_validate_post_yarn_ext=sc.ws_validate_post_yarn_ext)
