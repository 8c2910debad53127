"""The record's GPT (PR #200) in its training precision: bf16 weights and activations (fp32 scalars and lambdas),
flex_attention in place of FlashAttention-3's varlen kernel, the record's layer layout and parameter banks.

Parameter names are baton_ref's (the record's labels mapped to Baton names), so the record's optimizer table
applies as is. The three Triton pieces of the record (ReLU² MLP, softcapped CE; polar express is the
optimizer's) come from `kernels`, either the record's own kernels or plain PyTorch.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.attention.flex_attention import BlockMask, flex_attention

from baton_ref.config import GPTConfig
from baton_ref.yarn import Yarn

from .lm_head_fp8 import lm_head_fp8


def norm(x):
    """F.rms_norm with the dtype's epsilon, as the record's norm()."""
    return F.rms_norm(x, (x.size(-1),))


class Rotary(nn.Module):
    """cos/sin tables (activation dtype, as the record's buffers) of one head layout after the phase's YaRN
    transitions; `paired` tables are 2 * head_dim wide (angles 2t and 2t + 1)."""

    def __init__(self, cfg: GPTConfig, paired: bool, rows: int, transitions, dtype, device):
        super().__init__()
        yarn = Yarn(cfg.head_dim, cfg.block_size, cfg.attn_scale_init, cfg.yarn_alpha, cfg.yarn_beta, paired, device)
        for old, new in transitions:
            yarn.apply(old, new)
        cos, sin = yarn.tables(rows)
        self.register_buffer("cos", cos.to(dtype), persistent=False)
        self.register_buffer("sin", sin.to(dtype), persistent=False)
        self.scale = float(yarn.attn_scale)

    def forward(self, x):                       # x (1, T, groups, width)
        T, w = x.size(1), x.size(-1)
        flipped = x.view(*x.shape[:-1], w // 2, 2).flip(-1).view(x.shape)
        return self.cos[None, :T, None, :] * x + self.sin[None, :T, None, :] * flipped


def shift_keys(k):
    """The record's partial key offset on (1, T, H, hd): dims [hd/4, hd/2) and [3hd/4, hd) of key t take
    key t-1's values (the in-place slice copy reads before it writes under torch.compile)."""
    hd = k.size(-1)
    a, b, c = hd // 4, hd // 2, 3 * hd // 4
    prev = torch.cat([k[:, :1], k[:, :-1]], dim=1)
    return torch.cat([k[..., :a], prev[..., a:b], k[..., b:c], prev[..., c:]], dim=-1)


def masked_attention(q, k, v, mask, scale):
    """(1, S, G, D) layout in and out. `mask` is a flex BlockMask (flex_attention, the record's single-GPU
    stand-in for FlashAttention-3) or an S x S boolean mask (SDPA: CPUs, where flex has no backward)."""
    q, k, v = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)
    if isinstance(mask, BlockMask):
        y = flex_attention(q, k, v, block_mask=mask, scale=scale)
    else:
        y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, scale=scale)
    return y.transpose(1, 2)


