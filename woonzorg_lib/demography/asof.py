"""As-of discipline: ONE filter decides what every model may see.

``visible(name, df, as_of)`` keeps only the rows of a processed table that were *known on
1 January of* ``as_of``. Every table the demography engine reads passes through it (in
:func:`load_inputs`) before any model sees it, so data dated later cannot change a result.

When is an observation known?

* stocks on 1 January of year Y (population totals, bands, margins, 1-January household and
  housing counts): known on 1 January Y, visible when Y <= as_of;
* the 2021 approximate bands (a stock on 1-1-2021): visible only when as_of >= 2021;
* calendar-year statistics of year Y (life table, births, deaths, new construction): known on
  1 January Y+1, visible when Y <= as_of - 1;
* stocks on 31 December of Y (e.g. ``particuliere_huishoudens_31dec``): count as 1 January Y+1;
* gemeentefonds maatstaven for "uitkeringsjaar Y": known on 1 January Y (the septembercirculaire
  of Y-1 sets the uitkering for Y with these values; the snapshot holds the final values, so later
  corrections within Y are a small, stated leak — like CBS revisions of any published figure);
* rows whose reference date cannot be read from ``peildatum`` (e.g. KWB rows with mixed reference
  dates): treated conservatively as known on 1 January ``jaar + 1``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

# tables whose rows are stocks on 1 January of `jaar` (zorgwoonruimten: CBS 85150NED, stand 1 januari)
STOCK_TABLES = {"bevolking_totaal", "bevolking_5j", "bevolking_marges", "zorgwoonruimten"}
# tables whose rows are calendar-year statistics of `jaar`
FLOW_TABLES = {"levenstafel", "sterfte", "geboorten"}
# tables with a `peildatum` column that says what the row refers to
DATED_TABLES = {"huishoudens", "woningvoorraad", "groepen"}
# every table the engine reads
ENGINE_TABLES = ("bevolking_totaal", "bevolking_5j", "bevolking_marges", "levenstafel", "sterfte",
                 "geboorten", "huishoudens", "woningvoorraad")

_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_UITKERINGSJAAR = re.compile(r"^\s*uitkeringsjaar (\d{4})\s*$")


def _known_year_of(p) -> int | None:
    """The year a ``peildatum`` makes a row known on 1 January of; None = unreadable (-> jaar + 1)."""
    dates = _ISO.findall(str(p)) if p is not None else []
    uj = _UITKERINGSJAAR.search(str(p)) if p is not None else None
    if uj and not dates:
        return int(uj.group(1))                          # gemeentefonds: set in the circulaires of Y-1
    if dates:
        yy, mm, dd = (int(v) for v in dates[-1])        # the period end for "a/b" periods
        return yy if (mm, dd) == (1, 1) else yy + 1
    return None


def _known_year_from_peildatum(peildatum: pd.Series, jaar: pd.Series) -> np.ndarray:
    """Per row; each distinct ``peildatum`` is read once (a table has a few dozen)."""
    fallback = jaar.astype(int).to_numpy(np.int64) + 1     # unknown reference date: conservative
    values = peildatum.astype(object).to_numpy()
    code, uniq = pd.factorize(values, use_na_sentinel=False)
    per = np.array([-1 if (k := _known_year_of(p)) is None else k for p in uniq] + [-1], dtype=np.int64)
    known = per[code]
    return np.where(known >= 0, known, fallback)


def known_from(name: str, df: pd.DataFrame) -> np.ndarray:
    """The year on whose 1 January each row of table ``name`` becomes known."""
    if name in STOCK_TABLES:
        return df["jaar"].to_numpy(dtype=np.int64)
    if name in FLOW_TABLES:
        return df["jaar"].to_numpy(dtype=np.int64) + 1
    if name in DATED_TABLES:
        return _known_year_from_peildatum(df["peildatum"], df["jaar"])
    raise KeyError(f"as-of-regel onbekend voor tabel '{name}'")


def visible(name: str, df: pd.DataFrame, as_of: int) -> pd.DataFrame:
    """THE as-of filter: the rows of ``df`` (processed table ``name``) known on 1 January ``as_of``."""
    keep = known_from(name, df) <= int(as_of)
    return df.loc[keep].reset_index(drop=True)


def _raw_sex_totals() -> pd.DataFrame:
    """All-ages men/women totals (KWB 2019 for every snapshot gemeente, KWB 2024 for part of them).

    The processed ``bevolking_marges`` table leaves out rows with age 'totaal', and with them the
    only post-2013 sex split. Until the data layer carries them (as margins with leeftijd_van 0 and
    an open leeftijd_tot), they are read here from the sealed raw file with the same checks.
    """
    from .. import paths
    from ..dataset import rawio

    f = paths.raw_dir() / "population_age_groups.csv"
    if not f.exists():
        return pd.DataFrame()
    a = rawio.read_csv_checked(f, ["gemeentecode", "jaar", "geslacht", "leeftijd", "waarde", "bron"],
                               numeric=["jaar", "waarde"], nonneg=["waarde"], integer=["jaar"],
                               notnull=["gemeentecode", "jaar", "geslacht", "leeftijd", "waarde"])
    a = a[(a["leeftijd"] == "totaal") & a["geslacht"].isin(["man", "vrouw"])
          & ~a["bron"].str.contains("60039fvw", regex=False)]
    return pd.DataFrame({
        "gemeentecode": a["gemeentecode"].astype(object), "jaar": a["jaar"].astype("int64"),
        "geslacht": a["geslacht"].astype(object), "leeftijd_van": np.zeros(len(a), dtype="int64"),
        "leeftijd_tot": np.nan, "waarde": a["waarde"].astype(float), "bron": a["bron"].astype(object),
        "afgeleid": False, "status": "kwb"})


def raw_tables() -> dict[str, pd.DataFrame]:
    """The processed tables the engine uses (unfiltered), plus the raw sex totals (see above)."""
    from ..dataset import load

    tables = {name: load.table(name) for name in ENGINE_TABLES}
    m = tables["bevolking_marges"]
    has_sex_totals = ((m["leeftijd_van"] == 0) & m["leeftijd_tot"].isna()
                      & m["geslacht"].isin(["man", "vrouw"])).any()
    if not has_sex_totals:
        extra = _raw_sex_totals()
        if len(extra):
            tables["bevolking_marges"] = pd.concat([m, extra], ignore_index=True)
    return tables


def load_inputs(as_of: int, tables: dict[str, pd.DataFrame] | None = None) -> dict[str, pd.DataFrame]:
    """Every engine table, passed through :func:`visible` for ``as_of``.

    ``tables`` (name -> DataFrame with the processed schema) replaces the snapshot, e.g. for
    synthetic tests; missing names are read from the snapshot.
    """
    src = dict(tables) if tables is not None else {}
    if any(n not in src for n in ENGINE_TABLES):
        base = raw_tables() if tables is None else {}
        for n in ENGINE_TABLES:
            if n not in src:
                src[n] = base[n] if n in base else _empty(n)
    return {n: visible(n, src[n], as_of) for n in ENGINE_TABLES}


def _empty(name: str) -> pd.DataFrame:
    from ..dataset.schema import TABLES

    return pd.DataFrame({c: pd.Series(dtype=object) for c in TABLES[name].column_names})
