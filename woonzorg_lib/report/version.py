"""Code version and cache keys (cheap: hashlib and file reads only, no heavy imports).

A report is rebuilt only when its cache key changes. The key covers: the library (version and a hash
of every source file, so an edit without a version bump still counts), the lock file
(``constraints.txt``), the chapter notebooks, the configuration (``config/``: parameters,
verdeelsleutels), the region file, the scenario file, the run parameters, and the data fingerprint
(sha256 of every raw file, from the provenance sidecars).
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from .. import __version__, paths

KEY_VERSION = "1"  # bump to invalidate every cached report


def _hash_files(files, base: Path) -> str:
    h = hashlib.sha256()
    for f in sorted(files, key=lambda p: p.relative_to(base).as_posix()):
        h.update(f.relative_to(base).as_posix().encode())
        h.update(b"\0")
        h.update(f.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


@lru_cache(maxsize=1)
def library_hash() -> str:
    pkg = paths.PACKAGE_DIR
    files = [p for p in pkg.rglob("*") if p.is_file() and p.suffix in (".py", ".yaml", ".yml", ".j2", ".css", ".json")
             and "__pycache__" not in p.parts]
    return _hash_files(files, pkg)


def file_hash(path: Path | str | None) -> str:
    if not path:
        return ""
    p = Path(path)
    return hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "missing"


_DIR_HASHES: dict = {}


def dir_hash(path: Path) -> str:
    """Hash over the contents of every (non-hidden) file under ``path``; re-read only when a file's
    name, size or mtime changed (:func:`paths.tree_signature`)."""
    if not path.is_dir():
        return ""
    sig = paths.tree_signature(path)
    hit = _DIR_HASHES.get(str(path))
    if hit is not None and hit[0] == sig:
        return hit[1]
    value = _hash_files([p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")], path)
    _DIR_HASHES[str(path)] = (sig, value)
    return value


def git_commit() -> str:
    """The commit checked out (read from .git without running git); '' outside a git checkout."""
    g = paths.root() / ".git"
    try:
        head = (g / "HEAD").read_text(encoding="utf-8").strip()
        if not head.startswith("ref:"):
            return head[:12]
        ref = head.split(None, 1)[1]
        f = g / ref
        if f.exists():
            return f.read_text(encoding="utf-8").strip()[:12]
        packed = g / "packed-refs"
        if packed.exists():
            for line in packed.read_text(encoding="utf-8").splitlines():
                if line.endswith(" " + ref):
                    return line.split()[0][:12]
    except OSError:
        pass
    return ""


def code_version() -> dict:
    return {"woonzorg": __version__, "git_commit": git_commit() or "onbekend",
            "bron_hash": library_hash()[:12]}


def cache_key(*, params: dict, region_file: Path | None, scenario_file: Path | None, notebooks: list[Path],
              data_fingerprint: str, extra: dict | None = None) -> str:
    root = paths.root()
    parts = {
        "key_version": KEY_VERSION,
        "version": __version__,
        "library": library_hash(),
        "constraints": file_hash(root / "constraints.txt"),
        "config": dir_hash(paths.config_dir()),
        "notebooks": {p.name: file_hash(p) for p in notebooks},
        "region_file": file_hash(region_file),
        "scenario_file": file_hash(scenario_file),
        "params": params,
        "data": data_fingerprint,
        "extra": extra or {},
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
