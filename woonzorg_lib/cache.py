"""THE cache layer: content-keyed results, in process and on disk, shared by the CLI and the
report runner (and the region processes of one build).

``cached(name, key, compute)`` returns ``compute()``, remembered under a key that covers the
library source, the configuration (``config/``), the data fingerprint and ``key`` (any repr-able
value: codes, years, variants, a parameter-set hash …). A stale entry can therefore never be used.

* In process: an LRU of the most recent entries (so the chapters of one report share one computation).
  Models that keep their own in-process results (e.g. the demography engine's reconstruction per
  as-of year) use a named :func:`memory` store of this layer; :func:`clear_memory` empties them all.
* On disk (``persist=True``): one pickle per entry in ``.cache/woonzorg/`` (``WOONZORG_CACHE``
  overrides; ``make clean`` removes it), written atomically (temporary file + ``os.replace``), so
  it is safe on Linux, macOS and Windows without file locks. The first process to miss claims the
  entry (a ``.claim`` file created with ``O_EXCL``, atomic on every OS) and computes it; the region
  processes of the same build that miss meanwhile wait for its result instead of computing it
  again. A claim older than :data:`CLAIM_TIMEOUT` seconds (a killed process) is ignored; a damaged
  file is recomputed.

Cached values are only read, never changed in place: outputs do not depend on whether the cache
was warm (the determinism test rebuilds from an empty cache and compares bytes).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import time
from collections import OrderedDict
from pathlib import Path

from . import paths

_MEMORY: "OrderedDict[str, object]" = OrderedDict()
_MEMORY_SIZE = 48
_CONTEXT: dict = {}
CLAIM_TIMEOUT = 300.0


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


class Memory(OrderedDict):
    """A named in-process LRU store of this layer (``key in m``, ``m[key]``, :meth:`remember`)."""

    def __init__(self, name: str, size: int):
        super().__init__()
        self.name, self.size = name, size

    def remember(self, key, value):
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.size:
            self.popitem(last=False)
        return value

    def recall(self, key, default=None):
        if key in self:
            self.move_to_end(key)
            return self[key]
        return default


_STORES: dict[str, Memory] = {}


def memory(name: str, size: int = 8) -> Memory:
    """The in-process store ``name`` (created on first use, shared by every caller)."""
    if name not in _STORES:
        _STORES[name] = Memory(name, size)
    return _STORES[name]


def key_of(name: str, key) -> str:
    return hashlib.sha256(f"{name}|{_context()}|{key!r}".encode()).hexdigest()[:24]


def clear_memory() -> None:
    """Forget the in-process entries, named stores included (benchmarks use it to time a cold
    computation)."""
    _MEMORY.clear()
    _CONTEXT.clear()
    for store in _STORES.values():
        store.clear()


def forget(name: str) -> None:
    """Forget the in-process entries of ``name`` (its disk entries stay)."""
    for k in [k for k in _MEMORY if k.startswith(f"{name}-")]:
        del _MEMORY[k]


def cached(name: str, key, compute, *, persist: bool = False):
    """``compute()`` remembered under (name, key, library, config, data); see the module doc."""
    k = f"{name}-{key_of(name, key)}"
    if k in _MEMORY:
        _MEMORY.move_to_end(k)
        return _MEMORY[k]
    value = _MISSING
    target = cache_dir() / f"{k}.pkl"
    claim = None
    if persist:
        value = _read(target)
        if value is _MISSING:
            claim = _claim(target)
            if claim is None:  # another process computes it: wait for its result
                value = _wait_for(target)
    if value is _MISSING:
        try:
            value = compute()
            if persist:
                _write(target, value)
        finally:
            if claim is not None:
                _release(claim)
    _MEMORY[k] = value
    while len(_MEMORY) > _MEMORY_SIZE:
        _MEMORY.popitem(last=False)
    return value


def _read(target: Path):
    if not target.is_file():
        return _MISSING
    try:
        return pickle.loads(target.read_bytes())
    except Exception:  # noqa: BLE001 - a damaged or partial entry is recomputed
        return _MISSING


def _claim(target: Path) -> Path | None:
    """Create ``<entry>.claim`` exclusively; None when another live claim exists."""
    claim = target.with_suffix(".claim")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    for _ in range(2):
        try:
            fd = os.open(claim, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            os.write(fd, str(os.getpid()).encode())
            os.close(fd)
            return claim
        except FileExistsError:
            if not _stale(claim):
                return None
            try:
                claim.unlink()  # its process died (killed, or the machine restarted)
            except OSError:
                pass
        except OSError:
            return None
    return None


def _stale(claim: Path) -> bool:
    """A claim whose process is gone (POSIX: checked by pid) or that is older than CLAIM_TIMEOUT."""
    try:
        if time.time() - claim.stat().st_mtime > CLAIM_TIMEOUT:
            return True
        pid = int(claim.read_text(encoding="ascii").strip() or "0")
    except (OSError, ValueError):
        return False
    if os.name != "posix" or pid <= 0:
        return False
    try:
        os.kill(pid, 0)  # signal 0: only checks that the process exists
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def _release(claim: Path) -> None:
    try:
        claim.unlink()
    except OSError:
        pass


def _wait_for(target: Path):
    """Poll for the entry another process is computing; _MISSING if its claim disappears without it
    (that process failed) or times out — then this process computes it itself."""
    claim = target.with_suffix(".claim")
    deadline = time.time() + CLAIM_TIMEOUT
    polls = 0
    while time.time() < deadline:
        value = _read(target)
        if value is not _MISSING:
            return value
        if not claim.exists() or (polls % 20 == 0 and _stale(claim)):
            return _read(target)
        polls += 1
        time.sleep(0.05)
    return _MISSING


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


def derived(fn):
    """Remember ``fn(obj, *args, **kwargs)`` per object (by identity, while the object lives) and
    arguments: for the chapter functions, which are pure functions of a run result and are called
    by several chapters, the gemeente pages and the workbook. Each caller gets its own copy of a
    table or dict, so shaping it for display never changes what the next caller sees."""
    import copy
    import functools
    import weakref

    store = memory(f"derived-{fn.__module__}.{fn.__qualname__}", 4096)

    @functools.wraps(fn)
    def wrapper(obj, *args, **kwargs):
        key = (id(obj), args, tuple(sorted(kwargs.items())))
        try:
            hash(key)
        except TypeError:  # an unhashable argument: compute as usual
            return fn(obj, *args, **kwargs)
        if key not in store:
            value = fn(obj, *args, **kwargs)
            if not any(k[0] == id(obj) for k in store):
                weakref.finalize(obj, _forget_object, store, id(obj))
            store.remember(key, value)
        value = store.recall(key)
        if hasattr(value, "attrs") and hasattr(value, "copy"):  # a pandas table or series
            return value.copy(deep=True)
        return copy.deepcopy(value)

    return wrapper


def _forget_object(store: Memory, ident: int) -> None:
    for k in [k for k in store if k[0] == ident]:
        del store[k]
