"""The region-independent work of a build is divided over its kernels (report/shared_work.py): the
second kernel computes the national back-test first, the first kernel the forecast; a build
without the Prognose chapter prewarms nothing; the prewarm cell is never rendered."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from woonzorg_lib.report import render, shared_work, worker

CHAPTERS = [Path("notebooks") / n for n in ("00_kernboodschap.ipynb", "03_prognose.ipynb")]


def test_second_kernel_starts_with_the_backtest_first_kernel_with_nothing():
    assert shared_work.for_slot(0, CHAPTERS) == []
    assert shared_work.for_slot(1, CHAPTERS) == ["backtest"]
    assert shared_work.for_slot(2, CHAPTERS) == []
    assert shared_work.for_slot(1, [Path("x/00_kernboodschap.ipynb")]) == []  # chapter not in the build


def test_unknown_shared_work_is_an_error():
    with pytest.raises(ValueError, match="onbekend"):
        shared_work.compute(["iets"])


def test_prewarm_cell_is_first_and_hidden(tmp_path, monkeypatch):
    seen = {}

    def fake_execute(job, nb, *, executed_path, cwd):
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
