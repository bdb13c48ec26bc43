"""A small on-disk cache for results that do not depend on the region (e.g. the demographic
back-test over every gemeente in the snapshot), shared by the region processes of one build.

The key covers the library source, the configuration and the data fingerprint, so a stale entry is
never used; a file lock makes concurrent region processes compute it once. Lives in
``.cache/woonzorg/`` (``make clean`` removes it). Values are pickled DataFrames: the report only
reads them, so byte-identical outputs do not depend on whether the cache was warm.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import pickle
from pathlib import Path

from .. import paths


def cache_dir() -> Path:
    return Path(os.environ.get("WOONZORG_CACHE", paths.root() / ".cache" / "woonzorg")).resolve()


def shared(name: str, compute, *, extra: str = ""):
    from .. import provenance
    from . import version

    key = hashlib.sha256("|".join([version.library_hash(), version.dir_hash(paths.config_dir()),
                                   provenance.data_fingerprint(), extra]).encode()).hexdigest()[:20]
    d = cache_dir()
    d.mkdir(parents=True, exist_ok=True)
    target = d / f"{name}-{key}.pkl"
    with open(d / f"{name}.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if target.exists():
                try:
                    return pickle.loads(target.read_bytes())
                except Exception:  # noqa: BLE001 - a damaged entry is recomputed
                    target.unlink()
            value = compute()
            tmp = target.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(tmp, target)
            for old in d.glob(f"{name}-*.pkl"):
                if old != target:
                    old.unlink(missing_ok=True)
            return value
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
