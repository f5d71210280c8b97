"""Shared fixtures."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

# Hypothesis profiles: 'ci' (the default, `make test`) runs a few derandomised examples
# per property so that the suite stays fast and repeatable; 'long' (`make fuzz`,
# HYPOTHESIS_PROFILE=long) searches many random examples. Tests that set their own
# max_examples keep it.
settings.register_profile("ci", max_examples=4, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=300, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_configure(config):
    """One intra-op thread per test worker: `make test` runs 2 workers on 2 cores, and
    oversubscribed threads make small training steps a hundred times slower."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        import torch

        torch.set_num_threads(1)
    # the native library of the opt-in fast paths, built (or loaded from the cache)
    # before any test, as `make test` does; without a compiler the fast paths run
    # eagerly and the native cases skip (the catalog never needs it)
    from actloss.kernels import _native

    if _native.native_enabled():  # not under ACTLOSS_NATIVE=0
        _native.build()


@pytest.fixture(scope="session")
def quick_results():
    """Every lab experiment run once with its quick settings (seed 0), by name."""
    from actloss.lab import experiments

    return {name: experiments.run(name, quick=True) for name in experiments.names()}


@pytest.fixture(scope="session")
def quick_report(quick_results, tmp_path_factory):
    """The quick HTML report, built once per session from ``quick_results``."""
    from actloss.lab.report import build_report

    out = tmp_path_factory.mktemp("report")
    return build_report(quick=True, lang="en", out_dir=out, results=quick_results)
