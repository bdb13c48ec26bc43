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

import io
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError

REQUIRED = ("gemeentecode", "jaar", "woningen")


def read_programme(src, *, known_codes: set[str] | None = None) -> pd.DataFrame:
    """Validated programme: DataFrame (gemeentecode, jaar, woningen) from a path or a DataFrame."""
    if isinstance(src, pd.DataFrame):
        df = src.copy()
        fname = "<bouwprogramma>"
        for c in df.columns:
            df[c] = df[c].astype(str)
    else:
        p = Path(src)
        fname = str(p)
        if not p.exists():
            raise InputError("bestand bestaat niet", file=p)
        raw = p.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(f"geen UTF-8 (byte {exc.start})", file=p,
                             row=raw[: exc.start].count(b"\n") + 1) from exc
        if not text.strip():
            raise InputError("bestand is leeg", file=p, row=1)
        header = text.splitlines()[0]
        sep = ";" if header.count(";") > header.count(",") else ","
        try:
            df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
        except pd.errors.ParserError as exc:
            raise InputError(f"CSV niet eenduidig te lezen ({exc})", file=p) from exc
        df.columns = [c.strip().lower() for c in df.columns]
    for c in REQUIRED:
        if c not in df.columns:
            raise InputError(f"verplichte kolom ontbreekt (nodig: {', '.join(REQUIRED)})", file=fname, column=c, row=1)
    if len(df) == 0:
        raise InputError("geen gegevensregels", file=fname, row=2)
    out = {"gemeentecode": [], "jaar": [], "woningen": []}
    for i, (c, j, w) in enumerate(zip(df["gemeentecode"], df["jaar"], df["woningen"])):
        row = i + 2
        c = str(c).strip()
        if not (len(c) == 6 and c.startswith("GM") and c[2:].isdigit()):
            raise InputError(f"'{c}' is geen gemeentecode (vorm GM0000)", file=fname, column="gemeentecode", row=row)
        if known_codes is not None and c not in known_codes:
            raise InputError(f"{c} heeft geen bevolkingsgegevens in de snapshot", file=fname,
                             column="gemeentecode", row=row)
        js = str(j).strip()
        if not js.isdigit() or not (1900 < int(js) < 2200):
            raise InputError(f"'{js}' is geen jaartal", file=fname, column="jaar", row=row)
        ws = str(w).strip().replace(" ", "")
        if sep_is_decimal_comma(ws):
            ws = ws.replace(".", "").replace(",", ".")
        try:
            v = float(ws)
        except ValueError:
            raise InputError(f"geen getal: '{w}'", file=fname, column="woningen", row=row) from None
        if not np.isfinite(v):
            raise InputError(f"ongeldige waarde '{w}'", file=fname, column="woningen", row=row)
        out["gemeentecode"].append(c)
        out["jaar"].append(int(js))
        out["woningen"].append(v)
    res = pd.DataFrame(out)
    dup = res.duplicated(["gemeentecode", "jaar"], keep="first")
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise InputError(f"{res['gemeentecode'].iloc[i]} {res['jaar'].iloc[i]} staat twee keer in het bestand",
                         file=fname, column="jaar", row=i + 2)
    return res.sort_values(["gemeentecode", "jaar"]).reset_index(drop=True)


def sep_is_decimal_comma(s: str) -> bool:
    """'1.234,5' or '12,5' (Dutch Excel) -> True; '1234.5' -> False; '1,234.5' is refused later."""
    if "," not in s:
        return False
    if "." in s:
        return s.rfind(",") > s.rfind(".")
    return True


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
