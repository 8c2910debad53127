"""Attention of one layer: plain softmax attention under an explicit document + causal + window mask.

Reproduces the record's CausalSelfAttention and PairedHeadCausalSelfAttention, including the literal
row-major reshapes of the paired-head layout, with FlashAttention replaced by a dense masked softmax.
"""
import torch
import torch.nn.functional as F


def rms_norm(x: torch.Tensor, eps: float) -> torch.Tensor:
    return F.rms_norm(x, (x.size(-1),), eps=eps)


def doc_window_mask(cu_seqlens: torch.Tensor, length: int, window: int) -> torch.Tensor:
    """mask[i, j] = same document, j <= i and i - j <= window (FlashAttention window (window, 0))."""
    pos = torch.arange(length, device=cu_seqlens.device)
    doc = torch.searchsorted(cu_seqlens[1:].to(torch.int64).contiguous(), pos, right=True)
    i, j = pos[:, None], pos[None, :]
    return (doc[:, None] == doc[None, :]) & (j <= i) & (i - j <= window)


def masked_attention(q, k, v, mask, scale: float):
    """q, k, v: (S, heads, hd); mask (S, S) bool. Returns (S, heads, hd)."""
    s = torch.einsum("shd,thd->hst", q, k) * scale
    s = s.masked_fill(~mask, float("-inf"))
    p = torch.softmax(s, dim=-1)
    return torch.einsum("hst,thd->shd", p, v)


def shift_keys(k: torch.Tensor) -> torch.Tensor:
    """Partial key offset: dims [hd/4, hd/2) and [3hd/4, hd) of key t take key t-1's (t >= 1).

    The record writes this as an in-place slice copy under torch.compile, i.e. with the values read
    before the write: a shift by one position over the whole packed sequence (crossing documents).
    """
    hd = k.size(-1)
    a, b, c = hd // 4, hd // 2, 3 * hd // 4
    prev = torch.cat([k[:1], k[:-1]], dim=0)
    return torch.cat([k[..., :a], prev[..., a:b], k[..., b:c], prev[..., c:]], dim=-1)


def attention(x, w, lam_qkv, lam_o, *, num_heads, head_dim, gate_width, eps, yarn, paired, key_offset,
              window, cu_seqlens, ve=None, ve_gate_w=None, attn_gate_w=None):
    """x: normed input (T, d); w: this layer's bank entry (4d, d) = [Wq; Wk; Wv; Wo] in (out, in) layout."""
    T, d = x.shape
    H, hd = num_heads, head_dim
    qkv = F.linear(x, lam_qkv * w[:3 * d]).view(T, 3 * H, hd)
    q, k, v = qkv[:, :H], qkv[:, H:2 * H], qkv[:, 2 * H:]
    q, k = rms_norm(q, eps), rms_norm(k, eps)
    gate_in = x[:, :gate_width]
    if paired:
        # (T, H, hd) -> (T, H/2, 2hd): group p = [head 2p | head 2p+1]; rotary at angles 2t / 2t+1
        q = yarn.rotary(q.reshape(T, H // 2, 2 * hd)).reshape(2 * T, H // 2, hd)
        k = yarn.rotary(k.reshape(T, H // 2, 2 * hd)).reshape(2 * T, H // 2, hd)
        v = v.reshape(2 * T, H // 2, hd)
        if ve is not None:
            g = 2 * torch.sigmoid(F.linear(gate_in, ve_gate_w)).view(2 * T, H // 2, 1)
            v = v + g * ve.view(2 * T, H // 2, hd)
        mask = doc_window_mask(2 * cu_seqlens, 2 * T, window)
        y = masked_attention(q, k, v, mask, yarn.attn_scale).reshape(T, H, hd)
    else:
        q, k = yarn.rotary(q), yarn.rotary(k)
        if key_offset:
            k = shift_keys(k)
        if ve is not None:
            g = 2 * torch.sigmoid(F.linear(gate_in, ve_gate_w)).view(T, H, 1)
            v = v + g * ve.view(T, H, hd)
        mask = doc_window_mask(cu_seqlens, T, window)
        y = masked_attention(q, k, v, mask, yarn.attn_scale)
    y = y * torch.sigmoid(F.linear(gate_in, attn_gate_w)).view(T, H, 1)
    return F.linear(y.reshape(T, H * hd), lam_o * w[3 * d:])
