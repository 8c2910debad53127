"""NorMuonAndAdam on one device (W = 1), fp32 master weights, the record's param table and tie rules."""
from dataclasses import dataclass

import torch

from .config import OptimConfig

# Record label -> Baton parameter name
RECORD_LABELS = {"attn": "attn_bank", "mlp": "mlp_bank", "scalars": "scalars", "ve0": "value_embeds.0",
                 "ve1": "value_embeds.1", "ve2": "value_embeds.2", "smear_gate": "smear_gate",
                 "skip_gate": "skip_gate", "attn_gate_bank": "attn_gate_bank", "ve_gate_bank": "ve_gate_bank",
                 "x0_lambdas": "x0_lambdas", "lm_head": "lm_head", "embed": "embed"}


def record_param_table() -> dict:
    """The record's param_table (scatter order = dict order), keyed by Baton names."""
    adam = lambda betas, lr_mul=1.0, wd_mul=1.0: dict(optim="adam", adam_betas=betas, lr_mul=lr_mul, wd_mul=wd_mul)
    normuon = dict(optim="normuon", adam_betas=None, lr_mul=1.0, wd_mul=1.0)
    ve = adam((0.75, 0.95), 75.0, 5.0)
    return {
        "attn_bank": dict(normuon), "mlp_bank": dict(normuon),
        "scalars": adam((0.9, 0.99), 5.0, 0.0),
        "value_embeds.0": dict(ve), "value_embeds.1": dict(ve), "value_embeds.2": dict(ve),
        "smear_gate": adam((0.9, 0.99), 0.01, 0.0),
        "skip_gate": adam((0.9, 0.99), 0.05, 0.0),
        "attn_gate_bank": adam((0.9, 0.99)),
        "ve_gate_bank": adam((0.9, 0.99)),
        "x0_lambdas": adam((0.65, 0.95), 5.0, 0.0),
        "lm_head": adam((0.5, 0.95), 1.0, 150.0),
        "embed": adam((0.5, 0.95), 1.0, 150.0),
    }


WORK_ORDER = ["scalars", "smear_gate", "skip_gate", "attn_gate_bank", "ve_gate_bank", "x0_lambdas",
              "value_embeds.0", "value_embeds.1", "value_embeds.2", "lm_head", "embed", "attn_bank", "mlp_bank"]

POLAR_EXPRESS_COEFFS = [
    (8.156554524902461, -22.48329292557795, 15.878769915207462),
    (4.042929935166739, -2.808917465908714, 0.5000178451051316),
    (3.8916678022926607, -2.772484153217685, 0.5060648178503393),
    (3.285753657755655, -2.3681294933425376, 0.46449024233003106),
    (2.3465413258596377, -1.7097828382687081, 0.42323551169305323),
]


def polar_express(G: torch.Tensor) -> torch.Tensor:
    """Approximate orthogonal polar factor of each matrix of a (n, r, c) stack, in fp32."""
    X = G.float()
    transposed = G.size(-2) > G.size(-1)
    if transposed:
        X = X.mT
    X = X / (X.norm(dim=(-2, -1), keepdim=True) * (1 + 2e-2) + 1e-6)
    for a, b, c in POLAR_EXPRESS_COEFFS:
        A = X @ X.mT
        B = b * A + c * (A @ A.mT)
        X = a * X + B @ X
    return X.mT if transposed else X


def normuon_variance_reduction(v: torch.Tensor, second_momentum: torch.Tensor, beta2: float) -> torch.Tensor:
    """Per-row (r >= c) or per-column second moment, then renormalise to v's Frobenius norm per matrix."""
    red = -1 if v.size(-2) >= v.size(-1) else -2
    v_mean = v.square().mean(dim=red, keepdim=True)
    n = v.size(red)
    v_norm = (v_mean.sum(dim=(-2, -1), keepdim=True) * n).sqrt()
    second_momentum.lerp_(v_mean, 1 - beta2)
    step_size = second_momentum.clamp_min(1e-10).rsqrt()
    scaled_sq_sum = (v_mean * n) * step_size.square()
    v_norm_new = scaled_sq_sum.sum(dim=(-2, -1), keepdim=True).sqrt()
    final_scale = step_size * (v_norm / v_norm_new.clamp_min(1e-10))
    return v * final_scale


def f32(x: float) -> float:
    """Round a python float to fp32, as the record's 0-D fp32 lr/wd tensors do."""
    return torch.tensor(x, dtype=torch.float32).item()


@dataclass
class ParamCfg:
    name: str
    optim: str
    adam_betas: tuple
    lr_mul: float
    wd_mul: float
    initial_lr: float
    weight_decay: float
    reshape: tuple = None
    per_matrix_lr_mul: list = None


