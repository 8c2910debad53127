"""Synthetic packed batches cut exactly as the record's BOS-aligned loader cuts them (one rank)."""
import numpy as np

BOS = 50256


def document_stream(seed: int, num_docs: int, min_len: int, max_len: int, vocab: int = BOS):
    """Documents of random GPT-2 ids, each starting with BOS, lengths in [min_len, max_len] (BOS included)."""
    rng = np.random.RandomState(seed)
    docs = []
    for _ in range(num_docs):
        n = rng.randint(min_len, max_len + 1)
        docs.append(np.concatenate([[BOS], rng.randint(0, vocab, size=n - 1)]).astype(np.int64))
    return np.concatenate(docs)


class BosLoader:
    """The record's BOSFinder.next_batch + distributed_data_generator for world_size 1, grad_accum 1."""

    def __init__(self, tokens: np.ndarray, max_seq_len: int):
        self.tokens, self.max_seq_len = tokens, max_seq_len
        self.bos = np.flatnonzero(tokens == BOS)
        self.i = 0

    def next_batch(self, num_tokens: int):
        """Returns (inputs (T,), targets (T,), cu_seqlens (docs+1,)) with cu_seqlens[0]=0, [-1]=T."""
        n, idx, cur_len = len(self.bos), self.i, 0
        starts, ends = [], []
        while cur_len <= num_tokens:
            if idx >= n:
                raise RuntimeError("document stream exhausted; generate more documents")
            cur = int(self.bos[idx])
            end = min(int(self.bos[idx + 1]) if idx + 1 < n else len(self.tokens),
                      cur + self.max_seq_len, cur + num_tokens - cur_len + 1)
            starts.append(cur)
            ends.append(end)
            cur_len += end - cur
            idx += 1
        assert cur_len == num_tokens + 1
        self.i = idx
        buf = np.concatenate([self.tokens[s:e] for s, e in zip(starts, ends)])
        ends[-1] -= 1   # the last document lends its final token only as a target
        cu = np.concatenate([[0], np.cumsum(np.array(ends) - np.array(starts))])
        return buf[:-1].astype(np.int32), buf[1:].astype(np.int32), cu.astype(np.int32)
