"""NorMuon + Adam as the record steps them on one GPU, in the record's precision: bf16 weights, fp32 optimizer
state, bf16 polar express, and NorMuon's fp32 master bits kept as a 16-bit mantissa beside each bf16 weight.

The param table, work order and hyperparameters are baton_ref's (the record's, checked there against the
record's own code). As in the record, the element-wise updates are compiled functions fed 0-d CPU tensors for
the step-dependent scalars (no recompilation when the learning rate moves), Adam runs on odd steps with the
two micro-steps' gradients accumulated, and embed follows lm_head while tied. The mantissa trick uses int16 /
int32 bit arithmetic (the record: uint16 / uint32; same bits, and int32 shifts also work in CPU eager mode).
"""
import torch

from baton_ref.optim import WORK_ORDER, record_param_table


def adam_update(p, g, exp_avg, exp_avg_sq, beta1: float, beta2: float, eps: float, step_size, eff_wd):
    exp_avg.mul_(beta1).add_(g, alpha=1 - beta1)
    exp_avg_sq.mul_(beta2).addcmul_(g, g, value=1 - beta2)
    update = exp_avg.div(exp_avg_sq.sqrt().add_(eps)).mul_(step_size)
    mask = (update * p) > 0                              # cautious weight decay
    update.addcmul_(p, mask, value=eff_wd)
    p.add_(update, alpha=-1.0)


def variance_reduction(v, second_momentum, beta2: float, red_dim: int):
    """NorMuon: per-row (or per-column) second moment, rescaled to keep each matrix's Frobenius norm."""
    v_mean = v.float().square().mean(dim=red_dim, keepdim=True)
    n = v.size(red_dim)
    v_norm = (v_mean.sum(dim=(-2, -1), keepdim=True) * n).sqrt()
    second_momentum.lerp_(v_mean, 1 - beta2)
    step_size = second_momentum.clamp_min(1e-10).rsqrt()
    v_norm_new = ((v_mean * n) * step_size.square()).sum(dim=(-2, -1), keepdim=True).sqrt()
    scale = step_size * (v_norm / v_norm_new.clamp_min(1e-10))
    return v.mul_(scale.type_as(v))


def cautious_update_bf16(p_bits, mantissa, v, wd, lr):
    """p := p - p*[v*p >= 0]*wd*lr - v*lr on the fp32 value (bf16 bits << 16 | mantissa), split back."""
    v = v.float()
    wd, lr = wd.to(torch.float32), lr.to(torch.float32)
    bits = (p_bits.to(torch.int32) << 16) | (mantissa.to(torch.int32) & 0xFFFF)
    p = bits.view(torch.float32)
    mask = (v * p) >= 0
    new = (p - p * mask * wd * lr - v * lr).view(torch.int32)
    p_bits.copy_((new >> 16).to(torch.int16))
    mantissa.copy_(new.to(torch.int16))


def cautious_update_f32(p, mantissa, v, wd, lr):
    """The same update on fp32 weights (no mantissa): the form the fp32 cross-check uses."""
    v = v.float()
    mask = (v * p) >= 0
    p.copy_(p - p * mask * wd.to(torch.float32) * lr.to(torch.float32) - v * lr.to(torch.float32))


