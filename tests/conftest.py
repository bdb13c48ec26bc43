"""Shared fixtures. Tests that modify data work on a copy of data/raw in a temp folder
(WOONZORG_RAW / WOONZORG_PROCESSED point there), so the real snapshot is never touched."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def good_processed(tmp_path_factory):
    """data/processed built once per test session from the real snapshot (a known-good output)."""
    from woonzorg_lib.dataset.build import build_all

    out = tmp_path_factory.mktemp("good_processed")
    build_all(raw=ROOT / "data" / "raw", out=out)
    return out


@pytest.fixture
def raw_copy(tmp_path, monkeypatch, good_processed):
    """A private copy of data/raw plus a copy of a good data/processed, wired in via environment
    variables (WOONZORG_RAW, WOONZORG_PROCESSED)."""
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "data" / "raw", raw)
    processed = tmp_path / "processed"
    shutil.copytree(good_processed, processed)
    monkeypatch.setenv("WOONZORG_RAW", str(raw))
    monkeypatch.setenv("WOONZORG_PROCESSED", str(processed))
    return raw


def run_cli(*args, env_extra: dict | None = None, cwd=None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "woonzorg_lib", *map(str, args)], capture_output=True,
                          text=True, env=env, cwd=cwd or ROOT, timeout=600)


def tree_hashes(folder: Path) -> dict[str, str]:
    """sha256 of every file below folder (to prove outputs were left untouched)."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(Path(folder).rglob("*")) if p.is_file()}
