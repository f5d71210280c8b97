"""The rule for names (docs/names.md), and every peer name resolving.

The peers' names come from the lists committed in tests/peer_names/ (taken from the
peers' documentation); no peer is imported.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

import actloss.activations as A
import actloss.losses as L
from actloss._peers import CONVENTIONS, LOSS_NAMES, TWINS
from actloss._registry import AmbiguousNameError, close_matches, did_you_mean, snake_case
from actloss.activations._registry import REGISTRY as AR
from actloss.errors import InputError, UnknownNameError
from actloss.losses._registry import REGISTRY as LR

PEER_DIR = Path(__file__).parent / "peer_names"

# Names whose function another part of the catalog adds; the merge empties this set (every
# name below must then resolve through the registry, bare or with its peer).
PENDING_FUNCTIONS: set[tuple[str, str, str]] = set()  # every listed peer function exists

# Listed by the peer beside its functions, but not a function of the catalog's kind.
NOT_A_FUNCTION = {
    ("optax", "losses", "make_fenchel_young_loss"): "a factory that builds a loss",
    ("torch", "activations", "gumbel_softmax"): "a random sampler, not a deterministic map",
    ("optax", "losses", "smooth_labels"): "a label transform: actloss.losses.smooth_labels",
    ("optax", "losses", "ctc_loss_with_forward_probs"): (
        "returns the forward probabilities beside the loss; the loss is `ctc`"),
}


def _peer_names() -> list[tuple[str, str, str]]:
    out = []
    for f in sorted(PEER_DIR.glob("*.txt")):
        peer, kind = f.stem.split("_")
        for line in f.read_text(encoding="utf-8").splitlines():
            name = line.strip()
            if name and not name.startswith("#"):
                out.append((peer, kind, name))
    return out


PEER_NAMES = _peer_names()


def test_the_lists_are_complete_enough():
    kinds = {(p, k) for p, k, _ in PEER_NAMES}
    assert kinds == {("keras", "losses"), ("keras", "activations"), ("optax", "losses"),
                     ("torch", "losses"), ("torch", "activations")}
    names = {n for _, _, n in PEER_NAMES}
    # the optax spellings the README promises
    assert {"sigmoid_binary_cross_entropy", "softmax_cross_entropy_with_integer_labels",
            "hinge_loss", "l2_loss", "squared_error", "cosine_distance", "sigmoid_focal_loss",
            "poly_loss_cross_entropy", "triplet_margin_loss",
            "kl_divergence_with_log_targets"} <= names
    assert len(PEER_NAMES) > 150


@pytest.mark.parametrize(("peer", "kind", "name"), PEER_NAMES,
                         ids=[f"{p}-{k}-{n}" for p, k, n in PEER_NAMES])
def test_every_peer_name_resolves(peer, kind, name):
    reg = LR if kind == "losses" else AR
    if (peer, kind, name) in NOT_A_FUNCTION:
        pytest.skip(f"{name}: {NOT_A_FUNCTION[(peer, kind, name)]}")
    if (peer, kind, name) in PENDING_FUNCTIONS:
        with pytest.raises(UnknownNameError):  # drop it from PENDING_FUNCTIONS once added
            reg.canonical(name, peer=peer)
        return
    entry = reg.canonical(name, peer=peer)
    assert entry in reg.names()
    # bare: the same entry, an actloss canonical name (rule 1), or a refusal (rule 4)
    try:
        bare = reg.canonical(name)
    except AmbiguousNameError as exc:
        assert entry in exc.choices.values() or TWINS.get(entry) in exc.choices.values()
        return
    assert bare in (entry, TWINS.get(entry)) or bare == snake_case(name), (name, entry, bare)


def test_pending_set_names_only_listed_names():
    assert PENDING_FUNCTIONS <= set(PEER_NAMES)
    assert set(NOT_A_FUNCTION) <= set(PEER_NAMES)


# --------------------------------------------------------------------------- the rule
def test_rule_1_canonical_names_keep_actloss_meaning():
    assert L.spec("hinge").name == "hinge"
    assert L.spec("dice").name == "dice"
    assert L.spec("cosine_similarity").name == "cosine_similarity"
    assert L.spec("hinge", peer="keras").name == "keras_hinge"
    assert L.spec("keras:dice").name == "keras_dice"
    assert L.spec("cosine_similarity", peer="optax").name == "optax_cosine_similarity"


def test_rule_2_and_3_one_meaning_resolves():
    assert L.spec("l2_loss").name == "optax_l2_loss"
    assert L.spec("CategoricalCrossentropy").name == "keras_categorical_crossentropy"
    assert L.spec("mean_squared_logarithmic_error").name == \
        "keras_mean_squared_logarithmic_error"
    assert L.spec("mse_loss").name == "mse"
    assert L.spec("kld").name == "keras_kl_divergence"  # Keras's legacy name only
    # PyTorch and optax spell one element-wise function alike: PyTorch's entry
    assert L.spec("huber_loss").name == "huber"
    assert L.spec("huber_loss", peer="optax").name == "optax_huber_loss"
    assert L.spec("triplet_margin_loss").name == "triplet"
    assert L.spec("multiclass_hinge_loss").name == "optax_multiclass_hinge_loss"
    assert L.spec("squared_error").name == "optax_squared_error"
    assert A.spec("hard_silu").name == "hard_swish"
    assert A.spec("linear").name == "identity"


@pytest.mark.parametrize(("name", "entries"), [
    ("kl_divergence", {"keras_kl_divergence", "optax_kl_divergence"}),
    ("KLDivergence", {"keras_kl_divergence"}),
    ("poisson", {"keras_poisson", "poisson_nll"}),
    ("softmax_cross_entropy", {"optax_softmax_cross_entropy", "cross_entropy"}),
])
def test_rule_4_shared_spellings_are_refused(name, entries):
    with pytest.raises(AmbiguousNameError, match=r"means different things to different "
                                                 r"libraries \(.*\); name the entry") as info:
        L.spec(name)
    assert entries <= set(info.value.choices.values())
    assert set(info.value.suggestions) == set(info.value.choices.values())
    with pytest.raises(AmbiguousNameError, match="peer='keras'"):
        L.get(name)


def test_the_crossing_of_the_issue_no_longer_gives_a_number():
    # Keras users' kl_divergence with probabilities gave -0.36 through kl_div; now the
    # bare spelling is refused and kl_div refuses positive "log-probabilities"
    p = torch.tensor([[0.4, 0.6], [0.7, 0.3]])
    q = torch.tensor([[0.5, 0.5], [0.9, 0.1]])
    with pytest.raises(AmbiguousNameError):
        L.get("kl_divergence")
    with pytest.raises(InputError, match=r"`input` of kl_div must hold log-probabilities "
                                         r"\(<= 0\); got values up to 0\.9.*keras_kl_divergence"):
        L.kl_div(q, p)
    # the Keras entry gives Keras's number: sum p log(p / q), mean over the batch
    want = float(((p * torch.log(p / q)).sum(-1)).mean())
    assert float(L.get("kl_divergence", peer="keras")(q, p)) == pytest.approx(want, rel=1e-5)
    with L.value_checks(False):  # trusted inputs: no read pass, the formula's number
        L.kl_div(q, p)


def test_errors_of_the_resolver():
    with pytest.raises(UnknownNameError, match=r"unknown peer 'jax' for loss names; one of"):
        L.spec("mse", peer="jax")
    with pytest.raises(UnknownNameError, match=r"names peer 'keras' but peer='optax'"):
        L.spec("keras:mse", peer="optax")
    with pytest.raises(UnknownNameError, match=r"see actloss\.losses\.names\(\) or "
                                               r"`actloss list losses`"):
        L.spec("zzqqxx")
    with pytest.raises(UnknownNameError, match=r"see actloss\.activations\.names\(\) or "
                                               r"`actloss list activations`"):
        A.spec("zzqqxx")
    with pytest.raises(UnknownNameError, match=r"did you mean 'l2_loss'"):
        L.spec("l2_los")
    with pytest.raises(UnknownNameError, match="loss name must be a str; got int"):
        L.spec(3)  # type: ignore[arg-type]


def test_one_did_you_mean():
    assert close_matches("hubr", ["huber", "mse"]) == ("huber",)
    assert did_you_mean(("a", "b")) == "; did you mean 'a' or 'b'?"
    assert did_you_mean((), "; none") == "; none"
    assert snake_case("KLDivergence") == "kl_divergence"
    assert snake_case("MeanSquaredLogarithmicError") == "mean_squared_logarithmic_error"


def test_one_naming_table_and_one_resolver():
    # no module keeps its own name table or its own difflib: the registry is the resolver
    src = Path(L.__file__).parent.parent
    offenders = [p.relative_to(src) for p in src.rglob("*.py")
                 if "get_close_matches" in p.read_text(encoding="utf-8")
                 and p.name != "_registry.py"]
    assert not offenders, offenders
    keras_src = (src / "losses" / "_keras.py").read_text(encoding="utf-8")
    assert "_EXTRA_KERAS_NAMES" not in keras_src
    lab_src = (src / "lab" / "keras.py").read_text(encoding="utf-8")
    assert 'peer="keras"' in lab_src


def test_every_table_row_names_a_registered_entry_or_a_pending_one():
    for peer, names in LOSS_NAMES.items():
        for spelling, entry in names.items():
            assert entry in LR.names(), (peer, spelling, entry)
    for entry in CONVENTIONS:
        assert entry in LR.names() or entry in AR.names(), entry


def test_shared_spellings_are_listed():
    shared = LR.shared_spellings()
    assert "kl_divergence" in shared and "poisson" in shared
    assert "huber_loss" not in shared  # twins
    assert "hinge" not in shared  # canonical


def test_show_states_the_rule_and_the_conventions(capsys):
    import json

    from actloss.cli import main

    assert main(["show", "hinge", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["same_spelling_elsewhere"] == {"keras": "keras_hinge"}
    assert any("{0, 1} labels are refused" in c for c in data["conventions"])
    assert main(["show", "keras:kl_divergence", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["name"] == "keras_kl_divergence"
    assert data["shared_spellings"]["kl_divergence"]["optax"] == "optax_kl_divergence"
    assert data["peer_names"]["keras"] == ["kl_divergence", "kld",
                                           "kullback_leibler_divergence"]
    assert main(["show", "huber"]) == 0
    out = capsys.readouterr().out
    assert "names in other libraries" in out and "huber_loss" in out
    assert main(["show", "kl_divergence"]) == 2
    err = capsys.readouterr().err
    assert "means different things to different libraries" in err
    assert "keras_kl_divergence" in err and "optax_kl_divergence" in err
    assert main(["show", "l2_loss", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["name"] == "optax_l2_loss" and data["peer_names"] == {"optax": ["l2_loss"]}
