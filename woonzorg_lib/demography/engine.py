"""The demography engine: historical reconstruction by single age x sex, and the projection.

Reconstruction (base population)
    Start from the first banded year (graduated to single ages). Each later year: survive the
    previous state one year (national life table split by sex), add births (national ASFR x local
    women x local factor) at age 0, add the net-migration schedule learnt from banded intervals
    seen so far, then rake (IPF) to every margin of that year (total, broad groups with and
    without sex, bands where they exist). When bands return after a gap (2013 -> 2021), the
    closure error is spread back along the cohorts over the gap (intercensal adjustment) and the
    intermediate years are raked again. Net migration by age and sex per year is the residual.

Projection (cohort-component, constrained)
    P(t+1) = survive(P(t)) + births + net migration schedule (mean residual of the last
    ``migratie.venster`` years, smoothed over age); then the gap to the independent total of
    the variant is spread over ages with a migration-intensity key (Rogers-Castro standard
    schedule x population), so old ages barely move. Components per year: births, deaths and
    net migration = change in total - births + deaths.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import DataMissingError, InputError
from . import ages as A
from . import ipf, margins, totals
from .ages import NA
from .fertility import Fertility, exposure
from .lifetable import Mortality

VARIANTS = ("laag", "midden", "hoog")


def rogers_castro(x: np.ndarray) -> np.ndarray:
    """Standard migration intensity by age (Rogers & Castro 1981 model schedule; a1=.02,
    alpha1=.1, a2=.065, alpha2=.1, mu2=21, lambda2=.45, c=.003), scaled to a maximum of 1."""
    x = np.asarray(x, float)
    m = (0.02 * np.exp(-0.1 * x)
         + 0.065 * np.exp(-0.1 * (x - 21) - np.exp(-0.45 * (x - 21)))
         + 0.003)
    return m / m.max()


def survive(P: np.ndarray, S: np.ndarray) -> np.ndarray:
    """Age (..., 2, NA) stocks one year with survival S (2, NA) or per gemeente (G, 2, NA);
    age 0 is left empty."""
    out = np.zeros_like(P)
    out[..., 1:NA - 1] = P[..., : NA - 2] * S[..., : NA - 2]
    out[..., NA - 1] = (P[..., NA - 2] + P[..., NA - 1]) * S[..., NA - 2]
    return out


def local_survival(mort: Mortality, year: int, mfac: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Survival (G, 2, NA) and of births (G, 2) with the national q scaled by a local factor."""
    q2, S, Sb = mort.get(year)
    if np.all(mfac == 1.0):
        G = len(mfac)
        return np.broadcast_to(S, (G,) + S.shape), np.broadcast_to(Sb, (G, 2))
    from .lifetable import survival
    q = np.minimum(q2[None] * mfac[:, None, None], 0.95)
    Sg = np.empty_like(q)
    Sbg = np.empty((len(mfac), 2))
    for g in range(len(mfac)):
        Sg[g], Sbg[g] = survival(q[g])
    return Sg, Sbg


def local_factors(inp, codes, years, births, deaths, as_of: int, k: float, n_years: int = 5):
    """Credibility-weighted observed/model ratios of births and deaths for gemeenten whose own
    vital statistics are visible: (O + k) / (E + k) over their last ``n_years`` visible years
    within the reconstruction. ``births``/``deaths``: (Y-1, G) model values per year."""
    G = len(codes)
    yl = [int(y) for y in years[:-1]]
    gi = {c: i for i, c in enumerate(codes)}
    out = []
    gb, st = inp["geboorten"], inp["sterfte"]
    obs_b = gb[(gb["variabele"] == "levend_geborenen")][["gemeentecode", "jaar", "waarde"]]
    obs_d = st[(st["geslacht"] == "totaal") & st["leeftijd_van"].isna()][["gemeentecode", "jaar", "waarde"]]
    for obs, model in ((obs_b, births), (obs_d, deaths)):
        f = np.ones(G)
        o = obs[obs["gemeentecode"].isin(gi) & obs["jaar"].isin(yl)]
        if len(o):
            o = o.sort_values(["gemeentecode", "jaar"]).groupby("gemeentecode").tail(n_years)
            g_idx = o["gemeentecode"].map(gi).to_numpy(int)
            y_idx = np.searchsorted(np.array(yl), o["jaar"].to_numpy(int))
            O = np.bincount(g_idx, weights=o["waarde"].to_numpy(float), minlength=G)
            E = np.bincount(g_idx, weights=model[y_idx, g_idx], minlength=G)
            has = np.bincount(g_idx, minlength=G) > 0
            f = np.where(has, (O + k) / (E + k), 1.0)
        out.append(f)
    return out[0], out[1]


