"""Determinism: a second, really clean build (fresh data/processed, fresh build cache, fresh output
folder) gives byte-identical processed data, HTML and Excel as the session's build."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .report_build import REGION, build_once

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_once(tmp_path_factory.mktemp("report_build"))


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_two_clean_builds_are_byte_identical(built, tmp_path):
    assert built["rc"] == 0
    env = dict(os.environ)
    env.update(WOONZORG_PROCESSED=str(tmp_path / "processed"), WOONZORG_BUILD=str(tmp_path / "build"),
               WOONZORG_CACHE=str(tmp_path / "cache"), PYTHONHASHSEED="0")
    (tmp_path / "processed").mkdir()
    res = subprocess.run([sys.executable, "-m", "woonzorg_lib", "run", "--region", REGION, "--out",
                          str(tmp_path / "reports"), "--jobs", "1"], capture_output=True, text=True, env=env,
                         cwd=ROOT, timeout=900)
    assert res.returncode == 0, res.stderr[-3000:]
    # processed data were rebuilt from scratch in the new folder and equal the project's build
    from woonzorg_lib.dataset.build import build_all

    ref = tmp_path / "processed_ref"
    build_all(raw=ROOT / "data" / "raw", out=ref)
    new_files = sorted(p.name for p in (tmp_path / "processed").iterdir())
    assert new_files == sorted(p.name for p in ref.iterdir())
    for name in new_files:
        assert _sha(tmp_path / "processed" / name) == _sha(ref / name), name
    # HTML and Excel equal the session's build byte for byte
    out = tmp_path / "reports" / REGION
    assert _sha(out / "index.html") == _sha(built["html"])
    assert _sha(out / f"{REGION}.xlsx") == _sha(built["xlsx"])