class GPT(nn.Module):
    def __init__(self, cfg: GPTConfig, tokens: int, transitions, kernels, fp8: bool, device,
                 dtype=torch.bfloat16):
        super().__init__()
        self.cfg, self.kernels, self.fp8 = cfg, kernels, fp8
        V, d, L, H, g = cfg.padded_vocab, cfg.model_dim, cfg.num_layers, cfg.num_heads, cfg.gate_width
        n_attn, n_ve = len(cfg.attn_layers), len(cfg.ve_layers)
        assert H * cfg.head_dim == d, "num_heads * head_dim must equal model_dim"
        low = dict(dtype=dtype, device=device)
        f32 = dict(dtype=torch.float32, device=device)
        self.smear_gate = nn.Parameter(torch.zeros(1, g, **low))
        self.skip_gate = nn.Parameter(torch.zeros(1, g, **low))
        self.value_embeds = nn.ParameterList([nn.Parameter(torch.zeros(V, d, **low)) for _ in range(3)])
        self.attn_gate_bank = nn.Parameter(torch.zeros(n_attn, H, g, **low))
        self.ve_gate_bank = nn.Parameter(torch.zeros(n_ve, H, g, **low))
        self.attn_bank = nn.Parameter(torch.zeros(n_attn, 4 * d, d, **low))
        self.mlp_bank = nn.Parameter(torch.zeros(L + cfg.mlp_bank_pad, 2, cfg.mlp_hidden, d, **low))
        self.lm_head = nn.Parameter(torch.zeros(d, V, **low))
        self.embed = nn.Parameter(torch.zeros(V, d, **low))
        self.x0_lambdas = nn.Parameter(torch.zeros(L, **f32))
        self.scalars = nn.Parameter(torch.zeros(cfg.num_scalars, **f32))
        self.bank_views = {"attn_bank": (4 * n_attn, d, d),
                           "mlp_bank": (2 * (L + cfg.mlp_bank_pad), cfg.mlp_hidden, d)}
        self.attn_index = {layer: j for j, layer in enumerate(cfg.attn_layers)}
        self.ve_gate_index = {layer: j for j, layer in enumerate(cfg.ve_layers)}
        self.rotary = Rotary(cfg, False, tokens, transitions, dtype, device)
        self.rotary_paired = Rotary(cfg, True, tokens, transitions, dtype, device)

    @torch.no_grad()
    def init_weights(self, seed: int):
        """The record's initialisation (QKV and c_fc uniform, W_o and c_proj zero, lm_head N(0, 0.005),
        embed = lm_head^T, gates and value embeddings zero), from torch's generator with a fixed seed."""
        c, d = self.cfg, self.cfg.model_dim
        gen = torch.Generator(device="cpu").manual_seed(seed)
        uni = lambda p, b: p.copy_((torch.rand(p.shape, generator=gen) * 2 - 1) * b)
        uni(self.attn_bank, c.attn_bound)
        self.attn_bank[:, 3 * d:] = 0
        uni(self.mlp_bank, c.mlp_bound)
        self.mlp_bank[:, 1] = 0
        self.lm_head.copy_(torch.randn(self.lm_head.shape, generator=gen) * c.lm_head_std)
        self.embed.copy_(self.lm_head.T)
        L = c.num_layers
        s = [c.resid_lambda_init] * L + list(c.sa_lambda_init) * L
        s += [c.smear_lambda_init, c.backout_lambda_init, c.skip_lambda_init] + [c.scalars_pad_init] * c.scalars_pad
        self.scalars.copy_(torch.tensor(s))

    def attention(self, x, i, masks, sa, ves):
        c = self.cfg
        B, T, d = x.shape
        H, hd, gw = c.num_heads, c.head_dim, c.gate_width
        w = self.attn_bank[self.attn_index[i]]
        paired, long = i in c.paired_head_layers, i in c.long_window_layers
        ve_id = c.ve_layout[i]
        q, k, v = F.linear(x, sa[i, 0] * w[:3 * d].type_as(x)).view(B, T, 3 * H, hd).chunk(3, dim=-2)
        q, k = norm(q), norm(k)
        gate_in = x[..., :gw]
        if paired:
            G, S = H // 2, 2 * T
            rot = self.rotary_paired
            q = rot(q.reshape(B, T, G, 2 * hd)).view(B, S, G, hd)
            k = rot(k.reshape(B, T, G, 2 * hd)).view(B, S, G, hd)
            v = v.reshape(B, S, G, hd)
            mask = masks["paired"]
        else:
            G, S = H, T
            rot = self.rotary
            q, k = rot(q), rot(k)
            if long:
                k = shift_keys(k)
            mask = masks["long" if long else "short"]
        if ve_id is not None:
            ve_w = self.ve_gate_bank[self.ve_gate_index[i]]
            v = v + 2 * torch.sigmoid(F.linear(gate_in, ve_w)).view(B, S, G, 1) * ves[ve_id].view_as(v)
        y = masked_attention(q, k, v, mask, rot.scale).reshape(B, T, H, hd)
        y = y * torch.sigmoid(F.linear(gate_in, self.attn_gate_bank[self.attn_index[i]])).view(B, T, H, 1)
        y = y.contiguous().view(B, T, d)
        return F.linear(y, sa[i, 1] * w[3 * d:].type_as(y))

    def forward(self, inputs, targets, masks: dict, mtp_weights):
        """Training loss of one packed micro-batch: sum over rows of sum_k w_k CE(row, targets[row + k])."""
        c, L, gw = self.cfg, self.cfg.num_layers, self.cfg.gate_width
        resid = self.scalars[:L]
        sa = self.scalars[L:3 * L].view(-1, 2)
        smear_lambda, backout_lambda, skip_lambda = (self.scalars[3 * L + j] for j in range(3))

        x = F.embedding(inputs, self.embed)
        ves = [F.embedding(inputs, t) for t in self.value_embeds]
        smear = smear_lambda * torch.sigmoid(F.linear(x[1:, :gw], self.smear_gate))
        x = torch.cat([x[:1], x[1:] + smear * x[:-1]])
        x = x0 = norm(x[None])
        mlp_fc, mlp_proj = self.mlp_bank[:, 0].unbind(0), self.mlp_bank[:, 1].unbind(0)
        skips, x_backout = [], None
        for i in range(L):
            if i == c.skip_out:
                gate = torch.sigmoid(skip_lambda) * 2 * torch.sigmoid(F.linear(x0[..., :gw], self.skip_gate))
                x = x + gate * skips.pop()
            x = (resid[0] + self.x0_lambdas[0]) * x if i == 0 else resid[i] * x + self.x0_lambdas[i] * x0
            if i in self.attn_index:
                x = x + self.attention(norm(x), i, masks, sa, ves)
            x = x + self.kernels.mlp(norm(x), mlp_fc[i], mlp_proj[i])
            if i == c.skip_in:
                skips.append(x)
            if i == c.backout_layer:
                x_backout = x
        x = norm(x - backout_lambda * x_backout)
        x2d = x.view(-1, x.size(-1))
        logits = lm_head_fp8(x2d, self.lm_head) if self.fp8 else x2d @ self.lm_head.type_as(x2d)
        return self.kernels.softcapped_ce(logits, targets, mtp_weights)


