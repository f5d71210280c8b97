"""watch under DistributedDataParallel: statistics reduced over ranks, rank 0 reports.

Two CPU processes on the gloo backend train the same DDP-wrapped MLP on different data.

- Layer ``module.1`` (a ReLU after a hand-set Linear): on rank 0 units 2..7 are dead
  (6 of 8), on rank 1 units 0..5 (6 of 8). Each rank alone would report 75% dead; over
  both ranks only units 2..5 never fire: 4 of 8 = 50%, not above the 50% threshold, so
  the reduced statistics must give no finding for it.
- Layer ``module.3`` follows a Linear whose biases are -100: every unit is dead on both
  ranks: dead fraction 1.0, reported once, by rank 0 only.
"""

from __future__ import annotations

import json
import logging
import socket

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch import nn

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _worker(rank: int, port: int, out_dir: str) -> None:
    import actloss

    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank,
                            world_size=2)
    try:
        torch.manual_seed(0)
        net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 8), nn.ReLU(),
                            nn.Linear(8, 2))
        with torch.no_grad():
            net[0].weight.zero_()
            net[0].weight[:, 0] = torch.tensor([1.0, 1.0, 0, 0, 0, 0, -1.0, -1.0])
            net[0].bias.copy_(torch.tensor([0.5, 0.5, -1, -1, -1, -1, 0.5, 0.5]))
            net[2].bias.fill_(-100.0)
        model = nn.parallel.DistributedDataParallel(net)
        opt = torch.optim.SGD(model.parameters(), lr=0.0)
        records: list[str] = []

        class Keep(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                records.append(record.getMessage())

        log = logging.getLogger("actloss.watch")
        log.addHandler(Keep())
        log.setLevel(logging.INFO)
        sign = 1.0 if rank == 0 else -1.0  # rank 0 sees x0 = +1, rank 1 sees x0 = -1
        x = torch.zeros(16, 4)
        x[:, 0] = sign
        x[:, 1:] = torch.randn(16, 3)
        y = torch.randint(0, 2, (16,))
        with actloss.watch(model, optimizer=opt, lint=False, every=1, report_every=2) as w:
            for _ in range(4):
                opt.zero_grad()
                nn.functional.cross_entropy(model(x), y).backward()
                opt.step()
        found = [(f.code, f.where, f.evidence.get("dead_fraction")) for f in w.findings()]
        with open(f"{out_dir}/rank{rank}.json", "w") as fh:
            json.dump({"findings": found, "records": records}, fh)
    finally:
        dist.destroy_process_group()


def test_ddp_statistics_are_reduced_and_rank0_reports_once(tmp_path):
    if not dist.is_available():
        pytest.skip("torch.distributed is not available")
    mp.spawn(_worker, args=(_free_port(), str(tmp_path)), nprocs=2, join=True)
    r0 = json.loads((tmp_path / "rank0.json").read_text())
    r1 = json.loads((tmp_path / "rank1.json").read_text())
    dead0 = [(w, v) for c, w, v in r0["findings"] if c == "dead_units"]
    # the reduced statistics: module.1 is 50% dead (not reported), module.3 100%
    assert dead0 == [("module.3", pytest.approx(1.0))]
    assert r1["findings"] == r0["findings"]  # every rank holds the same reduced numbers
    lines = [m for m in r0["records"] if "dead_units" in m]
    assert len(lines) == 1 and "module.3" in lines[0]
    assert r1["records"] == []  # only rank 0 reports
