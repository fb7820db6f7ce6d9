"""The ``kgserver`` command raises the garbage collector's threshold (``kgserver.collector``) before its verb runs."""

from __future__ import annotations

import gc

import pytest

from kgserver import cli as cli_module
from kgserver.collector import YOUNG_THRESHOLD, tune


@pytest.fixture
def thresholds():
    saved = gc.get_threshold()
    yield
    gc.set_threshold(*saved)


def test_the_command_tunes_the_collector_before_the_verb_runs(monkeypatch, thresholds):
    seen = []
    monkeypatch.setattr(cli_module.cli, "main", lambda **_kwargs: seen.append(gc.get_threshold()))
    gc.set_threshold(700, 10, 10)
    cli_module.main(["--version"])
    assert seen == [(YOUNG_THRESHOLD, 10, 10)]


@pytest.mark.parametrize("young", [YOUNG_THRESHOLD * 5, 0])
def test_a_higher_or_disabled_threshold_is_kept(thresholds, young):
    gc.set_threshold(young, 10, 10)
    tune()
    assert gc.get_threshold() == (young, 10, 10)
