"""Every benchmark at tiny sizes, through the code `python -m bench` runs, so
a merge cannot break the benchmark unseen. The figures mean nothing at these
sizes; what is checked is that each benchmark produced its figures with no
error (no 5xx, exception, dropped client, or baseline that measured nothing).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.__main__ import NAMES, TINY, _group, measure
from tests.fixtures.stores import STORE


@pytest.mark.store  # measures on the store under test
def test_every_benchmark_runs_and_produces_its_figures_without_errors(tmp_path: Path) -> None:
    run = measure(STORE, TINY, list(NAMES), cache=tmp_path / "cache")
    errors = {f.name: f.errors for f in run.figures if f.errors}
    assert not errors
    assert {_group(f.name) for f in run.figures} == set(NAMES)
    for figure in run.figures:
        assert figure.ours > 0, figure.name
        assert figure.baseline is None or figure.baseline > 0, figure.name