class NorMuonAndAdam:
    """Adam params step on odd steps with 2-step accumulated grads; NorMuon params every step.

    While tied (before the split step): lm_head.grad += embed.grad^T, only lm_head is updated, then
    embed := lm_head^T. `copy_lm_state_to_embed` is the hand-over at the split step.
    """

    def __init__(self, params: dict, bank_views: dict, table: dict, oc: OptimConfig):
        self.params, self.oc, self.table = params, oc, table
        assert set(table) == set(params), (set(table) ^ set(params))
        self.cfgs, self.state = {}, {}
        for name, p in params.items():
            t = table[name]
            if t["optim"] == "adam":
                self.cfgs[name] = ParamCfg(name, "adam", tuple(t["adam_betas"]), t["lr_mul"], t["wd_mul"],
                                           oc.adam_lr, oc.adam_weight_decay)
                self.state[name] = dict(step=0, exp_avg=torch.zeros_like(p), exp_avg_sq=torch.zeros_like(p))
            else:
                shape = bank_views[name]
                shape_mult = max(1.0, shape[-2] / shape[-1]) ** 0.5
                per_matrix = None
                if name == "mlp_bank":   # c_proj (odd matrices of the view) gets 2x lr
                    per_matrix = [2.0 if m % 2 == 1 else 1.0 for m in range(shape[0])]
                self.cfgs[name] = ParamCfg(name, "normuon", None, shape_mult * t["lr_mul"], t["wd_mul"],
                                           oc.normuon_lr, oc.normuon_weight_decay, shape, per_matrix)
                red_shape = (shape[0], shape[1], 1) if shape[1] >= shape[2] else (shape[0], 1, shape[2])
                self.state[name] = dict(momentum=torch.zeros(shape, dtype=torch.float32, device=p.device),
                                        second_momentum=torch.zeros(red_shape, dtype=torch.float32,
                                                                    device=p.device))
        self.split_embed = False

    @torch.no_grad()
    def step(self, step_lr: float, momentum: float, do_adam: bool) -> dict:
        """One optimizer step from the params' .grad; returns the grads it used (after the tie combination)."""
        lm, emb = self.params["lm_head"], self.params["embed"]
        if do_adam and not self.split_embed and lm.grad is not None and emb.grad is not None:
            lm.grad.add_(emb.grad.T)
        seen = {}
        for name in WORK_ORDER:
            p, cfg = self.params[name], self.cfgs[name]
            if (cfg.optim == "adam" and not do_adam) or p.grad is None:
                continue
            if name == "embed" and not self.split_embed:
                continue
            seen[name] = p.grad.detach().clone()
            lr = cfg.initial_lr * step_lr
            if cfg.optim == "adam":
                self._adam(p, p.grad, cfg, lr)
            else:
                self._normuon(p, p.grad, cfg, lr, momentum)
        if do_adam and not self.split_embed:
            emb.copy_(lm.T)
        for name, p in self.params.items():
            if self.cfgs[name].optim == "normuon" or do_adam:
                p.grad = None
        return seen

    def _adam(self, p, g, cfg: ParamCfg, lr_base: float):
        st = self.state[cfg.name]
        beta1, beta2 = cfg.adam_betas
        lr = lr_base * cfg.lr_mul
        st["step"] += 1
        t = st["step"]
        bias1, bias2 = 1 - beta1 ** t, 1 - beta2 ** t
        step_size = f32(lr * (bias2 ** 0.5 / bias1))
        eff_wd = f32(lr * lr * cfg.weight_decay * cfg.wd_mul)
        m, v = st["exp_avg"], st["exp_avg_sq"]
        m.mul_(beta1).add_(g, alpha=1 - beta1)
        v.mul_(beta2).addcmul_(g, g, value=1 - beta2)
        update = m.div(v.sqrt().add_(self.oc.adam_eps)).mul_(step_size)
        mask = ((update * p) > 0).to(p.dtype)          # cautious weight decay: only where p moves to 0
        update.addcmul_(p, mask, value=eff_wd)
        p.sub_(update)

    def _normuon(self, p, g, cfg: ParamCfg, lr_base: float, momentum: float):
        st = self.state[cfg.name]
        g = g.view(cfg.reshape).clone()
        buf = st["momentum"]
        buf.lerp_(g, 1 - momentum)
        u = g.lerp_(buf, momentum)                        # Nesterov-style blend
        v = polar_express(u)
        v = normuon_variance_reduction(v, st["second_momentum"], self.oc.normuon_beta2)
        n = cfg.reshape[0]
        per = cfg.per_matrix_lr_mul or [1.0] * n
        lr = torch.tensor([f32(cfg.lr_mul * m * lr_base) if cfg.per_matrix_lr_mul else f32(cfg.lr_mul * lr_base)
                           for m in per], dtype=torch.float32, device=p.device).view(n, 1, 1)
        wd = f32(cfg.wd_mul * cfg.weight_decay * lr_base)   # the scheduled base lr, without lr_mul
        pv = p.view(cfg.reshape)
        mask = ((v * pv) >= 0).to(p.dtype)
        pv.copy_(pv - pv * mask * wd * lr - v * lr)

    def copy_lm_state_to_embed(self):
        """The untie hand-over: embed's Adam state := lm_head's, transposed; the step count too."""
        lm, em = self.state["lm_head"], self.state["embed"]
        em["step"] = lm["step"]
        em["exp_avg"].copy_(lm["exp_avg"].T)
        em["exp_avg_sq"].copy_(lm["exp_avg_sq"].T)
        self.split_embed = True