class NorMuonAdam:
    """One device, no communication; `step(lr_factor, momentum, do_adam)` after each step's backward passes."""

    def __init__(self, model, oc, polar_express, compile_fn, tied: bool):
        self.params = dict(model.named_parameters())
        self.table = record_param_table()
        assert set(self.table) == set(self.params), set(self.table) ^ set(self.params)
        self.oc, self.views, self.split_embed = oc, model.bank_views, not tied
        self.polar_express = compile_fn(polar_express)
        self.adam = compile_fn(adam_update)
        self.variance = compile_fn(variance_reduction)
        self.state = {}
        for name, p in self.params.items():
            if self.table[name]["optim"] == "adam":
                self.state[name] = dict(step=0, exp_avg=torch.zeros_like(p, dtype=torch.float32),
                                        exp_avg_sq=torch.zeros_like(p, dtype=torch.float32))
            else:
                shape = self.views[name]
                red = (*shape[:-1], 1) if shape[-2] >= shape[-1] else (*shape[:-2], 1, shape[-1])
                self.state[name] = dict(momentum=torch.zeros(shape, dtype=torch.float32, device=p.device),
                                        second_momentum=torch.zeros(red, dtype=torch.float32, device=p.device),
                                        mantissa=torch.zeros(shape, dtype=torch.int16, device=p.device))
        bf16 = self.params["attn_bank"].dtype == torch.bfloat16
        self.update = compile_fn(cautious_update_bf16 if bf16 else cautious_update_f32)
        self.bf16 = bf16
        # 0-d CPU scalars, refilled per step and per matrix, as the record's optimizer does
        self.step_size_t, self.eff_wd_t, self.eff_lr_t = (torch.tensor(0.0) for _ in range(3))

    @torch.no_grad()
    def step(self, lr_factor: float, momentum: float, do_adam: bool):
        lm, emb = self.params["lm_head"], self.params["embed"]
        if do_adam and not self.split_embed and lm.grad is not None and emb.grad is not None:
            lm.grad.add_(emb.grad.T)
        for name in WORK_ORDER:
            p, spec = self.params[name], self.table[name]
            if (spec["optim"] == "adam" and not do_adam) or p.grad is None:
                continue
            if name == "embed" and not self.split_embed:
                continue
            if spec["optim"] == "adam":
                self._adam(name, p, spec, self.oc.adam_lr * lr_factor)
            else:
                self._normuon(name, p, spec, self.oc.normuon_lr * lr_factor, momentum)
        if do_adam and not self.split_embed:
            emb.detach().copy_(lm.detach().T)
        for name, p in self.params.items():
            if self.table[name]["optim"] == "normuon" or do_adam:
                p.grad = None

    def _adam(self, name, p, spec, lr_base: float):
        st = self.state[name]
        beta1, beta2 = spec["adam_betas"]
        lr = lr_base * spec["lr_mul"]
        st["step"] += 1
        t = st["step"]
        self.step_size_t.fill_(lr * (1 - beta2 ** t) ** 0.5 / (1 - beta1 ** t))
        self.eff_wd_t.fill_(lr * lr * self.oc.adam_weight_decay * spec["wd_mul"])
        self.adam(p.detach(), p.grad, st["exp_avg"], st["exp_avg_sq"], beta1, beta2, self.oc.adam_eps,
                  self.step_size_t, self.eff_wd_t)

    def _normuon(self, name, p, spec, lr_base: float, momentum: float):
        st, shape = self.state[name], self.views[name]
        g = p.grad.view(shape).float()
        st["momentum"].lerp_(g, 1 - momentum)
        u = g.lerp_(st["momentum"], momentum)
        v = self.polar_express(u, shape[-2] > 1024)
        v = self.variance(v, st["second_momentum"], self.oc.normuon_beta2, -1 if shape[-2] >= shape[-1] else -2)
        shape_mult = max(1.0, shape[-2] / shape[-1]) ** 0.5
        pv = p.detach().view(shape)
        target = pv.view(torch.int16) if self.bf16 else pv
        self.eff_wd_t.fill_(spec["wd_mul"] * self.oc.normuon_weight_decay * lr_base)
        if name == "mlp_bank":   # c_proj (odd matrices) at twice the lr: one update per matrix, as the record
            for m in range(shape[0]):
                self.eff_lr_t.fill_(shape_mult * spec["lr_mul"] * (2.0 if m % 2 else 1.0) * lr_base)
                self.update(target[m], st["mantissa"][m], v[m], self.eff_wd_t, self.eff_lr_t)
        else:
            self.eff_lr_t.fill_(shape_mult * spec["lr_mul"] * lr_base)
            self.update(target, st["mantissa"], v, self.eff_wd_t, self.eff_lr_t)
