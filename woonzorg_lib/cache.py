"""THE cache layer: content-keyed results, in process and on disk, shared by the CLI and the
report runner (and the region processes of one build).

``cached(name, key, compute)`` returns ``compute()``, remembered under a key that covers the
library source, the configuration (``config/``), the data fingerprint and ``key`` (any repr-able
value: codes, years, variants, a parameter-set hash …). A stale entry can therefore never be used.

* In process: an LRU of the most recent entries (so the chapters of one report share one computation).
* On disk (``persist=True``): one pickle per entry in ``.cache/woonzorg/`` (``WOONZORG_CACHE``
  overrides; ``make clean`` removes it), written atomically (temporary file + ``os.replace``), so
  it is safe on Linux, macOS and Windows without file locks. Two processes that miss at the same
  time both compute the same value and the last write wins; a damaged file is recomputed.

Cached values are only read, never changed in place: outputs do not depend on whether the cache
was warm (the determinism test rebuilds from an empty cache and compares bytes).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections import OrderedDict
from pathlib import Path

from . import paths

_MEMORY: "OrderedDict[str, object]" = OrderedDict()
_MEMORY_SIZE = 48
_CONTEXT: dict = {}


def cache_dir() -> Path:
    return Path(os.environ.get("WOONZORG_CACHE", paths.root() / ".cache" / "woonzorg")).resolve()


def _context() -> str:
    """Library source + configuration + data fingerprint (computed once per process and data state)."""
    from . import provenance
    from .report import version

    fp = provenance.data_fingerprint()
    cfg = version.dir_hash(paths.config_dir())
    sig = (fp, cfg, str(paths.root()))
    if _CONTEXT.get("sig") != sig:
        _CONTEXT.update(sig=sig, value="|".join([version.library_hash(), cfg, fp]))
    return _CONTEXT["value"]


def key_of(name: str, key) -> str:
    return hashlib.sha256(f"{name}|{_context()}|{key!r}".encode()).hexdigest()[:24]


def clear_memory() -> None:
    """Forget the in-process entries (benchmarks use it to time a cold computation)."""
    _MEMORY.clear()
    _CONTEXT.clear()


def cached(name: str, key, compute, *, persist: bool = False):
    """``compute()`` remembered under (name, key, library, config, data); see the module doc."""
    k = f"{name}-{key_of(name, key)}"
    if k in _MEMORY:
        _MEMORY.move_to_end(k)
        return _MEMORY[k]
    value = _MISSING
    target = cache_dir() / f"{k}.pkl"
    if persist and target.is_file():
        try:
            value = pickle.loads(target.read_bytes())
        except Exception:  # noqa: BLE001 - a damaged or partial entry is recomputed
            value = _MISSING
    if value is _MISSING:
        value = compute()
        if persist:
            _write(target, value)
    _MEMORY[k] = value
    while len(_MEMORY) > _MEMORY_SIZE:
        _MEMORY.popitem(last=False)
    return value


def _write(target: Path, value) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".tmp", dir=target.parent)
        with os.fdopen(fd, "wb") as f:
            f.write(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, target)
    except OSError:  # a read-only checkout still works, only slower
        try:
            os.unlink(tmp)  # type: ignore[possibly-undefined]
        except (OSError, NameError):
            pass


class _Missing:
    pass


_MISSING = _Missing()
