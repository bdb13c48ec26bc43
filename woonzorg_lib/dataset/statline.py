"""Read the CBS StatLine files in data/raw as obtained (no figure edited before this point).

* ``cbs/<TABLE>.csv.gz``: OData v3 TypedDataSets as dumped by github.com/dertje/cbs_datasets:
  ``;``-separated UTF-8 (sometimes with a BOM), dimension keys replaced by their titles, measure
  columns with their real OData keys. Text fields are padded with spaces.
* ``pc4_2021/*.csv.gz``: CBS 83502NED (PC4 x 5-year band x sex, 1-1-2021) as converted by certegis.
* ``kwb/``: Kerncijfers wijken en buurten 2019 (CSV) and 2024 (JSON).

Every reader raises :class:`InputError` naming the file (and column/row where it can).
"""

from __future__ import annotations

import difflib
import gzip
import io
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..csvio import check_unique
from ..errors import InputError

# the 20 five-year bands of the PC4 tables, in column order
BAND_LO = tuple(range(0, 100, 5))


def read_dump(path: Path, required: list[str] | tuple[str, ...] = ()) -> pd.DataFrame:
    """A StatLine dump as strings (stripped); numeric conversion is left to the caller.

    Checks that name the file, the column and the line (header = line 1): readable gzip, UTF-8,
    not empty, ``;``-separated, every row as wide as the header, the required columns (with a
    suggestion for a near miss), no repeated dimension key and no missing year inside a region's
    series."""
    path = Path(path)
    if not path.exists():
        raise InputError("bestand ontbreekt", file=path)
    try:
        raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    except (OSError, EOFError) as exc:
        raise InputError(f"niet te lezen als gzip: {exc}", file=path, row=1) from exc
    raw = raw.removeprefix(b"\xef\xbb\xbf")   # a BOM is allowed (and positions count without it)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _encoding_error(path, raw, exc) from exc
    if not text.strip():
        raise InputError("bestand is leeg", file=path, row=1)
    header = text.split("\n", 1)[0].rstrip("\r")
    if ";" not in header and "," in header:
        raise InputError("scheidingsteken is ',' maar een StatLine-dump is ';'-gescheiden", file=path,
                         column=header[:40], row=1)
    try:
        df = pd.read_csv(io.StringIO(text), sep=";", dtype=str, keep_default_na=False, na_values=[""])
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        m = re.search(r"line (\d+)", str(exc))
        cols = header.split(";")
        raise InputError(f"CSV niet eenduidig te lezen: meer velden dan de {len(cols)} kolommen van de kop "
                         f"({str(exc).strip()})", file=path, column=cols[-1].strip(),
                         row=int(m.group(1)) if m else None) from exc
    for c in df.columns:
        df[c] = df[c].str.strip()
    missing = [c for c in required if c not in df.columns]
    if missing:
        close = difflib.get_close_matches(missing[0], list(df.columns), n=1)
        hint = f" (bedoelt u '{close[0]}'? die kolom heet anders)" if close else ""
        raise InputError(f"verplichte kolom ontbreekt{hint}", file=path, column=missing[0], row=1)
    df["_regel"] = np.arange(2, len(df) + 2)
    dims = [c for c in df.columns if c not in ("ID", "_regel") and not _MEASURE.search(c)]
    if dims:
        check_unique(df[dims + ["_regel"]].fillna(""), path, dims)
        _check_year_gaps(df, path, dims)
    return df


_MEASURE = re.compile(r"_\d+$")   # OData measure keys end in _<number>; dimension keys do not


def _encoding_error(path: Path, raw: bytes, exc: UnicodeDecodeError) -> InputError:
    """Name the line and the column of the first byte that is not UTF-8."""
    line_start = raw.rfind(b"\n", 0, exc.start) + 1
    line = raw[:exc.start].count(b"\n") + 1
    field = raw[line_start:exc.start].count(b";")
    header = raw.split(b"\n", 1)[0].decode("utf-8", errors="replace").rstrip("\r").split(";")
    column = header[field].strip() if field < len(header) else None
    return InputError(f"geen geldige UTF-8 (byte {exc.start}, waarde 0x{raw[exc.start]:02x})", file=path,
                      column=column, row=line)


def _check_year_gaps(df: pd.DataFrame, path: Path, dims: list[str]) -> None:
    """A region's yearly series (Perioden per RegioS and every other dimension) has no hole."""
    if "RegioS" not in dims or "Perioden" not in dims:
        return
    year = pd.to_numeric(df["Perioden"].str[:4], errors="coerce")
    if year.isna().any():
        i = int(np.flatnonzero(year.isna().to_numpy())[0])
        raise InputError(f"onbekende periode '{df['Perioden'].iloc[i]}'", file=path, column="Perioden",
                         row=int(df["_regel"].iloc[i]))
    group = [c for c in dims if c != "Perioden"]
    d = df[group + ["_regel"]].assign(_jaar=year.astype(int))
    d = d.sort_values(group + ["_jaar", "_regel"], kind="mergesort").drop_duplicates(group + ["_jaar"])
    same = (d[group].shift() == d[group]).all(axis=1)
    step = d["_jaar"].diff()
    gap = same & (step > 1)
    if gap.any():
        r = d[gap.to_numpy()].iloc[0]
        prev = int(r["_jaar"] - step[gap].iloc[0])
        missing = ", ".join(str(y) for y in range(prev + 1, int(r["_jaar"])))
        raise InputError(f"jaar {missing} ontbreekt in de reeks van {r['RegioS']} (na {prev}, voor {int(r['_jaar'])})",
                         file=path, column="Perioden", row=int(r["_regel"]))


