"""Model and schedule configuration; the defaults are the record's layout, `record_small()` the golden size."""
import math
from dataclasses import asdict, dataclass, field

FP32_EPS = 1.1920928955078125e-07  # torch.finfo(torch.float32).eps: F.rms_norm's default eps in fp32


@dataclass(frozen=True)
class GPTConfig:
    vocab_size: int = 50257          # padded to a multiple of 128 (padded_vocab)
    num_layers: int = 11
    model_dim: int = 768
    num_heads: int = 6
    head_dim: int = 128
    mlp_hidden: int = 3072           # 4 * model_dim in the record
    block_size: int = 128            # window unit (tokens)
    no_attn_layers: tuple = (6,)
    paired_head_layers: tuple = (0, 2, 5, 9)
    long_window_layers: tuple = (3, 10)   # also the key-offset layers
    ve_layout: tuple = (1, 2, None, None, None, None, None, None, 0, 1, 2)
    num_value_embeds: int = 3
    skip_in: int = 3
    skip_out: int = 6
    backout_layer: int = 7
    gate_width: int = 12
    softcap: tuple = (23.0, 5.0, 7.5)   # z = A * sigmoid((logit + B) / C)
    attn_scale_init: float = 0.1
    yarn_alpha: float = 1.0
    yarn_beta: float = 32.0
    rms_eps: float = FP32_EPS
    mlp_bank_pad: int = 1            # extra (unused) MLP bank layers so the bank splits over 8 ranks
    scalars_pad_world: int = 8       # scalars padded as for the record's 8 ranks -> 40 entries
    lm_head_std: float = 0.005
    resid_lambda_init: float = 1.1
    sa_lambda_init: tuple = (0.5, 1.0)
    smear_lambda_init: float = 0.0
    backout_lambda_init: float = 0.5
    skip_lambda_init: float = -1.5
    scalars_pad_init: float = 1.0

    @property
    def padded_vocab(self) -> int:
        return -(-self.vocab_size // 128) * 128

    @property
    def attn_layers(self) -> list:
        return [i for i in range(self.num_layers) if i not in self.no_attn_layers]

    @property
    def ve_layers(self) -> list:
        return [i for i in range(self.num_layers) if self.ve_layout[i] is not None]

    @property
    def scalars_pad(self) -> int:
        return (-self.num_layers * 3 - 3) % self.scalars_pad_world

    @property
    def num_scalars(self) -> int:
        return 3 * self.num_layers + 3 + self.scalars_pad

    @property
    def attn_bound(self) -> float:
        return math.sqrt(3.0) * self.model_dim ** -0.5

    @property
    def mlp_bound(self) -> float:
        return math.sqrt(3.0) * (0.5 * self.model_dim ** -0.5)


@dataclass(frozen=True)
class ScheduleConfig:
    num_scheduled_iterations: int = 1725
    num_extension_iterations: int = 40
    cooldown_frac: float = 0.5
    lr_max_steps: tuple = ((1 / 3, 1.52), (2 / 3, 1.73))   # lr_max jumps when step/N > threshold
    lr_floor: float = 0.1            # end of cooldown, and the extension steps' factor
    train_bs_schedule: tuple = (131072, 262144, 393216)
    train_bs_extension: int = 393216
    train_max_seq_len: int = 2048
    ws_schedule: tuple = (3, 7, 11)
    ws_final: int = 13
    ws_validate_post_yarn_ext: int = 20
    split_embed_frac: float = 2 / 3
    muon_warmup_steps: int = 300
    muon_cooldown_steps: int = 50
    momentum_min: float = 0.85
    momentum_max: float = 0.95
    world_size: int = 1
    grad_accum_steps: int = 1

    @property
    def num_iterations(self) -> int:
        return self.num_scheduled_iterations + self.num_extension_iterations


@dataclass(frozen=True)
class OptimConfig:
    adam_lr: float = 0.008
    adam_eps: float = 1e-10
    adam_weight_decay: float = 0.005
    normuon_lr: float = 0.023
    normuon_momentum: float = 0.95
    normuon_beta2: float = 0.95
    normuon_weight_decay: float = 1.2


def record_small() -> tuple:
    """The "record-small" configuration of GOLDEN.md: record layout, width 64, 8 steps."""
    model = GPTConfig(model_dim=64, num_heads=4, head_dim=16, mlp_hidden=256, block_size=16)
    sched = ScheduleConfig(num_scheduled_iterations=6, num_extension_iterations=2,
                           train_bs_schedule=(128, 192, 256), train_bs_extension=256,
                           train_max_seq_len=256, muon_warmup_steps=4, muon_cooldown_steps=2)
    return model, sched, OptimConfig()


def to_json_dict(cfg) -> dict:
    d = asdict(cfg)
    for k in dir(type(cfg)):
        if isinstance(getattr(type(cfg), k), property):
            d[k] = getattr(cfg, k)
    return d
