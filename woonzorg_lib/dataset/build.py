"""Build data/processed from data/raw: read, check, tidy, validate, then write all-or-nothing."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from .. import paths, provenance
from ..errors import InputError
from . import rawio
from .schema import TABLES, Table

MANIFEST = "_manifest.json"



def _gemeenten(raw: Path, ctx: dict) -> pd.DataFrame:
    f = raw / "gemeenten_nl_2024_2025.csv"
    df = rawio.read_csv_checked(f, ["gemeentecode", "gemeentenaam", "provincie", "corop",
                                    "centrumgemeente_bw_mo_2024", "inwoners_2024_01_01", "inwoners_2025_01_01"],
                                numeric=["inwoners_2024_01_01", "inwoners_2025_01_01"],
                                nonneg=["inwoners_2024_01_01", "inwoners_2025_01_01"],
                                notnull=["gemeentecode", "gemeentenaam"])
    bad = ~df["gemeentecode"].str.match(r"^GM\d{4}$")
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(f"ongeldige gemeentecode '{df['gemeentecode'].iloc[i]}'", file=f, column="gemeentecode",
                         row=i + 2)
    rawio.check_unique(df, f, ["gemeentecode"])
    ctx["known"] = set(df["gemeentecode"])
    out = pd.DataFrame({
        "gemeentecode": df["gemeentecode"], "gemeentenaam": df["gemeentenaam"], "provincie": df["provincie"],
        "corop": df["corop"], "centrumgemeente_bw_mo": df["centrumgemeente_bw_mo_2024"],
        "inwoners_2024": df["inwoners_2024_01_01"].astype("int64"),
        "inwoners_2025": df["inwoners_2025_01_01"].astype("int64"),
    })
    return out


def _population_sources(raw: Path, ctx: dict, gemeenten: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Population tables for all 342 gemeenten from the CBS files as obtained (see national.py)."""
    from . import national

    src = gemeenten.rename(columns={"inwoners_2025": "inwoners_2025_01_01"})
    pop, rmap = national.population(raw, src)
    ctx["regionmap"] = rmap
    totals, b5 = pop["bevolking_totaal"], pop["bevolking_5j"]
    ctx["snapshot_codes"] = set(totals["gemeentecode"])
    marg = national.margins(raw, src, rmap)
    marg = pd.concat([marg, national.gemeentefonds_60039(raw, rmap, totals)], ignore_index=True)
    marg["jaar"] = marg["jaar"].astype("int64")
    marg["leeftijd_van"] = marg["leeftijd_van"].astype("int64")
    return {"bevolking_totaal": totals, "bevolking_5j": b5, "bevolking_marges": marg,
            "herindelingen": pd.DataFrame(rmap.rows)}


def _replace_sources(ref: pd.DataFrame, new: pd.DataFrame, tables: tuple[str, ...]) -> pd.DataFrame:
    """Reference-extract rows for what the CBS files lack, plus the rows built from the CBS files."""
    keep = ref[~ref["bron"].isin(tables)]
    return pd.concat([keep, new], ignore_index=True)


def _long(raw: Path, ctx: dict, fname: str, *, extra: list[str], key: list[str], nonneg: bool = True,
          nullable_value: bool = False, rename: dict | None = None, nonneg_except: tuple = ()) -> pd.DataFrame:
    f = raw / fname
    req = ["gemeentecode", "jaar", *extra, "waarde", "bron_tabel"]
    df = rawio.read_csv_checked(f, req, numeric=["jaar", "waarde"], integer=["jaar"],
                                notnull=["gemeentecode", "jaar"] + ([] if nullable_value else ["waarde"]))
    rawio.check_codes(df, f, "gemeentecode", ctx["known"])
    rawio.check_years(df, f)
    if nonneg:
        check = df[~df["variabele"].isin(nonneg_except)] if "variabele" in df else df
        neg = check["waarde"] < 0
        if neg.any():
            i = int(np.flatnonzero(neg.to_numpy())[0])
            raise InputError(f"negatief aantal ({check['waarde'].iloc[i]:g})", file=f, column="waarde",
                             row=int(check["_regel"].iloc[i]))
    rawio.check_unique(df, f, key)
    out = df[["gemeentecode", "jaar", *extra, "waarde", "bron_tabel"]].rename(columns={"bron_tabel": "bron", **(rename or {})})
    out["jaar"] = out["jaar"].astype("int64")
    return out


