"""Reconstruction of the demographic history up to the as-of year (split from :mod:`.engine`).

:func:`reconstruct` turns the processed population, births and deaths tables into a
:class:`~.engine.History` (single-age base by sex, local fertility/mortality factors, the net
migration schedule) from which :func:`.engine.project` projects. Only observations visible on the
as-of date are used (the caller filters with :mod:`.asof`).
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from ..errors import DataMissingError
from . import ages as A
from . import ipf, margins, totals
from .ages import NA
from .engine import History, local_factors, local_survival, smooth_ages, survive
from .fertility import Fertility, exposure
from .lifetable import Mortality

# --------------------------------------------------------------------------------------------
# inputs
# --------------------------------------------------------------------------------------------

def engine_codes(inp: dict[str, pd.DataFrame]) -> list[str]:
    t = inp["bevolking_totaal"]
    codes = sorted(set(t["gemeentecode"]) - {"NL01"})
    codes = [c for c in codes if str(c).startswith("GM")]
    return codes


def _bands_by_year(inp, codes, use_2021: bool) -> dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """{jaar: (bands (G, 2, 20) NaN where missing, has (G,) bool, exact (G,) bool)} by sex.

    The row positions are computed once for the whole table; each year then fills its array in row
    order (so a later row of the same cell wins, as before)."""
    b5 = inp["bevolking_5j"]
    G = len(codes)
    gix = margins.codes_in(b5["gemeentecode"], codes)
    sex = margins.codes_in(b5["geslacht"], ["man", "vrouw"])
    ex_all = margins.codes_in(b5["kwaliteit"], ["exact"]) == 0
    keep = (gix >= 0) & (sex >= 0)
    if not use_2021:
        keep &= ex_all
    sel = np.flatnonzero(keep)
    gix_all, si_all, ex_all = gix[sel], sex[sel], ex_all[sel]
    bi_all = np.searchsorted(A.BAND_LO, b5["leeftijd_van"].to_numpy()[sel].astype(int))
    val_all = b5["waarde"].to_numpy()[sel].astype(float) * b5["schaalfactor"].fillna(1.0).to_numpy()[sel].astype(float)
    jaar_all = b5["jaar"].to_numpy()[sel]
    out = {}
    order = np.argsort(jaar_all, kind="stable")
    years, starts = np.unique(jaar_all[order], return_index=True)
    for jaar, rows in zip(years.tolist(), np.split(order, starts[1:])):
        arr = np.full((G, 2, A.NB), np.nan)
        arr[gix_all[rows], si_all[rows], bi_all[rows]] = val_all[rows]
        has = ~np.isnan(arr).any(axis=(1, 2))
        exact = np.zeros(G, bool)
        exact[gix_all[rows][ex_all[rows]]] = True
        out[int(jaar)] = (arr, has, exact & has)
    return out


def _total_matrix(inp, codes, years) -> np.ndarray:
    """(G, Y) official totals, NaN where unknown: per (gemeente, year) the first non-missing value
    (as a pivot with aggfunc 'first')."""
    t = inp["bevolking_totaal"]
    g = margins.codes_in(t["gemeentecode"], codes)
    jaar = t["jaar"].to_numpy()
    v = t["waarde"].to_numpy(float)
    yl = np.asarray(years, np.int64)
    y = np.searchsorted(yl, jaar)
    ok = (g >= 0) & ~np.isnan(v) & (y < len(yl))
    ok[ok] &= yl[y[ok]] == jaar[ok]
    idx = np.flatnonzero(ok)
    key = g[idx].astype(np.int64) * len(yl) + y[idx]
    _, first = np.unique(key, return_index=True)
    out = np.full((len(codes), len(yl)), np.nan)
    out[g[idx[first]], y[idx[first]]] = v[idx[first]]
    return out


# --------------------------------------------------------------------------------------------
# reconstruction
# --------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=64)
def _end_weights(L: int) -> np.ndarray:
    """(20, NA): the cohort residual as a yearly amount at the ages of its band at the end."""
    Wm = np.zeros((A.NB, NA))
    for k in range(A.NB):
        lo = 5 * k
        hi = lo + 4 if k < A.NB - 1 else NA - 1
        Wm[k, lo: hi + 1] = 1.0 / (hi - lo + 1) / L
    Wm.setflags(write=False)              # cached: shared by every caller
    return Wm


@functools.lru_cache(maxsize=64)
def _path_weights(L: int) -> np.ndarray:
    """(20, NA): how the net migration of the cohort that ends an L-year interval in band k is
    spread over single ages (age at the end of each year) as a yearly average."""
    Wm = np.zeros((A.NB, NA))
    for k in range(A.NB):
        lo = 5 * k
        hi = lo + 4 if k < A.NB - 1 else NA - 1
        spans = []
        for j in range(1, L + 1):
            s_lo, s_hi = max(lo - L + j, 0), min(hi - L + j, NA - 1) if k < A.NB - 1 else NA - 1
            if s_hi >= s_lo:
                spans.append((s_lo, s_hi))
        for s_lo, s_hi in spans:
            Wm[k, s_lo: s_hi + 1] += 1.0 / len(spans) / (s_hi - s_lo + 1) / L
    Wm.setflags(write=False)              # cached: shared by every caller
    return Wm


def interval_schedule(P, years, banded: dict, upto: int, aged_of, n_intervals: int, half: int,
                      attribution: str = "pad", aged_span=None) -> np.ndarray:
    """Yearly net migration by single age and sex from the cohort residuals between banded years.

    For an interval a -> b (b - a >= 5 where possible) the banded state of year a is survived to b
    with births and no migration; the difference with the bands of year b is the net migration of
    each cohort (cohort-consistent, so the within-band shape of the states does not leak in). Each
    cohort's residual is spread evenly over the years of the interval and the ages it passed
    through. The most recent ``n_intervals`` intervals ending at or before ``upto`` are averaged
    per gemeente; gemeenten without an interval get zero.

    ``aged_span(state, a, b)``: optional, the state of year a aged to b (a remembered result of the
    same ``aged_of`` steps); without it the steps are taken here.
    """
    G = P.shape[1]
    yl = list(int(y) for y in years)
    ends = sorted((y for y in banded if y <= upto), reverse=True)
    acc = np.zeros((G, 2, NA))
    cnt = np.zeros(G)
    for b in ends:
        cands = [a for a in banded if a <= b - 5]
        shorter = [a for a in banded if a < b]
        if cands:
            a = max(cands)
        elif shorter and cnt.max() == 0:
            a = min(shorter)          # no 5-year interval yet: the longest shorter one
        else:
            continue
        ok = banded[a] & banded[b] & (cnt < n_intervals)
        if not ok.any():
            continue
        if aged_span is not None:
            X = aged_span(P[yl.index(a)], a, b)
        else:
            X = P[yl.index(a)].copy()
            for y in range(a, b):
                X, _ = aged_of(X, y)
        resid = A.to_bands(P[yl.index(b)]) - A.to_bands(X)          # (G, 2, 20)
        W = _path_weights(b - a) if attribution == "pad" else _end_weights(b - a)
        sched = resid @ W                                             # (G, 2, NA)
        acc[ok] += sched[ok]
        cnt[ok] += 1
        if (cnt >= n_intervals).all():
            break
    out = np.where(cnt[:, None, None] > 0, acc / np.maximum(cnt, 1)[:, None, None], 0.0)
    return smooth_ages(out, half)


def reconstruct(inp: dict[str, pd.DataFrame], as_of: int, settings, *, fallback: dict | None = None,
                band_years_max: int | None = None) -> tuple[History, Mortality, Fertility]:
    """Single-age x sex states for every gemeente from the first banded year to ``as_of``.

    ``band_years_max``: ignore bands after this year (validation of the base method only).
    """
    with margins.shared_factorisation():
        return _reconstruct(inp, as_of, settings, fallback, band_years_max)


def _reconstruct(inp, as_of: int, settings, fallback: dict | None, band_years_max: int | None
                 ) -> tuple[History, Mortality, Fertility]:
    sb = settings["basis"]
    codes = engine_codes(inp)
    if not codes:
        raise DataMissingError(f"geen bevolkingscijfers zichtbaar op 1-1-{as_of}")
    G = len(codes)
    bands = _bands_by_year(inp, codes, bool(sb["banden_2021"]))
    if band_years_max is not None:
        bands = {y: v for y, v in bands.items() if y <= band_years_max}
    if not bands:
        raise DataMissingError(f"geen leeftijdsopbouw in 5-jaarsklassen zichtbaar op 1-1-{as_of}")
    tot_years = sorted(int(y) for y in inp["bevolking_totaal"]["jaar"].unique())
    y0 = min(min(bands), min(tot_years))
    years = np.arange(y0, as_of + 1)
    Y = len(years)
    TOT = _total_matrix(inp, codes, years)
    if np.isnan(TOT[:, -1]).any():
        miss = [codes[i] for i in np.flatnonzero(np.isnan(TOT[:, -1]))]
        # a gemeente without a total on the as-of date: carry its last known total forward
        if np.isnan(TOT).all(axis=1).any():
            raise DataMissingError(f"geen totale bevolking voor {', '.join(miss[:5])}")
    TOT_f = pd.DataFrame(TOT).ffill(axis=1).bfill(axis=1).to_numpy()
    notes: list[str] = []

    # pooled structure (for the sex split of mortality, the fertility age pattern, seeds)
    latest = max(bands)
    arr, has, _ = bands[latest]
    pool_band = np.nansum(arr[has], axis=0)                  # (2, 20)
    pool_single = A.graduate(pool_band)                      # (2, NA)
    male_share = pool_single[0] / np.maximum(pool_single.sum(axis=0), 1e-9)
    mort = Mortality(inp["levenstafel"], inp["sterfte"], pool_band, male_share, settings["sterfte"],
                     fallback_tables=(fallback or {}).get("levenstafel_q"))
    if mort.stand_in:
        notes.append(f"as-of {as_of}: geen overlevingstafel zichtbaar; de eerste tafel is als vervanging gebruikt")
    if inp["sterfte"].empty:
        notes.append(f"as-of {as_of}: geen sterfte naar geslacht zichtbaar; vaste man/vrouw-verhouding 1,3")
    fert = Fertility(inp["geboorten"], pool_single[1], settings["vruchtbaarheid"],
                     fallback=(fallback or {}).get("geboorten"))
    if fert.stand_in:
        notes.append(f"as-of {as_of}: geen geboortecijfers zichtbaar; het eerste jaar is als vervanging gebruikt")

    # tail shares 95..100+ from the stationary population of the first visible table
    q2, _, _ = mort.get(int(years[0]))
    tails = []
    for s in range(2):
        l = np.cumprod(np.r_[1.0, 1 - q2[s]])[:NA]
        t = l[95:].copy()
        t[-1] = l[NA - 1] / max(q2[s, NA - 1], 1e-3)
        tails.append(t / t.sum())

    def grad(b):  # (G, 2, 20) -> (G, 2, NA)
        return np.stack([A.graduate(b[:, s], tails[s]) for s in range(2)], axis=1)

    # local fertility factor from the child-woman ratio of the banded years
    f_loc = np.ones(G)
    sv = settings["vruchtbaarheid"]
    if sv["lokale_factor"]:
        logs, ws = np.zeros(G), np.zeros(G)
        for y, (arr, hasb, _) in bands.items():
            if not hasb.any():
                continue
            single = grad(np.nan_to_num(arr))
            women = single[:, 1]
            exp_b = (exposure(women) * fert.rates(y - 1)).sum(axis=1)       # expected births per year
            kids = single[:, :, 0:5].sum(axis=(1, 2))
            ratio = np.where(hasb & (exp_b > 0) & (kids > 0), kids / np.maximum(exp_b, 1e-9), np.nan)
            pooled = np.nansum(kids[hasb]) / np.nansum(exp_b[hasb])
            lr = np.log(ratio / pooled)
            ok = ~np.isnan(lr)
            logs[ok] += lr[ok]
            ws[ok] += 1
        f_loc = np.exp(float(sv["krimp_lokaal"]) * np.where(ws > 0, logs / np.maximum(ws, 1), 0.0))

    rows = margins.constraint_rows(inp, codes, use_2021=bool(sb["banden_2021"]), band_years_max=band_years_max)
    max_iter, tol = int(sb["ipf_iteraties"]), float(sb["ipf_tolerantie"])
    yc = margins.YearConstraints(rows, G)

    P = np.zeros((Y, G, 2, NA))
    fit = np.zeros((Y, G))
    quality = np.full((Y, G), "geschat", dtype=object)
    boys = fert.boys

    m_loc = np.ones(G)
    surv_cache: dict = {}

    def births_of(Pt, year):
        b = f_loc * (exposure(Pt[:, 1]) * fert.rates(year)[None, :]).sum(axis=1)
        return np.stack([b * boys, b * (1 - boys)], axis=1)          # (G, 2)

    def aged_of(Pt, year):
        key = (year, m_loc.tobytes())
        if key not in surv_cache:
            surv_cache[key] = local_survival(mort, year, m_loc)
        S, Sb = surv_cache[key]
        nxt = survive(Pt, S)
        B = births_of(Pt, year)
        nxt[:, :, 0] = B * Sb
        return nxt, B

    # the intervals of successive banded years overlap: the aged state of year a at year b is
    # remembered (a few at a time) while the state of year a and the local factors are unchanged
    span_memo: dict = {}

    def aged_span(Pa, a, b):
        key = (a, b, f_loc.tobytes(), m_loc.tobytes())
        hit = span_memo.get(key)
        if hit is not None and np.array_equal(hit[0], Pa):
            return hit[1]
        X = Pa.copy()
        for y in range(a, b):
            X, _ = aged_of(X, y)
        span_memo[key] = (Pa.copy(), X)
        while len(span_memo) > 8:
            span_memo.pop(next(iter(span_memo)))
        return X

    # seed of the first year
    first = years[0]
    if first in bands:
        arr, hasb, ex = bands[first]
        seed = np.where(hasb[:, None, None], grad(np.nan_to_num(arr)), 0.0)
    else:
        hasb = np.zeros(G, bool)
        seed = np.zeros((G, 2, NA))
    share = pool_single / pool_single.sum()
    seed[~hasb] = share[None] * TOT_f[~hasb, 0][:, None, None]
    types, T = yc.get(int(first))
    P[0], fit[0] = ipf.rake(seed, types, T, max_iter=max_iter, tol=tol)
    if first in bands:
        quality[0, bands[first][1]] = np.where(bands[first][2][bands[first][1]], "exact", "benadering")

    last_band = np.where(hasb, first, -1)
    banded = {int(first): hasb.copy()} if first in bands else {}
    nm_sched = np.zeros((G, 2, NA))
    sm = settings["migratie"]
    for i in range(1, Y):
        t = int(years[i])
        aged, _ = aged_of(P[i - 1], t - 1)
        seed = np.maximum(aged + nm_sched, 0.0)
        types, T = yc.get(t)
        P[i], fit[i] = ipf.rake(seed, types, T, max_iter=max_iter, tol=tol)
        if t in bands:
            _, hasb, ex = bands[t]
            quality[i, hasb] = np.where(ex[hasb], "exact", "benadering")
            banded[t] = hasb.copy()
            gap = hasb & (last_band >= 0) & (last_band < t - 1)
            a = last_band.copy()
            if gap.any() and settings["migratie"]["intercensaal"]:
                types_nb, T_nb = yc.get(t, exclude_bands=True)
                F, _ = ipf.rake(seed, types_nb, T_nb, max_iter=max_iter, tol=tol)
                E = np.where(gap[:, None, None], P[i] - F, 0.0)
                for j in range(1, i):
                    s = int(years[j])
                    w = np.where(gap & (a < s) & (s < t), (s - a) / np.maximum(t - a, 1), 0.0)
                    if not w.any():
                        continue
                    k = t - s
                    sh = np.zeros_like(E)
                    sh[..., : NA - k] = E[..., k:]
                    adj = np.maximum(P[j] + w[:, None, None] * sh, 0.0)
                    ty, Tj = yc.get(s)
                    P[j], fit[j] = ipf.rake(adj, ty, Tj, max_iter=max_iter, tol=tol)
                notes.append(f"sluitfout bij {t} teruggelegd langs cohorten over {int(t - a[gap].min())} jaar")
            last_band = np.where(hasb, t, last_band)
            nm_sched = interval_schedule(P, years, banded, t, aged_of, int(sm["intervallen"]), int(sm["glad"]),
                                         str(sm["toewijzing"]), aged_span=aged_span)

    # components of the reconstruction from the final states
    def components_of():
        births = np.zeros((max(Y - 1, 0), G, 2))
        deaths = np.zeros((max(Y - 1, 0), G, 2))
        nm = np.zeros((max(Y - 1, 0), G, 2, NA))
        for i in range(Y - 1):
            t = int(years[i])
            aged, B = aged_of(P[i], t)
            births[i] = B
            deaths[i] = P[i].sum(axis=-1) - aged[:, :, 1:].sum(axis=-1) + B - aged[:, :, 0]
            nm[i] = P[i + 1] - aged
        return births, deaths, nm

    births, deaths, nm = components_of()
    # gemeenten with their own visible vital statistics: local levels of fertility and mortality
    lk = settings["lokaal"]
    if lk["gebruik"]:
        fb, fd = local_factors(inp, codes, years, births.sum(axis=2), deaths.sum(axis=2), as_of,
                               float(lk["geloofwaardigheid"]), int(lk["jaren"]))
        if not (np.all(fb == 1.0) and np.all(fd == 1.0)):
            f_loc = f_loc * fb
            m_loc = fd
            births, deaths, nm = components_of()
    schedule = interval_schedule(P, years, banded, int(years[-1]), aged_of, int(sm["intervallen"]), int(sm["glad"]),
                                 str(sm["toewijzing"]), aged_span=aged_span)
    hist = History(codes=codes, years=years, P=P, births=births, deaths=deaths, nm=nm, fit=fit,
                   quality=quality, totals=TOT, fert_factor=f_loc, rows=rows, schedule=schedule, notes=notes,
                   mort_factor=m_loc)
    return hist, mort, fert
