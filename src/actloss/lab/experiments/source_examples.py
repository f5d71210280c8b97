"""The sources' own examples, run as written and measured.

1. Linear regression (001): ``y = 2x + 3 + noise`` with ``x = 5 randn`` (100 samples),
   ``nn.Linear(1, 1)``, MSE, SGD with ``lr = 0.01`` for 1000 full-batch epochs: are the
   weight and the bias recovered?
2. Binary classification with sigmoid + BCE (001): ``nn.Linear(5, 1)``, SGD
   ``lr = 0.01``, 1000 epochs. The source draws its labels with ``torch.randint``, so
   they are unrelated to the inputs; it is run as written and with labels from a linear
   rule ``y = [x . v > 0]``. The loss is computed from logits
   (``binary_cross_entropy_with_logits``), which equals BCE after a sigmoid.
3. The MNIST MLP (000): ``Dense(512, relu) -> Dense(256, relu) -> Dense(10, softmax)``,
   categorical cross-entropy, Adam, batch 128, ``validation_split=0.2``, through the
   Keras-style front (:mod:`actloss.lab.keras`). Default data: the embedded 8x8 digits
   (64 inputs); ``--set data=mnist5k`` or ``data=idx:DIR`` runs it on real MNIST.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import torch
from matplotlib.figure import Figure
from torch import nn

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

__all__ = ["Config", "figure", "judge", "run"]


@dataclass(frozen=True)
class Config(BaseConfig):
    regression_epochs: int = setting(1000, interval=INT_POS, doc="SGD epochs (001: 1000)")
    classification_epochs: int = setting(1000, interval=INT_POS, doc="SGD epochs (001: 1000)")
    data: str = setting("digits", doc="MLP data: digits, digits784, mnist5k or idx:DIR")
    mlp_epochs: int = setting(10, interval=INT_POS, doc="MLP epochs (000: 10)")


QUICK = {"regression_epochs": 600, "classification_epochs": 600, "mlp_epochs": 4}

RULE = ("supported if the regression recovers |w - 2| < 0.1 and |b - 3| < 0.3, sigmoid + BCE "
        "reaches at least 0.9 training accuracy on labels from a linear rule, and the MLP "
        "reaches at least 0.9 validation accuracy")
RULE_ZH = ("若线性回归恢复出 |w - 2| < 0.1 且 |b - 3| < 0.3,sigmoid + BCE 在线性规则生成的标签上"
           "训练准确率至少 0.9,且 MLP 验证准确率至少 0.9,则判为支持")


def _regression(cfg: Config) -> dict[str, Any]:
    from actloss.lab.data import load

    ds = load("line", seed=cfg.seed, n_samples=100, test_size=0.2)
    x, y = ds.x_train, ds.y_train
    torch.manual_seed(cfg.seed)
    model = nn.Linear(1, 1)
    criterion = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    losses = []
    for _ in range(cfg.regression_epochs):  # the loop of 001, line for line
        y_pred = model(x)
        loss = criterion(y_pred, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(float(loss.detach()))
    # closed-form least squares on the same data, for reference
    a = torch.cat([x, torch.ones_like(x)], 1).double()
    ls = torch.linalg.lstsq(a, y.double()).solution[:, 0]
    return {"w": float(model.weight.detach()), "b": float(model.bias.detach()), "loss": losses,
            "lstsq_w": float(ls[0]), "lstsq_b": float(ls[1]),
            "x": x[:, 0].tolist(), "y": y[:, 0].tolist()}


def _classification(cfg: Config, rule: bool) -> dict[str, Any]:
    g = generator(cfg.seed)
    x = torch.randn(100, 5, generator=g)
    if rule:
        v = torch.randn(5, generator=g)
        y = (x @ v > 0).long()
    else:
        y = torch.randint(0, 2, (100,), generator=g)  # as in 001: labels unrelated to x
    torch.manual_seed(cfg.seed)
    model = nn.Linear(5, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    for _ in range(cfg.classification_epochs):
        # BCE from logits: -[y log sigmoid(z) + (1 - y) log sigmoid(-z)], never log(sigmoid)
        loss = nn.functional.binary_cross_entropy_with_logits(model(x)[:, 0], y.float())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        acc = float(((model(x)[:, 0] > 0).long() == y).float().mean())
    return {"accuracy": acc, "loss": float(loss.detach())}


def _mlp(cfg: Config) -> dict[str, Any]:
    from actloss.lab.data import load
    from actloss.lab.keras import Dense, Sequential, to_categorical

    ds = load(cfg.data, seed=cfg.seed)
    x = torch.cat([ds.x_train, ds.x_test])
    y = torch.cat([ds.y_train, ds.y_test])
    y_onehot = torch.as_tensor(to_categorical(y.numpy(), ds.n_classes))
    model = Sequential([Dense(512, input_shape=(ds.n_features,), activation="relu"),
                        Dense(256, activation="relu"),
                        Dense(ds.n_classes, activation="softmax")])
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    h = model.fit(x, y_onehot, epochs=cfg.mlp_epochs, batch_size=128, validation_split=0.2,
                  verbose=0, seed=cfg.seed)
    return {"data": ds.name, "inputs": ds.n_features, "history": h.history,
            "val_accuracy": h.history["val_accuracy"][-1]}


def judge(m: dict[str, Any]) -> Verdict:
    r, c, p = m["regression"], m["classification"], m["mlp"]
    ok = (abs(r["w"] - 2) < 0.1 and abs(r["b"] - 3) < 0.3 and c["rule"]["accuracy"] >= 0.9
          and p["val_accuracy"] >= 0.9)
    because = (f"regression: w = {r['w']:.3f}, b = {r['b']:.3f} (least squares {r['lstsq_w']:.3f}, "
               f"{r['lstsq_b']:.3f}); sigmoid + BCE accuracy: rule labels "
               f"{c['rule']['accuracy']:.2f}, random labels as in the source "
               f"{c['random']['accuracy']:.2f}; MLP on {p['data']}: validation accuracy "
               f"{p['val_accuracy']:.3f}")
    because_zh = (f"回归:w = {r['w']:.3f},b = {r['b']:.3f}(最小二乘 {r['lstsq_w']:.3f},"
                  f"{r['lstsq_b']:.3f});sigmoid + BCE 准确率:规则标签 "
                  f"{c['rule']['accuracy']:.2f},源文中的随机标签 {c['random']['accuracy']:.2f};"
                  f"{p['data']} 上的 MLP 验证准确率 {p['val_accuracy']:.3f}")
    return Verdict("supported" if ok else "not supported", RULE, RULE_ZH, because, because_zh)


def run(cfg: Config) -> Result:
    mlp = _mlp(cfg)  # first: an unknown `data` fails before anything else runs
    reg = _regression(cfg)
    cls = {"rule": _classification(cfg, True), "random": _classification(cfg, False)}
    metrics = {"regression": reg, "classification": cls, "mlp": mlp}
    t1 = Table("Linear regression y = 2x + 3 (001)", "线性回归 y = 2x + 3(001)",
               ("parameter", "true", "SGD, as in the source", "least squares"),
               (("w", 2.0, round(reg["w"], 4), round(reg["lstsq_w"], 4)),
                ("b", 3.0, round(reg["b"], 4), round(reg["lstsq_b"], 4))),
               columns_zh=("参数", "真实值", "SGD(同原文)", "最小二乘"))
    t2 = Table("Binary classification, sigmoid + BCE (001)", "二分类,sigmoid + BCE(001)",
               ("labels", "training accuracy", "final loss"),
               (("random (torch.randint, as in the source)", round(cls["random"]["accuracy"], 3),
                 round(cls["random"]["loss"], 4)),
                ("linear rule y = [x . v > 0]", round(cls["rule"]["accuracy"], 3),
                 round(cls["rule"]["loss"], 4))),
               columns_zh=("标签", "训练准确率", "最终损失"))
    hist = mlp["history"]
    t3 = Table(f"MLP {mlp['inputs']}-512-256-10 via the Keras-style front (000), "
               f"data {mlp['data']}",
               f"通过 Keras 风格接口的 MLP {mlp['inputs']}-512-256-10(000),数据 {mlp['data']}",
               ("epoch", "loss", "accuracy", "val_loss", "val_accuracy"),
               tuple((i + 1, round(hist["loss"][i], 4), round(hist["accuracy"][i], 4),
                      round(hist["val_loss"][i], 4), round(hist["val_accuracy"][i], 4))
                     for i in range(len(hist["loss"]))),
               columns_zh=("轮次", "损失", "准确率", "验证损失", "验证准确率"))
    notes = ("The source's classification example draws random labels, so its 'high "
             "accuracy' can only be memorisation; the rule-label run shows what sigmoid + BCE "
             "does when there is something to learn.",)
    notes_zh = ("原文的分类示例使用随机标签，所以它的“高准确率”只能来自记忆；按规则生成标签的"
                "那一次运行显示了有规律可学时 sigmoid + BCE 的表现。",)
    return Result("source-examples", vars(cfg), metrics, (t1, t2, t3), judge(metrics),
                  notes=notes, notes_zh=notes_zh)


def figure(result: Result) -> Figure:
    """The regression fit, its loss curve, and the MLP's accuracy per epoch."""
    m = result.metrics
    fig, axes = new_figure(3, 1, width=3.8, height=3.2)
    r = m["regression"]
    ax = axes[0]
    ax.scatter(r["x"], r["y"], s=6, color="#777777")
    xs = torch.linspace(min(r["x"]), max(r["x"]), 2)
    ax.plot(xs, r["w"] * xs + r["b"], color="#c0441a",
            label=f"y = {r['w']:.2f}x + {r['b']:.2f}")
    ax.plot(xs, 2 * xs + 3, "k--", lw=0.8, label="y = 2x + 3")
    ax.legend(fontsize=7)
    ax.set_title("linear regression (001)", fontsize=9)
    ax = axes[1]
    ax.semilogy(r["loss"])
    ax.set_xlabel("epoch")
    ax.set_title("MSE during SGD", fontsize=9)
    ax = axes[2]
    h = m["mlp"]["history"]
    ep = range(1, len(h["accuracy"]) + 1)
    ax.plot(ep, h["accuracy"], "-o", ms=3, label="train")
    ax.plot(ep, h["val_accuracy"], "-o", ms=3, label="validation")
    ax.set_xlabel("epoch")
    ax.set_title(f"MLP on {m['mlp']['data']} (000)", fontsize=9)
    ax.legend(fontsize=7)
    return fig


