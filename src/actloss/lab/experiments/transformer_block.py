"""The sources' Transformer block on a toy sequence task, with three feed-forward variants.

The block of 000 section 7.1: self-attention, a residual connection and layer norm,
a feed-forward network, a second residual connection and layer norm; trained with
sparse categorical cross-entropy from logits (``SparseCategoricalCrossentropy(
from_logits=True)``, here the catalog's ``cross_entropy`` on logits and class indices).
Task: read a sequence of tokens and output, at every position, the token of the sorted
sequence at that position (sorting needs every position to see every other one). The
feed-forward network is ``Dense(ff, relu) -> Dense(d)``, the same with GELU, or SwiGLU
``(silu(x W) * (x V)) W2`` (the catalog's ``swiglu`` on a doubled projection).
Measured: per-token and whole-sequence accuracy on fresh sequences.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import torch
from matplotlib.figure import Figure
from torch import nn

from actloss._validation import POSITIVE
from actloss.lab.experiments._base import (
    INT_POS,
    REGISTRY,
    Claim,
    Experiment,
    Result,
    Table,
    Verdict,
    setting,
)
from actloss.lab.experiments._common import BaseConfig, generator, new_figure
from actloss.lab.stats import Effect

__all__ = ["Block", "Config", "figure", "judge", "run"]

FFNS = ("relu", "gelu", "swiglu")


@dataclass(frozen=True)
class Config(BaseConfig):
    ffns: tuple[str, ...] = setting(FFNS, choices=FFNS, doc="feed-forward variants")
    length: int = setting(8, interval=INT_POS, doc="sequence length")
    vocab: int = setting(10, interval=INT_POS, doc="number of token values")
    d_model: int = setting(32, interval=INT_POS, doc="embedding width")
    ff_dim: int = setting(64, interval=INT_POS, doc="feed-forward width")
    heads: int = setting(4, interval=INT_POS, doc="attention heads")
    steps: int = setting(600, interval=INT_POS, doc="Adam steps")
    batch: int = setting(128, interval=INT_POS, doc="sequences per step")
    lr: float = setting(3e-3, interval=POSITIVE, doc="learning rate")


QUICK = {"steps": 150, "batch": 64}

RULE = ("supported if every feed-forward variant of the block learns the task to at least "
        "0.9 per-token accuracy (chance: 1/vocab) with cross-entropy from logits")
RULE_ZH = ("若该模块的每种前馈变体在 logits 交叉熵训练下都达到至少 0.9 的逐词准确率"
           "(随机为 1/词表大小),则判为支持")


class Block(nn.Module):
    """Attention -> residual + LayerNorm -> feed-forward -> residual + LayerNorm (000 §7.1)."""

    def __init__(self, d_model: int, heads: int, ff_dim: int, ffn: str) -> None:
        super().__init__()
        from actloss import activations

        self.attn = nn.MultiheadAttention(d_model, heads, batch_first=True)
        self.norm1 = nn.LayerNorm(d_model)
        self.norm2 = nn.LayerNorm(d_model)
        self.ffn_name = ffn
        if ffn == "swiglu":
            self.ff_in = nn.Linear(d_model, 2 * ff_dim)  # [x W, x V], split by swiglu
            self.act = activations.get("swiglu")
        else:
            self.ff_in = nn.Linear(d_model, ff_dim)
            self.act = activations.get(ffn)
        self.ff_out = nn.Linear(ff_dim, d_model)

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        attn_output, _ = self.attn(inputs, inputs, inputs, need_weights=False)
        x = self.norm1(inputs + attn_output)
        ffn_output = self.ff_out(self.act(self.ff_in(x)))
        return self.norm2(x + ffn_output)


class _Model(nn.Module):
    def __init__(self, cfg: Config, ffn: str) -> None:
        super().__init__()
        self.tok = nn.Embedding(cfg.vocab, cfg.d_model)
        self.pos = nn.Parameter(0.02 * torch.randn(cfg.length, cfg.d_model))
        self.block = Block(cfg.d_model, cfg.heads, cfg.ff_dim, ffn)
        self.head = nn.Linear(cfg.d_model, cfg.vocab)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        return self.head(self.block(self.tok(tokens) + self.pos))  # logits


def _batch(n: int, cfg: Config, g: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    x = torch.randint(0, cfg.vocab, (n, cfg.length), generator=g)
    return x, torch.sort(x, dim=1).values


def judge(m: dict[str, Any]) -> Verdict:
    r = m["results"]
    ok = all(v["token_accuracy"] >= 0.9 for v in r.values())
    because = "; ".join(f"{k}: token accuracy {v['token_accuracy']:.3f}, sequence accuracy "
                        f"{v['sequence_accuracy']:.3f}" for k, v in r.items())
    because_zh = ";".join(f"{k}:逐词准确率 {v['token_accuracy']:.3f},整句准确率 "
                          f"{v['sequence_accuracy']:.3f}" for k, v in r.items())
    return Verdict("supported" if ok else "not supported", RULE, RULE_ZH, because, because_zh)


def run(cfg: Config) -> Result:
    from actloss import losses
    from actloss.errors import ParameterError

    if cfg.d_model % cfg.heads:
        raise ParameterError(f"`d_model` of experiment transformer-block must be divisible by "
                             f"`heads`; got {cfg.d_model} and {cfg.heads}")
    loss_fn = losses.get("cross_entropy")  # logits + class indices = sparse CE from logits
    results: dict[str, dict[str, Any]] = {}
    for ffn in cfg.ffns:
        g = generator(cfg.seed)
        torch.manual_seed(cfg.seed)
        model = _Model(cfg, ffn)
        opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
        curve = []
        for step in range(cfg.steps):
            x, y = _batch(cfg.batch, cfg, g)
            logits = model(x)
            loss = loss_fn(logits.reshape(-1, cfg.vocab), y.reshape(-1))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            if step % 10 == 0 or step == cfg.steps - 1:
                curve.append((step, float(loss.detach())))
        model.eval()
        xt, yt = _batch(2000, cfg, generator(cfg.seed + 99))
        with torch.no_grad():
            pred = model(xt).argmax(-1)
        results[ffn] = {"token_accuracy": float((pred == yt).float().mean()),
                        "sequence_accuracy": float((pred == yt).all(1).float().mean()),
                        "parameters": sum(p.numel() for p in model.parameters()),
                        "curve": curve}
    metrics = {"results": results, "chance": 1 / cfg.vocab}
    table = Table("Sorting task: accuracy on 2,000 fresh sequences",
                  "排序任务:2000 条新序列上的准确率",
                  ("feed-forward", "token accuracy", "sequence accuracy", "parameters",
                   "final loss"),
                  tuple((k, round(v["token_accuracy"], 4), round(v["sequence_accuracy"], 4),
                         v["parameters"], round(v["curve"][-1][1], 4))
                        for k, v in results.items()),
                  columns_zh=("前馈层", "词元准确率", "序列准确率", "参数量", "最终损失"))
    return Result("transformer-block", vars(cfg), metrics, (table,), judge(metrics))


def figure(result: Result) -> Figure:
    """Training loss curves of the three feed-forward variants."""
    r = result.metrics["results"]
    fig, axes = new_figure(1, 1, width=5.5, height=3.5)
    ax = axes[0]
    for k, v in r.items():
        steps, vals = zip(*v["curve"])
        ax.semilogy(steps, vals, label=f"{k} (token acc {v['token_accuracy']:.3f})")
    ax.set_xlabel("step")
    ax.set_ylabel("cross-entropy from logits")
    ax.legend(fontsize=8)
    ax.set_title("Transformer block on the sorting task", fontsize=9)
    return fig


def _lowest(m: Mapping[str, Any]) -> float:
    return min(float(v["token_accuracy"]) for v in m["results"].values())


EFFECT = Effect("lowest per-token accuracy over the feed-forward variants",
                "各前馈层变体中最低的逐词准确率", _lowest, minimum=0.9, null=0.9)


EXPERIMENT = REGISTRY.add(Experiment(
    name="transformer-block",
    title="The Transformer block with ReLU, GELU and SwiGLU feed-forward networks",
    title_zh="使用 ReLU、GELU 与 SwiGLU 前馈网络的 Transformer 模块",
    claims=(
        Claim("000_5b08fef0015a8918.txt",
              "x = LayerNormalization()(inputs + attn_output) ... ffn_output = Dense(units=ff_dim, "
              "activation='relu')(x) ... loss = SparseCategoricalCrossentropy(from_logits=True)",
              "The block: attention, residual + layer norm, a ReLU feed-forward network, "
              "residual + layer norm, trained with sparse categorical cross-entropy from "
              "logits."),
    ),
    config_cls=Config,
    quick=QUICK,
    body=run,
    effect=EFFECT,
    figure=figure,
    summary="One Transformer block learns to sort token sequences; ReLU, GELU and SwiGLU "
            "feed-forward networks compared.",
    summary_zh="一个 Transformer 模块学习对词序列排序;比较 ReLU、GELU 与 SwiGLU 前馈网络。",
))
