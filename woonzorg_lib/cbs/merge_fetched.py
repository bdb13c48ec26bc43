"""Merge the files of ``data/raw/fetched/`` (written by `woonzorg data fetch`) into the processed tables.

Called by ``woonzorg_lib.dataset.build`` after the snapshot tables are built. Every fetched row
*replaces* a snapshot row with the same key and otherwise is *added*:

* ``population_5y.csv``  -> ``bevolking_5j`` with kwaliteit ``exact`` (so the demography engine uses the
  exact bands instead of its estimate; the 2021 approximation of a gemeente is replaced as well);
* ``population_totals.csv`` -> ``bevolking_totaal``; ``population_margins.csv`` -> ``bevolking_marges``;
* ``households.csv`` / ``housing_stock.csv`` / ``groups.csv`` -> ``huishoudens`` / ``woningvoorraad`` /
  ``groepen``; ``deaths_by_age_sex.csv`` / ``births_by_mother_age.csv`` / ``national_life_table.csv`` ->
  ``sterfte`` / ``geboorten`` / ``levenstafel``;
* ``prognosis_totals.csv`` -> ``prognose_pbl`` (only kept by the build once that table has a schema).

Files are read with the same checks as the snapshot (errors name the fetched file, column and row).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .. import csvio
from ..errors import InputError


def _known(fdir: Path) -> set[str]:
    f = fdir.parent / "gemeenten_nl_2024_2025.csv"
    if not f.exists():
        return set()
    return set(pd.read_csv(f, usecols=["gemeentecode"], dtype=str)["gemeentecode"])


def _key_index(df: pd.DataFrame, key: list[str]) -> pd.MultiIndex:
    arrays = []
    for k in key:
        s = df[k]
        if pd.api.types.is_numeric_dtype(s):
            arrays.append(pd.to_numeric(s, errors="coerce").astype("float64").round(6).fillna(-1e18).to_numpy())
        else:
            arrays.append(s.astype(object).where(s.notna(), "\0").astype(str).to_numpy())
    return pd.MultiIndex.from_arrays(arrays)


def _replace(base: pd.DataFrame | None, new: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """Rows of ``new`` replace rows of ``base`` with the same key; other base rows stay."""
    if base is None or len(base) == 0:
        return new.reset_index(drop=True)
    new = new[[c for c in base.columns if c in new.columns]]
    drop = _key_index(base, key).isin(_key_index(new, key))
    return pd.concat([base[~drop], new], ignore_index=True)


def _band(label: str) -> tuple[float, float]:
    label = str(label)
    if label == "totaal":
        return np.nan, np.nan
    if label.endswith("+"):
        return int(label[:-1]), np.nan
    if "-" in label:
        lo, hi = label.split("-")
        return int(lo), float(hi)
    return int(label), float(label)


def _population(fdir: Path, tables: dict, known: set[str]) -> None:
    f5 = fdir / "population_5y.csv"
    if f5.exists():
        p = csvio.read_csv_checked(f5, ["gemeentecode", "jaar", "geslacht", "leeftijd", "waarde", "kwaliteit", "bron"],
                                   numeric=["jaar", "waarde"], nonneg=["waarde"], integer=["jaar", "waarde"],
                                   notnull=["gemeentecode", "jaar", "geslacht", "leeftijd", "waarde"])
        csvio.check_codes(p, f5, "gemeentecode", known)
        csvio.check_years(p, f5)
        csvio.check_unique(p, f5, ["gemeentecode", "jaar", "geslacht", "leeftijd"])
        bad = ~p["geslacht"].isin(["totaal", "man", "vrouw"])
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(f"onbekend geslacht '{p['geslacht'].iloc[i]}'", file=f5, column="geslacht",
                             row=int(p["_regel"].iloc[i]))
        # consistency: bands sum to the total of their sex
        bands = p[p["leeftijd"] != "totaal"]
        tot = p[p["leeftijd"] == "totaal"].set_index(["gemeentecode", "jaar", "geslacht"])["waarde"]
        sums = bands.groupby(["gemeentecode", "jaar", "geslacht"])["waarde"].sum()
        both = pd.concat([sums.rename("som"), tot.rename("tot")], axis=1, join="inner")
        off = (both["som"] - both["tot"]).abs() > 0.5
        if off.any():
            code, jaar, sex = off[off].index[0]
            row = int(p[(p["gemeentecode"] == code) & (p["jaar"] == jaar) & (p["geslacht"] == sex)
                        & (p["leeftijd"] == "totaal")]["_regel"].iloc[0])
            raise InputError(f"klassen van {code} {int(jaar)} ({sex}) tellen op tot {both.loc[off[off].index[0], 'som']:.0f}"
                             f", totaal is {both.loc[off[off].index[0], 'tot']:.0f}", file=f5, column="waarde", row=row)
        lohi = bands["leeftijd"].map(_band)
        b5 = pd.DataFrame({
            "gemeentecode": bands["gemeentecode"], "jaar": bands["jaar"].astype("int64"), "geslacht": bands["geslacht"],
            "leeftijd_van": [int(a) for a, _ in lohi], "leeftijd_tot": [b for _, b in lohi],
            "waarde": bands["waarde"].astype(float), "kwaliteit": "exact", "schaalfactor": 1.0, "bron": bands["bron"]})
        tables["bevolking_5j"] = _replace(tables.get("bevolking_5j"), b5,
                                          ["gemeentecode", "jaar", "geslacht", "leeftijd_van"])
    ft = fdir / "population_totals.csv"
    if ft.exists():
        t = csvio.read_csv_checked(ft, ["gemeentecode", "jaar", "waarde", "bron"], numeric=["jaar", "waarde"],
                                   nonneg=["waarde"], integer=["jaar", "waarde"],
                                   notnull=["gemeentecode", "jaar", "waarde"])
        csvio.check_codes(t, ft, "gemeentecode", known)
        csvio.check_years(t, ft)
        csvio.check_unique(t, ft, ["gemeentecode", "jaar"])
        tot = pd.DataFrame({"gemeentecode": t["gemeentecode"], "jaar": t["jaar"].astype("int64"),
                            "waarde": t["waarde"].astype("int64"), "bron": t["bron"], "kwaliteit": "exact"})
        tables["bevolking_totaal"] = _replace(tables.get("bevolking_totaal"), tot, ["gemeentecode", "jaar"])
    fm = fdir / "population_margins.csv"
    if fm.exists():
        m = csvio.read_csv_checked(fm, ["gemeentecode", "jaar", "geslacht", "leeftijdsgroep", "leeftijd_van",
                                        "leeftijd_tot_incl", "waarde", "bron_tabel", "afgeleid"],
                                   numeric=["jaar", "waarde", "leeftijd_van", "leeftijd_tot_incl"], nonneg=["waarde"],
                                   integer=["jaar"], notnull=["gemeentecode", "jaar", "leeftijdsgroep", "waarde"])
        csvio.check_codes(m, fm, "gemeentecode", known)
        csvio.check_unique(m, fm, ["gemeentecode", "jaar", "geslacht", "leeftijdsgroep"])
        m = m[m["leeftijdsgroep"] != "totaal"]
        # the data layer labels 85383NED margins 'CBS 85383NED' (status in the raw file's bron_tabel)
        bron = m["bron_tabel"].str.replace(r"\s*\(StatusCijfer=[^)]*\)", "", regex=True)
        marg = pd.DataFrame({"gemeentecode": m["gemeentecode"], "jaar": m["jaar"].astype("int64"),
                             "geslacht": m["geslacht"].fillna("totaal"), "leeftijd_van": m["leeftijd_van"].astype("int64"),
                             "leeftijd_tot": m["leeftijd_tot_incl"].astype(float), "waarde": m["waarde"].astype(float),
                             "bron": bron, "afgeleid": m["afgeleid"].str.strip().str.lower().eq("ja"),
                             "status": np.where(m["bron_tabel"].str.contains("Voorlopig"), "voorlopig", "definitief")})
        tables["bevolking_marges"] = _replace(tables.get("bevolking_marges"), marg,
                                              ["gemeentecode", "jaar", "geslacht", "leeftijd_van", "leeftijd_tot", "bron"])


def _long(fdir: Path, tables: dict, known: set[str], fname: str, table: str, extra: list[str], key: list[str]) -> None:
    f = fdir / fname
    if not f.exists():
        return
    df = csvio.read_csv_checked(f, ["gemeentecode", "jaar", *extra, "waarde", "bron_tabel"], numeric=["jaar", "waarde"],
                                integer=["jaar"], notnull=["gemeentecode", "jaar", "waarde"])
    csvio.check_codes(df, f, "gemeentecode", known)
    csvio.check_years(df, f)
    csvio.check_unique(df, f, key)
    if table != "woningvoorraad":
        neg = df["waarde"] < 0
        if neg.any():
            i = int(np.flatnonzero(neg.to_numpy())[0])
            raise InputError(f"negatief aantal ({df['waarde'].iloc[i]:g})", file=f, column="waarde",
                             row=int(df["_regel"].iloc[i]))
    out = df[["gemeentecode", "jaar", *extra, "waarde", "bron_tabel"]].rename(columns={"bron_tabel": "bron"})
    out["jaar"] = out["jaar"].astype("int64")
    tables[table] = _replace(tables.get(table), out, key)


def _sterfte(fdir: Path, tables: dict, known: set[str]) -> None:
    f = fdir / "deaths_by_age_sex.csv"
    if not f.exists():
        return
    df = csvio.read_csv_checked(f, ["gemeentecode", "jaar", "geslacht", "leeftijd", "waarde", "bron_tabel"],
                                numeric=["jaar", "waarde"], nonneg=["waarde"], integer=["jaar"],
                                notnull=["gemeentecode", "jaar", "geslacht", "leeftijd", "waarde"])
    csvio.check_codes(df, f, "gemeentecode", known)
    csvio.check_years(df, f)
    csvio.check_unique(df, f, ["gemeentecode", "jaar", "geslacht", "leeftijd"])
    lohi = df["leeftijd"].map(_band)
    out = pd.DataFrame({"gemeentecode": df["gemeentecode"], "jaar": df["jaar"].astype("int64"),
                        "geslacht": df["geslacht"], "leeftijd_van": [a for a, _ in lohi],
                        "leeftijd_tot": [b for _, b in lohi], "waarde": df["waarde"], "bron": df["bron_tabel"]})
    out["leeftijd_van"] = out["leeftijd_van"].astype("Int64")
    tables["sterfte"] = _replace(tables.get("sterfte"), out, ["gemeentecode", "jaar", "geslacht", "leeftijd_van"])


def _levenstafel(fdir: Path, tables: dict) -> None:
    f = fdir / "national_life_table.csv"
    if not f.exists():
        return
    cols = ["gebied", "jaar", "geslacht", "leeftijd", "sterftekans_qx", "levenden_tafelbevolking",
            "overledenen_tafelbevolking", "levensverwachting", "bron_tabel"]
    num = cols[1:2] + cols[3:8]
    df = csvio.read_csv_checked(f, cols, numeric=num, nonneg=num, integer=["jaar", "leeftijd"], notnull=num)
    csvio.check_years(df, f)
    csvio.check_unique(df, f, ["jaar", "geslacht", "leeftijd"])
    bad = df["sterftekans_qx"] > 1
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError("sterftekans groter dan 1", file=f, column="sterftekans_qx", row=int(df["_regel"].iloc[i]))
    df = df[df["geslacht"] == "totaal"]
    out = pd.DataFrame({"jaar": df["jaar"].astype("int64"), "leeftijd": df["leeftijd"].astype("int64"),
                        "qx": df["sterftekans_qx"], "lx": df["levenden_tafelbevolking"],
                        "dx": df["overledenen_tafelbevolking"], "ex": df["levensverwachting"], "bron": df["bron_tabel"]})
    tables["levenstafel"] = _replace(tables.get("levenstafel"), out, ["jaar", "leeftijd"])


def _prognose(fdir: Path, tables: dict, known: set[str]) -> None:
    f = fdir / "prognosis_totals.csv"
    if not f.exists():
        return
    df = csvio.read_csv_checked(f, ["gemeentecode", "jaar", "interval", "waarde", "waarde_x1000", "bron_tabel"],
                                numeric=["jaar", "waarde", "waarde_x1000"], nonneg=["waarde"], integer=["jaar"],
                                notnull=["gemeentecode", "jaar", "interval", "waarde"])
    csvio.check_codes(df, f, "gemeentecode", known)
    csvio.check_unique(df, f, ["gemeentecode", "jaar", "interval"])
    out = pd.DataFrame({"gemeentecode": df["gemeentecode"], "jaar": df["jaar"].astype("int64"),
                        "interval": df["interval"], "waarde": df["waarde"].astype("int64"), "bron": df["bron_tabel"]})
    tables["prognose_pbl"] = _replace(tables.get("prognose_pbl"), out, ["gemeentecode", "jaar", "interval"])


def apply(fdir: Path, tables: dict[str, pd.DataFrame]) -> None:
    """Extend/replace ``tables`` (processed, before validation) with the fetched files in ``fdir``."""
    fdir = Path(fdir)
    known = _known(fdir)
    _population(fdir, tables, known)
    _long(fdir, tables, known, "households.csv", "huishoudens", ["peildatum", "variabele"],
          ["gemeentecode", "jaar", "variabele"])
    _long(fdir, tables, known, "housing_stock.csv", "woningvoorraad", ["peildatum", "variabele"],
          ["gemeentecode", "jaar", "variabele"])
    _long(fdir, tables, known, "groups.csv", "groepen", ["peildatum", "variabele", "eenheid"],
          ["gemeentecode", "jaar", "peildatum", "variabele"])
    _sterfte(fdir, tables, known)
    _long(fdir, tables, known, "births_by_mother_age.csv", "geboorten", ["variabele"],
          ["gemeentecode", "jaar", "variabele"])
    _levenstafel(fdir, tables)
    _prognose(fdir, tables, known)
