"""Floors, caps and carry-over per gemeente for :func:`~.allocation.allocate`.

A bounds input is a long table ``gemeentecode, waarde[, groep][, woningtype][, periode]`` (empty
= every value; the most specific row wins), a Series per gemeente (every task) or one number.
:func:`read_bounds_csv` reads the user CSVs (``config/examples/*_voorbeeld.csv``);
:func:`caps_from_lettings_capacity` gives the cap "at most the lettings capacity", which only
applies to the lettings task (``taak == "toewijzing"``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from numbers import Integral, Real
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from woonzorg_lib.errors import InputError

from .keys import derive_indicators
from .tasks import WONINGTYPES, _check_indicators, periode_jaren

__all__ = ["BOUND_COLUMNS", "caps_from_lettings_capacity", "read_bounds_csv"]

#: Columns of a bounds / carry-over table (and CSV); ``waarde`` in whole units.
BOUND_COLUMNS = ["gemeentecode", "waarde", "groep", "woningtype", "periode"]
_BOUND_SCOPE = ("groep", "woningtype", "periode")



def capacity_column(ind: pd.DataFrame, source: str) -> pd.Series:
    """Lettings capacity per gemeente (dwellings per year for aandachtsgroepen) from the indicator
    table: its ``verhuurcapaciteit`` column, or derived from ``sociale_huur``; every value finite
    and ≥ 0, else one error naming the source, the column and the gemeente."""
    if "verhuurcapaciteit" not in ind.columns:
        if "sociale_huur" not in ind.columns:
            raise InputError("kolom 'verhuurcapaciteit' (of 'sociale_huur' om die af te leiden) "
                             "ontbreekt", file=source, column="verhuurcapaciteit", row=1)
        ind = derive_indicators(ind, source=source)
    cap = pd.to_numeric(ind["verhuurcapaciteit"], errors="coerce").astype("float64")
    bad = ~np.isfinite(cap.to_numpy()) | (cap.to_numpy() < 0)
    if bad.any():
        raise InputError("verhuurcapaciteit ontbreekt of is negatief", file=source,
                         column="verhuurcapaciteit", row=cap.index[bad][0])
    return cap

def _empty(v: Any) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) or \
        (isinstance(v, str) and not v.strip())


def _whole(v: Any, *, what: str, source: str, row: Any, allow_negative: bool) -> int:
    ok = isinstance(v, (Integral, Real)) and not isinstance(v, bool)
    if not ok and isinstance(v, str):
        try:
            v = float(v.strip())
            ok = True
        except ValueError:
            ok = False
    ok = ok and math.isfinite(float(v)) and float(v).is_integer()
    if not ok:
        raise InputError(f"{what} moet een geheel aantal eenheden zijn, niet {v!r}", file=source,
                         column="waarde", row=row)
    out = int(float(v))
    if out < 0 and not allow_negative:
        raise InputError(f"{what} mag niet negatief zijn ({out})", file=source, column="waarde",
                         row=row)
    return out


class _Bounds:
    """One floors / caps / carry-over input, resolved per task: ``get(groep, woningtype, periode)``
    gives ``{gemeentecode: whole units}`` (gemeenten without a value are left out).

    A Series/Mapping (per gemeente) or a scalar applies to every task. A long table applies per
    row; an empty ``groep`` / ``woningtype`` / ``periode`` (or a missing column) = every value.
    When several rows apply to one gemeente and task the most specific row wins: an exact
    ``groep`` first, then an exact ``woningtype``, then an exact ``periode``.
    """

    def __init__(self, spec: Any, gemeenten: pd.Index, *, what: str, source: str,
                 allow_negative: bool):
        self.what, self.source = what, source
        self.scalar: int | None = None
        self.rows: list[dict] = []
        self.used: dict[int, set[tuple]] = {}  # row → the tasks it applies to
        self.table_given = False
        known = set(gemeenten)
        if isinstance(spec, (Integral, Real)) and not isinstance(spec, bool):
            self.scalar = _whole(spec, what=what, source=source, row=None,
                                 allow_negative=allow_negative)
            return
        if isinstance(spec, Mapping):
            spec = pd.Series(dict(spec), dtype="object")
        if isinstance(spec, pd.Series):
            table = pd.DataFrame({"gemeentecode": spec.index.astype(str),
                                  "waarde": spec.to_numpy(dtype="object")})
            self.table_given = False
        elif isinstance(spec, pd.DataFrame):
            table = spec.copy()
            if "gemeentecode" not in table.columns:
                table = table.reset_index()
            self.table_given = True
        else:
            raise InputError(f"{what} moet een tabel (gemeentecode, waarde[, groep][, woningtype]"
                             f"[, periode]), een Series per gemeente of één getal zijn, niet "
                             f"{type(spec).__name__}", file=source, column=what)
        for col in ("gemeentecode", "waarde"):
            if col not in table.columns:
                raise InputError(f"kolom '{col}' ontbreekt (verwacht: gemeentecode, waarde"
                                 "[, groep][, woningtype][, periode])", file=source, column=col,
                                 row=1)
        table = table.reset_index(drop=True)
        lines = (table["regel"].tolist() if "regel" in table.columns
                 else list(range(2, len(table) + 2)) if self.table_given
                 else table["gemeentecode"].tolist())  # a Series: the row is the gemeente
        seen: dict[tuple, Any] = {}
        for pos, rec in enumerate(table.to_dict("records")):
            line = lines[pos]
            code = rec["gemeentecode"]
            if _empty(code):
                raise InputError("gemeentecode is leeg", file=source, column="gemeentecode",
                                 row=line)
            code = str(code).strip()
            if code not in known:
                raise InputError(f"gemeente {code} hoort niet bij de regio (bekend: "
                                 f"{', '.join(sorted(known))})", file=source,
                                 column="gemeentecode", row=line)
            if _empty(rec["waarde"]):
                if not self.table_given:
                    continue  # NaN in a Series = no value for that gemeente
                raise InputError(f"{what}: waarde is leeg", file=source, column="waarde", row=line)
            value = _whole(rec["waarde"], what=what, source=source, row=line,
                           allow_negative=allow_negative)
            scope: dict[str, str | None] = {}
            for col in _BOUND_SCOPE:
                v = rec.get(col)
                scope[col] = None if _empty(v) else str(v).strip()
            if scope["woningtype"] is not None and scope["woningtype"] not in WONINGTYPES:
                raise InputError(f"onbekend woningtype {scope['woningtype']!r}; kies uit "
                                 f"{', '.join(WONINGTYPES)}", file=source, column="woningtype",
                                 row=line)
            if scope["periode"] is not None:
                try:
                    periode_jaren(scope["periode"])
                except ValueError as exc:
                    raise InputError(str(exc), file=source, column="periode", row=line) from None
            k = (code, scope["groep"], scope["woningtype"], scope["periode"])
            if k in seen:
                raise InputError(f"gemeente {code} staat dubbel in {what} voor dezelfde groep/"
                                 f"woningtype/periode (ook op regel {seen[k]})", file=source,
                                 column="gemeentecode", row=line)
            seen[k] = line
            self.rows.append({"gemeentecode": code, "waarde": value, "regel": line, **scope})

    def get(self, groep: str, woningtype: str, periode: str, gemeenten: Iterable[str]
            ) -> dict[str, int]:
        if self.scalar is not None:
            self.used.setdefault(-1, set()).add((groep, woningtype, periode))
            return {g: self.scalar for g in gemeenten}
        best: dict[str, tuple[tuple, int]] = {}
        task = {"groep": groep, "woningtype": woningtype, "periode": periode}
        for i, r in enumerate(self.rows):
            if any(r[c] is not None and r[c] != task[c] for c in _BOUND_SCOPE):
                continue
            self.used.setdefault(i, set()).add((groep, woningtype, periode))
            spec = tuple(r[c] is not None for c in _BOUND_SCOPE)
            if r["gemeentecode"] not in best or spec > best[r["gemeentecode"]][0]:
                best[r["gemeentecode"]] = (spec, r["waarde"])
        return {g: v for g, (_, v) in best.items()}

    def check_all_used(self, *, one_task: bool = False) -> None:
        """A row that applies to no task would be silently ignored: refuse it. With ``one_task``
        (carry-over) a value that applies to several tasks would be counted several times: refuse
        that too."""
        if one_task and self.scalar is not None and len(self.used.get(-1, ())) > 1:
            raise InputError(f"één {self.what} voor alle gemeenten geldt voor "
                             f"{len(self.used[-1])} taken en zou meermaals meetellen; geef een "
                             "tabel met groep en woningtype", file=self.source, column=self.what)
        for i, r in enumerate(self.rows):
            tasks = self.used.get(i, set())
            if one_task and len(tasks) > 1:
                scope = "/".join(r[c] or "*" for c in _BOUND_SCOPE)
                shown = ", ".join("/".join(t) for t in sorted(tasks)[:3])
                raise InputError(f"{self.what} voor {r['gemeentecode']} ({scope}) geldt voor "
                                 f"{len(tasks)} taken ({shown}{', …' if len(tasks) > 3 else ''}) "
                                 "en zou bij elk meetellen; vul groep en woningtype (en zo nodig "
                                 "periode) in zodat elke regel bij één taak hoort",
                                 file=self.source, column="groep/woningtype/periode",
                                 row=r["regel"])
            if not tasks:
                scope = "/".join(r[c] or "*" for c in _BOUND_SCOPE)
                raise InputError(f"{self.what} voor {r['gemeentecode']} ({scope}) geldt voor geen "
                                 "enkele taak (groep/woningtype/periode komt niet voor); verwijder "
                                 "de regel of maak groep/woningtype/periode leeg", file=self.source,
                                 column="groep/woningtype/periode", row=r["regel"])


def _bounds_list(spec: Any, gemeenten: pd.Index, *, what: str, source: str,
                 allow_negative: bool) -> list[_Bounds]:
    if spec is None:
        return []
    if isinstance(spec, (list, tuple)):  # several inputs: combined per gemeente (see allocate)
        return [b for s in spec for b in _bounds_list(s, gemeenten, what=what, source=source,
                                                      allow_negative=allow_negative)]
    return [_Bounds(spec, gemeenten, what=what, source=source, allow_negative=allow_negative)]


def _combine(parts: list[_Bounds], t: Any, gemeenten: Sequence[str], how) -> dict[str, int] | None:
    if not parts:
        return None
    out: dict[str, int] = {}
    for b in parts:
        for g, v in b.get(t.groep, t.woningtype, t.periode, gemeenten).items():
            out[g] = how(out[g], v) if g in out else v
    return out


def read_bounds_csv(path: str | Path, *, soort: str,
                    known_gemeenten: Iterable[str] | None = None) -> pd.DataFrame:
    """Read a floors (``soort='floors'``), caps (``'caps'``) or carry-over (``'carry_over'``) CSV.

    Columns: ``gemeentecode, waarde`` and optional ``groep``, ``woningtype``, ``periode`` (empty =
    every value), ``gemeentenaam``, ``bron``, ``opmerking``. Comma- or semicolon-separated, decimal
    comma accepted (Dutch Excel; :func:`woonzorg_lib.groups.usercsv.read_user_csv`). ``waarde`` is
    a whole number of units: ≥ 0 for floors and caps; for carry-over positive = backlog still
    owed, negative = surplus delivered earlier. Errors name the file, column and row. Returns the
    columns of :data:`BOUND_COLUMNS` plus ``regel`` (the line in the file), ready for
    :func:`allocate`.
    """
    from woonzorg_lib.groups.catalogue import CATALOGUE, GROUP_CODES
    from woonzorg_lib.groups.usercsv import Column, read_user_csv

    if soort not in ("floors", "caps", "carry_over"):
        raise ValueError(f"soort {soort!r}: kies floors, caps of carry_over")
    negative_ok = soort == "carry_over"
    what = {"floors": "ondergrens", "caps": "bovengrens", "carry_over": "carry_over"}[soort]
    cols = (
        Column("gemeentecode", pattern=r"GM\d{4}", case="upper",
               pattern_hint=": verwacht een CBS-gemeentecode zoals GM0957 (Excel haalt "
                            "voorloopnullen weg: maak de kolom tekst)"),
        Column("waarde", kind="number" if negative_ok else "count"),
        Column("groep", required=False, allowed=GROUP_CODES, case="lower"),
        Column("woningtype", required=False, allowed=WONINGTYPES, case="lower"),
        Column("periode", required=False, pattern=r"\d{4}-\d{4}|\d{4}H[12]", case="upper",
               pattern_hint=": verwacht YYYY-YYYY (bijv. 2024-2030) of YYYYH1/YYYYH2"),
        Column("gemeentenaam", required=False),
        Column("bron", required=False),
        Column("opmerking", required=False),
    )
    known = set(known_gemeenten) if known_gemeenten is not None else None
    df = read_user_csv(path, cols, key=("gemeentecode", "groep", "woningtype", "periode"),
                       known_gemeenten=known)
    for rec in df.to_dict("records"):
        row = int(rec["regel"])
        _whole(rec["waarde"], what=what, source=str(path), row=row, allow_negative=negative_ok)
        g, wt = rec["groep"], rec["woningtype"]
        if isinstance(g, str) and isinstance(wt, str) and wt not in CATALOGUE[g].woningtypen:
            raise InputError(f"woningtype '{wt}' hoort niet bij groep {g} (wel: "
                             f"{', '.join(CATALOGUE[g].woningtypen)})", file=path,
                             column="woningtype", row=row)
    df["waarde"] = df["waarde"].round().astype("int64")
    return df[BOUND_COLUMNS + ["regel"]]


def caps_from_lettings_capacity(indicatoren: pd.DataFrame, periode: str, *,
                                taken: pd.DataFrame | None = None,
                                source: str = "<indicatoren>") -> pd.Series | pd.DataFrame:
    """Caps "at most the lettings capacity": per gemeente ``⌊verhuurcapaciteit × jaren⌋``.

    ``verhuurcapaciteit`` is dwellings per year available to aandachtsgroepen (derived from
    ``sociale_huur`` by :func:`~.keys.derive_indicators` when the column is absent); ``jaren`` is
    the periode's length (:func:`periode_jaren`: ``2024-2030`` = 6, ``2025H1`` = 0.5). Floored to
    whole units (a gemeente cannot let part of a home). Returns an int64 Series indexed by
    gemeentecode, to pass as ``caps=`` to :func:`allocate` (it caps every task separately).

    With ``taken`` (a task table, :data:`~.tasks.TASK_COLUMNS`) the caps are returned as a long
    table (:data:`BOUND_COLUMNS`) with rows for the lettings tasks (``taak == "toewijzing"``)
    of ``periode`` only: the lettings capacity bounds lettings, not the stock task.
    """
    ind = _check_indicators(indicatoren, source)
    try:
        jaren = periode_jaren(periode)
    except ValueError as exc:
        raise InputError(str(exc), file="<opties>", column="periode") from None
    cap = capacity_column(ind, source)
    # 1e-9: 171.99999999 from float noise is 172 homes, not 171
    out = pd.Series([int(math.floor(v * jaren + 1e-9)) for v in cap.tolist()], index=cap.index,
                    name="bovengrens", dtype="int64")
    if taken is None:
        return out
    from .tasks import _check_tasks

    tasks = _check_tasks(taken, "<taken>")
    tasks = tasks[(tasks["taak"] == "toewijzing") & (tasks["periode"] == str(periode))]
    rows = [{"gemeentecode": g, "waarde": int(v), "groep": t.groep, "woningtype": t.woningtype,
             "periode": t.periode} for t in tasks.itertuples(index=False) for g, v in out.items()]
    return pd.DataFrame(rows, columns=BOUND_COLUMNS)

