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
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from ..conftest import ROOT, run_cli

REGION = "midden-limburg"
WORKERS = max(3, min(4, os.cpu_count() or 2))
_POOL = ThreadPoolExecutor(max_workers=WORKERS)  # one pool for the process: the cores stay busy
atexit.register(_POOL.shutdown, wait=False, cancel_futures=True)


def submit(args: Sequence[object]) -> Future:
    """Start ``run_cli(*args)`` in the background (the shared pool); ``.result()`` gives the process."""
    return _POOL.submit(run_cli, *args)


def run_many(calls: Sequence[Sequence[object]]) -> list[subprocess.CompletedProcess]:
    """Run ``run_cli(*args)`` for every argument list, concurrently; results in input order."""
    futures = [submit(args) for args in calls]
    return [f.result() for f in futures]


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def no_traceback(res: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in res.stderr, res.stderr
    assert "Traceback" not in res.stdout, res.stdout


@lru_cache(maxsize=1)
def start_good_outputs() -> tuple[Path, dict[str, Future]]:
    """Start writing the good demand and allocate CSVs (once per process); see :func:`good_outputs`."""
    folder = Path(tempfile.mkdtemp(prefix="woonzorg-good-"))
    atexit.register(shutil.rmtree, folder, True)
    futures = {
        "demand": submit(("demand", "--region", REGION, "--until", 2030, "--out", folder / "demand.csv")),
        "allocate": submit(("allocate", "--region", REGION, "--out", folder / "allocate.csv")),
    }
    return folder, futures


@lru_cache(maxsize=1)
def good_outputs() -> dict[str, Path]:
    """Paths of the good demand and allocate CSVs (read-only: copy before changing)."""
    folder, futures = start_good_outputs()
    out: dict[str, Path] = {"folder": folder}
    for kind, fut in futures.items():
        res = fut.result()
        assert res.returncode == 0, res.stderr
        out[kind] = folder / f"{kind}.csv"
        out[kind].chmod(0o444)
    return out


def copy_good(kind: str, target: Path) -> str:
    """Put a previously written good output at ``target`` (writable); return its sha256."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(good_outputs()[kind], target)
    target.chmod(0o644)
    return sha256(target)


__all__ = ["REGION", "ROOT", "copy_good", "good_outputs", "no_traceback", "run_cli", "run_many", "sha256",
           "start_good_outputs", "submit"]