def smooth_ages(x: np.ndarray, half: int) -> np.ndarray:
    """Triangular moving average over ages 1..NA-1 (age 0 kept), last axis."""
    if half <= 0:
        return x
    w = np.r_[np.arange(1, half + 2), np.arange(half, 0, -1)].astype(float)
    w /= w.sum()
    out = x.copy()
    body = x[..., 1:]
    pad = np.concatenate([np.repeat(body[..., :1], half, -1), body, np.repeat(body[..., -1:], half, -1)], -1)
    sm = np.zeros_like(body)
    for k, wk in enumerate(w):
        sm += wk * pad[..., k: k + body.shape[-1]]
    out[..., 1:] = sm
    return out


@dataclass
class History:
    codes: list[str]
    years: np.ndarray                 # y0 .. as_of
    P: np.ndarray                     # (Y, G, 2, NA) 1-January stocks
    births: np.ndarray                # (Y-1, G, 2) births during years[i]
    deaths: np.ndarray                # (Y-1, G, 2) deaths during years[i]
    nm: np.ndarray                    # (Y-1, G, 2, NA) residual net migration during years[i] (by age at end)
    fit: np.ndarray                   # (Y, G) largest relative deviation from a margin
    quality: np.ndarray               # (Y, G) 'exact' | 'benadering' | 'geschat'
    totals: np.ndarray                # (G, Y) official totals (NaN where unknown)
    fert_factor: np.ndarray           # (G,)
    rows: pd.DataFrame                # constraints (for the fit report)
    schedule: np.ndarray              # (G, 2, NA) yearly net migration by age for the projection
    notes: list[str] = field(default_factory=list)
    mort_factor: np.ndarray | None = None   # (G,) local mortality level (1 = national)


@dataclass
class Projection:
    codes: list[str]
    years: np.ndarray                 # as_of .. until
    variants: tuple[str, ...]
    P: np.ndarray                     # (V, H+1, G, 2, NA)
    births: np.ndarray                # (V, H, G)
    deaths: np.ndarray                # (V, H, G)
    targets: np.ndarray               # (V, H+1, G) totals the projection was held to
    cc_totals: np.ndarray             # (H+1, G) unconstrained cohort-component totals
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# inputs
# --------------------------------------------------------------------------------------------

def engine_codes(inp: dict[str, pd.DataFrame]) -> list[str]:
    t = inp["bevolking_totaal"]
    codes = sorted(set(t["gemeentecode"]) - {"NL01"})
    codes = [c for c in codes if str(c).startswith("GM")]
    return codes


def _bands_by_year(inp, codes, use_2021: bool) -> dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """{jaar: (bands (G, 2, 20) NaN where missing, has (G,) bool, exact (G,) bool)} by sex."""
    b5 = inp["bevolking_5j"]
    b5 = b5[b5["gemeentecode"].isin(codes) & b5["geslacht"].isin(["man", "vrouw"])]
    if not use_2021:
        b5 = b5[b5["kwaliteit"] == "exact"]
    gi = {c: i for i, c in enumerate(codes)}
    out = {}
    for jaar, g in b5.groupby("jaar"):
        arr = np.full((len(codes), 2, A.NB), np.nan)
        bi = np.searchsorted(A.BAND_LO, g["leeftijd_van"].to_numpy(int))
        si = (g["geslacht"] == "vrouw").to_numpy(int)
        gix = g["gemeentecode"].map(gi).to_numpy(int)
        val = g["waarde"].to_numpy(float) * g["schaalfactor"].fillna(1.0).to_numpy(float)
        arr[gix, si, bi] = val
        has = ~np.isnan(arr).any(axis=(1, 2))
        exact = np.zeros(len(codes), bool)
        ex = g[g["kwaliteit"] == "exact"]["gemeentecode"].map(gi).dropna().astype(int).unique()
        exact[ex] = True
        out[int(jaar)] = (arr, has, exact & has)
    return out


