"""The record's model and optimizer in bf16 PyTorch (torch.compile + flex_attention), timed by model_bench.py."""
