"""The record's per-step schedules (lr factor, windows, batch size, momentum, MTP weights, untie step)."""
import math

from .config import ScheduleConfig


class Schedule:
    """All schedules of the record's TrainingManager as functions of the step, parametrised by config."""

    def __init__(self, cfg: ScheduleConfig):
        self.cfg = cfg
        # ceil(2/3 * N) | 1: an odd step, so that Adam runs on it
        self.split_step = math.ceil(cfg.split_embed_frac * cfg.num_scheduled_iterations) | 1

    def get_lr(self, step: int) -> float:
        c = self.cfg
        if step > c.num_scheduled_iterations:
            return c.lr_floor
        x = step / c.num_scheduled_iterations
        lr_max = 1.0
        for threshold, value in c.lr_max_steps:
            if x > threshold:
                lr_max = value
        if x >= 1 - c.cooldown_frac:
            w = (1 - x) / c.cooldown_frac
            return lr_max * w + (1 - w) * c.lr_floor
        return lr_max

    def get_ws(self, step: int) -> tuple:
        """(ws_short, ws_long) in units of block_size."""
        c = self.cfg
        if step >= c.num_scheduled_iterations:
            return c.ws_final // 2, c.ws_final
        x = step / c.num_scheduled_iterations
        idx = int(len(c.ws_schedule) * x)
        return c.ws_schedule[idx] // 2, c.ws_schedule[idx]

    def get_bs(self, step: int) -> int:
        """Global tokens of the step (one rank, one micro-batch here: the packed sequence length)."""
        c = self.cfg
        if step >= c.num_scheduled_iterations:
            return c.train_bs_extension
        x = step / c.num_scheduled_iterations
        return c.train_bs_schedule[int(len(c.train_bs_schedule) * x)]

    def momentum(self, step: int) -> float:
        c = self.cfg
        cd_start = c.num_iterations - c.muon_cooldown_steps
        if step < c.muon_warmup_steps:
            return c.momentum_min + step / c.muon_warmup_steps * (c.momentum_max - c.momentum_min)
        if step > cd_start:
            frac = (step - cd_start) / c.muon_cooldown_steps
            return c.momentum_max - frac * (c.momentum_max - c.momentum_min)
        return c.momentum_max

    def mtp_weights(self, step: int) -> list:
        """[1, 0.5, 0.25->0] -> [1, 0.5->0] -> [1] over the scheduled steps (python floats)."""
        x = step / self.cfg.num_scheduled_iterations
        if x < 1 / 3:
            return [1.0, 0.5, 0.25 * (1 - 3 * x)]
        if x < 2 / 3:
            return [1.0, 0.5 * (1 - (3 * x - 1))]
        return [1.0]

    def is_adam_step(self, step: int) -> bool:
        return step % 2 == 1

    def yarn_transitions(self) -> list:
        """(step, old ws_long, new ws_long) for every change of the long window."""
        out = []
        _, ws_long = self.get_ws(0)
        for step in range(1, self.cfg.num_iterations):
            _, new = self.get_ws(step)
            if new != ws_long:
                out.append((step, ws_long, new))
                ws_long = new
        return out
