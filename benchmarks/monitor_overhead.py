"""Cost of the training monitor on the digits MLP.

Trains the same 64-256-256-10 ReLU MLP (Adam, lr 1e-3, batch 32, same initial weights,
same seeded batch order) with :func:`actloss.lab.train.fit`, once without callbacks and
once with :func:`actloss.diagnostics.monitor` (default settings unless ``--every`` is
given: statistics on one batch in ten, the NaN check and the loss on every batch).
The two runs alternate ``repeats`` times; the medians and their ratio are printed. The
target is a ratio of at most 1.15.

Run: ``python -m benchmarks.monitor_overhead [--epochs 3] [--repeats 7] [--every 1]``.
"""

from __future__ import annotations

import argparse
import copy
import statistics
import time
from typing import Any

import torch
from torch import nn

from actloss.diagnostics import monitor
from actloss.lab.data import load
from actloss.lab.train import fit


def _model(seed: int) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(),
                         nn.Linear(256, 10))


def run(epochs: int = 3, repeats: int = 7, batch_size: int = 32, every: int | None = None,
        device: str | None = None) -> dict[str, Any]:
    """Median seconds without and with the monitor, and their ratio."""
    ds = load("digits")
    dev = torch.device(device) if device else torch.device("cpu")
    data = (ds.x_train.to(dev), ds.y_train.to(dev))
    init = _model(0).to(dev)
    plain_t, mon_t = [], []
    findings: list[str] = []

    def once(with_monitor: bool) -> float:
        model = copy.deepcopy(init)
        kw = {} if every is None else {"every": every}
        callbacks = [monitor(model, **kw)] if with_monitor else []
        if dev.type == "cuda":
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        fit(model, nn.functional.cross_entropy, data, epochs=epochs, batch_size=batch_size,
            optimizer="adam", lr=1e-3, validation=None, callbacks=callbacks, seed=0,
            progress=False)
        if callbacks:
            findings[:] = [f.code for f in callbacks[0].findings()]
        if dev.type == "cuda":
            torch.cuda.synchronize()
        return time.perf_counter() - t0

    once(False)  # warm-up
    once(True)
    for _ in range(repeats):
        plain_t.append(once(False))
        mon_t.append(once(True))
    plain, mon = statistics.median(plain_t), statistics.median(mon_t)
    return {"plain_s": plain, "monitor_s": mon, "ratio": mon / plain,
            "steps": epochs * -(-data[0].shape[0] // batch_size), "findings": findings}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--every", type=int, default=None, help="default: the monitor's")
    parser.add_argument("--device", default=None)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    r = run(args.epochs, args.repeats, args.batch_size, args.every, args.device)
    print(f"digits MLP 64-256-256-10, {args.epochs} epochs, batch {args.batch_size}, "
          f"{r['steps']} steps, every={args.every or 'default'}")
    print(f"without monitor: {r['plain_s']:.3f} s (median of {args.repeats})")
    print(f"with monitor:    {r['monitor_s']:.3f} s")
    print(f"ratio:           {r['ratio']:.3f}  (target <= 1.15)")
    print(f"findings on this healthy run: {r['findings'] or 'none'}")


if __name__ == "__main__":
    main()
