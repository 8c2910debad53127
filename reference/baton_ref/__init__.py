"""Baton reference: a compact fp32 PyTorch port of the modded-nanogpt record (PR #200) for golden data."""
