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
    out = np.full((G, len(years)), np.nan)
    k = int(settings["trendjaren"])
    phi = float(settings["demping"])
    for gi, c in enumerate(codes):
        if c not in obs.index:
            continue
        row = obs.loc[c].dropna()
        yrs = [int(y) for y in row.index if int(y) in pop_hist.columns and not np.isnan(pop_hist.loc[c, int(y)])]
        if not yrs:
            continue
        yrs = yrs[-k:]
        r = np.array([pop_hist.loc[c, y] / row[y] for y in yrs])
        y_last = yrs[-1]
        g = np.polyfit(np.array(yrs, float), np.log(r), 1)[0] if len(yrs) >= 3 else 0.0
        for j, t in enumerate(years):
            n = int(t) - y_last
            if n <= 0:
                steps = float(n)          # before the last observation: undamped trend
            else:
                steps = sum(phi ** m for m in range(1, n + 1))
            out[gi, j] = r[-1] * np.exp(g * steps)
    return out
