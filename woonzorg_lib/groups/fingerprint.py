"""Content fingerprints of DataFrames and a small LRU cache keyed on them (the one cache layer of
the demand model; the projection in array form lives in :mod:`.projection_arrays`).

Results are cached by a digest of the *content* of the input frames (column names, dtypes and
every value), not by object identity, so a frame that is changed in place, or a new frame that
happens to reuse an old one's id, can never be served a stale result. (Identity only saves work:
a frame object seen before is compared with a private copy of its content instead of being
digested again.) A frame whose content cannot be digested cheaply and safely (unusual dtypes,
duplicate column names, arbitrary objects) gets no fingerprint; the callers then simply compute
without the cache.

Nothing here changes a number: the array forms reproduce exactly what the pandas code in
:mod:`.methods` computes, and whenever an input is outside what the array form reproduces (see
:meth:`ProjectionArrays.band_matrix`) it answers ``None`` and the caller uses the pandas code.
"""

from __future__ import annotations

import hashlib
import threading
import weakref
from collections import OrderedDict
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

_SIMPLE_SCALARS = (float, int, bool, type(None), type(pd.NA), type(pd.NaT))


# ---- fingerprints ------------------------------------------------------------------------------
def _column_content(s: pd.Series) -> tuple[str, list[np.ndarray]] | None:
    """A column as (dtype tag, arrays holding all of its content), or None for kinds of column
    that are not digested (then: no caching)."""
    dt = s.dtype
    tag = f"{type(dt).__module__}.{type(dt).__qualname__}:{dt!r}"
    if isinstance(dt, np.dtype):
        return (tag, [s.to_numpy()]) if dt.kind in "biufcmMO" else None
    arr = s.array
    data, mask = getattr(arr, "_data", None), getattr(arr, "_mask", None)
    if isinstance(data, np.ndarray) and isinstance(mask, np.ndarray) and data.dtype.kind in "biuf":
        return tag, [data, mask]  # nullable numeric (Int64, Float64, boolean): values and mask
    if isinstance(dt, pd.StringDtype):
        raw = getattr(arr, "_ndarray", None)  # python storage: the object array itself, no copy
        if isinstance(raw, np.ndarray) and raw.dtype == object and raw.ndim == 1 and len(raw) == len(s):
            return tag, [raw]
        return tag, [s.to_numpy(dtype=object)]
    return None


def _digest_objects(h, items: np.ndarray) -> str | None:
    """Feed an object array to ``h``; "S" (all text), "R" (simple scalars) or None (not digested)."""
    values = items.tolist()
    h.update(len(values).to_bytes(8, "little"))
    try:
        joined = "\x00".join(values)
    except TypeError:
        joined = None
    if joined is not None and joined.count("\x00") == max(len(values) - 1, 0):
        h.update(b"S")  # all str, none containing the separator: the join is unambiguous
        h.update(joined.encode("utf-8", "surrogatepass"))
        return "S"
    if not all(isinstance(x, (str,) + _SIMPLE_SCALARS) for x in values):
        return None
    h.update(b"R")
    h.update(repr([(type(x).__qualname__, x) for x in values]).encode("utf-8", "surrogatepass"))
    return "R"


def _frame_content(df: pd.DataFrame) -> tuple[str, list] | None:
    if not df.columns.is_unique:
        return None
    head = repr(([(type(c).__qualname__, c) for c in df.columns], len(df)))
    cols = []
    for _, s in df.items():
        c = _column_content(s)
        if c is None:
            return None
        cols.append(c)
    return head, cols


def _digest(head: str, cols: list) -> tuple[bytes, bool] | None:
    """(digest, whether every object array was all text)."""
    h = hashlib.sha1(usedforsecurity=False)  # an identity check, not security; fast in hardware
    h.update(head.encode("utf-8", "surrogatepass"))
    all_text = True
    for tag, parts in cols:
        h.update(tag.encode())
        for a in parts:
            if a.dtype == object:
                kind = _digest_objects(h, a)
                if kind is None:
                    return None
                all_text = all_text and kind == "S"
            else:
                a = np.ascontiguousarray(a)
                h.update(len(a).to_bytes(8, "little"))
                h.update(a.view(np.uint8) if a.size else b"")
        h.update(b"|")
    return h.digest(), all_text


def _same_parts(old: list, new: list) -> bool:
    """Content equality of two column lists (bitwise for numbers, == for text)."""
    if len(old) != len(new):
        return False
    for (tag0, parts0), (tag1, parts1) in zip(old, new):
        if tag0 != tag1 or len(parts0) != len(parts1):
            return False
        for a, b in zip(parts0, parts1):
            if a.dtype != b.dtype or a.shape != b.shape:
                return False
            if a.dtype == object:
                try:
                    if a.tolist() != b.tolist():  # (the snapshot's are the same str objects: fast)
                        return False
                except Exception:  # e.g. a missing value whose comparison has no truth value
                    return False
            elif not np.array_equal(np.ascontiguousarray(a).view(np.uint8), np.ascontiguousarray(b).view(np.uint8)):
                return False
    return True


_SEEN: OrderedDict = OrderedDict()  # id(frame) -> (weakref, head, snapshot of the content, digest)
_SEEN_LOCK = threading.Lock()
_SEEN_MAX = 16


def frame_key(df: Any) -> bytes | None:
    """A digest of a DataFrame's columns, dtypes and values (not its index), or ``None`` when the
    frame cannot be digested safely (then: do not cache).

    The same frame object passed again (e.g. the one projection for the three variants) is
    recognised by identity and then compared with a private copy of its content as it was when
    digested, which is much cheaper than digesting again; any change means digesting again."""
    if not isinstance(df, pd.DataFrame):
        return None
    content = _frame_content(df)
    if content is None:
        return None
    head, cols = content
    with _SEEN_LOCK:
        seen = _SEEN.get(id(df))
    if seen is not None and seen[0]() is df and seen[1] == head and _same_parts(seen[2], cols):
        return seen[3]
    d = _digest(head, cols)
    if d is None:
        return None
    digest, all_text = d
    if all_text:
        try:
            ref = weakref.ref(df)
        except TypeError:
            return digest
        snapshot = [(tag, [a.copy() for a in parts]) for tag, parts in cols]
        with _SEEN_LOCK:
            _SEEN[id(df)] = (ref, head, snapshot, digest)
            _SEEN.move_to_end(id(df))
            while len(_SEEN) > _SEEN_MAX:
                _SEEN.popitem(last=False)
    return digest


# ---- a small thread-safe LRU ---------------------------------------------------------------------
class LRU:
    def __init__(self, maxsize: int):
        self.maxsize = maxsize
        self._d: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            if key in self._d:
                self._d.move_to_end(key)
                return self._d[key]
        return None

    def put(self, key, value) -> None:
        with self._lock:
            self._d[key] = value
            self._d.move_to_end(key)
            while len(self._d) > self.maxsize:
                self._d.popitem(last=False)

    def get_or_make(self, key, make: Callable[[], Any]):
        if key is None:
            return make()
        hit = self.get(key)
        if hit is not None:
            return hit
        value = make()
        self.put(key, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._d.clear()


def _codes_in(s: pd.Series, names: Sequence[str]) -> np.ndarray | None:
    """Position of each value in ``names`` (int8), or None when a value is not one of them."""
    codes, uniques = pd.factorize(s.to_numpy(dtype=object))
    if (codes < 0).any():
        return None
    pos = np.array([names.index(u) if isinstance(u, str) and u in names else -1 for u in uniques], dtype=np.int8)
    if (pos < 0).any():
        return None
    return pos[codes]


def readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a
