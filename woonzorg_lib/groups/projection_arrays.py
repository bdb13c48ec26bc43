"""The projection as integer-coded numpy arrays (:class:`ProjectionArrays`), computed once per
projection content (see :mod:`.fingerprint`) and shared by every run of the demand model."""

from __future__ import annotations

import threading
from typing import Sequence

import numpy as np
import pandas as pd

from .fingerprint import _codes_in, readonly


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
        if len(gem) == 0 or pd.api.types.infer_dtype(gem, skipna=False) != "string":
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
        self.scode = _codes_in(projection["geslacht"], geslachten)
        self.vcode = _codes_in(projection["variant"], varianten)
        if self.scode is None or self.vcode is None:
            return
        self.geslachten, self.varianten = tuple(geslachten), tuple(varianten)
        self.van = projection["leeftijd_van"].astype("int64").to_numpy()
        self.tot = projection["leeftijd_tot"].fillna(open_band).astype("int64").to_numpy()
        vi, vu = pd.factorize(self.van, sort=True)  # codes in the order of the sorted values
        ti, tu = pd.factorize(self.tot, sort=True)
        comb = vi.astype(np.int64) * len(tu) + ti
        band, cu = pd.factorize(comb, sort=True)
        self.band = band.astype(np.int64)
        self.band_pairs = [(int(vu[c // len(tu)]), int(tu[c % len(tu)])) for c in cu.tolist()]
        self.van_rank = vi.astype(np.int64)
        self.waarde = waarde.to_numpy()
        self.is_float = self.waarde.dtype.kind == "f"
        self.usable = True

    def bands_disjoint(self) -> bool:
        """No two age bands overlap within a gemeente × jaar × geslacht × variant: after a stable
        sort on those keys and leeftijd_van, each band starts after the previous one ends (the
        check of ``check_projection``)."""
        j0 = int(self.jaar.min())
        nj = int(self.jaar.max()) - j0 + 1
        nvan = int(self.van_rank.max()) + 1
        if len(self.gem_uniques) * nj * len(self.geslachten) * len(self.varianten) * nvan >= 2 ** 62:
            return False  # the combined key would not fit: let the pandas check decide
        group = (((self.gcode * nj + (self.jaar - j0)) * len(self.geslachten) + self.scode) * len(self.varianten)
                 + self.vcode)
        order = np.argsort(group * nvan + self.van_rank, kind="stable")
        g = group[order]
        clash = (g[1:] == g[:-1]) & (self.van[order][1:] <= self.tot[order][:-1])
        return not clash.any()

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