def _total_matrix(inp, codes, years) -> np.ndarray:
    t = inp["bevolking_totaal"]
    t = t[t["gemeentecode"].isin(codes)]
    piv = t.pivot_table(index="gemeentecode", columns="jaar", values="waarde", aggfunc="first")
    piv = piv.reindex(index=codes, columns=list(years))
    return piv.to_numpy(float)


# --------------------------------------------------------------------------------------------
# reconstruction
# --------------------------------------------------------------------------------------------

def _end_weights(L: int) -> np.ndarray:
    """(20, NA): the cohort residual as a yearly amount at the ages of its band at the end."""
    Wm = np.zeros((A.NB, NA))
    for k in range(A.NB):
        lo = 5 * k
        hi = lo + 4 if k < A.NB - 1 else NA - 1
        Wm[k, lo: hi + 1] = 1.0 / (hi - lo + 1) / L
    return Wm


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
    return Wm


def interval_schedule(P, years, banded: dict, upto: int, aged_of, n_intervals: int, half: int,
                      attribution: str = "pad") -> np.ndarray:
    """Yearly net migration by single age and sex from the cohort residuals between banded years.

    For an interval a -> b (b - a >= 5 where possible) the banded state of year a is survived to b
    with births and no migration; the difference with the bands of year b is the net migration of
    each cohort (cohort-consistent, so the within-band shape of the states does not leak in). Each
    cohort's residual is spread evenly over the years of the interval and the ages it passed
    through. The most recent ``n_intervals`` intervals ending at or before ``upto`` are averaged
    per gemeente; gemeenten without an interval get zero.
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
                                         str(sm["toewijzing"]))

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
                                         str(sm["toewijzing"]))
    hist = History(codes=codes, years=years, P=P, births=births, deaths=deaths, nm=nm, fit=fit,
                   quality=quality, totals=TOT, fert_factor=f_loc, rows=rows, schedule=schedule, notes=notes,
                   mort_factor=m_loc)
    return hist, mort, fert


# --------------------------------------------------------------------------------------------
# projection
# --------------------------------------------------------------------------------------------

def migration_schedule(hist: History, settings) -> np.ndarray:
    """Net migration by single age and sex per year for the projection (G, 2, NA)."""
    return hist.schedule


def independent_totals(hist: History, as_of: int, until: int, settings, cc_tot: np.ndarray | None) -> np.ndarray:
    """(H+1, G) midden totals for as_of .. until (index 0 = the known as-of total)."""
    st = settings["totalen"]
    h = np.arange(0, until - as_of + 1)
    method = st["methode"]
    combo = tuple(st["gemiddeld_van"])
    base = hist.P[-1].sum(axis=(1, 2))

    def one(m):
        if m == "cc":
            return cc_tot.T
        return totals.trend(m, hist.totals, hist.years, as_of, h, window=int(st["venster"]),
                            damp=float(st["demping"]))

    if method == "gemiddeld":
        out = np.mean([one(m) for m in combo], axis=0)
    else:
        out = one(method)
    # anchor: the level at the as-of year is the known total; keep the method's increments
    out = out - out[:, :1] + base[:, None]
    return np.maximum(out.T, 0.0)


def band_factor(h: np.ndarray, settings, size: np.ndarray | None = None) -> np.ndarray:
    """Half-width a(h, N) = c h^b (N / n_ref)^-gamma of the laag/hoog band, as (len(h), G) when
    ``size`` (population per gemeente on the as-of date) is given, else (len(h),)."""
    sv = settings["varianten"]
    a = float(sv["c"]) * np.power(np.maximum(h, 0), float(sv["b"]))
    if size is None:
        return a
    rel = np.power(np.maximum(np.asarray(size, float), 1.0) / float(sv["n_ref"]), -float(sv["gamma"]))
    return a[:, None] * rel[None, :]


def project(hist: History, mort: Mortality, fert: Fertility, as_of: int, until: int, settings, *,
            variants=VARIANTS, target_override: dict[int, np.ndarray] | None = None) -> Projection:
    """Cohort-component projection as_of -> until for all variants, held to the totals.

    ``target_override``: {gemeente index: (H+1,) midden totals} replacing the trend totals (the
    housing-led variant)."""
    G = len(hist.codes)
    H = until - as_of
    if H < 0:
        raise InputError(f"--until {until} ligt voor het basisjaar {as_of}", column="--until")
    sched = migration_schedule(hist, settings)
    key = rogers_castro(A.AGES) if settings["migratie"]["sleutel"] == "rogers_castro" else np.ones(NA)
    f_loc = hist.fert_factor
    boys = fert.boys
    P0 = hist.P[-1]

    mfac = hist.mort_factor if hist.mort_factor is not None else np.ones(G)
    # negative net migration never exceeds the base-period rate: where an age group shrinks below
    # its size on the as-of date, its out-migration shrinks with it (no emptied age groups)
    neg_rate = np.where(sched < 0, sched / np.maximum(P0, 1.0), 0.0)

    def step(Pt, t):
        S, Sb = local_survival(mort, t, mfac)
        B = f_loc[None, :] * (exposure(Pt[..., 1, :]) * fert.rates(t)).sum(axis=-1)     # (V, G)
        nxt = survive(Pt, S)
        nxt[..., 0, 0] = B * boys * Sb[:, 0]
        nxt[..., 1, 0] = B * (1 - boys) * Sb[:, 1]
        D = Pt.sum(axis=(-2, -1)) + B - nxt.sum(axis=(-2, -1))
        mig = np.where(sched < 0, np.maximum(sched, neg_rate * nxt), sched)
        nxt = np.maximum(nxt + mig, 0.0)
        return nxt, B, D

    # pass 1: unconstrained cohort-component (for the 'cc' total method and the report)
    cc = np.zeros((H + 1, G))
    Pt = P0[None].copy()
    cc[0] = Pt[0].sum(axis=(-2, -1))
    for k in range(H):
        Pt, _, _ = step(Pt, as_of + k)
        cc[k + 1] = Pt[0].sum(axis=(-2, -1))
    mid = independent_totals(hist, as_of, until, settings, cc)          # (H+1, G)
    if target_override:
        for g, tv in target_override.items():
            mid[:, g] = tv
    fac = band_factor(np.arange(H + 1), settings, P0.sum(axis=(-2, -1)))      # (H+1, G)
    V = len(variants)
    targets = np.zeros((V, H + 1, G))
    for v, name in enumerate(variants):
        sign = {"laag": -1.0, "midden": 0.0, "hoog": 1.0}[name]
        targets[v] = mid * (1.0 + sign * fac)
    # pass 2: constrained
    P = np.zeros((V, H + 1, G, 2, NA))
    births = np.zeros((V, H, G))
    deaths = np.zeros((V, H, G))
    P[:, 0] = P0[None]
    Pt = np.repeat(P0[None], V, axis=0)
    for k in range(H):
        nxt, B, D = step(Pt, as_of + k)
        Pt = constrain(nxt, targets[:, k + 1], key)
        P[:, k + 1] = Pt
        births[:, k] = B
        deaths[:, k] = D
    return Projection(codes=hist.codes, years=np.arange(as_of, until + 1), variants=tuple(variants), P=P,
                      births=births, deaths=deaths, targets=targets, cc_totals=cc, notes=list(hist.notes))


def constrain(P: np.ndarray, target: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Spread target - sum(P) over (sex, age) in proportion to P x key; never below zero.
    P (..., 2, NA), target (...)."""
    cur = P.sum(axis=(-2, -1))
    gap = target - cur
    w = P * key
    ws = w.sum(axis=(-2, -1))
    lam = np.where(ws > 0, gap / np.maximum(ws, 1e-12), 0.0)
    # keep every cell >= 10% of its value: limit lam from below, rest proportional
    lam_min = -0.9 / key.max()
    lam_c = np.maximum(lam, lam_min)
    out = P * (1.0 + lam_c[..., None, None] * key)
    s = out.sum(axis=(-2, -1))
    ratio = np.where(s > 0, target / np.maximum(s, 1e-12), 0.0)
    return out * ratio[..., None, None]
