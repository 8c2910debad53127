"""Half-truncated rotary embedding with the record's YaRN window extension (fp32 tables)."""
import math

import torch


class Yarn:
    """Rotary tables for one head layout; `paired` gives the 2*head_dim wide tables of paired-head layers.

    The record stores cos/sin as bf16; this fp32 reference keeps them fp32 (GOLDEN.md: fp32 everywhere).
    """

    def __init__(self, head_dim: int, block_size: int, attn_scale: float, alpha: float, beta: float,
                 paired: bool, device):
        self.head_dim, self.block_size, self.paired = head_dim, block_size, paired
        self.alpha, self.beta, self.device = alpha, beta, device
        self.attn_scale_init = attn_scale
        self.reset()

    def reset(self):
        hd = self.head_dim
        freq = (1 / 1024) ** torch.linspace(0, 1, steps=hd // 4, dtype=torch.float32, device=self.device)
        freq = freq.repeat_interleave(2)
        self.angular_freq = torch.cat([freq, freq.new_zeros(hd // 2)])
        self.attn_scale = self.attn_scale_init

    def apply(self, old_window: int, new_window: int):
        """YaRN: scale low frequencies by old/new, keep fast ones, and raise the softmax scale."""
        rotations = self.block_size * old_window * self.angular_freq / (2 * torch.pi)
        scaling = old_window / new_window
        w = torch.clamp((rotations - self.alpha) / (self.beta - self.alpha), 0, 1)
        self.angular_freq = self.angular_freq * (scaling + w * (1 - scaling))
        self.attn_scale *= 0.2 * math.log(new_window / old_window) + 1

    def tables(self, rows: int):
        """(cos, sin) of shape (rows, width); sin has its odd columns negated as in the record."""
        t = torch.arange(rows, dtype=torch.float32, device=self.device)
        if self.paired:
            theta = torch.cat([torch.outer(2 * t, self.angular_freq),
                               torch.outer(2 * t + 1, self.angular_freq)], dim=-1)
        else:
            theta = torch.outer(t, self.angular_freq)
        cos, sin = theta.cos(), theta.sin()
        sin[..., 1::2] *= -1
        return cos, sin

    def rotary(self, x: torch.Tensor) -> torch.Tensor:
        """x: (T, groups, width). out[2j] = c x[2j] + s x[2j+1]; out[2j+1] = c x[2j+1] - s x[2j]."""
        cos, sin = self.tables(x.size(0))
        x_flip = x.reshape(*x.shape[:-1], x.shape[-1] // 2, 2).flip(-1).reshape(x.shape)
        return cos[:, None, :] * x + sin[:, None, :] * x_flip
