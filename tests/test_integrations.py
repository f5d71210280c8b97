"""watch in the trainers people use: Lightning, Hugging Face, the lab's fit and Keras front.

Each trains a tiny CPU model with one layer made dead (a large negative bias before a
ReLU) and checks that the watch reports exactly that layer, and leaves no hook behind.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

pytestmark = pytest.mark.slow


def _data(n: int = 128) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(0)
    x = torch.randn(n, 8, generator=g)
    return x, (x[:, 0] > 0).long()


def _dead_mlp() -> nn.Sequential:
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(),
                        nn.Linear(16, 2))
    with torch.no_grad():
        net[2].bias.fill_(-100.0)  # the second ReLU never fires
    return net


def _hook_count(model: nn.Module) -> int:
    return sum(len(m._forward_hooks) + len(m._forward_pre_hooks) for m in model.modules())


def _dead(found) -> list[tuple[str, float]]:
    return [(f.where, f.evidence["dead_fraction"]) for f in found if f.code == "dead_units"]


def test_lightning_callback(tmp_path):
    L = pytest.importorskip("lightning")
    from actloss.integrations.lightning import WatchCallback

    class Module(L.LightningModule):
        def __init__(self) -> None:
            super().__init__()
            self.net = _dead_mlp()

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.net(x)

        def training_step(self, batch, batch_idx):
            x, y = batch
            return F.cross_entropy(self(x), y)

        def configure_optimizers(self):
            return torch.optim.SGD(self.parameters(), lr=0.05)

    x, y = _data()
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=16)
    module = Module()
    cb = WatchCallback(report_every=10, stream=False)
    trainer = L.Trainer(max_steps=20, accelerator="cpu", logger=False,
                        enable_checkpointing=False, enable_progress_bar=False,
                        enable_model_summary=False, default_root_dir=tmp_path, callbacks=[cb])
    trainer.fit(module, loader)
    found = cb.findings()
    assert _dead(found) == [("net.3", pytest.approx(1.0))]
    assert cb.watch.steps == 20
    assert torch.overrides._get_current_function_mode() is None
    # the losses Lightning returned reached the monitor: cross-entropy values > 0
    assert len(cb.watch.monitors["model"].step_losses) == 20
    assert _hook_count(module) == 0


def test_transformers_trainer_callback(tmp_path):
    transformers = pytest.importorskip("transformers")
    pytest.importorskip("accelerate")  # the HF Trainer needs it on PyTorch
    from actloss.integrations.transformers import WatchCallback

    config = transformers.BertConfig(vocab_size=50, hidden_size=16, num_hidden_layers=1,
                                     num_attention_heads=2, intermediate_size=32,
                                     max_position_embeddings=16, num_labels=2)
    torch.manual_seed(0)
    model = transformers.BertForSequenceClassification(config)
    with torch.no_grad():  # the feed-forward block's GELU gets no positive input
        model.bert.encoder.layer[0].intermediate.dense.bias.fill_(-100.0)
    g = torch.Generator().manual_seed(0)
    ids = torch.randint(0, 50, (32, 8), generator=g)
    labels = (ids[:, 0] > 25).long()

    class DS(torch.utils.data.Dataset):
        def __len__(self) -> int:
            return len(ids)

        def __getitem__(self, i: int) -> dict[str, torch.Tensor]:
            return {"input_ids": ids[i], "labels": labels[i]}

    args = transformers.TrainingArguments(
        output_dir=str(tmp_path), max_steps=8, per_device_train_batch_size=8,
        report_to="none", use_cpu=True, save_strategy="no", logging_strategy="no",
        disable_tqdm=True, learning_rate=1e-3)
    cb = WatchCallback(report_every=4, stream=False)
    trainer = transformers.Trainer(model=model, args=args, train_dataset=DS(), callbacks=[cb])
    trainer.train()
    found = cb.findings()
    assert cb.watch.steps == 8
    # the model's own loss output (cross-entropy of 2 classes, near log 2) was seen
    losses = cb.watch.monitors["model"].step_losses
    assert len(losses) == 8 and all(0.3 < v < 1.5 for v in losses)
    # GELU's derivative at -100 underflows to 0: the intermediate units are dead
    dead = _dead(found)
    assert any("intermediate" in w and v == pytest.approx(1.0) for w, v in dead), found
    assert _hook_count(model) == 0


def test_lab_fit_watch_argument():
    from actloss.lab.train import fit

    x, y = _data()
    model = _dead_mlp()
    h = fit(model, F.cross_entropy, (x, y), epochs=2, batch_size=16, lr=0.05,
            optimizer="sgd", progress=False, validation=None,
            watch={"report_every": 8, "stream": False})
    assert h.watch.steps == 16
    assert _dead(h.watch.findings()) == [("3", pytest.approx(1.0))]
    assert _hook_count(model) == 0


def test_keras_front_fit_watch_argument():
    from actloss.lab.keras import Dense, Sequential

    x, y = _data()
    torch.manual_seed(0)
    model = Sequential([Dense(16, activation="relu"), Dense(2, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    h = model.fit(x.numpy(), y.numpy(), epochs=1, batch_size=16, verbose=0,
                  watch={"stream": False, "report_every": 4})
    assert h.watch.steps == 8
    assert not any(f.severity == "error" for f in h.watch.findings()), h.watch.findings()
