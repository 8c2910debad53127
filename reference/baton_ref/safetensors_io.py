"""Standard safetensors files written and read with json + struct (no dependency on the package).

Layout: u64 little-endian header length N, N bytes of JSON header (padded with spaces to a multiple
of 8), then the tensors' bytes back to back. Tensors are laid out by (-itemsize, name), so every
tensor starts at a multiple of its element size and the file is a pure function of its contents.
"""
import json
import os
import struct

import numpy as np

_DTYPES = {np.dtype("<f4"): "F32", np.dtype("<f8"): "F64", np.dtype("<i4"): "I32", np.dtype("<i8"): "I64"}
_NP = {v: k for k, v in _DTYPES.items()}


def write(path: str, tensors: dict, metadata: dict):
    """tensors: name -> numpy array (float32, float64, int32 or int64); metadata: str -> str."""
    arrays = {}
    for name, a in tensors.items():
        a = np.asarray(a, order="C")  # keeps 0-d scalars 0-d (ascontiguousarray would make them 1-d)
        dt = a.dtype.newbyteorder("<")
        if dt not in _DTYPES:
            raise ValueError(f"{name}: unsupported dtype {a.dtype}")
        arrays[name] = a.astype(dt, copy=False)
    order = sorted(arrays, key=lambda n: (-arrays[n].dtype.itemsize, n))
    header = {"__metadata__": {str(k): str(v) for k, v in metadata.items()}}
    offset = 0
    for name in order:
        a = arrays[name]
        header[name] = {"dtype": _DTYPES[a.dtype], "shape": list(a.shape),
                        "data_offsets": [offset, offset + a.nbytes]}
        offset += a.nbytes
    hb = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hb += b" " * (-len(hb) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(hb)))
        f.write(hb)
        for name in order:
            f.write(arrays[name].tobytes())
    os.replace(tmp, path)


def read(path: str) -> tuple:
    """Returns (tensors: name -> numpy array, metadata dict)."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {})
    base = 8 + n
    out = {}
    for name, info in header.items():
        b, e = info["data_offsets"]
        out[name] = np.frombuffer(data[base + b:base + e], dtype=_NP[info["dtype"]]).reshape(info["shape"])
    return out, meta
