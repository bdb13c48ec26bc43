"""Reading raw CSV files with checks that name the file, the column and the row.

Row numbers are spreadsheet lines: the header is line 1, the first data row line 2.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import InputError


def read_csv_checked(path: Path, required: list[str], *, numeric: list[str] = (), nonneg: list[str] = (),
                     integer: list[str] = (), notnull: list[str] = ()) -> pd.DataFrame:
    """Read a comma-separated UTF-8 CSV as strings, then check and convert columns."""
    path = Path(path)
    if not path.exists():
        raise InputError("bestand ontbreekt", file=path)
    if path.stat().st_size == 0:
        raise InputError("bestand is leeg", file=path, row=1)
    try:
        raw_bytes = path.read_bytes()
        raw_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw_bytes[: exc.start].count(b"\n") + 1
        raise InputError(f"geen geldige UTF-8 (byte {exc.start})", file=path, row=line) from exc
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
    except pd.errors.ParserError as exc:
        msg = str(exc)
        line = None
        import re
        m = re.search(r"line (\d+)", msg)
        if m:
            line = int(m.group(1))
        raise InputError(f"CSV niet eenduidig te lezen ({msg.strip()})", file=path, row=line) from exc
    except pd.errors.EmptyDataError as exc:
        raise InputError("bestand is leeg", file=path, row=1) from exc
    if df.shape[1] == 1 and len(required) > 1 and ";" in df.columns[0]:
        raise InputError("scheidingsteken is ';' maar dit bestand moet kommagescheiden zijn", file=path,
                         column=df.columns[0][:40], row=1)
    cols = list(df.columns)
    for col in required:
        if col not in cols:
            close = difflib.get_close_matches(col, cols, n=1)
            hint = f" (bedoelt u '{close[0]}'? die kolom heet anders)" if close else ""
            raise InputError(f"verplichte kolom ontbreekt{hint}", file=path, column=col, row=1)
    if len(df) == 0:
        raise InputError("bestand heeft geen gegevensregels", file=path, row=2)
    for col in notnull:
        bad = df[col].isna()
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError("lege waarde", file=path, column=col, row=i + 2)
    for col in numeric:
        s = df[col]
        conv = pd.to_numeric(s, errors="coerce")
        bad = s.notna() & conv.isna()
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(f"geen getal: '{s.iloc[i]}'", file=path, column=col, row=i + 2)
        nan_text = s.notna() & s.str.strip().str.lower().isin(["nan", "inf", "-inf"])
        if nan_text.any():
            i = int(np.flatnonzero(nan_text.to_numpy())[0])
            raise InputError(f"ongeldige waarde '{s.iloc[i]}'", file=path, column=col, row=i + 2)
        df[col] = conv.astype("float64")
    for col in nonneg:
        bad = df[col] < 0
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(f"negatief aantal ({df[col].iloc[i]:g})", file=path, column=col, row=i + 2)
    for col in integer:
        v = df[col]
        bad = v.notna() & (v != np.round(v))
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(f"geen geheel getal ({v.iloc[i]})", file=path, column=col, row=i + 2)
    df["_regel"] = np.arange(2, len(df) + 2)
    return df


def check_codes(df: pd.DataFrame, path: Path, column: str, known: set[str], allowed_prefixes=("NL",)) -> None:
    codes = df[column]
    bad = ~codes.isin(known) & ~codes.str[:2].isin(allowed_prefixes)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        unknown = sorted(set(codes[bad]))
        raise InputError(f"onbekende gemeentecode(s): {', '.join(unknown[:10])}", file=path, column=column,
                         row=int(df["_regel"].iloc[i]))


def check_unique(df: pd.DataFrame, path: Path, key: list[str]) -> None:
    dup = df.duplicated(subset=key, keep="first")
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        row = df.iloc[i]
        first = df[(df[key] == row[key]).all(axis=1)]["_regel"].iloc[0]
        desc = ", ".join(f"{k}={row[k]}" for k in key)
        raise InputError(f"dubbele sleutel ({desc}); eerder op regel {first}", file=path, column="+".join(key),
                         row=int(row["_regel"]))


def check_years(df: pd.DataFrame, path: Path, column: str = "jaar", lo: int = 1990, hi: int = 2100) -> None:
    y = df[column]
    bad = y.isna() | (y < lo) | (y > hi)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(f"onwaarschijnlijk jaar '{y.iloc[i]}' (verwacht {lo}-{hi})", file=path, column=column,
                         row=int(df["_regel"].iloc[i]))
