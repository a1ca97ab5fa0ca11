"""The demo pair, written op for op as Tern's engine runs the two GGUF architectures.

BitNetB158: the official 2B4T graph (`bitnet-b1.58`): sub-norms before attn_output and ffn_down,
ReLU² gated FFN, NEOX RoPE, GQA, tied F16 embedding/head, every projection a BitLinear trained
with the BitNet b1.58 recipe (absmean ternary weights, per-token absmax int8 activations,
straight-through estimator, full-precision latent weights).

Llama: the FP16 twin (`llama`): the same sizes with ordinary dense layers, SiLU gated FFN, no
sub-norms, llama.cpp's "normal" RoPE (adjacent pairs), tied embedding.
"""
import math
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class Config:
    n_vocab: int = 4096
    n_embd: int = 256
    n_layer: int = 6
    n_head: int = 4
    n_head_kv: int = 2
    n_ff: int = 768
    n_ctx: int = 256
    rope_base: float = 10000.0
    eps: float = 1e-5

    @property
    def head_dim(self):
        return self.n_embd // self.n_head


def rms_norm(x, gain, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * gain


def quantize_activations(x):
    """Per-token absmax int8, round half to even (torch.round), as the engine quantizes."""
    scale = 127.0 / x.abs().amax(-1, keepdim=True).clamp(min=1e-5)
    return (x * scale).round().clamp(-128, 127) / scale


def ternary_weights(w):
    """Absmean ternary: the codes in {-1, 0, 1} and the one per-tensor scale."""
    scale = w.abs().mean().clamp(min=1e-5)
    return (w / scale).round().clamp(-1, 1), scale


class BitLinear(nn.Linear):
    def __init__(self, n_in, n_out):
        super().__init__(n_in, n_out, bias=False)

    def forward(self, x):
        codes, scale = ternary_weights(self.weight)
        w = self.weight + (codes * scale - self.weight).detach()  # straight-through estimator
        x = x + (quantize_activations(x) - x).detach()
        return F.linear(x, w)


def rope_tables(cfg, n, device=None):
    inv = cfg.rope_base ** (-torch.arange(0, cfg.head_dim, 2, dtype=torch.float64) / cfg.head_dim)
    angles = torch.arange(n, dtype=torch.float64)[:, None] * inv[None, :]
    return angles.cos().float(), angles.sin().float()


def rope_neox(x, cos, sin):
    """Rotate-half: dimension i pairs with i + head_dim/2 (x: [B, H, T, D])."""
    half = x.shape[-1] // 2
    a, b = x[..., :half], x[..., half:]
    return torch.cat([a * cos - b * sin, a * sin + b * cos], dim=-1)


def rope_normal(x, cos, sin):
    """Adjacent pairs (2i, 2i+1), ggml's LLAMA_ROPE_TYPE_NORM."""
    a, b = x[..., 0::2], x[..., 1::2]
    return torch.stack([a * cos - b * sin, a * sin + b * cos], dim=-1).flatten(-2)


class Block(nn.Module):
    def __init__(self, cfg, ternary):
        super().__init__()
        lin = BitLinear if ternary else (lambda i, o: nn.Linear(i, o, bias=False))
        kv = cfg.n_head_kv * cfg.head_dim
        self.cfg, self.ternary = cfg, ternary
        self.attn_norm = nn.Parameter(torch.ones(cfg.n_embd))
        self.ffn_norm = nn.Parameter(torch.ones(cfg.n_embd))
        self.attn_q, self.attn_k, self.attn_v = lin(cfg.n_embd, cfg.n_embd), lin(cfg.n_embd, kv), lin(cfg.n_embd, kv)
        self.attn_output = lin(cfg.n_embd, cfg.n_embd)
        self.ffn_gate, self.ffn_up = lin(cfg.n_embd, cfg.n_ff), lin(cfg.n_embd, cfg.n_ff)
        self.ffn_down = lin(cfg.n_ff, cfg.n_embd)
        if ternary:
            self.attn_sub_norm = nn.Parameter(torch.ones(cfg.n_embd))
            self.ffn_sub_norm = nn.Parameter(torch.ones(cfg.n_ff))

    def forward(self, x, cos, sin, mask):
        cfg = self.cfg
        B, T, _ = x.shape
        h = rms_norm(x, self.attn_norm, cfg.eps)
        q = self.attn_q(h).view(B, T, cfg.n_head, cfg.head_dim).transpose(1, 2)
        k = self.attn_k(h).view(B, T, cfg.n_head_kv, cfg.head_dim).transpose(1, 2)
        v = self.attn_v(h).view(B, T, cfg.n_head_kv, cfg.head_dim).transpose(1, 2)
        rope = rope_neox if self.ternary else rope_normal
        q, k = rope(q, cos, sin), rope(k, cos, sin)
        group = cfg.n_head // cfg.n_head_kv  # q head i reads kv head i // group
        k = k.repeat_interleave(group, dim=1)
        v = v.repeat_interleave(group, dim=1)
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(cfg.head_dim) + mask
        attn = (scores.softmax(-1) @ v).transpose(1, 2).reshape(B, T, cfg.n_embd)
        if self.ternary:
            attn = rms_norm(attn, self.attn_sub_norm, cfg.eps)
        x = x + self.attn_output(attn)
        h = rms_norm(x, self.ffn_norm, cfg.eps)
        if self.ternary:
            m = F.relu(self.ffn_gate(h)).square() * self.ffn_up(h)
            m = rms_norm(m, self.ffn_sub_norm, cfg.eps)
        else:
            m = F.silu(self.ffn_gate(h)) * self.ffn_up(h)
        return x + self.ffn_down(m)


class Model(nn.Module):
    def __init__(self, cfg, ternary):
        super().__init__()
        self.cfg, self.ternary = cfg, ternary
        self.token_embd = nn.Parameter(torch.randn(cfg.n_vocab, cfg.n_embd) * 0.02)
        self.blocks = nn.ModuleList(Block(cfg, ternary) for _ in range(cfg.n_layer))
        self.output_norm = nn.Parameter(torch.ones(cfg.n_embd))
        for name, p in self.named_parameters():
            if p.dim() == 2 and name != "token_embd":
                std = 0.02 / math.sqrt(2 * cfg.n_layer) if name.endswith(("attn_output.weight", "ffn_down.weight")) else 0.02
                nn.init.normal_(p, std=std)

    def forward(self, ids):
        T = ids.shape[1]
        cos, sin = rope_tables(self.cfg, T)
        mask = torch.full((T, T), float("-inf")).triu(1)
        x = self.token_embd[ids]
        for block in self.blocks:
            x = block(x, cos, sin, mask)
        return rms_norm(x, self.output_norm, self.cfg.eps) @ self.token_embd.t()

    def n_params(self):
        return sum(p.numel() for p in self.parameters())
