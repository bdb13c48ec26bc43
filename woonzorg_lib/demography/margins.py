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


# kind codes of the constraint rows (the ``kind`` column holds the names)
_TOTAAL, _BAND_EXACT, _BAND_BENADERING, _MARGE = 0, 1, 2, 3


def _gidx(s: pd.Series, index: pd.Index) -> np.ndarray:
    return index.get_indexer(s.to_numpy(object))


def _sex(s: pd.Series) -> np.ndarray:
    v = s.to_numpy(object)
    return np.where(v == "man", 0, np.where(v == "vrouw", 1, 2))


def constraint_rows(inp: dict[str, pd.DataFrame], codes: list[str], *, use_2021: bool = True,
                    band_years_max: int | None = None) -> pd.DataFrame:
    """Long table of constraints: g, jaar, sex, lo, hi (-1 open), value, kind, bron, scale.

    Built with array operations: a kind code per row next to the ``kind`` names, (gemeente, year)
    as one integer key; see :func:`_source_scale` for the consistency scaling."""
    gi = {c: i for i, c in enumerate(codes)}
    cidx = pd.Index(codes)
    parts, kcodes = [], []
    tot = inp["bevolking_totaal"]
    tot = tot[tot["gemeentecode"].isin(gi)]
    parts.append(pd.DataFrame({"g": _gidx(tot["gemeentecode"], cidx), "jaar": tot["jaar"].astype(int), "sex": 2,
                               "lo": 0, "hi": -1, "value": tot["waarde"].astype(float), "kind": "totaal",
                               "bron": "totaal"}))
    kcodes.append(np.full(len(tot), _TOTAAL))
    b5 = inp["bevolking_5j"]
    b5 = b5[b5["gemeentecode"].isin(gi)]
    if not use_2021:
        b5 = b5[b5["kwaliteit"] == "exact"]
    if band_years_max is not None:            # validation: bands after this year are hidden
        b5 = b5[b5["jaar"] <= band_years_max]
    if len(b5):
        # per gemeente-year: the bands by sex where any exist, else the bands without sex
        key = _gidx(b5["gemeentecode"], cidx).astype(np.int64) * 10000 + b5["jaar"].to_numpy(np.int64)
        sexed = b5["geslacht"].isin(["man", "vrouw"]).to_numpy()
        has_sex = np.isin(key, np.unique(key[sexed]))
        b5 = b5[(sexed & has_sex) | (~sexed & ~has_sex)]
        exact = (b5["kwaliteit"] == "exact").to_numpy()
        parts.append(pd.DataFrame({"g": _gidx(b5["gemeentecode"], cidx), "jaar": b5["jaar"].astype(int),
                                   "sex": _sex(b5["geslacht"]), "lo": b5["leeftijd_van"].astype(int),
                                   "hi": b5["leeftijd_tot"].fillna(-1).astype(int),
                                   "value": b5["waarde"].astype(float),
                                   "kind": np.where(exact, "band_exact", "band_benadering"),
                                   "bron": "bevolking_5j"}))
        kcodes.append(np.where(exact, _BAND_EXACT, _BAND_BENADERING))
    m = inp["bevolking_marges"]
    m = m[m["gemeentecode"].isin(gi)]
    if len(m):
        parts.append(pd.DataFrame({"g": _gidx(m["gemeentecode"], cidx), "jaar": m["jaar"].astype(int),
                                   "sex": _sex(m["geslacht"]), "lo": m["leeftijd_van"].astype(int),
                                   "hi": m["leeftijd_tot"].fillna(-1).astype(int), "value": m["waarde"].astype(float),
                                   "kind": "marge", "bron": m["bron"].astype(str)}))
        kcodes.append(np.full(len(m), _MARGE))
    rows = pd.concat(parts, ignore_index=True)
    kc = np.concatenate(kcodes)
    # where exact bands by sex exist, broad margins of the same gemeente-year add nothing (they are
    # sums of the bands; in the snapshot identical) and are left out
    gj = rows["g"].to_numpy(np.int64) * 10000 + rows["jaar"].to_numpy(np.int64)
    exact = np.unique(gj[kc == _BAND_EXACT])
    if len(exact):
        drop = (kc == _MARGE) & np.isin(gj, exact)
        rows = rows[~drop].reset_index(drop=True)
        kc = kc[~drop]
    rows["g"] = rows["g"].astype(int)
    rows["sex"] = rows["sex"].astype(int)
    rows["lo"] = rows["lo"].astype(int)
    rows["hi"] = rows["hi"].astype(int)
    # consistency with the official total
    is_tot = kc == _TOTAAL
    official = dict(zip(zip(rows["g"].to_numpy()[is_tot].tolist(), rows["jaar"].to_numpy()[is_tot].tolist()),
                        rows["value"].to_numpy()[is_tot].tolist()))
    rows["scale"] = _source_scale(rows, official, nontotal=~is_tot)
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


