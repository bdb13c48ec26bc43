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