def _zorgwoonruimten(raw: Path, ctx: dict) -> pd.DataFrame:
    f = raw / "zorgwoonruimten_regional.csv"
    df = rawio.read_csv_checked(f, ["regiocode", "regionaam", "jaar", "type_zorgwoonruimte", "zorgwoonruimten",
                                    "bron_tabel"], numeric=["jaar", "zorgwoonruimten"], nonneg=["zorgwoonruimten"],
                                integer=["jaar"], notnull=["regiocode", "jaar", "type_zorgwoonruimte"])
    rawio.check_years(df, f)
    rawio.check_unique(df, f, ["regiocode", "jaar", "type_zorgwoonruimte"])
    df = df[df["zorgwoonruimten"].notna()]
    out = df[["regiocode", "regionaam", "jaar", "type_zorgwoonruimte", "zorgwoonruimten", "bron_tabel"]].rename(
        columns={"zorgwoonruimten": "waarde", "bron_tabel": "bron"})
    out["jaar"] = out["jaar"].astype("int64")
    return out


def _levenstafel(raw: Path, ctx: dict) -> pd.DataFrame:
    f = raw / "national_life_table.csv"
    cols = ["gebied", "jaar", "geslacht", "leeftijd", "sterftekans_qx", "levenden_tafelbevolking",
            "overledenen_tafelbevolking", "levensverwachting", "bron_tabel"]
    num = cols[1:2] + cols[3:8]
    df = rawio.read_csv_checked(f, cols, numeric=num, nonneg=num, integer=["jaar", "leeftijd"], notnull=num)
    rawio.check_years(df, f)
    bad = df["sterftekans_qx"] > 1
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError("sterftekans groter dan 1", file=f, column="sterftekans_qx", row=i + 2)
    rawio.check_unique(df, f, ["jaar", "geslacht", "leeftijd"])
    df = df[df["geslacht"] == "totaal"]
    out = pd.DataFrame({"jaar": df["jaar"].astype("int64"), "leeftijd": df["leeftijd"].astype("int64"),
                        "qx": df["sterftekans_qx"], "lx": df["levenden_tafelbevolking"],
                        "dx": df["overledenen_tafelbevolking"], "ex": df["levensverwachting"], "bron": df["bron_tabel"]})
    return out


def _sterfte(raw: Path, ctx: dict) -> pd.DataFrame:
    f = raw / "deaths_by_age_sex.csv"
    df = rawio.read_csv_checked(f, ["gemeentecode", "jaar", "geslacht", "leeftijd", "waarde", "bron_tabel"],
                                numeric=["jaar", "waarde"], nonneg=["waarde"], integer=["jaar"],
                                notnull=["gemeentecode", "jaar", "geslacht", "leeftijd", "waarde"])
    rawio.check_codes(df, f, "gemeentecode", ctx["known"])
    rawio.check_years(df, f)
    rawio.check_unique(df, f, ["gemeentecode", "jaar", "geslacht", "leeftijd"])

    def band(lbl: str):
        lbl = str(lbl)
        if lbl == "totaal":
            return (np.nan, np.nan)
        if lbl.endswith("+"):
            return (int(lbl[:-1]), np.nan)
        if "-" in lbl:
            lo, hi = lbl.split("-")
            return (int(lo), float(hi))
        return (int(lbl), float(lbl))

    lohi = df["leeftijd"].map(band)
    out = pd.DataFrame({"gemeentecode": df["gemeentecode"], "jaar": df["jaar"].astype("int64"),
                        "geslacht": df["geslacht"], "leeftijd_van": [a for a, _ in lohi],
                        "leeftijd_tot": [b for _, b in lohi], "waarde": df["waarde"], "bron": df["bron_tabel"]})
    out["leeftijd_van"] = out["leeftijd_van"].astype("Int64")
    return out