def numeric(df: pd.DataFrame, path: Path, columns: list[str], signed: list[str] | tuple[str, ...] = ()) -> pd.DataFrame:
    """Convert measure columns to float; a non-number (also 'NaN' or 'inf' as text) or a negative
    count (any column not in ``signed``) names file, column and row."""
    for col in columns:
        s = df[col]
        conv = pd.to_numeric(s, errors="coerce")
        bad = (s.notna() & conv.isna()) | np.isinf(conv)
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(f"geen getal: '{s.iloc[i]}'", file=path, column=col, row=int(df["_regel"].iloc[i]))
        if col not in signed:
            neg = conv < 0
            if neg.any():
                i = int(np.flatnonzero(neg.to_numpy())[0])
                raise InputError(f"negatief aantal ({conv.iloc[i]:g})", file=path, column=col,
                                 row=int(df["_regel"].iloc[i]))
        df[col] = conv.astype("float64")
    return df


_BAND_COL = re.compile(r"^k_(\d+)(Tot\d+Jaar|JaarOfOuder)_(\d+)$")


def read_pc4_table(path: Path) -> dict[str, pd.DataFrame]:
    """A 'Bevolking per viercijferige postcode op 1 januari' table (1998-2013).

    Returns ``{"pc4": …, "totaal": …, "overig": …}``, each with columns ``sleutel`` (PC4 or
    gemeente name), ``gemcode`` (that year's CBS gemeentecode, int), ``gemnaam`` and the 60 values
    ``v_{sex}_{band}`` (sex 0 = man, 1 = vrouw; band 0..19) plus ``totaal``, ``man``, ``vrouw``.
    """
    df = read_dump(path, ["PostcodesOp1Januari"])
    cols = list(df.columns)
    i0 = cols.index("PostcodesOp1Januari") + 1
    measures = cols[i0: i0 + 63]
    expect = ["TotaalMannenEnVrouwen", "TotaalMannen", "TotaalVrouwen"]
    heads = [measures[0], measures[21], measures[42]]
    for h, e in zip(heads, expect):
        if not h.startswith(e):
            raise InputError(f"onverwachte kolomvolgorde (verwacht {e}…)", file=path, column=h, row=1)
    for block in (0, 21, 42):
        for k, c in enumerate(measures[block + 1: block + 21]):
            m = _BAND_COL.match(c)
            if not m or int(m.group(1)) != BAND_LO[k]:
                raise InputError("onverwachte leeftijdsklasse", file=path, column=c, row=1)
    code_col = next((c for c in cols if c.startswith("Gemeentecode_")), None)
    name_col = next((c for c in cols if c.startswith("Gemeentenaam_")), None)
    if code_col is None or name_col is None:
        raise InputError("kolom Gemeentecode_/Gemeentenaam_ ontbreekt", file=path, row=1)
    numeric(df, path, measures + [code_col])
    key = df["PostcodesOp1Januari"].fillna("")
    kind = np.where(key.str.fullmatch(r"\d{4}"), "pc4",
                    np.where(key.str.startswith("Totaal "), "totaal",
                             np.where(key.str.match(r"^Overige? "), "overig", "anders")))
    if (kind == "anders").any():
        i = int(np.flatnonzero(kind == "anders")[0])
        raise InputError(f"onbekende rij '{key.iloc[i]}'", file=path, column="PostcodesOp1Januari",
                         row=int(df["_regel"].iloc[i]))
    if df[code_col].isna().any():
        i = int(np.flatnonzero(df[code_col].isna().to_numpy())[0])
        raise InputError("gemeentecode ontbreekt", file=path, column=code_col, row=int(df["_regel"].iloc[i]))
    vals = df[measures].fillna(0.0).to_numpy(float)
    out = {}
    for k in ("pc4", "totaal", "overig"):
        sel = kind == k
        sub = pd.DataFrame({"sleutel": key[sel].str.replace(r"^(Totaal|Overige postcodes|Overig) ", "", regex=True).to_numpy(),
                            "gemcode": df.loc[sel, code_col].astype(int).to_numpy(),
                            "gemnaam": df.loc[sel, name_col].fillna("").to_numpy(),
                            "_regel": df.loc[sel, "_regel"].to_numpy()})
        v = vals[sel]
        sub["totaal"], sub["man"], sub["vrouw"] = v[:, 0], v[:, 21], v[:, 42]
        for s, block in ((0, 22), (1, 43)):
            for b in range(20):
                sub[f"v_{s}_{b}"] = v[:, block + b]
        out[k] = sub
    # within-row consistency: bands sum to totals; men + women = total
    for k, sub in out.items():
        m = sub[[f"v_0_{b}" for b in range(20)]].sum(axis=1)
        w = sub[[f"v_1_{b}" for b in range(20)]].sum(axis=1)
        bad = ((m - sub["man"]).abs() > 0.5) | ((w - sub["vrouw"]).abs() > 0.5) | \
              ((sub["man"] + sub["vrouw"] - sub["totaal"]).abs() > 0.5)
        if k == "totaal" and bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(f"klassen/geslachten tellen niet op tot het totaal voor {sub['sleutel'].iloc[i]}",
                             file=path, row=int(sub["_regel"].iloc[i]))
    return out


