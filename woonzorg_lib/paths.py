"""Where things live. Every path is derived from the project root; override with WOONZORG_ROOT."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = Path(os.environ.get("WOONZORG_ROOT", PACKAGE_DIR.parent)).resolve()


_RESOLVED: dict[tuple[str, str], Path] = {}


def _resolved(path) -> Path:
    """``Path(path).resolve()``, remembered per path and working directory: the folders below are
    asked for on every table and cache lookup, and resolving walks every component with a system
    call each time. A symlink changed while a process runs is not seen."""
    key = (os.fspath(path), os.getcwd())
    hit = _RESOLVED.get(key)
    if hit is None:
        if len(_RESOLVED) > 256:
            _RESOLVED.clear()
        hit = _RESOLVED[key] = Path(path).resolve()
    return hit


def root() -> Path:
    return _resolved(os.environ.get("WOONZORG_ROOT", ROOT))


def raw_dir() -> Path:
    return _resolved(os.environ.get("WOONZORG_RAW", root() / "data" / "raw"))


def processed_dir() -> Path:
    return _resolved(os.environ.get("WOONZORG_PROCESSED", root() / "data" / "processed"))


def regions_dir() -> Path:
    return root() / "regions"


def config_dir() -> Path:
    return root() / "config"


def reports_dir() -> Path:
    return root() / "reports"


def notebooks_dir() -> Path:
    return root() / "notebooks"


def tree_signature(folder: Path) -> tuple:
    """Cheap signature of every file under ``folder`` (relative path, size, mtime in ns), in path
    order: what changes when a file is added, removed or rewritten. One ``stat`` per file (no
    content read), so callers can memoise a content hash on it."""
    items = []
    stack = [str(folder)]
    base = len(str(folder)) + 1
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for e in entries:
            if e.is_dir(follow_symlinks=True):
                stack.append(e.path)
            elif e.is_file(follow_symlinks=True):
                st = e.stat()
                items.append((e.path[base:].replace(os.sep, "/"), st.st_size, st.st_mtime_ns))
    items.sort()
    return tuple(items)
