"""Housing-led variant: population follows a planned construction programme.

User CSV (comma or semicolon separated, decimal point or comma), one row per gemeente and year:

    gemeentecode,jaar,woningen
    GM0344,2024,3500
    GM0344,2025,3800

``woningen`` = net addition to the dwelling stock during calendar year ``jaar`` (new
construction minus demolition). The total population of such a gemeente on 1 January t becomes

    P(t) = D(t) x rho(t),  D(t) = D(as_of) + sum of woningen of the years as_of .. t-1,
    rho(t) = rho(as_of) x r(t) / r(as_of)

with D(as_of) the dwelling stock on 1 January of the as-of year (the last visible stock carried
forward with its trend when the as-of year itself is not visible), rho = persons per dwelling and
r the projected persons per private household (households.py): occupancy follows the
household-size trend. After the last programme year the population follows the growth of the
trend variant. Net migration balances (it is the residual); the age structure follows the
cohort-component model. laag/hoog apply the same relative bands around this total.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InputError

REQUIRED = ("gemeentecode", "jaar", "woningen")





def _columns():
    from ..groups.usercsv import Column

    return (Column("gemeentecode", pattern=r"GM\d{4}", case="upper",
                   pattern_hint=": verwacht een CBS-gemeentecode zoals GM0344"),
            Column("jaar", kind="int"),
            Column("woningen", kind="number"),
            Column("gemeentenaam", required=False),
            Column("opmerking", required=False))


def read_programme(src, *, known_codes: set[str] | None = None) -> pd.DataFrame:
    """Validated programme: DataFrame (gemeentecode, jaar, woningen) from a path or a DataFrame.

    Files are read with the project's strict user-CSV reader (comma or semicolon, decimal point or
    comma, ambiguous numbers refused; every error names file, column and row)."""
    if isinstance(src, pd.DataFrame):
        df = src.copy()
        fname = "<bouwprogramma>"
        for c in REQUIRED:
            if c not in df.columns:
                raise InputError(f"verplichte kolom ontbreekt (nodig: {', '.join(REQUIRED)})", file=fname, column=c,
                                 row=1)
        df = df[list(REQUIRED)].reset_index(drop=True)
        df["regel"] = np.arange(len(df)) + 2
        for i, (c, j, w) in enumerate(zip(df["gemeentecode"], df["jaar"], df["woningen"])):
            if not (isinstance(c, str) and len(c) == 6 and c.startswith("GM") and c[2:].isdigit()):
                raise InputError(f"'{c}' is geen gemeentecode (vorm GM0000)", file=fname, column="gemeentecode",
                                 row=i + 2)
            if known_codes is not None and c not in known_codes:
                raise InputError(f"{c} heeft geen bevolkingsgegevens in de snapshot", file=fname,
                                 column="gemeentecode", row=i + 2)
            try:
                float(w)
                int(j)
            except (TypeError, ValueError):
                raise InputError(f"ongeldige regel ({j}, {w})", file=fname, column="woningen", row=i + 2) from None
        df["jaar"] = df["jaar"].astype(int)
        df["woningen"] = df["woningen"].astype(float)
        dup = df.duplicated(["gemeentecode", "jaar"])
        if dup.any():
            i = int(np.flatnonzero(dup.to_numpy())[0])
            raise InputError("dubbele sleutel (gemeentecode, jaar)", file=fname, column="jaar", row=i + 2)
    else:
        from ..groups.usercsv import read_user_csv

        fname = str(src)
        df = read_user_csv(src, _columns(), key=("gemeentecode", "jaar"), known_gemeenten=known_codes)
    bad = ~df["jaar"].between(1900, 2200)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(f"'{df['jaar'].iloc[i]}' is geen plausibel jaartal", file=fname, column="jaar",
                         row=int(df["regel"].iloc[i]))
    if not np.isfinite(df["woningen"].to_numpy(float)).all():
        i = int(np.flatnonzero(~np.isfinite(df["woningen"].to_numpy(float)))[0])
        raise InputError("ongeldige waarde", file=fname, column="woningen", row=int(df["regel"].iloc[i]))
    return df[["gemeentecode", "jaar", "woningen"]].sort_values(["gemeentecode", "jaar"]).reset_index(drop=True)


def stock_at(woningvoorraad: pd.DataFrame, code: str, as_of: int) -> float | None:
    w = woningvoorraad[(woningvoorraad["gemeentecode"] == code)
                       & (woningvoorraad["variabele"] == "woningvoorraad_totaal")]
    if w.empty:
        return None
    s = w.set_index(w["jaar"].astype(int))["waarde"].astype(float).sort_index()
    if as_of in s.index:
        return float(s.loc[as_of])
    last = s.index.max()
    tail = s[s.index >= last - 5]
    slope = np.polyfit(tail.index.to_numpy(float), tail.to_numpy(), 1)[0] if len(tail) >= 2 else 0.0
    return float(s.loc[last] + slope * (as_of - last))


def targets(prog: pd.DataFrame, codes: list[str], woningvoorraad: pd.DataFrame, as_of: int, until: int,
            base_pop: np.ndarray, trend_mid: np.ndarray, size: np.ndarray) -> dict[int, np.ndarray]:
    """{gemeente index: (H+1,) midden totals} for the gemeenten in the programme.

    ``base_pop`` (G,) population on 1-1-as_of; ``trend_mid`` (H+1, G) trend totals; ``size``
    (G, H+1) persons per private household (NaN = unknown: occupancy held constant)."""
    out: dict[int, np.ndarray] = {}
    H = until - as_of
    for code, g in prog.groupby("gemeentecode"):
        if code not in codes:
            continue
        gi = codes.index(code)
        d0 = stock_at(woningvoorraad, code, as_of)
        if d0 is None or d0 <= 0:
            raise InputError(f"geen woningvoorraad van {code} zichtbaar op 1-1-{as_of}", column="gemeentecode")
        add = dict(zip(g["jaar"].astype(int), g["woningen"].astype(float)))
        last_prog = max(add)
        rho0 = base_pop[gi] / d0
        rel = size[gi] / size[gi, 0] if not np.isnan(size[gi]).any() else np.ones(H + 1)
        tv = np.empty(H + 1)
        D = d0
        for k in range(H + 1):
            t = as_of + k
            if k > 0:
                D += add.get(t - 1, 0.0)
            if t <= last_prog + 1:
                tv[k] = D * rho0 * rel[k]
            else:
                tv[k] = tv[k - 1] * trend_mid[k, gi] / max(trend_mid[k - 1, gi], 1e-9)
        if (tv < 0).any():
            raise InputError(f"bouwprogramma van {code} leidt tot een negatieve woningvoorraad", column="woningen")
        out[gi] = tv
    return out
