#!/usr/bin/env python3
"""The PyTorch side of `baton bench --profile golf-baseline --compare-pytorch`.

Runs the parameter-golf challenge's own baseline script (train_gpt.py, unchanged) on one GPU for
a few steps on synthetic shards and prints its step time as one JSON line that Baton reads:
  {"impl":"pytorch","ms_per_step":...,"tokens_per_s":...,"vocab":...,"steps":...}

What it sets up in a temporary folder (the script writes logs/ and final_model.* into its cwd):
  - shards in the challenge's .bin format (256 little-endian int32 header words: magic 20240520,
    version 1, token count; then uint16 tokens): fineweb_train_000000.bin with uniform random ids
    from numpy's generator seeded with --seed, fineweb_val_000000.bin of --val-tokens ids;
  - a SentencePiece model whose vocabulary equals --vocab: trained here with the challenge's
    recipe (BPE, byte fallback) on the demo corpus when --corpus is given and the trainer reaches
    exactly that size, else --fallback-model when its size matches; else it stops with a message.
The run: WORLD_SIZE unset (one process, grad_accum_steps = 8: 8 micro-batches of 64 x 1024),
ITERATIONS = --steps timed steps after WARMUP_STEPS = --warmup compile warm-up steps (which the
script runs and then rolls back), MAX_WALLCLOCK_SECONDS = 0 (no cap), WARMDOWN_ITERS = 0 (the full
lr on every step, as Baton's bench runs it; with its default 1200 and no cap the script would scale
every lr by (ITERATIONS - step) / 1200), VAL_LOSS_EVERY = 0 (one
validation after the last step, outside its train_time), TRAIN_LOG_EVERY = 1. The figure is the
step_avg of its last train line: train_time / steps over the timed steps.
"""
import argparse
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

MAGIC, VERSION = 20240520, 1
STEP_LINE = re.compile(r"step:(\d+)/(\d+) train_loss:([0-9.naif]+) train_time:(\d+)ms step_avg:([0-9.]+)ms")


def write_shard(path: Path, tokens: np.ndarray) -> None:
    header = np.zeros(256, dtype="<i4")
    header[0], header[1], header[2] = MAGIC, VERSION, len(tokens)
    with open(path, "wb") as f:
        f.write(header.tobytes())
        f.write(tokens.astype("<u2").tobytes())


def train_tokenizer(corpus: Path, vocab: int, out: Path):
    import sentencepiece as spm
    with gzip.open(corpus, "rt", encoding="utf-8") as f:
        lines = [s for s in re.split(r"(?<=[.!?])\s+", f.read()) if s.strip()]
    prefix = out / "sp"
    spm.SentencePieceTrainer.train(sentence_iterator=iter(lines), model_prefix=str(prefix), model_type="bpe",
                                   vocab_size=vocab, character_coverage=0.999, byte_fallback=True,
                                   split_digits=True, normalization_rule_name="nmt_nfkc", add_dummy_prefix=False,
                                   pad_id=0, bos_id=1, eos_id=2, unk_id=3, hard_vocab_limit=False,
                                   num_threads=8, minloglevel=2)
    model = Path(str(prefix) + ".model")
    size = spm.SentencePieceProcessor(model_file=str(model)).vocab_size()
    return model if size == vocab else None


def tokenizer(args, work: Path) -> Path:
    import sentencepiece as spm
    if args.corpus and Path(args.corpus).is_file():
        try:
            m = train_tokenizer(Path(args.corpus), args.vocab, work)
            if m is not None:
                print(f"tokenizer: trained BPE {args.vocab} on {args.corpus}", flush=True)
                return m
            print(f"tokenizer: training on {args.corpus} did not reach {args.vocab} pieces", flush=True)
        except Exception as e:  # noqa: BLE001 - any trainer failure falls back to the committed model
            print(f"tokenizer: training failed ({e})", flush=True)
    if args.fallback_model and Path(args.fallback_model).is_file():
        size = spm.SentencePieceProcessor(model_file=args.fallback_model).vocab_size()
        if size == args.vocab:
            print(f"tokenizer: {args.fallback_model} ({size} pieces)", flush=True)
            return Path(args.fallback_model)
        sys.exit(f"golf_pytorch_bench: {args.fallback_model} has {size} pieces, the run needs {args.vocab}; "
                 f"pass --vocab {size} (and the same vocabulary to Baton) or a corpus to train one")
    sys.exit("golf_pytorch_bench: no tokenizer: pass --corpus or --fallback-model")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--train-gpt", required=True, help="the challenge's train_gpt.py")
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--vocab", type=int, default=1024)
    p.add_argument("--corpus", default=None, help="text (.gz) to train the tokenizer on")
    p.add_argument("--fallback-model", default=None, help="a SentencePiece .model to use when training fails")
    p.add_argument("--train-tokens", type=int, default=0, help="default: enough for warm-up + steps")
    p.add_argument("--val-tokens", type=int, default=65537)
    a = p.parse_args()
    batch = 524_288
    with tempfile.TemporaryDirectory(prefix="golf-pt-") as tmp:
        work = Path(tmp)
        data = work / "data"
        data.mkdir()
        rng = np.random.default_rng(a.seed)
        n_train = a.train_tokens or (a.steps + a.warmup + 2) * batch + 1
        write_shard(data / "fineweb_train_000000.bin", rng.integers(0, a.vocab, n_train, dtype=np.int64))
        write_shard(data / "fineweb_val_000000.bin", rng.integers(0, a.vocab, a.val_tokens, dtype=np.int64))
        model = tokenizer(a, work)
        env = dict(os.environ)
        for k in ("RANK", "WORLD_SIZE", "LOCAL_RANK"):
            env.pop(k, None)
        env.update(DATA_PATH=str(data), TOKENIZER_PATH=str(model), VOCAB_SIZE=str(a.vocab), ITERATIONS=str(a.steps),
                   WARMUP_STEPS=str(a.warmup), MAX_WALLCLOCK_SECONDS="0", WARMDOWN_ITERS="0", VAL_LOSS_EVERY="0", TRAIN_LOG_EVERY="1",
                   VAL_BATCH_SIZE=str(batch), SEED=str(a.seed), RUN_ID="golf-bench", PYTHONUNBUFFERED="1",
                   NCCL_NVLS_ENABLE="0")
        t0 = time.time()
        proc = subprocess.Popen([sys.executable, str(Path(a.train_gpt).resolve())], cwd=work, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        last = None
        peak = None
        for line in proc.stdout:
            print(line, end="", flush=True)
            m = STEP_LINE.search(line)
            if m:
                last = m
            if line.startswith("peak memory allocated"):
                peak = line.strip()
        code = proc.wait()
        if code != 0 or last is None:
            sys.exit(f"golf_pytorch_bench: train_gpt.py exited with {code}"
                     + ("" if last else " before any train line"))
        step_avg = float(last.group(5))
        print(json.dumps({"impl": "pytorch", "script": "parameter-golf train_gpt.py", "ms_per_step": step_avg,
                          "tokens_per_s": batch / (step_avg * 1e-3), "steps": int(last.group(1)),
                          "warmup": a.warmup, "vocab": a.vocab, "train_loss": float(last.group(3)),
                          "peak_memory": peak, "wall_s": round(time.time() - t0, 1)}), flush=True)


if __name__ == "__main__":
    main()
