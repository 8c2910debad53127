"""Which implementation runs each of the record's Triton pieces: the record's own kernels (CUDA, when its
triton_kernels.py is found and each piece passes a compiled probe against the PyTorch form), else PyTorch.

A probe runs the piece inside torch.compile (as the model will) on small inputs, forward and backward, and
compares with the PyTorch form in fp32; a failure (compile error or wrong numbers) falls back for that piece only
and is reported. The FP8 lm_head gets the same kind of probe.
"""
import traceback
from dataclasses import dataclass, field

import torch

from baton_ref.optim import polar_express as polar_express_f32

from . import lm_head_fp8, torch_kernels
from .record_triton import find_record_kernels, load_record_kernels


@dataclass
class Kernels:
    mlp: object
    softcapped_ce: object
    polar_express: object
    names: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    source: str = None          # the record's triton_kernels.py when it was loaded


def torch_only(notes=None) -> Kernels:
    return Kernels(torch_kernels.relu2_mlp, torch_kernels.softcapped_cross_entropy, torch_kernels.polar_express,
                   {"mlp": "torch", "softcapped_ce": "torch", "polar_express": "torch"}, list(notes or []))


def rel(a, b) -> float:
    a, b = a.detach().double(), b.detach().double()
    return float((a - b).norm() / b.norm().clamp_min(1e-30))


def _grads(fn, tensors):
    """fn's output and the gradients of sum(out^2) (or of out itself when it is a scalar) by `tensors`."""
    for t in tensors:
        t.grad = None
    out = fn(*tensors)
    (out if out.dim() == 0 else out.float().square().sum()).backward()
    return out.detach(), [t.grad.detach().clone() for t in tensors]


def probe_mlp(mlp, dev) -> float:
    g = torch.Generator(device="cpu").manual_seed(1)
    x = torch.randn(1, 256, 128, generator=g).to(dev, torch.bfloat16).requires_grad_()
    fc = (torch.randn(512, 128, generator=g) * 0.1).to(dev, torch.bfloat16).requires_grad_()
    proj = (torch.randn(512, 128, generator=g) * 0.1).to(dev, torch.bfloat16).requires_grad_()
    out, grads = _grads(torch.compile(mlp, fullgraph=True, dynamic=False), [x, fc, proj])
    ref = [t.detach().float().requires_grad_() for t in (x, fc, proj)]
    rout, rgrads = _grads(torch_kernels.relu2_mlp, ref)
    return max([rel(out, rout)] + [rel(a, b) for a, b in zip(grads, rgrads)])


def probe_ce(ce, dev) -> float:
    g = torch.Generator(device="cpu").manual_seed(2)
    logits = (torch.randn(256, 1024, generator=g) * 4).to(dev, torch.bfloat16).requires_grad_()
    targets = torch.randint(0, 1024, (256,), generator=g).to(dev)
    w = torch.tensor([1.0, 0.5, 0.25], device=dev)
    fn = torch.compile(lambda z: ce(z, targets, w), fullgraph=True, dynamic=False)
    out, (grad,) = _grads(fn, [logits])
    ref = logits.detach().float().requires_grad_()
    rout, (rgrad,) = _grads(lambda z: torch_kernels.softcapped_cross_entropy(z, targets, w), [ref])
    return max(rel(out, rout), rel(grad, rgrad))


def probe_polar_express(pe, dev) -> float:
    g = torch.Generator(device="cpu").manual_seed(3)
    worst = 0.0
    for shape, split in (((4, 128, 128), False), ((2, 384, 128), True)):
        G = torch.randn(*shape, generator=g).to(dev)
        out = torch.compile(pe, fullgraph=True, dynamic=False)(G, split).float()
        worst = max(worst, rel(out, polar_express_f32(G)))
    return worst


def probe_fp8(dev) -> float:
    g = torch.Generator(device="cpu").manual_seed(4)
    x = torch.randn(256, 128, generator=g).to(dev, torch.bfloat16).requires_grad_()
    w = (torch.randn(128, 512, generator=g) * 0.05).to(dev, torch.bfloat16).requires_grad_()
    fn = torch.compile(lambda a, b: lm_head_fp8.lm_head_fp8(a, b), fullgraph=True, dynamic=False)
    out, grads = _grads(fn, [x, w])
    ref = [t.detach().float().requires_grad_() for t in (x, w)]
    rout, rgrads = _grads(lambda a, b: a @ b, ref)
    return max([rel(out, rout)] + [rel(a, b) for a, b in zip(grads, rgrads)])


# tolerances: bf16 operands (1e-2 level), bf16 polar express iterations, e4m3/e5m2 operands
TOLERANCE = {"mlp": 3e-2, "softcapped_ce": 3e-2, "polar_express": 1e-1, "fp8": 0.15}


def run_probe(name, fn, log):
    """(ok, note)"""
    try:
        err = fn()
    except Exception as e:   # noqa: BLE001 - any failure means: do not use this piece
        log(f"[probe] {name}: FAILED ({type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''})")
        log(traceback.format_exc(limit=3))
        return False, f"{name}: {type(e).__name__}"
    ok = err == err and err <= TOLERANCE[name]
    log(f"[probe] {name}: relative error {err:.2e} (tolerance {TOLERANCE[name]:.0e}) -> {'ok' if ok else 'REJECTED'}")
    return ok, None if ok else f"{name}: relative error {err:.2e}"


def choose(mode: str, device, record_dir, log) -> Kernels:
    """mode: 'torch', 'record' (the record's kernels wherever their probe passes) or 'auto' (record on CUDA when
    its triton_kernels.py is found, else torch)."""
    if mode == "torch":
        return torch_only()
    if device.type != "cuda":
        if mode == "record":
            raise SystemExit("--kernels record needs a CUDA device (the record's kernels are Triton)")
        return torch_only(["the record's Triton kernels need CUDA: PyTorch forms used"])
    path = find_record_kernels(record_dir)
    if path is None:
        note = "record's triton_kernels.py not found (--record-dir): PyTorch forms used"
        if mode == "record":
            raise SystemExit(note)
        return torch_only([note])
    try:
        rk = load_record_kernels(path)
    except Exception as e:  # noqa: BLE001
        log(f"[kernels] loading {path} failed: {e}")
        return torch_only([f"loading the record's kernels failed: {type(e).__name__}"])
    log(f"[kernels] the record's kernels from {path} (float scalar arguments cast to fp32)")
    k = torch_only()
    k.source = path
    candidates = {
        "mlp": (lambda x, a, b: rk.FusedLinearReLUSquareFunction.apply(x, a, b), probe_mlp),
        "softcapped_ce": (lambda z, t, w: rk.FusedSoftcappedCrossEntropy.apply(z, t, w).sum(), probe_ce),
        "polar_express": (torch_kernels.polar_express_triton(rk), probe_polar_express),
    }
    for name, (impl, probe) in candidates.items():
        ok, note = run_probe(name, lambda: probe(impl, device), log)
        if ok:
            setattr(k, name, impl)
            k.names[name] = "record-triton"
        else:
            k.notes.append(note + " -> PyTorch form")
    return k


def fp8_usable(device, log):
    """(usable, note) for the FP8 lm_head on this device."""
    if device.type != "cuda":
        return True, None      # CPU: _scaled_mm runs eagerly (a correctness path, not a speed one)
    if torch.cuda.get_device_capability(device) < (8, 9):
        return False, "FP8 needs compute capability 8.9+"
    lm_head_fp8.use_compiled_bodies()
    return run_probe("fp8", lambda: probe_fp8(device), log)