def _plain_csv(path: Path, required: tuple[str, ...], counts: tuple[str, ...], dtype: dict) -> pd.DataFrame:
    """A plain comma-separated file as obtained: required columns, counts numeric and ≥ 0 (empty =
    suppressed), ``postcode`` a whole number; errors name file, column and line (header = line 1)."""
    try:
        df = pd.read_csv(path, dtype={**dtype, "postcode": str, **{c: str for c in counts}})
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"niet te lezen als CSV: {exc}", file=path, row=1) from exc
    for c in required:
        if c not in df.columns:
            raise InputError("verplichte kolom ontbreekt", file=path, column=c, row=1)
    df["_regel"] = np.arange(len(df)) + 2
    numeric(df, path, ["postcode", *counts])
    pc = df["postcode"]
    bad = pc.isna() | (pc != pc.round()) | (pc < 0)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError("postcode is geen geheel getal", file=path, column="postcode", row=int(df["_regel"].iloc[i]))
    return df


def _no_duplicates(df: pd.DataFrame, path: Path, keys: list[str], column: str) -> None:
    dup = df.duplicated(keys, keep="first")
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        first = df[(df[keys] == df[keys].iloc[i]).all(axis=1)]["_regel"].iloc[0]
        raise InputError(f"dubbele sleutel ({', '.join(keys)}); ook op regel {int(first)}", file=path, column=column,
                         row=int(df["_regel"].iloc[i]))


def read_pc4_2021(postcodes: Path, bands: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(PC4 -> 2021 gemeente name, PC4 x band x sex counts) from the certegis conversion of 83502NED.
    Checked: required columns, counts numeric and not negative, whole postcodes, one row per PC4
    (and per PC4 × age band), known age bands; an error names file, column and line."""
    pc = _plain_csv(postcodes, ("postcode", "inwoners", "gemeente"), ("inwoners",), {"gemeente": str})
    pc = pc[pc["postcode"] >= 1000].copy()          # 2- and 3-digit aggregate rows first
    pc["pc4"] = pc["postcode"].astype(int)
    _no_duplicates(pc, postcodes, ["pc4"], "postcode")
    b = _plain_csv(bands, ("postcode", "leeftijd", "inwoners_man", "inwoners_vrouw"),
                   ("inwoners_man", "inwoners_vrouw"), {"leeftijd": str})
    b = b[b["postcode"] >= 1000].copy()
    b["pc4"] = b["postcode"].astype(int)
    lo = pd.to_numeric(b["leeftijd"].str.extract(r"^(\d+)")[0], errors="coerce")
    unknown = ~lo.isin(BAND_LO)
    if unknown.any():
        i = int(np.flatnonzero(unknown.to_numpy())[0])
        raise InputError(f"onbekende leeftijdsklasse '{b['leeftijd'].iloc[i]}'", file=bands, column="leeftijd",
                         row=int(b["_regel"].iloc[i]))
    b["band"] = (lo.astype(int) // 5).astype(int)
    _no_duplicates(b, bands, ["pc4", "leeftijd"], "leeftijd")
    return pc[["pc4", "gemeente", "inwoners"]].reset_index(drop=True), b[["pc4", "band", "inwoners_man",
                                                                           "inwoners_vrouw"]].reset_index(drop=True)


def read_kwb_2024(path: Path) -> pd.DataFrame:
    """KWB 2024 (85984NED) gemeente rows: inwoners, mannen, vrouwen, woningvoorraad."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"geen geldige JSON: {exc}", file=path) from exc
    if not isinstance(data, dict):
        raise InputError("verwacht een object met een record per regiocode", file=path, row=1)
    rows = []
    fields = {"inwoners": "AantalInwoners_5", "man": "Mannen_6", "vrouw": "Vrouwen_7",
              "woningvoorraad": "Woningvoorraad_35"}
    for code, rec in sorted(data.items()):
        if not code.startswith("GM"):
            continue
        row = {"gemeentecode": code}
        for name, key in fields.items():
            v = rec.get(key) if isinstance(rec, dict) else None
            if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float)) or v != v
                                  or v in (float("inf"), float("-inf")) or v < 0):
                raise InputError(f"geen aantal ≥ 0: {v!r}", file=path, column=key, row=code)
            row[name] = v
        rows.append(row)
    return pd.DataFrame(rows)
