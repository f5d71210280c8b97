"""The catalog's JSON (``catalog_json``, ``actloss list --json``) carries each entry's peer
spellings and edge conventions, the same as ``actloss show --json``.

Expected spellings are the peers' documented function names (Keras 3 ``keras.losses``,
PyTorch ``torch.nn.functional``); the conventions are the naming table's
(``actloss._peers.CONVENTIONS``).
"""

from __future__ import annotations

import json

import actloss.activations as A
import actloss.losses as L
from actloss._peers import CONVENTIONS
from actloss.cli import main

PEER_KEYS = ("peer_names", "shared_spellings", "same_spelling_elsewhere", "twin",
             "conventions")


def _run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out, _ = capsys.readouterr()
    return code, out


def test_losses_catalog_json_has_peer_names_and_conventions() -> None:
    by_name = {d["name"]: d for d in json.loads(L.catalog_json())}
    for name, entry in by_name.items():
        assert all(k in entry for k in PEER_KEYS), name
        assert entry["conventions"] == list(CONVENTIONS.get(name, ())), name
    # keras.losses.categorical_crossentropy and keras.losses.kl_divergence (Keras 3 API)
    assert "categorical_crossentropy" in (
        by_name["keras_categorical_crossentropy"]["peer_names"]["keras"])
    assert "kl_divergence" in by_name["keras_kl_divergence"]["peer_names"]["keras"]
    # the spelling Keras and optax share with different meanings is listed on both entries
    assert "kl_divergence" in by_name["keras_kl_divergence"]["shared_spellings"]
    assert by_name["cross_entropy"]["conventions"]  # smoothing and the probability check


def test_activations_catalog_json_has_peer_names() -> None:
    by_name = {d["name"]: d for d in A.catalog_json()}
    assert all(all(k in d for k in PEER_KEYS) for d in by_name.values())
    # torch.nn.functional.logsigmoid and keras.activations.log_sigmoid (Keras 3 API)
    assert by_name["log_sigmoid"]["peer_names"]["torch"] == ["logsigmoid"]
    assert "linear" in by_name["identity"]["peer_names"]["keras"]


def test_list_json_rows_match_show_json(capsys) -> None:
    code, out = _run(capsys, "list", "--json")
    assert code == 0
    data = json.loads(out)
    for kind, rows in (("loss", data["losses"]), ("activation", data["activations"])):
        for name in ("keras_categorical_crossentropy", "kl_div", "cross_entropy", "log_sigmoid"):
            row = next((r for r in rows if r["name"] == name), None)
            if row is None:
                continue
            code, shown = _run(capsys, "show", name, "--kind", kind, "--json")
            assert code == 0
            shown_data = json.loads(shown)
            for key in PEER_KEYS:
                assert row[key] == shown_data[key], (name, key)
    kl = next(r for r in data["losses"] if r["name"] == "keras_kl_divergence")
    assert kl["conventions"] == list(CONVENTIONS["keras_kl_divergence"])
