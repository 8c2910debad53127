"""The record's GPT (PR #200) in fp32 with the record's parameter names and layouts, sizes configurable."""
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from . import init as pinit
from .attention import attention, rms_norm
from .config import GPTConfig
from .yarn import Yarn


@dataclass
class ForwardSchedule:
    mtp_weights: list      # python floats; used as float32 as in the record
    ws_short: int
    ws_long: int


class GPT(nn.Module):
    """Parameters are named as GOLDEN.md / the record's state dict (without `.weight`)."""

    def __init__(self, cfg: GPTConfig, device="cpu"):
        super().__init__()
        self.cfg = c = cfg
        V, d, L = c.padded_vocab, c.model_dim, c.num_layers
        n_attn, n_ve, H, g = len(c.attn_layers), len(c.ve_layers), c.num_heads, c.gate_width
        assert H * c.head_dim == d, "num_heads * head_dim must equal model_dim"
        f32 = dict(dtype=torch.float32, device=device)
        self.smear_gate = nn.Parameter(torch.zeros(1, g, **f32))
        self.skip_gate = nn.Parameter(torch.zeros(1, g, **f32))
        self.value_embeds = nn.ParameterList(
            [nn.Parameter(torch.zeros(V, d, **f32)) for _ in range(c.num_value_embeds)])
        self.attn_gate_bank = nn.Parameter(torch.zeros(n_attn, H, g, **f32))
        self.ve_gate_bank = nn.Parameter(torch.zeros(n_ve, H, g, **f32))
        self.attn_bank = nn.Parameter(torch.zeros(n_attn, 4 * d, d, **f32))
        self.mlp_bank = nn.Parameter(torch.zeros(L + c.mlp_bank_pad, 2, c.mlp_hidden, d, **f32))
        self.lm_head = nn.Parameter(torch.zeros(d, V, **f32))
        self.embed = nn.Parameter(torch.zeros(V, d, **f32))
        self.x0_lambdas = nn.Parameter(torch.zeros(L, **f32))
        self.scalars = nn.Parameter(torch.zeros(c.num_scalars, **f32))
        # NorMuon views the banks as stacks of matrices (record: param.reshape)
        self.bank_views = {"attn_bank": (4 * n_attn, d, d),
                           "mlp_bank": (2 * (L + c.mlp_bank_pad), c.mlp_hidden, d)}
        self.attn_index = {layer: j for j, layer in enumerate(c.attn_layers)}
        self.ve_gate_index = {layer: j for j, layer in enumerate(c.ve_layers)}
        mk = lambda paired: Yarn(c.head_dim, c.block_size, c.attn_scale_init, c.yarn_alpha, c.yarn_beta,
                                 paired, device)
        self.yarn, self.yarn_paired_head = mk(False), mk(True)

    # ------------------------------------------------------------------ initialisation
    @torch.no_grad()
    def portable_init(self, seed: int):
        """PORTABLE-INIT.md: every tensor from the counter-based generator, then the record's zeros/constants."""
        c, d = self.cfg, self.cfg.model_dim

        def fill(p, arr):
            p.copy_(torch.from_numpy(arr.reshape(tuple(p.shape))).to(p.device))

        a = pinit.uniform(seed, "attn_bank", self.attn_bank.numel(), c.attn_bound)
        fill(self.attn_bank, a)
        self.attn_bank[:, 3 * d:, :] = 0
        m = pinit.uniform(seed, "mlp_bank", self.mlp_bank.numel(), c.mlp_bound)
        fill(self.mlp_bank, m)
        self.mlp_bank[:, 1] = 0
        fill(self.lm_head, pinit.normal(seed, "lm_head", self.lm_head.numel(), c.lm_head_std))
        self.embed.copy_(self.lm_head.T)
        for p in [*self.value_embeds, self.attn_gate_bank, self.ve_gate_bank, self.smear_gate,
                  self.skip_gate, self.x0_lambdas]:
            p.zero_()
        self.scalars.copy_(torch.tensor(self.initial_scalars(), dtype=torch.float32))

    def initial_scalars(self) -> list:
        c, L = self.cfg, self.cfg.num_layers
        s = [c.resid_lambda_init] * L
        for _ in range(L):
            s += list(c.sa_lambda_init)
        s += [c.smear_lambda_init, c.backout_lambda_init, c.skip_lambda_init]
        s += [c.scalars_pad_init] * c.scalars_pad
        return s

    def named_tensors(self) -> dict:
        return dict(self.named_parameters())

    # ------------------------------------------------------------------ forward
    def hidden(self, inputs: torch.Tensor, cu_seqlens: torch.Tensor, sched: ForwardSchedule) -> torch.Tensor:
        """Final normed hidden states (T, d) for a packed sequence of token ids (T,)."""
        c, L, gw = self.cfg, self.cfg.num_layers, self.cfg.gate_width
        eps = c.rms_eps
        resid = self.scalars[:L]
        sa = self.scalars[L:3 * L].view(-1, 2)
        smear_lambda = self.scalars[3 * L]
        backout_lambda = self.scalars[3 * L + 1]
        skip_lambda = self.scalars[3 * L + 2]
        short_bm, long_bm = sched.ws_short * c.block_size, sched.ws_long * c.block_size

        x = F.embedding(inputs, self.embed)
        ves = [F.embedding(inputs, t) for t in self.value_embeds]
        # smear: token t gets a gated copy of token t-1's embedding (crosses documents)
        g = smear_lambda * torch.sigmoid(F.linear(x[1:, :gw], self.smear_gate))
        x = torch.cat([x[:1], x[1:] + g * x[:-1]])
        x = x0 = rms_norm(x, eps)

        skips, x_backout = [], None
        for i in range(L):
            if i == c.skip_out:
                gate = torch.sigmoid(skip_lambda) * 2 * torch.sigmoid(F.linear(x0[:, :gw], self.skip_gate))
                x = x + gate * skips.pop()
            if i == 0:
                x = (resid[0] + self.x0_lambdas[0]) * x
            else:
                x = resid[i] * x + self.x0_lambdas[i] * x0
            if i in self.attn_index:
                j = self.attn_index[i]
                long = i in c.long_window_layers
                ve_id = c.ve_layout[i]
                x = x + attention(
                    rms_norm(x, eps), self.attn_bank[j], sa[i, 0], sa[i, 1],
                    num_heads=c.num_heads, head_dim=c.head_dim, gate_width=gw, eps=eps,
                    yarn=self.yarn_paired_head if i in c.paired_head_layers else self.yarn,
                    paired=i in c.paired_head_layers, key_offset=long,
                    window=long_bm if long else short_bm, cu_seqlens=cu_seqlens,
                    ve=None if ve_id is None else ves[ve_id],
                    ve_gate_w=None if ve_id is None else self.ve_gate_bank[self.ve_gate_index[i]],
                    attn_gate_w=self.attn_gate_bank[j])
            x = x + self.mlp(rms_norm(x, eps), i)
            if i == c.skip_in:
                skips.append(x)
            if i == c.backout_layer:
                x_backout = x
        x = x - backout_lambda * x_backout
        return rms_norm(x, eps)

    def mlp(self, x: torch.Tensor, layer: int) -> torch.Tensor:
        """relu(x c_fc^T)^2 c_proj, c_fc (hidden, d) in (out, in) layout, c_proj (hidden, d) in (in, out)."""
        pre = F.linear(x, self.mlp_bank[layer, 0])
        return torch.relu(pre).square() @ self.mlp_bank[layer, 1]

    def softcap(self, logits: torch.Tensor) -> torch.Tensor:
        a, b, cc = self.cfg.softcap
        return a * torch.sigmoid((logits + b) / cc)

    def forward(self, inputs, targets, cu_seqlens, sched: ForwardSchedule, training: bool = True):
        """Training form: sum over rows of sum_k w_k CE(row, targets[row+k]); eval form: mean CE."""
        z = self.softcap(self.hidden(inputs, cu_seqlens, sched) @ self.lm_head)
        if not training:
            return F.cross_entropy(z, targets.long(), reduction="mean")
        T = z.size(0)
        w = torch.tensor(sched.mtp_weights, dtype=torch.float32)
        loss = z.new_zeros(())
        for k in range(len(sched.mtp_weights)):
            if w[k].item() > 0 and T - k > 0:
                # CE(z_i, t) = logsumexp(z_i) - z_i[t]: the fused kernel's (lse - z_target) per row
                ce = F.cross_entropy(z[:T - k], targets[k:].long(), reduction="sum")
                loss = loss + w[k].to(z.device) * ce
        return loss


def numpy_params(model: GPT) -> dict:
    return {n: p.detach().cpu().numpy().astype(np.float32) for n, p in model.named_parameters()}
