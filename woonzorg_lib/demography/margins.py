"""Every known margin of a year as IPF constraints, made consistent with the official total.

Sources per gemeente and year (all already filtered by the as-of rule):
* the official total (bevolking_totaal), always;
* 5-year bands (bevolking_5j) by sex, or without sex when only 'totaal' rows exist; the 2021
  postcode approximation is used as a margin when ``basis.banden_2021`` is on;
* broad groups (bevolking_marges), with or without sex, from every source (CBS table).

Consistency: per gemeente, year and source, all values are scaled by official total / the
source's own total (the sum of a partition of the ages in that source: without sex, or men +
women), so no two margins contradict each other by more than rounding and IPF does not cycle.
The scale factor is reported (``schaal``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _gidx(s: pd.Series, index: pd.Index) -> np.ndarray:
    return index.get_indexer(s.astype(str))


def _sex(s: pd.Series) -> np.ndarray:
    v = s.astype(str).to_numpy()
    return np.where(v == "man", 0, np.where(v == "vrouw", 1, 2))


def constraint_rows(inp: dict[str, pd.DataFrame], codes: list[str], *, use_2021: bool = True,
                    band_years_max: int | None = None) -> pd.DataFrame:
    """Long table of constraints: g, jaar, sex, lo, hi (-1 open), value, kind, bron, scale."""
    gi = {c: i for i, c in enumerate(codes)}
    cidx = pd.Index(codes)
    parts = []
    tot = inp["bevolking_totaal"]
    tot = tot[tot["gemeentecode"].isin(gi)]
    parts.append(pd.DataFrame({"g": _gidx(tot["gemeentecode"], cidx), "jaar": tot["jaar"].astype(int), "sex": 2,
                               "lo": 0, "hi": -1, "value": tot["waarde"].astype(float), "kind": "totaal",
                               "bron": "totaal"}))
    b5 = inp["bevolking_5j"]
    b5 = b5[b5["gemeentecode"].isin(gi)]
    if not use_2021:
        b5 = b5[b5["kwaliteit"] == "exact"]
    if band_years_max is not None:            # validation: bands after this year are hidden
        b5 = b5[b5["jaar"] <= band_years_max]
    if len(b5):
        key = b5["gemeentecode"].astype(str) + "|" + b5["jaar"].astype(str)
        sexed = b5["geslacht"].isin(["man", "vrouw"])
        has_sex = key.isin(set(key[sexed]))
        b5 = b5[(sexed & has_sex) | (~sexed & ~has_sex)]
        parts.append(pd.DataFrame({"g": _gidx(b5["gemeentecode"], cidx), "jaar": b5["jaar"].astype(int),
                                   "sex": _sex(b5["geslacht"]), "lo": b5["leeftijd_van"].astype(int),
                                   "hi": b5["leeftijd_tot"].fillna(-1).astype(int),
                                   "value": b5["waarde"].astype(float),
                                   "kind": np.where(b5["kwaliteit"] == "exact", "band_exact", "band_benadering"),
                                   "bron": "bevolking_5j"}))
    m = inp["bevolking_marges"]
    m = m[m["gemeentecode"].isin(gi)]
    if len(m):
        parts.append(pd.DataFrame({"g": _gidx(m["gemeentecode"], cidx), "jaar": m["jaar"].astype(int),
                                   "sex": _sex(m["geslacht"]), "lo": m["leeftijd_van"].astype(int),
                                   "hi": m["leeftijd_tot"].fillna(-1).astype(int), "value": m["waarde"].astype(float),
                                   "kind": "marge", "bron": m["bron"].astype(str)}))
    rows = pd.concat(parts, ignore_index=True)
    # where exact bands by sex exist, broad margins of the same gemeente-year add nothing (they are
    # sums of the bands; in the snapshot identical) and are left out
    gj = rows["g"].to_numpy(np.int64) * 10000 + rows["jaar"].to_numpy(np.int64)
    exact = np.unique(gj[(rows["kind"] == "band_exact").to_numpy()])
    if len(exact):
        drop = (rows["kind"] == "marge").to_numpy() & np.isin(gj, exact)
        rows = rows[~drop].reset_index(drop=True)
    rows["g"] = rows["g"].astype(int)
    rows["sex"] = rows["sex"].astype(int)
    rows["lo"] = rows["lo"].astype(int)
    rows["hi"] = rows["hi"].astype(int)
    # consistency with the official total
    official = {(int(g), int(j)): v for g, j, v in
                rows.loc[rows["kind"] == "totaal", ["g", "jaar", "value"]].itertuples(index=False)}
    rows["scale"] = _source_scale(rows, official)
    rows["target"] = rows["value"] * rows["scale"]
    return rows


def _chain_positions(struct: list[tuple[int, int, int]]) -> list[int] | None:
    """Positions in ``struct`` [(sex, lo, hi)] of a partition of all ages: without sex, else men + women."""
    def chain(sex):
        iv = [(lo, hi, i) for i, (s, lo, hi) in enumerate(struct) if s == sex]
        by: dict[int, list[tuple[int, int]]] = {}
        for lo, hi, i in iv:
            by.setdefault(lo, []).append((hi, i))

        def walk(lo, depth=0):
            if depth > 40:
                return None
            for hi, i in sorted(by.get(lo, []), key=lambda t: (t[0] < 0, t[0])):
                if hi < 0:
                    return [i]
                rest = walk(hi + 1, depth + 1)
                if rest is not None:
                    return [i] + rest
            return None
        return walk(0)

    c = chain(2)
    if c is not None:
        return c
    a, b = chain(0), chain(1)
    return a + b if a is not None and b is not None else None


def _source_scale(rows: pd.DataFrame, official: dict) -> np.ndarray:
    """Per row: official total / the total of its source (gemeente, year, bron); 1 where unknown.
    The partition is found once per (year, source, set of intervals) and reused across gemeenten."""
    scale = np.ones(len(rows))
    other = rows[rows["kind"] != "totaal"]
    if other.empty:
        return scale
    pos = np.flatnonzero((rows["kind"] != "totaal").to_numpy())
    g_a, j_a = other["g"].to_numpy(int), other["jaar"].to_numpy(int)
    s_a, lo_a, hi_a = other["sex"].to_numpy(int), other["lo"].to_numpy(int), other["hi"].to_numpy(int)
    v_a = other["value"].to_numpy(float)
    cache: dict = {}
    for (g, j, _b), idx in other.groupby(["g", "jaar", "bron"], sort=False).indices.items():
        off = official.get((int(g), int(j)))
        if off is None or np.isnan(off):
            continue
        order = np.lexsort((hi_a[idx], lo_a[idx], s_a[idx]))
        idx = idx[order]
        struct = tuple(zip(s_a[idx].tolist(), lo_a[idx].tolist(), hi_a[idx].tolist()))
        if struct not in cache:
            cache[struct] = _chain_positions(list(struct))
        ch = cache[struct]
        if ch is None:
            continue
        src = float(v_a[idx[ch]].sum())
        if src > 0:
            scale[pos[idx]] = off / src
    return scale


class YearConstraints:
    """Constraints of every year, prepared once: ``get(jaar, exclude_bands)`` -> (types, (G, K))."""

    def __init__(self, rows: pd.DataFrame, G: int):
        self.G = G
        self._by_year: dict = {}
        rows = rows.assign(band=rows["kind"].astype(str).str.startswith("band"))
        r = rows.groupby(["jaar", "sex", "lo", "hi", "g"], as_index=False).agg(
            target=("target", "mean"), band=("band", "max"))
        for jaar, grp in r.groupby("jaar"):
            self._by_year[int(jaar)] = (grp["sex"].to_numpy(int), grp["lo"].to_numpy(int), grp["hi"].to_numpy(int),
                                        grp["g"].to_numpy(int), grp["target"].to_numpy(float),
                                        grp["band"].to_numpy(bool))
        self._cache: dict = {}

    def get(self, jaar: int, exclude_bands: bool = False):
        k = (int(jaar), bool(exclude_bands))
        if k in self._cache:
            return self._cache[k]
        if int(jaar) not in self._by_year:
            out = ([], np.zeros((self.G, 0)))
        else:
            sx, lo, hi, g, tg, band = self._by_year[int(jaar)]
            if exclude_bands:
                keep = ~band
                sx, lo, hi, g, tg = sx[keep], lo[keep], hi[keep], g[keep], tg[keep]
            trip = list(zip(sx.tolist(), lo.tolist(), hi.tolist()))
            # detailed margins first, the all-ages totals last (each sweep ends on the total)
            types = sorted(set(trip), key=lambda t: ((t[1] == 0 and t[2] < 0), t[0] != 2, t[1], t[2]))
            ti = {t: i for i, t in enumerate(types)}
            T = np.full((self.G, len(types)), np.nan)
            if trip:
                T[g, np.array([ti[t] for t in trip])] = tg
            out = (types, T)
        self._cache[k] = out
        return out
