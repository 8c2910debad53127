"""Loads the record's triton_kernels.py (polar express's symmetric products, the fused ReLU² MLP, the softcapped
cross-entropy) from its own file, with one change: float scalar arguments are cast to fp32 at kernel entry.

Why: inside torch.compile, Inductor passes a user kernel's Python-float arguments as fp64 (eager Triton passes
fp32), so `z = A * sigmoid(...)` turns fp64 and the CE kernel's loop-carried fp32 accumulators fail Triton's type
check (and ba_plus_cAA's epilogue runs in fp64). tl.cast is a no-op in eager Triton (and accepts a constexpr),
so the math is unchanged. The patched copy goes to a temporary folder: Triton's JIT reads kernel source from files.
"""
import ast
import glob
import importlib.util
import os
import sys
import tempfile

RECORD_SUBDIR = "modded-nanogpt-record200"
FLOAT_ARGS = {"fused_softcapped_entropy_fwd_kernel": ("A", "B", "C"),
              "fused_softcapped_entropy_bwd_kernel": ("A", "B", "C"),
              "ba_plus_cAA_kernel": ("alpha", "beta")}


def find_record_kernels(record_dir=None) -> str:
    """Path of the record's triton_kernels.py: --record-dir, $BATON_RECORD_DIR, record/ beside this bench,
    .device/record/ or .device/*/record/ of the checkout, or the shared reference folder; None when absent."""
    here = os.path.dirname(os.path.abspath(__file__))
    bench = os.path.dirname(here)
    repo = os.path.dirname(os.path.dirname(bench))
    candidates = [record_dir, os.environ.get("BATON_RECORD_DIR"), os.path.join(bench, "record"),
                  os.path.join(repo, ".device", "record"),
                  *sorted(glob.glob(os.path.join(repo, ".device", "*", "record"))),
                  os.path.join(repo, "..", "shared", "reference", RECORD_SUBDIR),
                  os.path.join(repo, "..", "..", "shared", "reference", RECORD_SUBDIR)]
    for d in candidates:
        if d and os.path.isfile(os.path.join(d, "triton_kernels.py")):
            return os.path.abspath(os.path.join(d, "triton_kernels.py"))
    return None


def patch_float_args(source: str) -> str:
    """Insert `name = tl.cast(name, tl.float32)` at the top of each kernel of FLOAT_ARGS; fails if one is missing."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name in FLOAT_ARGS:
            names = {a.arg for a in node.args.args}
            missing = [a for a in FLOAT_ARGS[node.name] if a not in names]
            if missing:
                raise ValueError(f"{node.name} has no argument(s) {missing}")
            found[node.name] = node
    absent = sorted(set(FLOAT_ARGS) - set(found))
    if absent:
        raise ValueError(f"kernels not found in triton_kernels.py: {absent}")
    for node in sorted(found.values(), key=lambda n: n.body[0].lineno, reverse=True):
        first = node.body[0]
        indent = " " * first.col_offset
        cast = "".join(f"{indent}{a} = tl.cast({a}, tl.float32)\n" for a in FLOAT_ARGS[node.name])
        lines.insert(first.lineno - 1, cast)
    return "".join(lines)


def load_record_kernels(path: str):
    """The patched module (needs triton and a CUDA device to run its kernels)."""
    with open(path) as f:
        source = patch_float_args(f.read())
    folder = tempfile.mkdtemp(prefix="baton-record-kernels-")
    target = os.path.join(folder, "record_triton_kernels.py")
    with open(target, "w") as f:
        f.write(source)
    spec = importlib.util.spec_from_file_location("record_triton_kernels", target)
    module = importlib.util.module_from_spec(spec)
    sys.modules["record_triton_kernels"] = module
    spec.loader.exec_module(module)
    return module
