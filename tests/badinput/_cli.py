"""Shared helpers for the CLI tests (demand, allocate, bad user files).

The demand and allocate commands take several seconds each, so:

- :func:`run_many` runs independent CLI calls concurrently (each through ``conftest.run_cli``,
  i.e. the real ``python -m woonzorg_lib`` in a subprocess);
- :func:`good_outputs` writes the standard good outputs ONCE per test process and every module
  reuses them: ``woonzorg demand --region midden-limburg --until 2030`` and
  ``woonzorg allocate --region midden-limburg``. Tests copy them before overwriting anything.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from ..conftest import ROOT, run_cli

REGION = "midden-limburg"
WORKERS = max(2, min(4, os.cpu_count() or 2))


def run_many(calls: Sequence[Sequence[object]], workers: int = WORKERS) -> list[subprocess.CompletedProcess]:
    """Run ``run_cli(*args)`` for every argument list, concurrently; results in input order."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda args: run_cli(*args), calls))


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def no_traceback(res: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in res.stderr, res.stderr
    assert "Traceback" not in res.stdout, res.stdout


@lru_cache(maxsize=1)
def good_outputs() -> dict[str, Path]:
    """Paths of the good demand and allocate CSVs (read-only: copy before changing)."""
    folder = Path(tempfile.mkdtemp(prefix="woonzorg-good-"))
    atexit.register(shutil.rmtree, folder, True)
    demand, allocate = folder / "demand.csv", folder / "allocate.csv"
    results = run_many([
        ("demand", "--region", REGION, "--until", 2030, "--out", demand),
        ("allocate", "--region", REGION, "--out", allocate),
    ])
    for res in results:
        assert res.returncode == 0, res.stderr
    for p in (demand, allocate):
        p.chmod(0o444)
    return {"demand": demand, "allocate": allocate, "folder": folder}


def copy_good(kind: str, target: Path) -> str:
    """Put a previously written good output at ``target`` (writable); return its sha256."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(good_outputs()[kind], target)
    target.chmod(0o644)
    return sha256(target)


__all__ = ["REGION", "ROOT", "copy_good", "good_outputs", "no_traceback", "run_many", "run_cli", "sha256"]
