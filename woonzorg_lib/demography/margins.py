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

import contextlib

import numpy as np
import pandas as pd

from .blocks import block_starts, same_sequences


# kind codes of the constraint rows (the ``kind`` column holds the names)
KINDS = ("totaal", "band_exact", "band_benadering", "marge")
_TOTAAL, _BAND_EXACT, _BAND_BENADERING, _MARGE = range(4)


_FACTORS: dict[int, tuple] | None = None     # see shared_factorisation


@contextlib.contextmanager
def shared_factorisation():
    """Within this block a column is factorised once, however often :func:`codes_in` sees it (one
    reconstruction reads the same bevolking_5j columns for the constraints and for the bands). The
    columns must not change inside the block; outside it nothing is remembered."""
    global _FACTORS
    outer = _FACTORS
    _FACTORS = {} if outer is None else outer
    try:
        yield
    finally:
        _FACTORS = outer


def _factorise(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if _FACTORS is None:
        return pd.factorize(values)
    hit = _FACTORS.get(id(values))
    if hit is None or hit[0] is not values:
        hit = (values, *pd.factorize(values))
        _FACTORS[id(values)] = hit
    return hit[1], hit[2]


def codes_in(s: pd.Series, values) -> np.ndarray:
    """Per row the position of its value in ``values`` (-1: not among them, or missing), from one
    factorisation of the column (string comparisons on the few distinct values only)."""
    code, uniq = _factorise(s.to_numpy(object))
    lut = np.append(pd.Index(list(values)).get_indexer(uniq), -1)    # factorize's -1 (missing) -> -1
    return lut[code]


def _shares_gemeente_year(g: np.ndarray, jaar: np.ndarray, marked: np.ndarray) -> np.ndarray:
    """Per row: does a ``marked`` row have the same (gemeente, year)? (False where g < 0.)"""
    g = np.asarray(g, np.int64)
    jaar = np.asarray(jaar, np.int64)
    out = np.zeros(len(g), bool)
    valid = g >= 0
    if not valid.any():
        return out
    j0 = int(jaar[valid].min())
    table = np.zeros((int(g[valid].max()) + 1, int(jaar[valid].max()) - j0 + 1), bool)
    m = marked & valid
    table[g[m], jaar[m] - j0] = True
    out[valid] = table[g[valid], jaar[valid] - j0]
    return out


def _open_hi(s: pd.Series) -> np.ndarray:
    """leeftijd_tot as int, -1 for the open group (NaN)."""
    return s.fillna(-1).astype(int).to_numpy()


def constraint_rows(inp: dict[str, pd.DataFrame], codes: list[str], *, use_2021: bool = True,
                    band_years_max: int | None = None) -> pd.DataFrame:
    """Long table of constraints: g, jaar, sex, lo, hi (-1 open), value, kind, bron, scale.

    Built with array operations on factorised codes (gemeente, sex, kwaliteit; a kind code next to
    the ``kind`` names; (gemeente, year) as one integer); see :func:`_source_scale` for the scaling."""
    cols: dict[str, list] = {c: [] for c in ("g", "jaar", "sex", "lo", "hi", "value", "kind", "bron")}

    def add(g, jaar, sex, lo, hi, value, kind, bron):
        n = len(g)
        for c, v in (("g", g), ("jaar", jaar), ("sex", sex), ("lo", lo), ("hi", hi), ("value", value),
                     ("kind", kind), ("bron", bron)):
            cols[c].append(np.broadcast_to(v, (n,)) if np.ndim(v) == 0 else np.asarray(v))

    tot = inp["bevolking_totaal"]
    gt = codes_in(tot["gemeentecode"], codes)
    it = np.flatnonzero(gt >= 0)
    labels = ["totaal", "bevolking_5j"]              # bron names; per row a code into them (-1: missing)
    add(gt[it], tot["jaar"].to_numpy()[it].astype(int), 2, 0, -1, tot["waarde"].to_numpy()[it].astype(float),
        _TOTAAL, 0)
    b5 = inp["bevolking_5j"]
    if len(b5):
        g5 = codes_in(b5["gemeentecode"], codes)
        exact = codes_in(b5["kwaliteit"], ["exact"]) == 0
        j5 = b5["jaar"].to_numpy()
        keep = g5 >= 0
        if not use_2021:
            keep &= exact
        if band_years_max is not None:            # validation: bands after this year are hidden
            keep &= j5 <= band_years_max
        sx = codes_in(b5["geslacht"], ["man", "vrouw"])
        sexed = sx >= 0
        # per gemeente-year: the bands by sex where any exist, else the bands without sex
        has_sex = _shares_gemeente_year(g5, j5, keep & sexed)
        i5 = np.flatnonzero(keep & ((sexed & has_sex) | (~sexed & ~has_sex)))
        add(g5[i5], j5[i5].astype(int), np.where(sexed[i5], sx[i5], 2), b5["leeftijd_van"].to_numpy()[i5].astype(int),
            _open_hi(b5["leeftijd_tot"])[i5], b5["waarde"].to_numpy()[i5].astype(float),
            np.where(exact[i5], _BAND_EXACT, _BAND_BENADERING), 1)
    m = inp["bevolking_marges"]
    if len(m):
        gm = codes_in(m["gemeentecode"], codes)
        im = np.flatnonzero(gm >= 0)
        sxm = codes_in(m["geslacht"], ["man", "vrouw"])[im]
        mc, mu = pd.factorize(m["bron"].iloc[im].astype(str).to_numpy(object))
        for u in mu.tolist():
            if u not in labels:
                labels.append(u)
        to_label = np.append(np.array([labels.index(u) for u in mu.tolist()], dtype=np.int64), -1)
        add(gm[im], m["jaar"].to_numpy()[im].astype(int), np.where(sxm >= 0, sxm, 2),
            m["leeftijd_van"].to_numpy()[im].astype(int), _open_hi(m["leeftijd_tot"])[im],
            m["waarde"].to_numpy()[im].astype(float), _MARGE, to_label[mc])
    arr = {c: np.concatenate(v) for c, v in cols.items()}
    kc = arr.pop("kind")
    # where exact bands by sex exist, broad margins of the same gemeente-year add nothing (they are
    # sums of the bands; in the snapshot identical) and are left out
    is_exact = kc == _BAND_EXACT
    if is_exact.any():
        keep = ~((kc == _MARGE) & _shares_gemeente_year(arr["g"], arr["jaar"], is_exact))
        arr = {c: v[keep] for c, v in arr.items()}
        kc = kc[keep]
    rows = pd.DataFrame({"g": arr["g"].astype(int), "jaar": arr["jaar"].astype(int), "sex": arr["sex"].astype(int),
                         "lo": arr["lo"].astype(int), "hi": arr["hi"].astype(int), "value": arr["value"].astype(float),
                         "kind": pd.Series(np.array(KINDS, dtype=object)[kc], dtype="str"),
                         "bron": pd.Series(np.array(labels + [np.nan], dtype=object)[arr["bron"]], dtype="str")})
    # consistency with the official total
    is_tot = kc == _TOTAAL
    official = dict(zip(zip(arr["g"][is_tot].tolist(), arr["jaar"][is_tot].tolist()), arr["value"][is_tot].tolist()))
    rows["scale"] = _source_scale(rows, official, nontotal=~is_tot, bron_code=(arr["bron"], len(labels)))
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


def _source_scale(rows: pd.DataFrame, official: dict, nontotal: np.ndarray | None = None,
                  bron_code: tuple[np.ndarray, int] | None = None) -> np.ndarray:
    """Per row: official total / the total of its source (gemeente, year, bron); 1 where unknown.

    The rows of each (gemeente, year, bron) are ordered by (sex, lo, hi) (ties in row order); the
    partition is found once per structure of such a group and reused across gemeenten and years, and
    the source totals of all groups with one structure are summed as one array (each row of it in the
    order of the group's partition). ``nontotal``: precomputed ``kind != 'totaal'`` mask; ``bron_code``:
    precomputed (code per row, -1 = missing; number of codes) of the ``bron`` column."""
    scale = np.ones(len(rows))
    if nontotal is None:
        nontotal = (rows["kind"] != "totaal").to_numpy()
    pos = np.flatnonzero(nontotal)
    if not len(pos):
        return scale
    g_a, j_a = rows["g"].to_numpy(np.int64)[pos], rows["jaar"].to_numpy(np.int64)[pos]
    s_a, lo_a, hi_a = (rows[c].to_numpy(np.int64)[pos] for c in ("sex", "lo", "hi"))
    v_a = rows["value"].to_numpy(float)[pos]
    if bron_code is None:
        b_code, b_uniq = pd.factorize(rows["bron"].to_numpy(object)[pos])
        n_bron = len(b_uniq)
    else:
        b_code, n_bron = np.asarray(bron_code[0], np.int64)[pos], bron_code[1]
    ok = b_code >= 0                                     # a missing bron forms no group
    pos, g_a, j_a, s_a, lo_a, hi_a, v_a, b_code = (x[ok] for x in (pos, g_a, j_a, s_a, lo_a, hi_a, v_a, b_code))
    if not len(pos):
        return scale
    grp, _ = pd.factorize((g_a * 10000 + j_a) * max(n_bron, 1) + b_code)   # ids 0..n-1, all used
    order = np.lexsort((hi_a, lo_a, s_a, grp))
    pos, g_a, j_a, s_a, lo_a, hi_a, v_a, grp = (x[order] for x in (pos, g_a, j_a, s_a, lo_a, hi_a, v_a, grp))
    starts = block_starts(grp)                           # block k = group k (every id occurs)
    # official total per block (NaN: unknown)
    off = np.full(len(starts), np.nan)
    if official:
        ok_keys = np.array([int(g) * 10000 + int(j) for g, j in official], np.int64)
        ok_vals = np.array(list(official.values()), float)
        srt = np.argsort(ok_keys, kind="stable")
        want = g_a[starts] * 10000 + j_a[starts]
        at = np.minimum(np.searchsorted(ok_keys[srt], want), len(srt) - 1)
        hit = ok_keys[srt][at] == want
        off[hit] = ok_vals[srt][at][hit]
    block_scale = np.full(len(starts), np.nan)
    for members in same_sequences(_triple_key(s_a, lo_a, hi_a), starts):
        k0 = starts[members[0]]
        n = (starts[members[0] + 1] if members[0] + 1 < len(starts) else len(grp)) - k0
        struct = list(zip(s_a[k0:k0 + n].tolist(), lo_a[k0:k0 + n].tolist(), hi_a[k0:k0 + n].tolist()))
        ch = _chain_positions(struct)
        if ch is None:
            continue
        src = v_a[starts[members][:, None] + np.array(ch)[None, :]].sum(axis=1)
        use = ~np.isnan(off[members]) & (src > 0)
        block_scale[members[use]] = off[members][use] / src[use]
    row_scale = block_scale[grp]
    set_ = ~np.isnan(row_scale)
    scale[pos[set_]] = row_scale[set_]
    return scale


class YearConstraints:
    """Constraints of every year, prepared once: ``get(jaar, exclude_bands)`` -> (types, (G, K))."""

    def __init__(self, rows: pd.DataFrame, G: int):
        self.G = G
        self._by_year: dict = {}
        kc, kinds = pd.factorize(rows["kind"].to_numpy(object))
        is_band = np.array([str(k).startswith("band") for k in kinds] + [False])[kc]   # -1 (missing) -> False
        jaar, sx, lo, hi, g = (rows[c].to_numpy(np.int64) for c in ("jaar", "sex", "lo", "hi", "g"))
        target = rows["target"].to_numpy(float)
        # one row per (jaar, sex, lo, hi, g), in that order (as a sorted groupby): mean target, any band
        key = (((jaar * 4 + sx) * 1000 + lo) * 1000 + (hi + 1)) * 1_000_000 + g
        if len(key) and not ((sx >= 0).all() and (sx < 4).all() and (lo >= 0).all() and (lo < 1000).all()
                             and (hi >= -1).all() and (hi < 999).all() and (g >= 0).all() and (g < 1_000_000).all()):
            raise ValueError("constraint rows outside the encodable range")
        uniq, first, inv, cnt = np.unique(key, return_index=True, return_inverse=True, return_counts=True)
        inv = inv.ravel()
        tg = target[first].astype(float)              # a single row: its own value (as the mean of one)
        multi = np.flatnonzero(cnt > 1)
        if len(multi):                                # duplicates: pandas' mean, as before
            sel = np.isin(inv, multi)
            means = pd.Series(target[sel]).groupby(inv[sel]).mean()
            tg[means.index.to_numpy()] = means.to_numpy(float)
        band = np.zeros(len(uniq), bool)
        np.logical_or.at(band, inv, is_band)
        fj, fs, fl, fh, fg = jaar[first], sx[first], lo[first], hi[first], g[first]
        starts = np.r_[0, np.flatnonzero(np.diff(fj)) + 1] if len(fj) else np.array([], int)
        for a, b in zip(starts, np.r_[starts[1:], len(fj)]):
            self._by_year[int(fj[a])] = (fs[a:b].astype(int), fl[a:b].astype(int), fh[a:b].astype(int),
                                         fg[a:b].astype(int), tg[a:b], band[a:b])
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
