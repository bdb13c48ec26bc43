"""The region's likely range (laag–hoog) of a total, read from ``run.bands``: the 10th and 90th
percentile of the **regional total per draw** (:func:`woonzorg_lib.groups.region_bands`; CONTRACTS
"Variants"), never the sum of the gemeenten's or the groups' own percentiles, which overstates the
range because their low ends do not fall in the same draw."""

from __future__ import annotations

import pandas as pd

NAN = float("nan")


def task_measure(soort: str) -> str:
    """The maat that holds a group's task: opgave (stand) or toewijzing (stroom)."""
    return "toewijzing" if soort == "stroom" else "opgave"


def region_range(run, *, niveau: str, maat: str, jaar: int, soort: str = "", eenheid: str = "", groep: str = "",
                 woningtype: str = "") -> tuple[float, float]:
    """(laag, hoog) of one regional total; (nan, nan) when the run has no such total."""
    rows = _band_rows(run.bands).get((niveau, maat, int(jaar)), ())
    want = [(i, val) for i, val in enumerate((soort, eenheid, groep, woningtype)) if val]
    hit = [r for r in rows if all(r[i] == val for i, val in want)]
    if len(hit) != 1:
        return NAN, NAN
    return float(hit[0][4]), float(hit[0][5])


_ROWS: dict = {}  # id of the bands table → (the table, its rows per (niveau, maat, jaar))
_FILTER = ("soort", "eenheid", "groep", "woningtype")


def _band_rows(b: pd.DataFrame) -> dict:
    """The bands' rows as (soort, eenheid, groep, woningtype, laag, hoog) per (niveau, maat, jaar),
    in table order, split once per table: a chapter asks for a range per row of its tables."""
    hit = _ROWS.get(id(b))
    if hit is not None and hit[0] is b:
        return hit[1]
    cols = [b[c].tolist() if c in b.columns else [NAN] * len(b) for c in _FILTER + ("laag", "hoog")]
    out: dict = {}
    for key, row in zip(zip(b["niveau"].tolist(), b["maat"].tolist(), b["jaar"].tolist()), zip(*cols)):
        out.setdefault(key, []).append(row)
    _ROWS.clear()  # one run's table at a time
    _ROWS[id(b)] = (b, out)
    return out


def task_range(run, *, niveau: str, soort: str, jaar: int, eenheid: str = "", groep: str = "",
               woningtype: str = "") -> tuple[float, float]:
    """:func:`region_range` of the task (opgave or toewijzing, by ``soort``)."""
    return region_range(run, niveau=niveau, maat=task_measure(soort), jaar=jaar, soort=soort, eenheid=eenheid,
                        groep=groep, woningtype=woningtype)


def with_region_ranges(df: pd.DataFrame, run, *, niveau: str, jaar: int, lo: str = "opgave_laag",
                       hi: str = "opgave_hoog") -> pd.DataFrame:
    """``df`` (one row per groep[, woningtype] with ``soort`` and ``eenheid``) with ``lo``/``hi``
    replaced by the regional range of its task."""
    out = df.copy()
    pairs = [task_range(run, niveau=niveau, soort=r["soort"], jaar=jaar, eenheid=r["eenheid"], groep=r["groep"],
                        woningtype=r["woningtype"] if niveau == "woningtype" else "")
             for _, r in out.iterrows()]
    out[lo] = [p[0] for p in pairs]
    out[hi] = [p[1] for p in pairs]
    return out
