"""Speed helpers for :mod:`.methods`: content fingerprints of DataFrames, a small LRU cache keyed
on them, and the projection in array form (:class:`ProjectionArrays`).

Results are cached by a digest of the *content* of the input frames (column names, dtypes and
every value), never by object identity, so a frame that is changed in place, or a new frame that
happens to reuse an old one's id, can never be served a stale result. A frame whose content
cannot be digested cheaply and safely (unusual dtypes, duplicate column names, arbitrary objects)
gets no fingerprint; the callers then simply compute without the cache.

Nothing here changes a number: the array forms reproduce exactly what the pandas code in
:mod:`.methods` computes, and whenever an input is outside what the array form reproduces (see
:meth:`ProjectionArrays.band_matrix`) it answers ``None`` and the caller uses the pandas code.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

_SIMPLE_SCALARS = (float, int, bool, type(None), type(pd.NA), type(pd.NaT))


# ---- fingerprints ------------------------------------------------------------------------------
def _update_objects(h, items: np.ndarray) -> bool:
    values = items.tolist()
    h.update(len(values).to_bytes(8, "little"))
    try:
        joined = "\x00".join(values)
    except TypeError:
        joined = None
    if joined is not None and joined.count("\x00") == max(len(values) - 1, 0):
        h.update(b"S")  # all str, none containing the separator: the join is unambiguous
        h.update(joined.encode("utf-8", "surrogatepass"))
        return True
    if not all(isinstance(x, (str,) + _SIMPLE_SCALARS) for x in values):
        return False
    h.update(b"R")
    h.update(repr([(type(x).__qualname__, x) for x in values]).encode("utf-8", "surrogatepass"))
    return True


def _update_column(h, s: pd.Series) -> bool:
    dt = s.dtype
    h.update(f"{type(dt).__module__}.{type(dt).__qualname__}:{dt!r}".encode())
    if isinstance(dt, np.dtype):
        if dt.kind in "biufcmM":
            a = np.ascontiguousarray(s.to_numpy())
            h.update(len(a).to_bytes(8, "little"))
            h.update(a.view(np.uint8).tobytes() if a.size else b"")
            return True
        if dt.kind == "O":
            return _update_objects(h, s.to_numpy())
        return False
    arr = s.array
    data, mask = getattr(arr, "_data", None), getattr(arr, "_mask", None)
    if isinstance(data, np.ndarray) and isinstance(mask, np.ndarray) and data.dtype.kind in "biuf":
        # nullable numeric (Int64, Float64, boolean): values and mask
        h.update(len(data).to_bytes(8, "little"))
        h.update(np.ascontiguousarray(data).view(np.uint8).tobytes() if data.size else b"")
        h.update(np.ascontiguousarray(mask).view(np.uint8).tobytes() if mask.size else b"")
        return True
    if isinstance(dt, pd.StringDtype):
        raw = getattr(arr, "_ndarray", None)  # python storage: the object array itself, no copy
        if isinstance(raw, np.ndarray) and raw.dtype == object and raw.ndim == 1 and len(raw) == len(s):
            return _update_objects(h, raw)
        return _update_objects(h, s.to_numpy(dtype=object))
    return False


def frame_key(df: Any) -> bytes | None:
    """A digest of a DataFrame's columns, dtypes and values (not its index), or ``None`` when the
    frame cannot be digested safely (then: do not cache)."""
    if not isinstance(df, pd.DataFrame) or not df.columns.is_unique:
        return None
    h = hashlib.sha1(usedforsecurity=False)  # an identity check, not security; fast in hardware
    h.update(repr([(type(c).__qualname__, c) for c in df.columns]).encode("utf-8", "surrogatepass"))
    h.update(len(df).to_bytes(8, "little"))
    for _, s in df.items():
        if not _update_column(h, s):
            return None
        h.update(b"|")
    return h.digest()


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


def readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


# ---- the projection as arrays -------------------------------------------------------------------
class ProjectionArrays:
    """A *validated* projection (``check_projection`` passed) as integer-coded numpy arrays.

    ``usable`` is False when the columns are of a kind the array form does not reproduce exactly
    (missing gemeentecode, non-integer jaar, nullable/other waarde dtypes, …); then the pandas code
    is used. Derived band matrices are cached on the object (it lives in the content-keyed LRU).
    """

    def __init__(self, projection: pd.DataFrame, geslachten: Sequence[str], varianten: Sequence[str],
                 open_band: int):
        self.usable = False
        self._cache: dict = {}
        self._lock = threading.Lock()
        gem = projection["gemeentecode"].to_numpy(dtype=object)
        if pd.api.types.infer_dtype(gem, skipna=False) != "string":
            return
        jaar = projection["jaar"]
        if not (isinstance(jaar.dtype, np.dtype) and jaar.dtype.kind in "iu"):
            return
        waarde = projection["waarde"]
        if not (isinstance(waarde.dtype, np.dtype) and waarde.dtype in (np.dtype("int64"), np.dtype("float64"))):
            return
        codes, uniques = pd.factorize(gem, sort=True)
        self.gem_uniques: list[str] = list(uniques)
        self.gcode = codes.astype(np.int64)
        self.jaar = jaar.to_numpy().astype(np.int64)
        sx = projection["geslacht"].to_numpy(dtype=object)
        vr = projection["variant"].to_numpy(dtype=object)
        self.scode = np.full(len(sx), -1, np.int8)
        for i, s in enumerate(geslachten):
            self.scode[sx == s] = i
        self.vcode = np.full(len(vr), -1, np.int8)
        for i, v in enumerate(varianten):
            self.vcode[vr == v] = i
        if (self.scode < 0).any() or (self.vcode < 0).any():
            return
        self.geslachten, self.varianten = tuple(geslachten), tuple(varianten)
        van = projection["leeftijd_van"].astype("int64").to_numpy()
        tot = projection["leeftijd_tot"].fillna(open_band).astype("int64").to_numpy()
        vu, vi = np.unique(van, return_inverse=True)
        tu, ti = np.unique(tot, return_inverse=True)
        comb = vi.astype(np.int64) * len(tu) + ti
        cu, self.band = np.unique(comb, return_inverse=True)
        self.band = self.band.astype(np.int64)
        self.band_pairs = [(int(vu[c // len(tu)]), int(tu[c % len(tu)])) for c in cu.tolist()]
        self.waarde = waarde.to_numpy()
        self.is_float = self.waarde.dtype.kind == "f"
        self.usable = True

    # -- per demographic variant and year range -----------------------------------------------
    def selection(self, dv: str, years: Sequence[int]):
        """Rows of variant ``dv`` in ``years`` (a contiguous range): (mask, year index, gemeenten,
        position of each gemeente code in ``gemeenten`` or -1)."""
        key = ("sel", dv, years[0], len(years))
        with self._lock:
            hit = self._cache.get(key)
        if hit is not None:
            return hit
        y0 = years[0]
        mask = (self.vcode == self.varianten.index(dv)) & (self.jaar >= y0) & (self.jaar < y0 + len(years))
        present = np.unique(self.gcode[mask])
        gemeenten = [self.gem_uniques[i] for i in present.tolist()]
        gpos = np.full(len(self.gem_uniques), -1, np.int64)
        gpos[present] = np.arange(len(present))
        out = (mask, gemeenten, gpos)
        with self._lock:
            self._cache[key] = out
        return out

    def variant_years(self, dv: str) -> np.ndarray | None:
        key = ("years", dv)
        with self._lock:
            hit = self._cache.get(key)
        if hit is None:
            hit = np.unique(self.jaar[self.vcode == self.varianten.index(dv)])
            with self._lock:
                self._cache[key] = hit
        return hit

    def band_matrix(self, dv: str, years: Sequence[int], geslacht: str):
        """``(bands, matrix)`` exactly as ``_Prepared.bandpop`` builds them from the pandas code
        (rows: gemeenten × years, gemeente-major; columns: the (van, tot) bands of that sex, sorted;
        F-ordered like ``DataFrame.to_numpy``), or ``None`` where that code would raise or where
        the sums could differ from pandas' (more than two float rows per cell and band)."""
        key = ("band", dv, years[0], len(years), geslacht)
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        out = self._band_matrix(dv, years, geslacht)
        with self._lock:
            self._cache[key] = out
        return out

    def _band_matrix(self, dv, years, geslacht):
        mask, gemeenten, gpos = self.selection(dv, years)
        G, Y = len(gemeenten), len(years)
        if G == 0:
            return None
        rows = np.flatnonzero(mask)
        cell = gpos[self.gcode[rows]] * Y + (self.jaar[rows] - years[0])
        sc = self.scode[rows]
        tot_code = self.geslachten.index("totaal")
        if geslacht == "totaal":
            has_tot = np.zeros(G * Y, bool)
            has_tot[cell[sc == tot_code]] = True
            use = (sc == tot_code) | ((sc != tot_code) & ~has_tot[cell])
        else:
            use = sc == self.geslachten.index(geslacht)
        if not use.any():
            return None
        rows, cell = rows[use], cell[use]
        if not (np.bincount(cell, minlength=G * Y) > 0).all():
            return None  # incomplete: the pandas code raises its own error
        band_ids, b = np.unique(self.band[rows], return_inverse=True)
        nb = len(band_ids)
        if self.is_float and np.bincount(b * (G * Y) + cell).max() > 2:
            return None  # pandas sums more than two floats with Kahan compensation
        w = self.waarde[rows]
        m = np.zeros((nb, G * Y), dtype=w.dtype)
        np.add.at(m, (b, cell), w)
        matrix = readonly(m.astype(np.float64, copy=False).T)
        bands = tuple(self.band_pairs[i] for i in band_ids.tolist())
        return bands, matrix
