"""National fertility: TFR x age pattern of births by age of the mother (CBS 37201).

ASFR of age group k in year t is proportional to births_k(t) / W_k, with W_k the women in group k
(pooled population of the gemeenten in the run; the national population by age is not in the
snapshot), and scaled so that 5 x sum ASFR = TFR(t). Groups: <20 (taken as 15-19), 20-24, ...,
40-44, 45+ (taken as 45-49); within a group the rate is flat. Years before the first visible year
use the first; the projection holds the mean TFR of the last ``tfr_jaren`` visible years and the
mean age pattern of the last ``patroon_jaren``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .ages import NA

GROUPS = [("moeder_jonger_dan_20", 15, 19), ("moeder_20_24", 20, 24), ("moeder_25_29", 25, 29),
          ("moeder_30_34", 30, 34), ("moeder_35_39", 35, 39), ("moeder_40_44", 40, 44),
          ("moeder_45_plus", 45, 49)]
DEFAULT_BOYS = 0.5125


class Fertility:
    def __init__(self, geboorten: pd.DataFrame, women_age: np.ndarray, settings: dict,
                 fallback: pd.DataFrame | None = None):
        nl = geboorten[geboorten["gemeentecode"] == "NL01"]
        self.stand_in = False
        if nl.empty and fallback is not None:
            f = fallback[fallback["gemeentecode"] == "NL01"]
            if not f.empty:
                nl = f[f["jaar"] == f["jaar"].min()]
                self.stand_in = True
        if nl.empty:
            raise ValueError("geen geboortecijfers van Nederland zichtbaar")
        w = nl.pivot_table(index="jaar", columns="variabele", values="waarde", aggfunc="first")
        self.years = sorted(int(y) for y in w.index)
        W = np.array([women_age[lo:hi + 1].sum() for _, lo, hi in GROUPS])
        self.asfr: dict[int, np.ndarray] = {}
        for y in self.years:
            row = w.loc[y]
            b = np.array([float(row.get(v, np.nan)) for v, _, _ in GROUPS])
            tfr = float(row.get("gemiddeld_kindertal_per_vrouw", np.nan))
            if np.isnan(b).any() or np.isnan(tfr):
                continue
            rate = np.where(W > 0, b / np.maximum(W, 1e-9), 0.0)
            rate = rate / (5 * rate.sum()) * tfr
            a = np.zeros(NA)
            for (v, lo, hi), r in zip(GROUPS, rate):
                a[lo:hi + 1] = r
            self.asfr[y] = a
        if not self.asfr:
            raise ValueError("geboortecijfers naar leeftijd moeder onvolledig")
        self.years = sorted(self.asfr)
        if {"jongens", "levend_geborenen"} <= set(w.columns) and w["levend_geborenen"].sum() > 0:
            self.boys = float(w["jongens"].sum() / w["levend_geborenen"].sum())
        else:
            self.boys = DEFAULT_BOYS
        kt = max(1, int(settings["tfr_jaren"]))
        kp = max(1, int(settings["patroon_jaren"]))
        tfrs = {y: self.asfr[y].sum() for y in self.years}
        tfr_proj = float(np.mean([tfrs[y] for y in self.years[-kt:]]))
        pat = np.mean([self.asfr[y] / self.asfr[y].sum() for y in self.years[-kp:]], axis=0)
        self.proj = pat * tfr_proj  # ASFR per single age; sums to the TFR
        self.tfr_proj = tfr_proj

    def rates(self, year: int) -> np.ndarray:
        if year in self.asfr:
            return self.asfr[year]
        if year < self.years[0]:
            return self.asfr[self.years[0]]
        if year <= self.years[-1]:
            return self.asfr[max(y for y in self.years if y <= year)]
        return self.proj


def exposure(women: np.ndarray) -> np.ndarray:
    """Women-years at each age during a calendar year from the 1-January stock (..., NA):
    half at the age they have on 1 January, half one year older."""
    e = 0.5 * women
    e[..., 1:] += 0.5 * women[..., :-1]
    return e