def _fetched_overrides(raw: Path, tables: dict[str, pd.DataFrame]) -> None:
    """Tables fetched by `woonzorg data fetch` (data/raw/fetched/) extend or replace the snapshot:
    exact 5-year bands replace estimates; totals for new gemeenten are added."""
    fdir = raw / "fetched"
    if not fdir.exists():
        return
    from ..cbs import merge_fetched  # local import: optional component
    merge_fetched.apply(fdir, tables)


def validate_table(spec: Table, df: pd.DataFrame, known: set[str]) -> pd.DataFrame:
    """Check the output against its schema; returns the frame with columns in schema order, sorted by key."""
    where = f"data/processed/{spec.name}.csv"
    missing = [c for c in spec.column_names if c not in df.columns]
    if missing:
        raise InputError(f"interne fout: kolom ontbreekt in {spec.name}", file=where, column=missing[0])
    df = df[spec.column_names].copy()
    for col in spec.columns:
        s = df[col.name]
        if not col.nullable and s.isna().any():
            i = int(np.flatnonzero(s.isna().to_numpy())[0])
            raise InputError("lege waarde in verplichte kolom", file=where, column=col.name, row=i + 2)
        if col.dtype == "int":
            df[col.name] = s.astype("Int64") if col.nullable else s.astype("int64")
        elif col.dtype == "float":
            df[col.name] = s.astype("float64")
        elif col.dtype == "bool":
            df[col.name] = s.astype(bool)
        else:
            df[col.name] = s.astype(object).where(s.notna(), None)
        if col.nonneg and col.dtype in ("int", "float"):
            neg = df[col.name].fillna(0) < 0
            if neg.any():
                i = int(np.flatnonzero(neg.to_numpy())[0])
                raise InputError("negatieve waarde", file=where, column=col.name, row=i + 2)
    if spec.code_column:
        codes = df[spec.code_column].astype(str)
        ok = codes.str[:2].isin(spec.code_prefixes) & (~codes.str.startswith("GM") | codes.isin(known))
        if not ok.all():
            i = int(np.flatnonzero((~ok).to_numpy())[0])
            raise InputError(f"onbekende code '{codes.iloc[i]}'", file=where, column=spec.code_column, row=i + 2)
    if spec.year_column:
        y = df[spec.year_column]
        if ((y < 1990) | (y > 2100)).any():
            raise InputError("onwaarschijnlijk jaar", file=where, column=spec.year_column)
    df = df.sort_values(list(spec.key), kind="mergesort", na_position="first").reset_index(drop=True)
    dup = df.duplicated(subset=list(spec.key))
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise InputError(f"dubbele sleutel {tuple(df.loc[i, list(spec.key)])}", file=where,
                         column="+".join(spec.key), row=i + 2)
    return df


