"""flex_attention block masks for the record's attention: same document, causal, sliding window (FA3's (w, 0)).

One `DocumentWindowMasks` serves a whole run: its mask_mods read document ids from persistent buffers that
`build` refreshes in place for every micro-batch, so the compiled model sees the same mask_mod objects every
time (no recompilation). The block structure is computed on a band: a query block can only see the key blocks
that the window reaches (ceil(w/B) + 1 of them), so each micro-batch evaluates (S/B) x (band) x B x B mask
elements instead of create_block_mask's S x S; `check_against_create_block_mask` shows both give the same
BlockMask.
"""
import torch
from torch.nn.attention.flex_attention import BlockMask, create_block_mask


def document_window_mask_mod(doc: torch.Tensor, window: int):
    """key k visible to query q iff same document, k <= q and q - k <= window."""
    def mask_mod(b, h, q, k):
        return (doc[q] == doc[k]) & (k <= q) & (q - k <= window)
    return mask_mod


def band_block_counts(doc: torch.Tensor, window: int, block: int):
    """Dense (n, n) int32 maps of partially and fully visible (query block, key block) pairs, n = S / block."""
    S = doc.numel()
    n, band = S // block, (window + block - 1) // block + 1
    dev = doc.device
    offs = torch.arange(block, device=dev, dtype=torch.int32)
    kb = torch.arange(n, device=dev)[:, None] - torch.arange(band, device=dev)[None, :]     # (n, band)
    valid = kb >= 0
    kb = kb.clamp_min(0)
    qpos = torch.arange(S, device=dev, dtype=torch.int32).view(n, block)                   # (n, B)
    kpos = kb.to(torch.int32)[:, :, None] * block + offs                                    # (n, band, B)
    diff = qpos[:, None, :, None] - kpos[:, :, None, :]                                     # (n, band, B, B)
    same = doc.view(n, block)[:, None, :, None] == doc[kpos][:, :, None, :]
    visible = same & (diff >= 0) & (diff <= window) & valid[:, :, None, None]
    count = visible.sum(dim=(-2, -1))
    full = (count == block * block).to(torch.int32)
    partial = ((count > 0) & (count < block * block)).to(torch.int32)
    dense_partial = torch.zeros(n, n, dtype=torch.int32, device=dev).scatter_add_(1, kb, partial)
    dense_full = torch.zeros(n, n, dtype=torch.int32, device=dev).scatter_add_(1, kb, full)
    return dense_partial, dense_full


def ordered(dense: torch.Tensor):
    """(count per row, column indices with the visible ones first in ascending order), as create_block_mask."""
    num = dense.sum(dim=-1).to(torch.int32)
    idx = torch.argsort(dense, dim=-1, descending=True, stable=True).to(torch.int32)
    return num[None, None].contiguous(), idx[None, None].contiguous()


def block_tables(doc: torch.Tensor, window: int, block: int):
    partial, full = band_block_counts(doc, window, block)
    return (*ordered(partial), *ordered(full))


class DocumentWindowMasks:
    """The three masks of one micro-batch: short and long windows over T tokens, short over the 2T paired
    positions (paired-head layers interleave two heads per token: position 2t and 2t+1 belong to token t)."""

    def __init__(self, tokens: int, ws_short: int, ws_long: int, window_unit: int, device, block: int = 128,
                 compile_tables: bool = True):
        if tokens % block:
            raise ValueError(f"micro-batch of {tokens} tokens is not a multiple of the flex block size {block}")
        self.tokens, self.block, self.device = tokens, block, device
        self.doc = torch.zeros(tokens, dtype=torch.int32, device=device)
        self.doc_paired = torch.zeros(2 * tokens, dtype=torch.int32, device=device)
        short, long = ws_short * window_unit, ws_long * window_unit
        # name -> (document-id buffer, window in positions of that buffer)
        self.kinds = {"short": (self.doc, short), "long": (self.doc, long), "paired": (self.doc_paired, short)}
        self.mask_mods = {k: document_window_mask_mod(d, w) for k, (d, w) in self.kinds.items()}
        self.tables = torch.compile(block_tables, dynamic=False) if compile_tables else block_tables

    def set_documents(self, cu_seqlens: torch.Tensor):
        """Document id of every position from cu_seqlens (trailing padding entries equal to T are harmless)."""
        pos = torch.arange(self.tokens, device=self.device)
        doc = torch.searchsorted(cu_seqlens[1:].contiguous(), pos.to(cu_seqlens.dtype), right=True, out_int32=True)
        self.doc.copy_(doc)
        self.doc_paired.copy_(doc.repeat_interleave(2))

    def build(self, cu_seqlens: torch.Tensor, dense: bool = False) -> dict:
        """BlockMasks {"short", "long", "paired"} for one micro-batch; `dense`: S x S boolean masks from the same
        mask_mods instead (for SDPA where flex_attention cannot run, e.g. its backward on CPUs; small S only)."""
        self.set_documents(cu_seqlens)
        if dense:
            return {kind: self.dense(kind) for kind in self.kinds}
        out = {}
        for kind, (doc, window) in self.kinds.items():
            kv_num, kv_idx, full_num, full_idx = self.tables(doc, window, self.block)
            out[kind] = BlockMask.from_kv_blocks(kv_num, kv_idx, full_num, full_idx, BLOCK_SIZE=self.block,
                                                 mask_mod=self.mask_mods[kind], seq_lengths=(doc.numel(), doc.numel()))
        return out

    def dense(self, kind: str) -> torch.Tensor:
        doc, _ = self.kinds[kind]
        pos = torch.arange(doc.numel(), device=self.device)
        return self.mask_mods[kind](0, 0, pos[:, None], pos[None, :])

    def reference(self, kind: str) -> BlockMask:
        """create_block_mask over the full S x S grid for the current documents (compiled on CUDA)."""
        doc, _ = self.kinds[kind]
        S = doc.numel()
        return create_block_mask(self.mask_mods[kind], None, None, S, S, device=self.device, BLOCK_SIZE=self.block,
                                 _compile=self.device.type == "cuda")


def check_against_create_block_mask(masks: DocumentWindowMasks, built: dict) -> list:
    """Names of the mismatching tables between `built` and create_block_mask (empty list: identical)."""
    bad = []
    for kind, bm in built.items():
        ref = masks.reference(kind)
        for field in ("kv_num_blocks", "kv_indices", "full_kv_num_blocks", "full_kv_indices", "q_num_blocks",
                      "q_indices", "full_q_num_blocks", "full_q_indices"):
            a, b = getattr(bm, field), getattr(ref, field)
            if a is None or b is None or a.shape != b.shape or not torch.equal(a.to(b.dtype), b):
                bad.append(f"{kind}.{field}")
    return bad
