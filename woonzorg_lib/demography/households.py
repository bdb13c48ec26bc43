"""Private households from the projected population and a damped trend of household size.

Headship rates by age are not in the snapshot, so households follow the *persons per private
household* r(t) = population / private households (the numerator includes the few people in
institutions; their share is taken as constant):

    H(t) = P(t) / r(t),  r(t) = r(y) * exp(g * (phi + phi^2 + ... + phi^(t-y)))

with y the last visible household year, g the log-linear slope of r over the last
``trendjaren`` visible years and phi = ``demping`` (the decline of household size slows down).
Ageing enters only through the trend, not through age-specific headship: a known simplification
(see docs/demografie.md).

Observations (after the as-of filter): ``particuliere_huishoudens_31dec`` of year Y counts as
1 January Y+1 (86063NED, all gemeenten 2015-2022); where that is missing, 1-January
``particuliere_huishoudens`` (71486ned, part of the gemeenten). Gemeenten without any visible
household count get no rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def observed(huishoudens: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """1-January private households per gemeente and year (wide: index code, columns year)."""
    h = huishoudens[huishoudens["gemeentecode"].isin(codes)]
    a = h[h["variabele"] == "particuliere_huishoudens_31dec"][["gemeentecode", "jaar", "waarde"]].copy()
    a["jaar"] = a["jaar"].astype(int) + 1
    b = h[h["variabele"] == "particuliere_huishoudens"][["gemeentecode", "jaar", "waarde"]].copy()
    b["jaar"] = b["jaar"].astype(int)
    both = pd.concat([a.assign(p=0), b.assign(p=1)]).sort_values(["gemeentecode", "jaar", "p"])
    both = both.drop_duplicates(["gemeentecode", "jaar"], keep="first")
    return both.pivot(index="gemeentecode", columns="jaar", values="waarde")


def size_path(obs: pd.DataFrame, pop_hist: pd.DataFrame, codes: list[str], years: np.ndarray,
              settings: dict) -> np.ndarray:
    """(G, len(years)) persons per private household; NaN where a gemeente has no observation."""
    G = len(codes)
    k = int(settings["trendjaren"])
    phi = float(settings["demping"])
    cols = sorted(set(int(c) for c in obs.columns) & set(int(c) for c in pop_hist.columns))
    out = np.full((G, len(years)), np.nan)
    if not cols:
        return out
    H = obs.reindex(index=codes, columns=cols).to_numpy(float)
    Pp = pop_hist.reindex(index=codes, columns=cols).to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        R = np.log(Pp / H)
    ok = np.isfinite(R)
    yr = np.array(cols, float)
    has = ok.any(axis=1)
    last_i = np.where(has, ok.shape[1] - 1 - np.argmax(ok[:, ::-1], axis=1), 0)
    y_last = yr[last_i]
    w = ok & (yr[None, :] > (y_last[:, None] - k))          # the last k years up to the last observation
    n = w.sum(axis=1)
    xm = np.where(n > 0, (w * yr).sum(axis=1) / np.maximum(n, 1), 0)
    Rz = np.where(w, R, 0.0)
    ym = np.where(n > 0, Rz.sum(axis=1) / np.maximum(n, 1), 0)
    sxx = (w * (yr[None, :] - xm[:, None]) ** 2).sum(axis=1)
    sxy = (w * (yr[None, :] - xm[:, None]) * (Rz - ym[:, None])).sum(axis=1)
    g = np.where((n >= 3) & (sxx > 0), sxy / np.where(sxx > 0, sxx, 1.0), 0.0)
    r_last = np.exp(R[np.arange(G), last_i])
    for j, t in enumerate(years):
        steps_n = int(t) - y_last
        damped = np.array([sum(phi ** m for m in range(1, int(s) + 1)) if s > 0 else float(s) for s in steps_n])
        out[:, j] = np.where(has, r_last * np.exp(g * damped), np.nan)
    return out