def _margin(m: Mapping[str, Any]) -> float:
    r, c, p = m["regression"], m["classification"], m["mlp"]
    return min(0.1 - abs(r["w"] - 2), 0.3 - abs(r["b"] - 3), c["rule"]["accuracy"] - 0.9,
               p["val_accuracy"] - 0.9)


EFFECT = Effect("smallest margin to the examples' thresholds (0.1 - |w - 2|, 0.3 - |b - 3|, "
                "rule-label accuracy - 0.9, MLP validation accuracy - 0.9)",
                "示例与阈值的最小余量（0.1 - |w - 2|、0.3 - |b - 3|、规则标签准确率 - 0.9、"
                "MLP 验证准确率 - 0.9）", _margin)


EXPERIMENT = REGISTRY.add(Experiment(
    name="source-examples",
    title="The sources' code examples, run and measured",
    title_zh="运行并测量源文章中的代码示例",
    claims=(
        Claim("001_27ea7541dd684257.txt",
              "通过不断优化模型参数,我们可以得到较为准确的预测结果。",
              "By optimising the parameters we obtain fairly accurate predictions "
              "(linear regression y = 2x + 3)."),
        Claim("001_27ea7541dd684257.txt",
              "在这个示例中,我们使用交叉熵损失函数训练了一个简单的二分类模型。",
              "In this example we train a simple binary classifier with the cross-entropy "
              "loss."),
        Claim("000_5b08fef0015a8918.txt",
              "ReLU激活:快速提取特征;Softmax激活:输出概率分布;交叉熵损失:精准衡量概率误差",
              "ReLU extracts features quickly, softmax outputs a probability distribution, "
              "cross-entropy measures the probability error (the MNIST MLP)."),
    ),
    config_cls=Config,
    quick=QUICK,
    body=run,
    effect=EFFECT,
    figure=figure,
    summary="Linear regression y = 2x + 3 by SGD, binary classification with sigmoid + BCE, and "
            "the 784-512-256-10 MLP through the Keras-style front.",
    summary_zh="用 SGD 拟合 y = 2x + 3,用 sigmoid + BCE 做二分类,"
               "并通过 Keras 风格接口训练 784-512-256-10 的 MLP。",
))
