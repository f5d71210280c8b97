"""ok_manual_attention_block"""
import math

import torch
import torch.nn.functional as F
from torch import nn

EXPECTED = set()


class Block(nn.Module):
    def __init__(self, d=16, heads=2, ff=32):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(d)
        self.q_proj = nn.Linear(d, d)
        self.k_proj = nn.Linear(d, d)
        self.v_proj = nn.Linear(d, d)
        self.out_proj = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d)
        self.ff1 = nn.Linear(d, ff)
        self.ff2 = nn.Linear(ff, d)

    def forward(self, x):
        b, t, d = x.shape
        h = self.ln1(x)
        q = self.q_proj(h).view(b, t, self.heads, -1).transpose(1, 2)
        k = self.k_proj(h).view(b, t, self.heads, -1).transpose(1, 2)
        v = self.v_proj(h).view(b, t, self.heads, -1).transpose(1, 2)
        att = F.softmax(q @ k.transpose(-2, -1) / math.sqrt(d // self.heads), dim=-1)
        y = (att @ v).transpose(1, 2).reshape(b, t, d)
        x = x + self.out_proj(y)
        return x + self.ff2(F.gelu(self.ff1(self.ln2(x))))


class LM(nn.Module):
    def __init__(self, vocab=50, d=16):
        super().__init__()
        self.tok = nn.Embedding(vocab, d)
        self.block = Block(d)
        self.ln = nn.LayerNorm(d)
        self.lm_head = nn.Linear(d, vocab)

    def forward(self, idx):
        return self.lm_head(self.ln(self.block(self.tok(idx)))).transpose(1, 2)


def make():
    torch.manual_seed(103)
    idx = torch.randint(0, 50, (4, 12))
    return LM(), nn.CrossEntropyLoss(), idx, torch.randint(0, 50, (4, 12))
