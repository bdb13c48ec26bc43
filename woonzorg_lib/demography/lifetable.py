"""National mortality by single age and sex from the both-sexes life table (CBS 37360ned).

* Ages 94..100+: the table stops at 93; log-odds of qx are extrapolated linearly in age from the
  fit over ages 80..93 (Kannisto-like), per table year.
* Men / women: the table has both sexes only. The national deaths by age band and sex (CBS 03747)
  divided by a population by band and sex give the male/female death-rate ratio R per band; with
  the population sex shares w_m, w_f at each age, q_f = q / (w_m R + w_f) and q_m = R q_f, so the
  sex-weighted mean reproduces the table. The population by sex is the pooled population of the
  gemeenten in the run (the national one is not in the snapshot); its sex ratio by age is close
  to the national one.
* Survival from age a on 1 January to a+1 a year later: S(a) = 1 - q(a+1), because the table's
  ages are ages on 31 December (see :func:`survival`).
* Years outside the visible table: before the first visible year the first, back-cast with the
  yearly decline below; after the
  last, the base (mean log qx of the last ``basisjaren`` years) declines by a yearly rate per age:
  ``verbetering: vast`` a fixed rate (tuned on the tuning origins, see docs/backtest.md),
  ``trend`` the visible log-linear decline per age (when at least ``min_jaren_trend`` years are
  visible, otherwise the fixed rate), ``geen`` none.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .ages import NA

EXTRAP_FROM = 80


def extend_q(q: np.ndarray) -> np.ndarray:
    """q for ages 0..93 (or fewer) -> ages 0..100 (index 100 = open group), extrapolating log-odds."""
    q = np.asarray(q, float)
    n = len(q)
    out = np.empty(NA)
    out[:n] = q
    lo = min(EXTRAP_FROM, n - 5)
    x = np.arange(lo, n)
    y = np.log(np.clip(q[lo:n], 1e-6, 0.999) / (1 - np.clip(q[lo:n], 1e-6, 0.999)))
    b, a = np.polyfit(x, y, 1)
    xe = np.arange(n, NA)
    ye = a + b * xe
    out[n:] = 1.0 / (1.0 + np.exp(-ye))
    return np.clip(out, 0.0, 0.95)


def table_q(levenstafel: pd.DataFrame) -> dict[int, np.ndarray]:
    """{year: q(0..100)} for the visible table years."""
    out = {}
    for jaar, g in levenstafel.groupby("jaar"):
        g = g.sort_values("leeftijd")
        ages = g["leeftijd"].to_numpy(int)
        if not (ages == np.arange(len(ages))).all():
            raise ValueError(f"levenstafel {jaar}: leeftijden niet aaneengesloten vanaf 0")
        out[int(jaar)] = extend_q(g["qx"].to_numpy(float))
    return out


def sex_ratio(sterfte: pd.DataFrame, pop_band_sex: np.ndarray, years: int = 5) -> np.ndarray:
    """Male/female death-rate ratio per single age (NA,), from NL01 deaths of the last ``years``
    visible years and the population by 5-year band and sex ``pop_band_sex`` (2, 20)."""
    nl = sterfte[(sterfte["gemeentecode"] == "NL01") & sterfte["leeftijd_van"].notna()
                 & sterfte["geslacht"].isin(["man", "vrouw"])]
    if nl.empty:
        return np.full(NA, 1.3)
    last = sorted(nl["jaar"].unique())[-years:]
    nl = nl[nl["jaar"].isin(last)]
    d = nl.groupby(["geslacht", "leeftijd_van"])["waarde"].sum().unstack(0)   # index lo, cols man/vrouw
    lo = d.index.to_numpy(int)
    ratio = np.ones(NA)
    pm, pf = pop_band_sex[0], pop_band_sex[1]
    for i, a in enumerate(lo):
        hi = lo[i + 1] - 1 if i + 1 < len(lo) else NA - 1
        band = min(a // 5, 19)
        dm, df = float(d["man"].iloc[i]), float(d["vrouw"].iloc[i])
        if dm > 0 and df > 0 and pm[band] > 0 and pf[band] > 0:
            r = (dm / pm[band]) / (df / pf[band])
        else:
            r = 1.0
        ratio[a:hi + 1] = r
    return np.clip(ratio, 0.5, 4.0)


def split_sex(q: np.ndarray, ratio: np.ndarray, male_share: np.ndarray) -> np.ndarray:
    """(2, NA) q for men and women whose population-weighted mean is ``q``."""
    wm = np.clip(male_share, 0.05, 0.95)
    qf = q / (wm * ratio + (1 - wm))
    qm = np.minimum(ratio * qf, 0.95)
    return np.vstack([qm, np.minimum(qf, 0.95)])


def survival(q2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """From (2, NA) q to (2, NA) survival S and (2,) survival of births to age 0 on 1 January
    (any leading axes, e.g. (G, 2, NA) -> (G, 2, NA) and (G, 2)).

    CBS 37360ned gives qx by *age on 31 December* (the age attained in the calendar year): q(x)
    is the probability that someone who turns x in the year dies in it, i.e. that a person aged
    x-1 on 1 January does not reach 1 January of the next year. So S(a) = 1 - q(a+1) for the
    1-January age a, births survive to 1 January with 1 - q(0), and the ages 99 and 100+ move into
    100+ with 1 - q(100+). (Checked against the deaths of the 11 gemeenten with local figures,
    2010-2016: observed/model deaths 1.05 with this reading, 1.10 with the L(x+1)/L(x) reading
    of a classic age-at-last-birthday table; see docs/demografie.md.)
    """
    S = np.empty_like(q2)
    S[..., : NA - 2] = 1.0 - q2[..., 1: NA - 1]
    S[..., NA - 2] = 1.0 - q2[..., NA - 1]
    S[..., NA - 1] = S[..., NA - 2]
    Sb = 1.0 - q2[..., 0]
    return S, Sb


def improvement_profile(settings: dict) -> np.ndarray:
    """Yearly decline of qx by age for ``verbetering: vast``: the rate r0 = ``verbetering_jaarlijks``
    at ages 0-90, tapering linearly to r0/2 at 100+."""
    r0 = float(settings["verbetering_jaarlijks"])
    r = np.full(NA, r0)
    r[90:] = np.linspace(r0, r0 / 2, NA - 90)
    return r


class Mortality:
    """Sex-specific survival for any calendar year, from the visible life tables."""

    def __init__(self, levenstafel: pd.DataFrame, sterfte: pd.DataFrame, pop_band_sex: np.ndarray,
                 male_share_age: np.ndarray, settings: dict, fallback_tables: dict[int, np.ndarray] | None = None):
        self.tables = table_q(levenstafel)
        self.stand_in = False
        if not self.tables:
            if not fallback_tables:
                raise ValueError("geen overlevingstafel zichtbaar")
            first = min(fallback_tables)
            self.tables = {first: fallback_tables[first]}
            self.stand_in = True
        self.years = sorted(self.tables)
        self.ratio = sex_ratio(sterfte, pop_band_sex)
        self.male_share = male_share_age
        self.settings = settings
        logq = np.log(np.vstack([self.tables[y] for y in self.years]))
        k = max(1, int(settings["basisjaren"]))
        self.base_years = self.years[-k:]
        self.base_logq = logq[-k:].mean(axis=0)
        self.base_mid = float(np.mean(self.base_years))
        self.improve = improvement_profile(settings)
        self.improve_source = "vast"
        if settings["verbetering"] == "trend" and len(self.years) >= int(settings["min_jaren_trend"]):
            t = np.array(self.years, float)
            slope = np.polyfit(t - t.mean(), logq, 1)[0]            # per age
            kern = np.ones(5) / 5
            r = np.convolve(np.r_[-slope[:2], -slope, -slope[-2:]], kern, mode="valid")
            self.improve = np.clip(r, 0.0, float(settings["max_verbetering"]))
            self.improve_source = "trend"
        elif settings["verbetering"] == "geen":
            self.improve = np.zeros(NA)
            self.improve_source = "geen"
        self._cache: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def q_both(self, year: int) -> np.ndarray:
        if year in self.tables:
            return self.tables[year]
        if year < self.years[0]:   # before the first table: back-cast with the same yearly decline
            return np.clip(self.tables[self.years[0]] * np.exp(self.improve * (self.years[0] - year)), 0.0, 0.95)
        if year <= self.years[-1]:       # a gap inside the table: nearest earlier year
            return self.tables[max(y for y in self.years if y <= year)]
        return np.clip(np.exp(self.base_logq - self.improve * (year - self.base_mid)), 0.0, 0.95)

    def get(self, year: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(q2 (2,NA), S (2,NA), Sb (2,)) for calendar year ``year``."""
        if year not in self._cache:
            q2 = split_sex(self.q_both(year), self.ratio, self.male_share)
            S, Sb = survival(q2)
            self._cache[year] = (q2, S, Sb)
        return self._cache[year]
