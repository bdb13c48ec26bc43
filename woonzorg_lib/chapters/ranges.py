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
    b = run.bands
    sel = (b["niveau"] == niveau) & (b["maat"] == maat) & (b["jaar"] == int(jaar))
    for col, val in (("soort", soort), ("eenheid", eenheid), ("groep", groep), ("woningtype", woningtype)):
        if val:
            sel &= b[col] == val
    hit = b[sel]
    if len(hit) != 1:
        return NAN, NAN
    return float(hit["laag"].iloc[0]), float(hit["hoog"].iloc[0])


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
