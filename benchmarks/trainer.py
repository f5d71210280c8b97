"""The trainer against a bare hand-written loop on the digits MLP.

Both train the same 64-128-64-10 ReLU MLP with Adam (lr 1e-3), batch 32, on the
embedded digits training split, with the same seeded batch order and the same initial
weights; the bare loop keeps an on-device running loss sum, as a careful hand-written
loop does, and the trainer runs without metrics or validation so the two do the same
work. Each is run ``repeats`` times, interleaved; the medians and their ratio are
printed. Run: ``python -m benchmarks.trainer [--epochs 5] [--repeats 7]``.
"""

from __future__ import annotations

import argparse
import copy
import statistics
import time

import torch
import torch.nn.functional as F
from torch import nn

from actloss.lab.data import load
from actloss.lab.train import fit


def _model(seed: int) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(),
                         nn.Linear(64, 10))


def bare_loop(model: nn.Module, x: torch.Tensor, y: torch.Tensor, epochs: int,
              batch_size: int, seed: int) -> list[float]:
    """The hand-written reference: permute, slice, forward, loss, backward, step."""
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    gen = torch.Generator().manual_seed(seed)
    losses = []
    n = x.shape[0]
    for _ in range(epochs):
        order = torch.randperm(n, generator=gen).to(x.device)
        total = torch.zeros((), device=x.device)
        for start in range(0, n, batch_size):
            idx = order[start:start + batch_size]
            loss = F.cross_entropy(model(x[idx]), y[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            total += loss.detach() * idx.shape[0]
        losses.append(total.item() / n)
    return losses


def run(epochs: int = 5, repeats: int = 7, batch_size: int = 32,
        device: str | None = None) -> dict[str, float]:
    """Median seconds of the bare loop and of :func:`fit`, and their ratio."""
    ds = load("digits")
    dev = torch.device(device) if device else torch.device("cpu")
    x, y = ds.x_train.to(dev), ds.y_train.to(dev)
    init = _model(0).to(dev)
    bare_t, fit_t = [], []
    bare_losses = fit_losses = None
    for _ in range(repeats):
        m = copy.deepcopy(init)
        t = time.perf_counter()
        bare_losses = bare_loop(m, x, y, epochs, batch_size, seed=0)
        if dev.type == "cuda":
            torch.cuda.synchronize()
        bare_t.append(time.perf_counter() - t)
        m = copy.deepcopy(init)
        t = time.perf_counter()
        h = fit(m, F.cross_entropy, (x, y), epochs=epochs, batch_size=batch_size,
                optimizer="adam", lr=1e-3, validation=None, seed=0, progress=False)
        if dev.type == "cuda":
            torch.cuda.synchronize()
        fit_t.append(time.perf_counter() - t)
        fit_losses = h.history["loss"]
    bare, trained = statistics.median(bare_t), statistics.median(fit_t)
    return {"bare_s": bare, "fit_s": trained, "ratio": trained / bare,
            "same_losses": float(torch.allclose(torch.tensor(bare_losses),
                                                torch.tensor(fit_losses), rtol=1e-4)),
            "epochs": epochs, "repeats": repeats}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--device", default=None)
    parser.add_argument("--threads", type=int, default=None,
                        help="torch intra-op threads (1 gives steadier timings on a busy host)")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    r = run(args.epochs, args.repeats, device=args.device)
    print(f"digits MLP, {r['epochs']} epochs, median of {r['repeats']} runs")
    print(f"  bare loop : {r['bare_s'] * 1000:8.1f} ms")
    print(f"  lab.fit   : {r['fit_s'] * 1000:8.1f} ms")
    print(f"  ratio     : {r['ratio']:.3f} (fit / bare)")
    print(f"  same per-epoch losses: {bool(r['same_losses'])}")


if __name__ == "__main__":
    main()
