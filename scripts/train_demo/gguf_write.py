"""A GGUF v3 writer for the demo pair: the few value and tensor types they need, I2_S packed as
bitnet.cpp's x86 writer packs it (docs: bitnet-reference.md 3.1)."""
import struct

import numpy as np

GGML_F32, GGML_F16, GGML_I2_S = 0, 1, 36
ALIGN = 32
U32, I32, F32, BOOL, STRING, ARRAY = 4, 5, 6, 7, 8, 9


def pack_i2s(codes, scale):
    """codes: int array [out][in] in {-1, 0, 1}. 128 consecutive weights -> 32 bytes; byte p holds
    weights p, 32+p, 64+p, 96+p of its block in bits 7-6, 5-4, 3-2, 1-0; then the f32 scale in a
    32-byte tail."""
    flat = (codes.reshape(-1).astype(np.int64) + 1).astype(np.uint8)
    if flat.size % 128:
        raise ValueError("I2_S needs a multiple of 128 weights")
    blocks = flat.reshape(-1, 4, 32)
    packed = (blocks[:, 0] << 6) | (blocks[:, 1] << 4) | (blocks[:, 2] << 2) | blocks[:, 3]
    tail = struct.pack("<f", float(scale)) + bytes(28)
    return packed.astype(np.uint8).tobytes() + tail


class Writer:
    def __init__(self):
        self.kv = []
        self.tensors = []  # (name, dims in ggml order, type, bytes)

    def add(self, key, vtype, value, elem_type=None):
        self.kv.append((key, vtype, value, elem_type))

    def u32(self, k, v): self.add(k, U32, v)
    def f32(self, k, v): self.add(k, F32, v)
    def string(self, k, v): self.add(k, STRING, v)
    def boolean(self, k, v): self.add(k, BOOL, v)
    def strings(self, k, v): self.add(k, ARRAY, v, STRING)
    def i32s(self, k, v): self.add(k, ARRAY, v, I32)
    def f32s(self, k, v): self.add(k, ARRAY, v, F32)

    def tensor_f32(self, name, a):
        a = np.ascontiguousarray(a, dtype="<f4")
        self.tensors.append((name, list(reversed(a.shape)), GGML_F32, a.tobytes()))

    def tensor_f16(self, name, a):
        a = np.ascontiguousarray(a, dtype="<f2")
        self.tensors.append((name, list(reversed(a.shape)), GGML_F16, a.tobytes()))

    def tensor_i2s(self, name, codes, scale):
        self.tensors.append((name, list(reversed(codes.shape)), GGML_I2_S, pack_i2s(codes, scale)))

    @staticmethod
    def _str(s):
        b = s.encode("utf-8")
        return struct.pack("<Q", len(b)) + b

    def _value(self, vtype, v, elem_type):
        if vtype == U32: return struct.pack("<I", v)
        if vtype == I32: return struct.pack("<i", v)
        if vtype == F32: return struct.pack("<f", v)
        if vtype == BOOL: return struct.pack("<B", 1 if v else 0)
        if vtype == STRING: return self._str(v)
        body = b"".join(self._value(elem_type, e, None) for e in v)
        return struct.pack("<IQ", elem_type, len(v)) + body

    def write(self, path):
        out = bytearray(b"GGUF" + struct.pack("<IQQ", 3, len(self.tensors), len(self.kv)))
        for key, vtype, value, elem_type in self.kv:
            out += self._str(key) + struct.pack("<I", vtype) + self._value(vtype, value, elem_type)
        offset = 0
        for name, dims, ttype, data in self.tensors:
            out += self._str(name) + struct.pack("<I", len(dims)) + b"".join(struct.pack("<Q", d) for d in dims)
            out += struct.pack("<IQ", ttype, offset)
            offset += (len(data) + ALIGN - 1) // ALIGN * ALIGN
        out += bytes(-len(out) % ALIGN)
        for _, _, _, data in self.tensors:
            out += data + bytes(-len(data) % ALIGN)
        with open(path + ".tmp", "wb") as f:
            f.write(out)
        import os
        os.replace(path + ".tmp", path)
