"""Bench sizes (the record's, and a tiny one for smoke tests) and the record's batch-schedule phases on one GPU."""
import dataclasses
from dataclasses import dataclass

from baton_ref.config import GPTConfig, OptimConfig, ScheduleConfig
from baton_ref.schedule import Schedule

RECORD_GRAD_ACCUM = 8        # the record's grad_accum_steps = 8 // world_size at world_size 1


@dataclass(frozen=True)
class BenchSize:
    """Model and schedule sizes, and the document-length rule of the synthetic batches."""
    name: str
    model: GPTConfig
    sched: ScheduleConfig
    optim: OptimConfig
    doc_median: float        # log-normal document lengths (tokens), as DocumentLayouts.logNormal
    doc_sigma: float
    doc_cap: int             # the loader cuts documents at train_max_seq_len

    @property
    def bos(self) -> int:
        """BOS is the last id of the unpadded vocabulary (50256 for GPT-2)."""
        return self.model.vocab_size - 1


def record_size() -> BenchSize:
    """11 layers, d 768, 6 heads x 128, V 50304, the record's layout; one rank (36 scalars)."""
    model = GPTConfig(scalars_pad_world=1)
    return BenchSize("record", model, ScheduleConfig(), OptimConfig(), 600.0, 1.0, 2048)


def tiny_size() -> BenchSize:
    """The record's layout and schedule positions at width 128, V 4096 and 1/64 of the tokens (micro-batches of
    256 / 512 / 768 tokens, windows in units of 16): CPU smoke tests."""
    model = GPTConfig(vocab_size=4000, model_dim=128, num_heads=4, head_dim=32, mlp_hidden=512, block_size=16,
                      scalars_pad_world=1)
    sched = dataclasses.replace(ScheduleConfig(), train_bs_schedule=(2048, 4096, 6144), train_bs_extension=6144,
                                train_max_seq_len=256)
    return BenchSize("tiny", model, sched, OptimConfig(), 64.0, 1.0, 256)


@dataclass(frozen=True)
class Phase:
    """One phase of the record's schedule at a representative step (the middle of the phase)."""
    index: int
    step: int                # the schedule step whose values are used
    micro_tokens: int        # tokens of one packed micro-batch (the record's batch / 8)
    grad_accum: int          # micro-batches per optimizer step
    ws_short: int            # windows in units of block_size
    ws_long: int
    mtp_weights: tuple
    lr_factor: float
    momentum: float
    tied: bool               # embed still tied to lm_head (before the split step)
    yarn_transitions: tuple  # (old ws_long, new ws_long) applied before this step

    @property
    def tokens_per_step(self) -> int:
        return self.micro_tokens * self.grad_accum


PHASE_NAMES = {0: "batch 1/3, windows (1,3), MTP 3", 1: "batch 2/3, windows (3,7), MTP 2",
               2: "batch 3/3, windows (5,11), MTP 1", 3: "extension, windows (6,13), MTP 1"}


def phase(size: BenchSize, index: int, grad_accum: int = RECORD_GRAD_ACCUM) -> Phase:
    """Phase 0..2: thirds of the scheduled steps (batch 8/16/24 x 2048 x 8); 3: the extension steps."""
    sc = size.sched
    schedule = Schedule(sc)
    n = sc.num_scheduled_iterations
    if index in (0, 1, 2):
        step = int((index + 0.5) * n / 3)
    elif index == 3:
        step = n + sc.num_extension_iterations // 2
    else:
        raise ValueError(f"--phase must be 0, 1, 2 or 3, not {index}")
    ws_short, ws_long = schedule.get_ws(step)
    micro = schedule.get_bs(step) // RECORD_GRAD_ACCUM
    transitions = tuple((old, new) for s, old, new in schedule.yarn_transitions() if s <= step)
    return Phase(index, step, micro, grad_accum, ws_short, ws_long, tuple(schedule.mtp_weights(step)),
                 schedule.get_lr(step), schedule.momentum(step), step < schedule.split_step, transitions)
