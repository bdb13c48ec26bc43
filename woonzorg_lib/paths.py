"""Where things live. Every path is derived from the project root; override with WOONZORG_ROOT."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = Path(os.environ.get("WOONZORG_ROOT", PACKAGE_DIR.parent)).resolve()


def root() -> Path:
    return Path(os.environ.get("WOONZORG_ROOT", ROOT)).resolve()


def raw_dir() -> Path:
    return Path(os.environ.get("WOONZORG_RAW", root() / "data" / "raw")).resolve()


def processed_dir() -> Path:
    return Path(os.environ.get("WOONZORG_PROCESSED", root() / "data" / "processed")).resolve()


def regions_dir() -> Path:
    return root() / "regions"


def config_dir() -> Path:
    return root() / "config"


def reports_dir() -> Path:
    return root() / "reports"


def notebooks_dir() -> Path:
    return root() / "notebooks"
