"""The tasks a verdeling shares out, and the columns of the ``woonzorg allocate`` table.

Two kinds of task (``taak``), never added together:

* ``opgave``: a stock task, extra woningen/plaatsen to add (new construction or transformation)
  from 1 January of the periode's first year to 1 January of its last, per woningtype; it comes
  from the demand rows of the *stand* groups (``maat == "opgave"``).
* ``toewijzing``: a lettings task, lettings from the existing (sociale huur) stock during the
  periode, cumulative; it comes from the *stroom* groups (``maat == "toewijzing"`` in the new
  demand table, ``maat == "opgave"`` in the older one, which stored the cumulative flow there).

The kind is derived from the groep's ``soort`` (stand → opgave, stroom → toewijzing), so the code
works with both demand tables. A task table has the columns :data:`TASK_COLUMNS`:
``groep, woningtype, taak, periode, eenheden`` (whole units ≥ 0 for the region).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from numbers import Integral, Real

import pandas as pd

from woonzorg_lib.errors import InputError

from .keys import _check_table

__all__ = ["ALLOCATION_COLUMNS", "KEY_COLUMNS", "TASK_COLUMNS", "GROUP_COLUMNS", "TAKEN",
           "WONINGTYPES", "periode_jaren", "taak_of_groep", "task_table", "tasks_from_demand"]

ALLOCATION_COLUMNS = ["gemeentecode", "groep", "woningtype", "taak", "periode", "sleutel",
                      "aandeel", "toewijzing", "huidige_inspanning", "verschil",
                      "regionale_functie"]
KEY_COLUMNS = ["gemeentecode", "groep", "woningtype", "taak", "periode", "sleutel"]
TASK_COLUMNS = ["groep", "woningtype", "taak", "periode", "eenheden"]
#: one whole-unit apportionment per combination of these: ``toewijzing`` sums to the task
GROUP_COLUMNS = ["groep", "woningtype", "taak", "periode", "sleutel"]
#: the two kinds of task: stock (extra units) and lettings (from the existing stock)
TAKEN = ("opgave", "toewijzing")
WONINGTYPES = ("nultreden", "geclusterd", "zorggeschikt", "intramuraal", "zelfstandig_begeleid",
               "sociale_huur", "standplaats", "studenteneenheid", "flex")

_PERIODE_SPAN = re.compile(r"^(\d{4})-(\d{4})$")
_PERIODE_HALF = re.compile(r"^(\d{4})H([12])$")
_GROEP = re.compile(r"^[a-z][a-z0-9_]*$")
_SOORT_TAAK = {"stand": "opgave", "stroom": "toewijzing"}


def _src(bronnen: Mapping[str, str] | None, what: str) -> str:
    return (bronnen or {}).get(what, f"<{what}>")


def periode_jaren(periode: str) -> float:
    """Length of a periode in years: ``2024-2030`` (1 Jan 2024 → 1 Jan 2030) = 6, ``2025H1`` = 0.5."""
    m = _PERIODE_SPAN.match(str(periode))
    if m:
        start, end = int(m.group(1)), int(m.group(2))
        if end <= start:
            raise ValueError(f"periode {periode!r}: het eindjaar moet na het beginjaar liggen")
        return float(end - start)
    if _PERIODE_HALF.match(str(periode)):
        return 0.5
    raise ValueError(f"periode {periode!r} is niet YYYY-YYYY of YYYYH1/YYYYH2")


def taak_of_groep(groep: str, soort: str | None = None) -> str:
    """``opgave`` for a stand groep, ``toewijzing`` for a stroom groep.

    ``soort`` (a demand row's ``soort``) wins; else the catalogue's soort of ``groep``; a groep
    outside the catalogue (a user-given task) is a stock task."""
    if soort is None:
        from woonzorg_lib.groups.catalogue import CATALOGUE

        soort = CATALOGUE[groep].soort if groep in CATALOGUE else "stand"
    if soort not in _SOORT_TAAK:
        raise ValueError(f"soort {soort!r}: verwacht stand of stroom")
    return _SOORT_TAAK[soort]


def task_table(taak: int, *, groep: str, woningtype: str, periode: str,
               soort_taak: str | None = None) -> pd.DataFrame:
    """A one-row task table for a user-given number (e.g. a taakstelling from the province).

    ``soort_taak`` (opgave/toewijzing) defaults to the groep's kind (:func:`taak_of_groep`)."""
    kind = soort_taak or taak_of_groep(groep)
    return pd.DataFrame([{"groep": groep, "woningtype": woningtype, "taak": kind,
                          "periode": periode, "eenheden": taak}], columns=TASK_COLUMNS)


def tasks_from_demand(demand: pd.DataFrame, periode: str = "2024-2030", *,
                      variant: str = "midden") -> pd.DataFrame:
    """The region's two tasks per groep × woningtype for ``periode`` (``YYYY-YYYY``), whole units.

    Stand groups: ``opgave`` = Σ over the gemeenten of the demand's ``opgave`` in the last year.
    Stroom groups: ``toewijzing`` = Σ of the demand's ``toewijzing`` (cumulative lettings) in the
    last year; a demand table without ``toewijzing`` rows (the older format) holds the same
    cumulative flow under ``opgave``. Rounded half up to whole units; a negative regional total
    (a surplus) gives a task of 0. ``variant``: which demand variant (laag/midden/hoog).
    """
    end = int(str(periode).split("-")[1])
    d = demand[(demand["jaar"] == end) & (demand["variant"] == variant)]
    if d.empty:
        raise InputError(f"geen vraagregels voor {end}, variant {variant} (horizon te kort?)",
                         file="<vraag>", column="jaar", row=end)
    rows = []
    for (groep, woningtype, soort), part in d.groupby(["groep", "woningtype", "soort"], sort=True):
        kind = taak_of_groep(groep, soort)
        maat = part[part["maat"] == kind]
        if maat.empty and kind == "toewijzing":
            maat = part[part["maat"] == "opgave"]
        if maat.empty:
            continue
        total = math.fsum(maat["waarde"].astype(float).tolist())
        rows.append({"groep": groep, "woningtype": woningtype, "taak": kind, "periode": periode,
                     "eenheden": max(0, int(math.floor(total + 0.5)))})
    return pd.DataFrame(rows, columns=TASK_COLUMNS)


# ----------------------------------------------------------------------------------------------
# Input checks
# ----------------------------------------------------------------------------------------------

def _legacy(taken: pd.DataFrame) -> pd.DataFrame:
    """The older task table (``groep, woningtype, periode, taak`` with ``taak`` the number)."""
    if "eenheden" in taken.columns or "taak" not in taken.columns:
        return taken
    out = taken.rename(columns={"taak": "eenheden"})
    out["taak"] = [taak_of_groep(g) if isinstance(g, str) else "opgave" for g in out["groep"]] \
        if "groep" in out.columns else "opgave"
    return out


def _check_tasks(taken: pd.DataFrame, source: str) -> pd.DataFrame:
    if not isinstance(taken, pd.DataFrame):
        raise InputError("de taken moeten een tabel zijn met kolommen " + ", ".join(TASK_COLUMNS),
                         file=source, column="taak")
    legacy = "eenheden" not in taken.columns and "taak" in taken.columns
    n_col = "taak" if legacy else "eenheden"
    taken = _legacy(taken)
    for col in TASK_COLUMNS:
        if col not in taken.columns:
            raise InputError(f"kolom '{col}' ontbreekt", file=source, column=col, row=1)
    rows = []
    seen: dict[tuple, int] = {}
    for pos, r in enumerate(taken[TASK_COLUMNS].to_dict("records")):
        line = pos + 2  # header = line 1
        groep, wt, kind, per, n = (r["groep"], r["woningtype"], r["taak"], r["periode"],
                                   r["eenheden"])
        if not isinstance(groep, str) or not _GROEP.match(groep):
            raise InputError(f"groep {groep!r} is geen catalogus-code (kleine letters, cijfers, _)",
                             file=source, column="groep", row=line)
        if wt not in WONINGTYPES:
            raise InputError(f"onbekend woningtype {wt!r}; kies uit {', '.join(WONINGTYPES)}",
                             file=source, column="woningtype", row=line)
        if kind not in TAKEN:
            raise InputError(f"taak {kind!r}: kies uit {', '.join(TAKEN)}", file=source,
                             column="taak", row=line)
        try:
            periode_jaren(per)
        except ValueError as exc:
            raise InputError(str(exc), file=source, column="periode", row=line) from None
        ok = isinstance(n, (Integral, Real)) and not isinstance(n, bool)
        ok = ok and math.isfinite(float(n)) and float(n).is_integer() and float(n) >= 0
        if not ok:
            raise InputError(f"taak moet een geheel aantal eenheden ≥ 0 zijn, niet {n!r} (rond "
                             "de regionale opgave eerst af)", file=source, column=n_col,
                             row=line)
        k = (groep, wt, kind, str(per))
        if k in seen:
            raise InputError(f"dubbele taak voor {groep}/{wt}/{kind}/{per} (ook op regel "
                             f"{seen[k]})", file=source, column="groep/woningtype/taak/periode",
                             row=line)
        seen[k] = line
        rows.append({"groep": groep, "woningtype": wt, "taak": kind, "periode": str(per),
                     "eenheden": int(n)})
    return pd.DataFrame(rows, columns=TASK_COLUMNS)


def _check_indicators(indicatoren: pd.DataFrame, source: str) -> pd.DataFrame:
    if isinstance(indicatoren, pd.DataFrame) and "gemeentecode" in indicatoren.columns:
        indicatoren = indicatoren.set_index("gemeentecode")
    _check_table(indicatoren, source)
    if indicatoren.index.hasnans:
        raise InputError("lege gemeentecode in de indicatortabel", file=source,
                         column="gemeentecode", row="(leeg)")
    out = indicatoren.copy()
    out.index = out.index.astype(str)
    out.index.name = "gemeentecode"
    return out