def parameter_count(model: GPT) -> int:
    return sum(p.numel() for p in model.parameters())


def matmul_params(cfg: GPTConfig) -> int:
    """Weights that meet every token in a matmul: attention banks, MLPs, lm_head (embeddings are lookups)."""
    d = cfg.model_dim
    return len(cfg.attn_layers) * 4 * d * d + cfg.num_layers * 2 * cfg.mlp_hidden * d + d * cfg.padded_vocab


def attention_pairs(cu, window: int, scale: int = 1) -> int:
    """Visible (query, key) pairs of one head: per document of n positions, causal within the window."""
    total = 0
    for a, b in zip(cu, cu[1:]):
        n = (b - a) * scale
        w1 = window + 1
        total += n * (n + 1) // 2 if n <= w1 else w1 * (w1 + 1) // 2 + (n - w1) * w1
    return total


def step_flops(cfg: GPTConfig, layouts, ws_short: int, ws_long: int) -> float:
    """Training FLOPs of the micro-batches `layouts` (cu_seqlens lists): 6 x matmul weights x tokens, plus
    attention at 4 hd per visible pair and head forward and 10 hd backward (the attention bench's counts)."""
    short, long = ws_short * cfg.block_size, ws_long * cfg.block_size
    H, hd = cfg.num_heads, cfg.head_dim
    flops = 0.0
    for cu in layouts:
        tokens = cu[-1]
        flops += 6.0 * matmul_params(cfg) * tokens
        for i in cfg.attn_layers:
            if i in cfg.paired_head_layers:
                pairs = attention_pairs(cu, short, 2) * (H // 2)
            else:
                pairs = attention_pairs(cu, long if i in cfg.long_window_layers else short) * H
            flops += 14.0 * hd * pairs
    return flops

