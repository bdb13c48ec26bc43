"""`make lab`: every chapter runs on its own, top to bottom, with its default parameters (as a
researcher runs it in JupyterLab) — not only inside the combined per-region run."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_chapter_runs_standalone_with_defaults(path, tmp_path):
    import papermill as pm

    out = tmp_path / path.name
    pm.execute_notebook(str(path), str(out), kernel_name="python3", cwd=str(path.parent), progress_bar=False,
                        log_output=False, execution_timeout=600)
    import nbformat

    nb = nbformat.read(out, as_version=4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors, errors
    code = [c for c in nb.cells if c.cell_type == "code"]
    if len(code) > 2:  # beyond the parameters cell and its validation: the chapter shows something
        assert any(c.get("outputs") for c in code[2:]), "nothing was shown"