def build_tables(raw: Path | None = None, ctx: dict | None = None) -> dict[str, pd.DataFrame]:
    """Read and validate all raw inputs and return the processed tables (nothing is written)."""
    raw = raw or paths.raw_dir()
    ctx = {} if ctx is None else ctx
    tables: dict[str, pd.DataFrame] = {}
    g = _gemeenten(raw, ctx)
    tables.update(_population_sources(raw, ctx, g))
    from . import national

    rmap = ctx["regionmap"]
    tables["huishoudens"] = _replace_sources(
        _long(raw, ctx, "households_institutions.csv", extra=["peildatum", "variabele"],
              key=["gemeentecode", "jaar", "variabele"]),
        national.households(raw, rmap), ("86063NED",))
    tables["woningvoorraad"] = _replace_sources(
        _long(raw, ctx, "housing_stock.csv", extra=["peildatum", "variabele"],
              key=["gemeentecode", "jaar", "variabele"], nonneg_except=("saldo_voorraad",)),
        national.housing(raw, rmap), ("82900NED", "84903NED", "86054NED"))
    grp = _long(raw, ctx, "groups.csv", extra=["peildatum", "variabele", "eenheid"],
                key=["gemeentecode", "jaar", "peildatum", "variabele"])
    # uitwonende studenten for every gemeente the reference extract lacks (85383NED, as obtained)
    stu = national.students(raw, g)
    have = set(grp.loc[grp["variabele"] == "uitwonende_studenten", "gemeentecode"])
    stu = stu[~stu["gemeentecode"].isin(have)]
    if len(stu):
        grp = pd.concat([grp, stu[[c for c in grp.columns if c in stu.columns]]], ignore_index=True)
        grp = grp.sort_values(["gemeentecode", "jaar", "peildatum", "variabele"], kind="mergesort").reset_index(drop=True)
    tables["groepen"] = grp
    tables["wmo_wlz"] = _long(raw, ctx, "wmo_wlz_gebruik_2017_2023.csv", extra=["variabele", "persoonskenmerk"],
                              key=["gemeentecode", "jaar", "variabele", "persoonskenmerk"], nullable_value=True)
    tables["wmo_uitgaven"] = _long(raw, ctx, "wmo_uitgaven_verblijf_opvang_2017_2023.csv", extra=["variabele"],
                                   key=["gemeentecode", "jaar", "variabele"], nullable_value=True, nonneg=False)
    tables["zorgwoonruimten"] = _zorgwoonruimten(raw, ctx)
    tables["levenstafel"] = _levenstafel(raw, ctx)
    tables["sterfte"] = _sterfte(raw, ctx)
    tables["geboorten"] = _long(raw, ctx, "births_by_mother_age.csv", extra=["variabele"],
                                key=["gemeentecode", "jaar", "variabele"])
    geo, tables["centroiden"] = national.boundaries(raw, ctx["known"])
    ctx["geojson"] = geo
    tables["prognose_pbl"] = pd.DataFrame({c: pd.Series(dtype=object) for c in TABLES["prognose_pbl"].column_names})
    _fetched_overrides(raw, tables)
    g["in_snapshot"] = g["gemeentecode"].isin(set(tables["bevolking_totaal"]["gemeentecode"]))
    tables["gemeenten"] = g
    known = ctx["known"]
    return {name: validate_table(TABLES[name], tables[name], known) for name in TABLES}


def _csv_bytes(df: pd.DataFrame) -> bytes:
    return df.to_csv(index=False, lineterminator="\n", float_format="%.10g").encode("utf-8")


def build_all(raw: Path | None = None, out: Path | None = None) -> dict:
    """Build every processed table. Verifies raw checksums first; writes nothing unless all is valid."""
    raw = raw or paths.raw_dir()
    out = out or paths.processed_dir()
    problems = provenance.verify(raw)
    if problems:
        from ..errors import ProvenanceError
        raise ProvenanceError("; ".join(problems))
    ctx: dict = {}
    tables = build_tables(raw, ctx)
    blobs = {f"{name}.csv": _csv_bytes(df) for name, df in tables.items()}
    blobs["gemeenten.geojson"] = ctx["geojson"]
    manifest = {
        "raw_fingerprint": provenance.data_fingerprint(raw),
        "tables": {name: {"rows": int(len(df)), "sha256": hashlib.sha256(blobs[f"{name}.csv"]).hexdigest()}
                   for name, df in sorted(tables.items())},
    }
    blobs[MANIFEST] = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    out.mkdir(parents=True, exist_ok=True)
    # stage everything, then swap file by file (each swap is atomic; manifest last)
    stage = Path(tempfile.mkdtemp(prefix=".processed-", dir=out.parent))
    try:
        for name, data in blobs.items():
            (stage / name).write_bytes(data)
        for name in sorted(blobs, key=lambda n: n == MANIFEST):
            os.replace(stage / name, out / name)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return manifest
