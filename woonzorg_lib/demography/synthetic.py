"""SYNTHETIC input tables with the processed schema, for tests and the speed benchmark.

A known single-age x sex population per gemeente is simulated with a cohort-component process
(Gompertz mortality with a yearly decline, fixed fertility schedule, a Rogers-Castro shaped net
migration per gemeente) and published in the same forms as the real snapshot: totals every year,
exact 5-year bands 2007-2013, a rounded 2021 approximation, broad groups by sex 2007-2017, KWB-like
groups and sex totals 2019, 85383NED-like groups 2023-2024, a national life table 2010-2023,
national deaths by band x sex and births by age of mother, private households and dwellings.
Nothing here is real data; codes are GM9000+.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .ages import BAND_HI, BAND_LO, NA, NB, to_bands
from .engine import rogers_castro

YEARS = np.arange(2007, 2026)


def _q(year: int) -> np.ndarray:
    x = np.arange(NA, dtype=float)
    q = 0.0004 + np.exp(-10.4 + 0.093 * x) * np.exp(-0.015 * (year - 2015))
    q[0] = 0.0035
    return np.clip(q, 0, 0.7)


def SYNTHETIC_truth(n: int = 30, seed: int = 0) -> dict:
    """Simulated single-age states {year: (G, 2, NA)} plus births/deaths and the parameters."""
    rng = np.random.default_rng(seed)
    x = np.arange(NA, dtype=float)
    size = np.exp(rng.uniform(np.log(4000), np.log(250000), n))
    tilt = rng.normal(0, 0.01, n)
    base = np.exp(-0.5 * ((x - 40) / 28) ** 2) + 0.3
    base[85:] *= np.exp(-0.18 * (x[85:] - 85))
    P = np.zeros((n, 2, NA))
    for g in range(n):
        shape = base * np.exp(tilt[g] * (x - 40))
        shape /= shape.sum()
        P[g, 0] = size[g] * shape * 0.49
        P[g, 1] = size[g] * shape * 0.51
    asfr = np.zeros(NA)
    asfr[15:50] = np.exp(-0.5 * ((x[15:50] - 31) / 5.0) ** 2)
    asfr *= 1.65 / asfr.sum()
    fg = rng.uniform(0.85, 1.15, n)
    mig_level = rng.normal(0.004, 0.006, n)                     # net migration / population per year
    mig_shape = rogers_castro(x) - 0.25 * rogers_castro(x).mean()
    mig_shape /= np.abs(mig_shape).sum()
    states, births, deaths, mig = {}, {}, {}, {}
    for y in YEARS:
        states[int(y)] = P.copy()
        q = _q(int(y))
        qm, qf = np.minimum(q * 1.25, 0.9), q * 0.8
        S = 1 - np.vstack([np.r_[qm[1:], qm[-1]], np.r_[qf[1:], qf[-1]]])
        B = fg * (0.5 * (P[:, 1] + np.c_[np.zeros(n), P[:, 1, :-1]]) * asfr).sum(axis=1)
        nxt = np.zeros_like(P)
        nxt[..., 1:NA - 1] = P[..., :NA - 2] * S[:, :NA - 2]
        nxt[..., NA - 1] = (P[..., NA - 2] + P[..., NA - 1]) * S[:, NA - 2]
        nxt[:, 0, 0] = B * 0.512 * (1 - qm[0])
        nxt[:, 1, 0] = B * 0.488 * (1 - qf[0])
        D = P.sum(axis=(1, 2)) + B - nxt.sum(axis=(1, 2))
        M = (mig_level * P.sum(axis=(1, 2)))[:, None, None] * mig_shape[None, None, :] * 2 \
            + rng.normal(0, 0.0005, (n, 1, 1)) * P
        nxt = np.maximum(nxt + M, 0)
        births[int(y)], deaths[int(y)], mig[int(y)] = B, D, M.sum(axis=(1, 2))
        P = nxt
    codes = [f"GM{9000 + i:04d}" for i in range(n)]
    return {"codes": codes, "states": states, "births": births, "deaths": deaths, "asfr": asfr, "fg": fg}


def SYNTHETIC_tables(n: int = 30, seed: int = 0) -> dict[str, pd.DataFrame]:
    """Processed-schema tables for ``n`` synthetic gemeenten (see module docstring)."""
    tr = SYNTHETIC_truth(n, seed)
    codes, st = tr["codes"], tr["states"]
    rows_tot, rows_5, rows_m = [], [], []
    for y in YEARS:
        y = int(y)
        P = st[y]
        tot = np.rint(P.sum(axis=(1, 2)))
        for g, c in enumerate(codes):
            rows_tot.append((c, y, int(tot[g]), "SYNTH", "exact"))
        bands = to_bands(P)                                           # (G, 2, 20)
        if 2007 <= y <= 2013 or y == 2021:
            b = np.rint(bands) if y != 2021 else np.rint(bands / 5) * 5
            for g, c in enumerate(codes):
                fac = 1.0 if y != 2021 else float(tot[g] / b[g].sum())
                for s, sex in enumerate(("man", "vrouw")):
                    for k in range(NB):
                        rows_5.append((c, y, sex, int(BAND_LO[k]), np.nan if BAND_HI[k] < 0 else float(BAND_HI[k]),
                                       float(b[g, s, k]), "exact" if y != 2021 else "benadering", fac, "SYNTH"))
                for k in range(NB):
                    rows_5.append((c, y, "totaal", int(BAND_LO[k]), np.nan if BAND_HI[k] < 0 else float(BAND_HI[k]),
                                   float(b[g, :, k].sum()), "exact" if y != 2021 else "benadering", fac, "SYNTH"))

        def grp(lo, hi, sex=None):
            a = P[:, :, lo:(NA if hi is None else hi + 1)]
            return np.rint(a.sum(axis=2)[:, sex] if sex is not None else a.sum(axis=(1, 2)))

        if 2007 <= y <= 2017:
            for lo, hi in ((0, 19), (20, 64), (65, 74), (75, 84), (85, None)):
                for sex, si in (("man", 0), ("vrouw", 1), ("totaal", None)):
                    v = grp(lo, hi, si)
                    for g, c in enumerate(codes):
                        rows_m.append((c, y, sex, lo, np.nan if hi is None else float(hi), float(v[g]),
                                       "SYNTH 60039fvw", False, "voorlopig"))
        if y == 2019:
            for lo, hi in ((0, 14), (15, 24), (25, 44), (45, 64), (65, None)):
                v = grp(lo, hi)
                for g, c in enumerate(codes):
                    rows_m.append((c, y, "totaal", lo, np.nan if hi is None else float(hi), float(v[g]),
                                   "SYNTH KWB", False, "kwb"))
            for sex, si in (("man", 0), ("vrouw", 1)):
                v = grp(0, None, si)
                for g, c in enumerate(codes):
                    rows_m.append((c, y, sex, 0, np.nan, float(v[g]), "SYNTH KWB", False, "kwb"))
        if y in (2023, 2024):
            for lo, hi in ((0, 14), (0, 17), (0, 64), (10, 24), (15, 17), (15, 64), (18, 44), (45, 64), (65, 74),
                           (65, None), (75, None)):
                v = grp(lo, hi)
                for g, c in enumerate(codes):
                    rows_m.append((c, y, "totaal", lo, np.nan if hi is None else float(hi), float(v[g]),
                                   "SYNTH 85383NED", lo in (0, 15, 45, 65) and hi in (14, 17, 64, 74, None), "definitief"))
    tot = pd.DataFrame(rows_tot, columns=["gemeentecode", "jaar", "waarde", "bron", "kwaliteit"])
    b5 = pd.DataFrame(rows_5, columns=["gemeentecode", "jaar", "geslacht", "leeftijd_van", "leeftijd_tot", "waarde",
                                       "kwaliteit", "schaalfactor", "bron"])
    marg = pd.DataFrame(rows_m, columns=["gemeentecode", "jaar", "geslacht", "leeftijd_van", "leeftijd_tot", "waarde",
                                         "bron", "afgeleid", "status"])
    # national statistics: the synthetic 'nation' is the sum of all gemeenten
    lt, dd, gb = [], [], []
    x = np.arange(NA)
    for y in range(2010, 2024):
        q = _q(y)
        l = 100000 * np.cumprod(np.r_[1, 1 - q[:-1]])
        e = np.cumsum((l[::-1] + np.r_[l[1:], 0][::-1]) / 2)[::-1] / l
        for a in range(94):
            lt.append((y, a, float(q[a]), float(l[a]), float(l[a] * q[a]), float(e[a]), "SYNTH"))
        P = st[y]
        qm, qf = np.minimum(q * 1.25, 0.9), q * 0.8
        Dm = P[:, 0] * np.r_[qm[1:], qm[-1]]
        Df = P[:, 1] * np.r_[qf[1:], qf[-1]]
        edges = [(0, 0), (1, 4)] + [(lo, lo + 4) for lo in range(5, 95, 5)] + [(95, None)]
        for sex, D in (("man", Dm.sum(axis=0)), ("vrouw", Df.sum(axis=0)), ("totaal", Dm.sum(axis=0) + Df.sum(axis=0))):
            dd.append(("NL01", y, sex, None, np.nan, float(np.rint(D.sum())), "SYNTH"))
            for lo, hi in edges:
                # deaths by age at death = age on 1 January + 1 (age attained)
                v = D[max(lo - 1, 0):(NA if hi is None else hi)].sum()
                dd.append(("NL01", y, sex, lo, np.nan if hi is None else float(hi), float(np.rint(v)), "SYNTH"))
        W = st[y][:, 1].sum(axis=0)
        E = 0.5 * (W + np.r_[0, W[:-1]])
        Bx = E * tr["asfr"] * np.average(tr["fg"], weights=st[y][:, 1, 20:40].sum(axis=1))
        groups = [("moeder_jonger_dan_20", 0, 19), ("moeder_20_24", 20, 24), ("moeder_25_29", 25, 29),
                  ("moeder_30_34", 30, 34), ("moeder_35_39", 35, 39), ("moeder_40_44", 40, 44),
                  ("moeder_45_plus", 45, 100)]
        for v, lo, hi in groups:
            gb.append(("NL01", y, v, float(np.rint(Bx[lo:hi + 1].sum())), "SYNTH"))
        Bt = float(np.rint(Bx.sum()))
        gb += [("NL01", y, "levend_geborenen", Bt, "SYNTH"), ("NL01", y, "jongens", float(np.rint(Bt * 0.512)), "SYNTH"),
               ("NL01", y, "meisjes", Bt - float(np.rint(Bt * 0.512)), "SYNTH"),
               ("NL01", y, "gemiddeld_kindertal_per_vrouw", round(1.65 * float(np.mean(tr["fg"])), 2), "SYNTH")]
    levenstafel = pd.DataFrame(lt, columns=["jaar", "leeftijd", "qx", "lx", "dx", "ex", "bron"])
    sterfte = pd.DataFrame(dd, columns=["gemeentecode", "jaar", "geslacht", "leeftijd_van", "leeftijd_tot", "waarde", "bron"])
    sterfte["leeftijd_van"] = sterfte["leeftijd_van"].astype("Int64")
    geboorten = pd.DataFrame(gb, columns=["gemeentecode", "jaar", "variabele", "waarde", "bron"])
    hh, wv = [], []
    for y in YEARS:
        y = int(y)
        tot_y = st[y].sum(axis=(1, 2))
        ahs = 2.3 * np.exp(-0.005 * (y - 2015))
        for g, c in enumerate(codes):
            if 2016 <= y <= 2023:
                hh.append((c, y - 1, f"{y - 1}-12-31", "particuliere_huishoudens_31dec", float(np.rint(tot_y[g] / ahs)), "SYNTH"))
            if 2012 <= y <= 2024:
                wv.append((c, y, f"{y}-01-01", "woningvoorraad_totaal", float(np.rint(tot_y[g] / 2.2)), "SYNTH"))
    huishoudens = pd.DataFrame(hh, columns=["gemeentecode", "jaar", "peildatum", "variabele", "waarde", "bron"])
    woningvoorraad = pd.DataFrame(wv, columns=["gemeentecode", "jaar", "peildatum", "variabele", "waarde", "bron"])
    return {"bevolking_totaal": tot, "bevolking_5j": b5, "bevolking_marges": marg, "levenstafel": levenstafel,
            "sterfte": sterfte, "geboorten": geboorten, "huishoudens": huishoudens, "woningvoorraad": woningvoorraad}
