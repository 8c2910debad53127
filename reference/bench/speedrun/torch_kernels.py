"""Plain PyTorch forms of the record's three Triton pieces, for torch.compile to fuse (and for CPUs)."""
import torch
import torch.nn.functional as F

from baton_ref.optim import POLAR_EXPRESS_COEFFS

SOFTCAP = (23.0, 5.0, 7.5)   # z = 23 * sigmoid((logit + 5) / 7.5)


def relu2_mlp(x, c_fc, c_proj):
    """relu(x c_fc^T)^2 c_proj; c_fc and c_proj are (hidden, d) bank entries."""
    return F.relu(F.linear(x, c_fc)).square() @ c_proj


def softcapped_cross_entropy(logits, targets, mtp_weights):
    """sum_k w_k sum_rows (lse(z_row) - z_row[targets[row + k]]), z = softcap(logits) in fp32 (the record's
    FusedSoftcappedCrossEntropy forward; its backward is autograd's)."""
    a, b, c = SOFTCAP
    z = a * torch.sigmoid((logits.float() + b) / c)
    lse = torch.logsumexp(z, dim=-1)
    rows = z.size(0)
    loss = z.new_zeros(())
    for k in range(mtp_weights.size(0)):          # static: the phase fixes the number of weights
        picked = z[:rows - k].gather(1, targets[k:, None]).squeeze(1)
        loss = loss + mtp_weights[k] * (lse[:rows - k] - picked).sum()
    return loss


def _normalised(G):
    X = G.bfloat16()
    if G.size(-2) > G.size(-1):
        X = X.mT
    return X / (X.norm(dim=(-2, -1), keepdim=True) * (1 + 2e-2) + 1e-6)


def polar_express(G, split: bool):
    """The record's polar express in bf16 with torch matmuls; `split` does B @ X and + aX as two ops."""
    X = _normalised(G)
    for a, b, c in POLAR_EXPRESS_COEFFS:
        A = X @ X.mT
        B = b * A + c * (A @ A)
        X = B @ X + a * X if split else torch.baddbmm(X, B, X, beta=a)
    return X.mT if G.size(-2) > G.size(-1) else X


def polar_express_triton(record):
    """The same iteration with the record's symmetric-product kernels (XXT, ba_plus_cAA) into reused buffers."""
    def run(G, split: bool):
        X = _normalised(G).contiguous()
        A = torch.empty((*X.shape[:-1], X.size(-2)), device=X.device, dtype=X.dtype)
        B = torch.empty_like(A)
        C = torch.empty_like(X)
        for a, b, c in POLAR_EXPRESS_COEFFS:
            record.XXT(X, out=A)
            record.ba_plus_cAA(A, alpha=c, beta=b, out=B)
            if split:
                torch.bmm(B, X, out=C)
                C.add_(X, alpha=a)
            else:
                torch.baddbmm(X, B, X, beta=a, out=C)
            X, C = C, X
        return X.mT if G.size(-2) > G.size(-1) else X
    return run
