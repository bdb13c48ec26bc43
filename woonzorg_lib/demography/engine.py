"""The demography engine: historical reconstruction by single age x sex, and the projection.

Reconstruction (base population)
    Start from the first banded year (graduated to single ages). Each later year: survive the
    previous state one year (national life table split by sex), add births (national ASFR x local
    women x local factor) at age 0, add the net-migration schedule learnt from banded intervals
    seen so far, then rake (IPF) to every margin of that year (total, broad groups with and
    without sex, bands where they exist). When bands return after a gap (2013 -> 2021), the
    closure error is spread back along the cohorts over the gap (intercensal adjustment) and the
    intermediate years are raked again. Net migration by age and sex per year is the residual.

    (The reconstruction lives in :mod:`.reconstruct`; this module keeps the shared primitives and
    the projection.)

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

from ..errors import InputError
from . import ages as A
from . import totals
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
    return survival(q)


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