def _triple_key(sex: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """One int64 per (sex, lo, hi) (sex 0..2, ages and hi >= -1 below 10^6), ordered as the triples."""
    return (np.asarray(sex, np.int64) * 1_000_000 + np.asarray(lo, np.int64)) * 1_000_000 + (np.asarray(hi, np.int64) + 1)


def _source_scale(rows: pd.DataFrame, official: dict, nontotal: np.ndarray | None = None) -> np.ndarray:
    """Per row: official total / the total of its source (gemeente, year, bron); 1 where unknown.

    The rows of each (gemeente, year, bron) are ordered by (sex, lo, hi) (ties in row order); the
    partition is found once per structure of such a group and reused across gemeenten and years, and
    the source totals of all groups with one structure are summed as one array (each row of it in the
    order of the group's partition). ``nontotal``: precomputed ``kind != 'totaal'`` mask."""
    scale = np.ones(len(rows))
    if nontotal is None:
        nontotal = (rows["kind"] != "totaal").to_numpy()
    pos = np.flatnonzero(nontotal)
    if not len(pos):
        return scale
    g_a, j_a = rows["g"].to_numpy(np.int64)[pos], rows["jaar"].to_numpy(np.int64)[pos]
    s_a, lo_a, hi_a = (rows[c].to_numpy(np.int64)[pos] for c in ("sex", "lo", "hi"))
    v_a = rows["value"].to_numpy(float)[pos]
    b_code, b_uniq = pd.factorize(rows["bron"].to_numpy(object)[pos])
    ok = b_code >= 0                                     # a missing bron forms no group
    pos, g_a, j_a, s_a, lo_a, hi_a, v_a, b_code = (x[ok] for x in (pos, g_a, j_a, s_a, lo_a, hi_a, v_a, b_code))
    if not len(pos):
        return scale
    _, grp = np.unique((g_a * 10000 + j_a) * max(len(b_uniq), 1) + b_code, return_inverse=True)
    order = np.lexsort((hi_a, lo_a, s_a, grp))
    pos, g_a, j_a, s_a, lo_a, hi_a, v_a, grp = (x[order] for x in (pos, g_a, j_a, s_a, lo_a, hi_a, v_a, grp))
    starts = np.r_[0, np.flatnonzero(np.diff(grp)) + 1]
    ends = np.r_[starts[1:], len(grp)]
    tcode = _triple_key(s_a, lo_a, hi_a)
    by_struct: dict[bytes, list[int]] = {}
    for k, part in enumerate(np.split(tcode, starts[1:])):
        by_struct.setdefault(part.tobytes(), []).append(k)
    off = np.array([official.get(key, np.nan) for key in zip(g_a[starts].tolist(), j_a[starts].tolist())], float)
    for members in by_struct.values():
        k0 = starts[members[0]]
        n = ends[members[0]] - k0
        struct = list(zip(s_a[k0:k0 + n].tolist(), lo_a[k0:k0 + n].tolist(), hi_a[k0:k0 + n].tolist()))
        ch = _chain_positions(struct)
        if ch is None:
            continue
        mem = np.array(members)
        src = v_a[starts[mem][:, None] + np.array(ch)[None, :]].sum(axis=1)
        use = ~np.isnan(off[mem]) & (src > 0)
        for k, val in zip(mem[use].tolist(), (off[mem][use] / src[use]).tolist()):
            scale[pos[starts[k]:ends[k]]] = val
    return scale


class YearConstraints:
    """Constraints of every year, prepared once: ``get(jaar, exclude_bands)`` -> (types, (G, K))."""

    def __init__(self, rows: pd.DataFrame, G: int):
        self.G = G
        self._by_year: dict = {}
        kc, kinds = pd.factorize(rows["kind"].to_numpy(object))
        is_band = np.array([str(k).startswith("band") for k in kinds] + [False])   # -1 (missing) -> False
        rows = rows.assign(band=is_band[kc])
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
            T = np.full((self.G, 0), np.nan)
            types = []
            if len(sx):
                _, first, inv = np.unique(_triple_key(sx, lo, hi), return_index=True, return_inverse=True)
                trip = list(zip(sx[first].tolist(), lo[first].tolist(), hi[first].tolist()))
                # detailed margins first, the all-ages totals last (each sweep ends on the total); ties
                # (man/vrouw) keep the order of a set filled in order of first appearance, as before
                in_order = [trip[i] for i in np.argsort(first, kind="stable")]
                types = sorted(set(in_order), key=lambda t: ((t[1] == 0 and t[2] < 0), t[0] != 2, t[1], t[2]))
                ti = {t: i for i, t in enumerate(types)}
                col = np.array([ti[t] for t in trip])[inv.ravel()]
                T = np.full((self.G, len(types)), np.nan)
                T[g, col] = tg
            out = (types, T)
        self._cache[k] = out
        return out
