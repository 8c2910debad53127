"""Data-parallel ranks of model_bench.py under torchrun (WORLD_SIZE > 1), without DDP.

Every rank holds the whole model and optimizer (the record shards NorMuon's work over the ranks; here each
rank repeats it, which costs optimizer time but not correctness). After a step's micro-batches every
gradient is averaged over the ranks with one NCCL all-reduce per dtype (flattened), so that each rank
updates with the gradient of the global batch, as the record's reduce-scatter + all-gather does. Micro-batch
j of rank r in step s is the pool's entry (s * grad_accum + j) * W + r: the same global micro-batches per
step as one GPU with W times the accumulation, and as Baton's `bench --via actors --gpus W`.
"""
import os

import torch
import torch.distributed as dist


class Ranks:
    """This process's rank and the world, from torchrun's environment (one process, rank 0 of 1, without it)."""

    def __init__(self, env=None):
        env = os.environ if env is None else env
        self.world = int(env.get("WORLD_SIZE", "1"))
        self.rank = int(env.get("RANK", "0"))
        self.local = int(env.get("LOCAL_RANK", "0"))
        if self.world < 1 or not 0 <= self.rank < self.world:
            raise SystemExit(f"WORLD_SIZE {self.world} / RANK {self.rank}: not a rank of a world")

    @property
    def distributed(self) -> bool:
        return self.world > 1

    @property
    def leader(self) -> bool:
        return self.rank == 0

    def device(self, requested):
        """The device of this rank: cuda:LOCAL_RANK when distributed (NCCL needs one GPU per rank)."""
        if not self.distributed:
            return requested
        if requested.type != "cuda" or not torch.cuda.is_available():
            raise SystemExit(f"torchrun with WORLD_SIZE={self.world} needs CUDA devices (one per rank)")
        if self.local >= torch.cuda.device_count():
            raise SystemExit(f"LOCAL_RANK {self.local}: only {torch.cuda.device_count()} GPU(s) visible")
        return torch.device("cuda", self.local)

    def start(self, device):
        if self.distributed:
            os.environ.setdefault("NCCL_NVLS_ENABLE", "0")     # the project keeps NVLink multicast off
            torch.cuda.set_device(device)
            dist.init_process_group("nccl")

    def stop(self):
        if self.distributed and dist.is_initialized():
            dist.destroy_process_group()

    def micro_batch(self, cursor: int) -> int:
        """Pool index of this rank's micro-batch number `cursor` (= step * grad_accum + j)."""
        return cursor * self.world + self.rank

    def grad_accum(self, requested):
        """The record's grad_accum_steps = 8 // world_size unless asked for another."""
        if requested is not None:
            return requested
        if 8 % self.world:
            raise SystemExit(f"WORLD_SIZE {self.world} does not divide the record's 8 micro-batches; pass --grad-accum")
        return 8 // self.world

    def average_grads(self, model):
        """Averages every parameter's gradient over the ranks: one all-reduce per dtype of a flat copy."""
        if not self.distributed:
            return
        grads = [p.grad for p in model.parameters() if p.grad is not None]
        for dtype in sorted({g.dtype for g in grads}, key=str):
            same = [g for g in grads if g.dtype == dtype]
            flat = torch.cat([g.reshape(-1) for g in same])
            dist.all_reduce(flat, op=dist.ReduceOp.AVG)
            offset = 0
            for g in same:
                g.copy_(flat[offset:offset + g.numel()].view_as(g))
                offset += g.numel()

    def average(self, t: torch.Tensor) -> torch.Tensor:
        """The mean of `t` over the ranks (a copy); `t` itself when alone."""
        if not self.distributed:
            return t
        t = t.detach().clone()
        dist.all_reduce(t, op=dist.ReduceOp.AVG)
        return t
