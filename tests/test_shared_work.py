"""The region-independent work of a build is divided over its kernels (report/shared_work.py): the
second kernel computes the national back-test first, the first kernel the base year's
reconstruction; a build
without the Prognose chapter prewarms nothing; the prewarm cell is never rendered."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from woonzorg_lib.report import render, shared_work, worker

CHAPTERS = [Path("notebooks") / n for n in ("00_kernboodschap.ipynb", "03_prognose.ipynb")]


def test_second_kernel_starts_with_the_backtest_first_kernel_with_the_reconstruction():
    assert shared_work.for_slot(0, CHAPTERS) == ["reconstruction"]
    assert shared_work.for_slot(1, CHAPTERS) == ["backtest"]
    assert shared_work.for_slot(2, CHAPTERS) == []
    assert shared_work.for_slot(1, [Path("x/00_kernboodschap.ipynb")]) == []  # chapter not in the build
    assert shared_work.for_slot(0, [Path("x/00_kernboodschap.ipynb")]) == ["reconstruction"]


def test_reconstruction_prewarm_only_for_the_base_year():
    """Only the base year's reconstruction is shared on disk; another (or a bad) peiljaar is left
    to the run itself, whose parameter check gives the error."""
    from woonzorg_lib.settings import BASE_YEAR

    both = ["reconstruction", "backtest"]
    assert shared_work.for_params(both, {"as_of": BASE_YEAR}) == both
    assert shared_work.for_params(both, {}) == both
    assert shared_work.for_params(both, {"as_of": BASE_YEAR - 2}) == ["backtest"]
    assert shared_work.for_params(both, {"as_of": str(BASE_YEAR)}) == ["backtest"]
    assert shared_work.for_params(both, {"as_of": True}) == ["backtest"]


def test_reconstruction_prewarm_fills_the_shared_entry(tmp_path, monkeypatch):
    from woonzorg_lib import cache

    monkeypatch.setenv("WOONZORG_CACHE", str(tmp_path / "cache"))
    cache.clear_memory()
    shared_work.compute(["reconstruction"])
    assert any(p.name.startswith("demography-reconstruction-") for p in (tmp_path / "cache").iterdir())
    cache.clear_memory()


def test_unknown_shared_work_is_an_error():
    with pytest.raises(ValueError, match="onbekend"):
        shared_work.compute(["iets"])


def test_prewarm_cell_is_first_and_hidden(tmp_path, monkeypatch):
    seen = {}

    def fake_execute(job, nb, *, executed_path, cwd, **kw):
        seen["nb"] = nb
        raise RuntimeError("stop na het samenstellen")

    monkeypatch.setattr(worker, "execute", fake_execute)
    root = Path(__file__).resolve().parents[1]
    job = {"label": "synthetisch", "params": {"region": "midden-limburg"}, "tmp_dir": str(tmp_path / "t"),
           "chapters": [str(root / "notebooks" / "03_prognose.ipynb")], "excel": False}
    spec = {"executed": str(tmp_path / "x.ipynb"), "prewarm": ["backtest"]}
    results = {"synthetisch": {}}
    worker._run_group([job], spec, results)
    cells = seen["nb"].cells
    assert "_sw.compute(['backtest'])" in "".join(cells[0].source)
    assert render.RUNNER_TAG in cells[0].metadata["tags"] and render.RUNNER_TAG in render.HIDE_TAGS
    assert cells[0].metadata["woonzorg"]["region"] == 0
    assert "stop na het samenstellen" in results["synthetisch"]["error"]
    json.dumps(results)  # the result stays writable


def test_snapshot_reconstruction_is_shared_on_disk(tmp_path, monkeypatch):
    """A second process of the build (here: the in-process stores emptied) reads the base-year
    reconstruction from the cache on disk instead of reconstructing again; same arrays."""
    import numpy as np

    from woonzorg_lib import cache
    from woonzorg_lib.demography import api, reconstruct

    monkeypatch.setenv("WOONZORG_CACHE", str(tmp_path / "cache"))
    cache.clear_memory()
    hist, mort, fert = api.reconstruction(2024)
    assert any(p.name.startswith("demography-reconstruction-") for p in (tmp_path / "cache").iterdir())
    cache.clear_memory()  # what a new kernel starts with

    def refuse(*a, **k):
        raise AssertionError("reconstructed again")

    monkeypatch.setattr(reconstruct, "reconstruct", refuse)
    hist2, mort2, fert2 = api.reconstruction(2024)
    assert hist2 is not hist and np.array_equal(hist2.P, hist.P) and hist2.codes == hist.codes
    cache.clear_memory()
