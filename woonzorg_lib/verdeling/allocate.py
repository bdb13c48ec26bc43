"""Share regional tasks over the gemeenten of a region: the ``woonzorg allocate`` table.

:func:`allocate` turns a task table (region-level whole units per groep × woningtype × periode),
an indicator table per gemeente and one or more verdeelsleutels into the CONTRACTS table::

    gemeentecode, groep, woningtype, periode, sleutel, aandeel, toewijzing,
    huidige_inspanning, verschil

sorted by the key columns, with ``toewijzing`` summing exactly to the task per
(groep, woningtype, periode, sleutel). Three summaries read that table:
:func:`fair_share_summary` (fair share vs today), :func:`pressure_signal` (toewijzing per year vs
verhuurcapaciteit) and :func:`sensitivity_summary` (spread over keys).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from numbers import Integral, Real
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from woonzorg_lib import atomic
from woonzorg_lib.errors import InputError

from .apportion import METHODS, InfeasibleTaskError, apportion_table
from .keys import Verdeelsleutel, _as_key_dict, _check_table, derive_indicators, key_shares

__all__ = [
    "ALLOCATION_COLUMNS",
    "KEY_COLUMNS",
    "TASK_COLUMNS",
    "WONINGTYPES",
    "BOUND_COLUMNS",
    "allocate",
    "caps_from_lettings_capacity",
    "fair_share_summary",
    "periode_jaren",
    "pressure_signal",
    "read_bounds_csv",
    "sensitivity_summary",
    "task_table",
    "write_allocation_csv",
]

ALLOCATION_COLUMNS = ["gemeentecode", "groep", "woningtype", "periode", "sleutel", "aandeel",
                      "toewijzing", "huidige_inspanning", "verschil"]
KEY_COLUMNS = ["gemeentecode", "groep", "woningtype", "periode", "sleutel"]
TASK_COLUMNS = ["groep", "woningtype", "periode", "taak"]
GROUP_COLUMNS = ["groep", "woningtype", "periode", "sleutel"]
WONINGTYPES = ("nultreden", "geclusterd", "zorggeschikt", "intramuraal", "zelfstandig_begeleid",
               "sociale_huur", "standplaats", "studenteneenheid", "flex")

_PERIODE_SPAN = re.compile(r"^(\d{4})-(\d{4})$")
_PERIODE_HALF = re.compile(r"^(\d{4})H([12])$")
_GROEP = re.compile(r"^[a-z][a-z0-9_]*$")
#: |verschil| below this counts as "gelijk" (floating-point noise, not a policy difference)
_EPS = 1e-12


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


def task_table(taak: int, *, groep: str, woningtype: str, periode: str) -> pd.DataFrame:
    """A one-row task table for a user-given number (e.g. a taakstelling from the province)."""
    return pd.DataFrame([{"groep": groep, "woningtype": woningtype, "periode": periode,
                          "taak": taak}], columns=TASK_COLUMNS)


# ----------------------------------------------------------------------------------------------
# Input checks
# ----------------------------------------------------------------------------------------------

def _check_tasks(taken: pd.DataFrame, source: str) -> pd.DataFrame:
    if not isinstance(taken, pd.DataFrame):
        raise InputError("de taken moeten een tabel zijn met kolommen " + ", ".join(TASK_COLUMNS),
                         file=source, column="taak")
    for col in TASK_COLUMNS:
        if col not in taken.columns:
            raise InputError(f"kolom '{col}' ontbreekt", file=source, column=col, row=1)
    rows = []
    seen: dict[tuple, int] = {}
    for pos, (_, r) in enumerate(taken[TASK_COLUMNS].iterrows()):
        line = pos + 2  # header = line 1
        groep, wt, per, taak = r["groep"], r["woningtype"], r["periode"], r["taak"]
        if not isinstance(groep, str) or not _GROEP.match(groep):
            raise InputError(f"groep {groep!r} is geen catalogus-code (kleine letters, cijfers, _)",
                             file=source, column="groep", row=line)
        if wt not in WONINGTYPES:
            raise InputError(f"onbekend woningtype {wt!r}; kies uit {', '.join(WONINGTYPES)}",
                             file=source, column="woningtype", row=line)
        try:
            periode_jaren(per)
        except ValueError as exc:
            raise InputError(str(exc), file=source, column="periode", row=line) from None
        ok = isinstance(taak, (Integral, Real)) and not isinstance(taak, bool)
        ok = ok and math.isfinite(float(taak)) and float(taak).is_integer() and float(taak) >= 0
        if not ok:
            raise InputError(f"taak moet een geheel aantal eenheden ≥ 0 zijn, niet {taak!r} (rond "
                             "de regionale opgave eerst af)", file=source, column="taak", row=line)
        k = (groep, wt, str(per))
        if k in seen:
            raise InputError(f"dubbele taak voor {groep}/{wt}/{per} (ook op regel {seen[k]})",
                             file=source, column="groep/woningtype/periode", row=line)
        seen[k] = line
        rows.append({"groep": groep, "woningtype": wt, "periode": str(per), "taak": int(taak)})
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


def _selector(table: pd.DataFrame, col: str, value: str) -> pd.Series:
    """Rows where ``col`` equals ``value``; if none, rows where ``col`` is empty (= every value)."""
    if col not in table.columns:
        return pd.Series(True, index=table.index)
    vals = table[col]
    exact = vals.astype("object").eq(value).fillna(False).astype(bool)
    if exact.any():
        return exact
    return (vals.isna() | vals.astype("object").eq("")).astype(bool)


def _effort_lookup(huidige_inspanning: Any, gemeenten: pd.Index, source: str):
    """Return ``f(groep, woningtype) -> Series of shares (sum 1) or None (unknown)``."""
    if huidige_inspanning is None:
        return lambda g, wt: None
    if isinstance(huidige_inspanning, Mapping):
        huidige_inspanning = pd.Series(dict(huidige_inspanning))
    if isinstance(huidige_inspanning, pd.Series):
        table = pd.DataFrame({"gemeentecode": huidige_inspanning.index.astype(str),
                              "huidige_inspanning": huidige_inspanning.to_numpy()})
    elif isinstance(huidige_inspanning, pd.DataFrame):
        table = huidige_inspanning.copy()
        if "gemeentecode" not in table.columns:
            table = table.reset_index()
        if "huidige_inspanning" not in table.columns and "waarde" in table.columns:
            table = table.rename(columns={"waarde": "huidige_inspanning"})
        for col in ("gemeentecode", "huidige_inspanning"):
            if col not in table.columns:
                raise InputError(f"kolom '{col}' ontbreekt", file=source, column=col, row=1)
        table["gemeentecode"] = table["gemeentecode"].astype(str)
    else:
        raise InputError("huidige inspanning moet een Series of tabel zijn", file=source,
                         column="huidige_inspanning")
    table = table.reset_index(drop=True)
    vals = pd.to_numeric(table["huidige_inspanning"], errors="coerce").astype("float64")
    nonnum = table["huidige_inspanning"].notna() & vals.isna()
    if nonnum.any():
        i = int(np.flatnonzero(nonnum.to_numpy())[0])
        raise InputError(f"geen getal: {table['huidige_inspanning'].iloc[i]!r}", file=source,
                         column="huidige_inspanning", row=i + 2)
    if (vals < 0).any():
        i = int(np.flatnonzero((vals < 0).to_numpy())[0])
        raise InputError(f"huidige inspanning mag niet negatief zijn ({vals.iloc[i]:g})",
                         file=source, column="huidige_inspanning", row=i + 2)
    unknown = ~table["gemeentecode"].isin(gemeenten)
    if unknown.any():
        i = int(np.flatnonzero(unknown.to_numpy())[0])
        raise InputError(f"gemeente {table['gemeentecode'].iloc[i]} staat niet in de "
                         "indicatortabel van de regio", file=source, column="gemeentecode",
                         row=i + 2)
    table["huidige_inspanning"] = vals

    def lookup(groep: str, woningtype: str) -> pd.Series | None:
        sel = _selector(table, "groep", groep) & _selector(table, "woningtype", woningtype)
        part = table.loc[sel]
        if part["gemeentecode"].duplicated().any():
            dup = part.loc[part["gemeentecode"].duplicated(), "gemeentecode"].iloc[0]
            raise InputError(f"gemeente staat dubbel voor {groep}/{woningtype}", file=source,
                             column="gemeentecode", row=dup)
        s = part.set_index("gemeentecode")["huidige_inspanning"].reindex(gemeenten)
        if s.isna().any():  # a gap: the region's shares cannot be computed
            return None
        total = math.fsum(s.tolist())
        if total <= 0:
            return None
        return s / total

    return lookup


def _vraag_lookup(vraag: pd.DataFrame | None, gemeenten: pd.Index, source: str):
    """Return ``f(groep, woningtype, periode) -> Series or None`` from a long vraag table."""
    if vraag is None:
        return lambda g, wt, p: None
    if not isinstance(vraag, pd.DataFrame):
        raise InputError("vraag moet een tabel zijn (gemeentecode, groep, waarde)", file=source,
                         column="vraag")
    table = vraag.reset_index() if "gemeentecode" not in vraag.columns else vraag.copy()
    for col in ("gemeentecode", "groep", "waarde"):
        if col not in table.columns:
            raise InputError(f"kolom '{col}' ontbreekt", file=source, column=col, row=1)
    table = table.reset_index(drop=True)
    table["gemeentecode"] = table["gemeentecode"].astype(str)
    vals = pd.to_numeric(table["waarde"], errors="coerce").astype("float64")
    bad = ~np.isfinite(vals.to_numpy())
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(f"waarde ontbreekt of is geen getal ({table['waarde'].iloc[i]!r})",
                         file=source, column="waarde", row=i + 2)
    table["waarde"] = vals

    def lookup(groep: str, woningtype: str, periode: str) -> pd.Series | None:
        sel = table["groep"].astype("object").eq(groep).astype(bool)
        if not sel.any():
            return None
        sel &= _selector(table, "woningtype", woningtype) & _selector(table, "periode", periode)
        part = table.loc[sel]
        if part.empty:
            return None
        if part["gemeentecode"].duplicated().any():
            dup = part.loc[part["gemeentecode"].duplicated(), "gemeentecode"].iloc[0]
            raise InputError(f"gemeente staat dubbel in de vraag voor {groep}/{woningtype}/"
                             f"{periode}", file=source, column="gemeentecode", row=dup)
        s = part.set_index("gemeentecode")["waarde"]
        missing = gemeenten.difference(s.index)
        if len(missing):
            raise InputError(f"geen vraag voor {groep}/{woningtype}/{periode}", file=source,
                             column="waarde", row=missing[0])
        return s.reindex(gemeenten)

    return lookup


# ----------------------------------------------------------------------------------------------
# Floors, caps and carry-over per gemeente
# ----------------------------------------------------------------------------------------------

#: Columns of a bounds / carry-over table (and CSV); ``waarde`` in whole units.
BOUND_COLUMNS = ["gemeentecode", "waarde", "groep", "woningtype", "periode"]
_BOUND_SCOPE = ("groep", "woningtype", "periode")


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
                                source: str = "<indicatoren>") -> pd.Series:
    """Caps "at most the lettings capacity": per gemeente ``⌊verhuurcapaciteit × jaren⌋``.

    ``verhuurcapaciteit`` is dwellings per year available to aandachtsgroepen (derived from
    ``sociale_huur`` by :func:`~.keys.derive_indicators` when the column is absent); ``jaren`` is
    the periode's length (:func:`periode_jaren`: ``2024-2030`` = 6, ``2025H1`` = 0.5). Floored to
    whole units (a gemeente cannot let part of a home). Returns an int64 Series indexed by
    gemeentecode, to pass as ``caps=`` to :func:`allocate` (it caps every task separately).
    """
    ind = _check_indicators(indicatoren, source)
    try:
        jaren = periode_jaren(periode)
    except ValueError as exc:
        raise InputError(str(exc), file="<opties>", column="periode") from None
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
    # 1e-9: 171.99999999 from float noise is 172 homes, not 171
    out = [int(math.floor(v * jaren + 1e-9)) for v in cap.tolist()]
    return pd.Series(out, index=cap.index, name="bovengrens", dtype="int64")


# ----------------------------------------------------------------------------------------------
# allocate
# ----------------------------------------------------------------------------------------------

def allocate(taken: pd.DataFrame, indicatoren: pd.DataFrame,
             keys: Verdeelsleutel | Mapping[str, Verdeelsleutel] | Iterable[Verdeelsleutel],
             huidige_inspanning: pd.Series | pd.DataFrame | Mapping[str, float] | None = None, *,
             method: str = "hamilton", vraag: pd.DataFrame | None = None,
             bronnen: Mapping[str, str] | None = None, floors: Any = None, caps: Any = None,
             carry_over: Any = None) -> pd.DataFrame:
    """Share every task over the gemeenten under every key (the CONTRACTS ``allocate`` table).

    Parameters
    ----------
    taken
        Columns ``groep, woningtype, periode, taak``; ``taak`` whole units ≥ 0 for the region
        (see :func:`task_table` for a user-given number).
    indicatoren
        Index (or column) ``gemeentecode``; one column per indicator the keys use, plus any
        ``schaal`` column (e.g. ``woningvoorraad``). :func:`~.keys.derive_indicators` fills the
        derived columns.
    keys
        One key, a list of keys (``sleutel`` = the key's ``naam``) or ``{sleutel: key}``.
    huidige_inspanning
        Optional current effort per gemeente: a Series (index gemeentecode, every groep) or a
        table with ``gemeentecode, huidige_inspanning`` (or ``waarde``) and optional ``groep`` /
        ``woningtype`` (empty = every value). Counts or shares: normalised to shares over the
        region's gemeenten. A selection with a gap (a gemeente missing or empty) is unknown
        (empty), like a missing table.
    method
        ``hamilton`` (default), ``webster`` or ``dhondt``.
    vraag
        Optional long table ``gemeentecode, groep, waarde`` (+ optional ``woningtype``,
        ``periode``): the group-specific demand for the ``vraag`` indicator. Without it (or
        without rows for the groep) the ``vraag`` column of ``indicatoren`` is used.
    bronnen
        Optional names of the sources for error messages: keys ``taken``, ``indicatoren``,
        ``huidige_inspanning``, ``vraag``, ``floors``, ``caps``, ``carry_over``.
    floors, caps
        Optional lower / upper bound per gemeente on its share of each task (whole units ≥ 0):
        a long table ``gemeentecode, waarde`` with optional ``groep``, ``woningtype``,
        ``periode`` (empty or absent = every task; the most specific row wins: exact groep, then
        woningtype, then periode), a Series/dict per gemeente (every task), or one number for
        every gemeente. A list of such inputs is combined per gemeente: the highest floor, the
        lowest cap (e.g. ``caps=[user_caps, caps_from_lettings_capacity(ind, periode)]``).
        The bounds apply to the *basis* (the share of this period's task), as in
        :mod:`.apportion`; proportionality is kept among the gemeenten not at a bound.
    carry_over
        Optional backlog (> 0) or surplus (< 0) per gemeente from an earlier period, whole units,
        in the same forms (a list is summed); each value must apply to exactly one task (a
        Series or number only when there is one task), else it would count several times.
        Settled per gemeente on top of the basis:
        ``toewijzing = max(basis + carry_over, 0)``. With carry-over the ``toewijzing`` column is
        what the gemeente has to deliver in this periode *including* the settled carry-over, so
        per (groep, woningtype, periode, sleutel) it sums to ``taak + Σ carry_over`` (plus the
        part of a surplus larger than the gemeente's basis, which carries on to the next period:
        listed in ``table.attrs['rest_carry_over']``). Without carry-over it sums to ``taak``.

    Raises
    ------
    InfeasibleTaskError
        (an :class:`InputError`) when the floors add up to more than a task, the caps (every
        gemeente capped) to less, or a floor exceeds its cap; the message names the groep,
        woningtype, periode, sleutel and the gemeenten; ``file`` is the floors/caps source.
    InputError
        For bad bounds (unknown gemeente, not a whole number, negative floor/cap, a carry-over
        row that applies to no task or to several), naming source, column and row. Floors/caps
        rows for a groep/woningtype/periode that is not among ``taken`` are ignored.
    """
    if method not in METHODS:
        raise InputError(f"onbekende verdeelmethode '{method}'; kies uit {', '.join(METHODS)}",
                         file="<opties>", column="methode")
    src_t, src_i = _src(bronnen, "taken"), _src(bronnen, "indicatoren")
    tasks = _check_tasks(taken, src_t)
    ind = _check_indicators(indicatoren, src_i)
    key_dict = _as_key_dict(keys)
    effort = _effort_lookup(huidige_inspanning, ind.index, _src(bronnen, "huidige_inspanning"))
    vraag_of = _vraag_lookup(vraag, ind.index, _src(bronnen, "vraag"))
    src_lo, src_hi, src_co = (_src(bronnen, k) for k in ("floors", "caps", "carry_over"))
    lo_in = _bounds_list(floors, ind.index, what="ondergrens", source=src_lo, allow_negative=False)
    hi_in = _bounds_list(caps, ind.index, what="bovengrens", source=src_hi, allow_negative=False)
    co_in = _bounds_list(carry_over, ind.index, what="carry_over", source=src_co,
                         allow_negative=True)
    codes = [str(c) for c in ind.index]

    share_cache: dict[tuple, pd.Series] = {}
    frames = []
    rest: list[dict] = []
    for t in tasks.itertuples(index=False):
        eff = effort(t.groep, t.woningtype)
        lo = _combine(lo_in, t, codes, max)
        hi = _combine(hi_in, t, codes, min)
        co = _combine(co_in, t, codes, lambda a, b: a + b)
        for sleutel, key in key_dict.items():
            table, src, cache_key = _indicator_table_for(t, sleutel, key, ind, eff, vraag_of,
                                                         src_i, bronnen)
            if cache_key not in share_cache:
                share_cache[cache_key] = key_shares(key, table, groep=t.groep, source=src)
            shares = share_cache[cache_key]
            where = f"{t.groep}/{t.woningtype}/{t.periode}, sleutel {sleutel}"
            try:
                work = apportion_table(shares, t.taak, method=method,  # type: ignore[arg-type]
                                       floors=lo, caps=hi, carry_over=co,
                                       source=f"{src_t} ({where})")
            except InfeasibleTaskError as exc:
                raise _infeasible(exc, t, sleutel, src_lo, src_hi) from None
            toew = work["toewijzing"]
            for g, r in work["rest_carry_over"].items():
                if r != 0:
                    rest.append({"gemeentecode": str(g), "groep": t.groep,
                                 "woningtype": t.woningtype, "periode": t.periode,
                                 "sleutel": sleutel, "rest_carry_over": int(r)})
            today = eff.reindex(shares.index) if eff is not None else \
                pd.Series(np.nan, index=shares.index)
            frames.append(pd.DataFrame({
                "gemeentecode": shares.index.astype(str),
                "groep": t.groep, "woningtype": t.woningtype, "periode": t.periode,
                "sleutel": sleutel,
                "aandeel": shares.to_numpy(dtype="float64"),
                "toewijzing": toew.to_numpy(dtype="int64"),
                "huidige_inspanning": today.to_numpy(dtype="float64"),
            }))
    if frames:
        out = pd.concat(frames, ignore_index=True)
    else:
        out = pd.DataFrame({c: pd.Series(dtype="float64" if c in ("aandeel", "huidige_inspanning",
                                                                  "verschil")
                                         else "int64" if c == "toewijzing" else "object")
                            for c in ALLOCATION_COLUMNS if c != "verschil"})
    out["verschil"] = out["aandeel"] - out["huidige_inspanning"]
    # floors/caps rows for tasks not in this run are ignored (one bounds file serves every run);
    # a carry-over row that applies to no task would make a backlog vanish: refused
    for b in co_in:
        b.check_all_used(one_task=True)
    out = _sorted(out[ALLOCATION_COLUMNS])
    # surplus larger than a gemeente's basis: not in the CONTRACTS table, carried to the next period
    out.attrs["rest_carry_over"] = sorted(rest, key=lambda r: tuple(r[k] for k in KEY_COLUMNS))
    return out


def _infeasible(exc: InfeasibleTaskError, t: Any, sleutel: str, src_lo: str,
                src_hi: str) -> InfeasibleTaskError:
    """The apportionment's infeasibility error, restated for the task and the bounds' source."""
    col = exc.column or ""
    files = [f for c, f in (("ondergrens", src_lo), ("bovengrens", src_hi)) if c in col]
    hint = ("verhoog de bovengrenzen of verlaag de taak" if col == "bovengrens" else
            "verlaag de ondergrenzen of verhoog de taak" if col == "ondergrens" else
            "maak de ondergrens niet groter dan de bovengrens")
    return InfeasibleTaskError(
        f"taak {t.taak} voor groep {t.groep}, woningtype {t.woningtype}, periode {t.periode} "
        f"(sleutel {sleutel}; de grenzen hangen niet van de sleutel af) is onuitvoerbaar: "
        f"{exc.detail}; {hint}",
        gemeenten=exc.gemeenten, file=" + ".join(dict.fromkeys(files)) or None,
        column=exc.column)


def _indicator_table_for(t: Any, sleutel: str, key: Verdeelsleutel, ind: pd.DataFrame,
                         eff: pd.Series | None, vraag_of, src_i: str,
                         bronnen: Mapping[str, str] | None) -> tuple[pd.DataFrame, str, tuple]:
    """The indicator table for one task and key: group-specific ``vraag`` and, when the table has
    no ``huidige_inspanning`` column, the effort index from the current-effort shares."""
    table, src = ind, src_i
    cache_key: tuple = (sleutel, t.groep)
    if key.uses("vraag", t.groep):
        v = vraag_of(t.groep, t.woningtype, t.periode)
        if v is not None:
            table = table.assign(vraag=v)
            src = _src(bronnen, "vraag")
            cache_key = (sleutel, t.groep, t.woningtype, t.periode)
        elif "vraag" not in ind.columns:
            raise InputError(f"sleutel '{sleutel}' gebruikt de vraag, maar er is geen vraag voor "
                             f"{t.groep}/{t.woningtype}/{t.periode}: geef een vraag-tabel met deze "
                             "groep of een kolom 'vraag'", file=_src(bronnen, "vraag"),
                             column="vraag", row=f"{t.groep}/{t.woningtype}/{t.periode}")
    if key.uses("huidige_inspanning", t.groep) and "huidige_inspanning" not in ind.columns:
        if eff is None or "inwoners" not in ind.columns:
            raise InputError(f"sleutel '{sleutel}' gebruikt de huidige inspanning, maar die is "
                             f"onbekend voor {t.groep}/{t.woningtype}: geef een kolom "
                             "'huidige_inspanning' in de indicatoren of de huidige inspanning "
                             "per gemeente", file=_src(bronnen, "huidige_inspanning"),
                             column="huidige_inspanning", row=f"{t.groep}/{t.woningtype}")
        inw = pd.to_numeric(ind["inwoners"], errors="coerce").astype("float64")
        if not (inw > 0).all():
            lab = inw.index[~(inw > 0).to_numpy()][0]
            raise InputError("inwoners moet positief zijn om de inspanningsindex te berekenen",
                             file=src_i, column="inwoners", row=lab)
        # effort index: share of today's effort / share of inwoners (1 = regional average)
        table = table.assign(huidige_inspanning=eff / (inw / math.fsum(inw.tolist())))
        cache_key = cache_key + ("inspanning", t.woningtype)
    return table, src, cache_key


def _sorted(df: pd.DataFrame, keys: Sequence[str] = KEY_COLUMNS) -> pd.DataFrame:
    return df.sort_values(list(keys), kind="mergesort").reset_index(drop=True)


def _check_allocation(allocatie: pd.DataFrame, needed: Sequence[str] = ALLOCATION_COLUMNS,
                      source: str = "<toewijzing>") -> None:
    if not isinstance(allocatie, pd.DataFrame):
        raise InputError("verwacht de tabel van allocate()", file=source, column="toewijzing")
    for col in needed:
        if col not in allocatie.columns:
            raise InputError(f"kolom '{col}' ontbreekt (is dit de tabel van allocate()?)",
                             file=source, column=col, row=1)


def write_allocation_csv(allocatie: pd.DataFrame, path: str | Path) -> None:
    """Write the allocate table as CONTRACTS CSV (column order, sorted, atomic; empty = unknown)."""
    _check_allocation(allocatie)
    atomic.write_csv(path, _sorted(allocatie[ALLOCATION_COLUMNS]))


# ----------------------------------------------------------------------------------------------
# Summaries
# ----------------------------------------------------------------------------------------------

def _positie(verschil: pd.Series) -> pd.Series:
    sign = np.where(verschil > _EPS, "boven", np.where(verschil < -_EPS, "onder", "gelijk"))
    out = np.where(verschil.isna(), "onbekend", sign)
    return pd.Series(out, index=verschil.index, dtype="object")


def fair_share_summary(allocatie: pd.DataFrame, *, sleutel: str | None = None) -> pd.DataFrame:
    """Fair share vs today, per gemeente × groep × woningtype × periode × sleutel.

    Columns: the key columns, ``taak`` (the regional task), ``toewijzing``, ``huidige_inspanning``
    (share today), ``eenheden_huidig`` (= huidige_inspanning × taak: what today's share of the
    effort would give), ``verschil_eenheden`` (= toewijzing − eenheden_huidig; > 0 = more than
    today), ``verschil`` (fraction points, = aandeel − huidige_inspanning), ``verschil_procentpunt``
    (× 100) and ``positie`` ∈ {boven, onder, gelijk, onbekend} (boven = asked to do more than its
    share today). ``sleutel`` limits the table to one key.
    """
    _check_allocation(allocatie)
    df = allocatie if sleutel is None else allocatie[allocatie["sleutel"] == sleutel]
    df = df.copy()
    df["taak"] = df.groupby(GROUP_COLUMNS, sort=False)["toewijzing"].transform("sum")
    df["eenheden_huidig"] = df["huidige_inspanning"] * df["taak"]
    df["verschil_eenheden"] = df["toewijzing"] - df["eenheden_huidig"]
    df["verschil"] = df["aandeel"] - df["huidige_inspanning"]
    df["verschil_procentpunt"] = df["verschil"] * 100.0
    df["positie"] = _positie(df["verschil"])
    cols = KEY_COLUMNS + ["taak", "toewijzing", "aandeel", "huidige_inspanning", "eenheden_huidig",
                          "verschil_eenheden", "verschil", "verschil_procentpunt", "positie"]
    return _sorted(df[cols])


def pressure_signal(allocatie: pd.DataFrame, indicatoren: pd.DataFrame, *,
                    sleutel: str | None = None, groepen: Sequence[str] | None = None,
                    woningtypes: Sequence[str] | None = None, drempel: float = 1.0,
                    bron: str = "<indicatoren>") -> pd.DataFrame:
    """The fair-share pressure signal: toewijzing per year against verhuurcapaciteit.

    Per gemeente × periode × sleutel: the toewijzing summed over the selected ``groepen`` and
    ``woningtypes`` (default: all; only sum groups whose unit is dwellings — convert persons, e.g.
    statushouders, to dwellings first), divided by the periode's length in years
    (:func:`periode_jaren`), and ``druk`` = that per-year figure / ``verhuurcapaciteit`` (dwellings
    per year available to aandachtsgroepen; derived from ``sociale_huur`` if the column is absent).
    ``signaal`` = ``boven_capaciteit`` when druk > ``drempel``, else ``binnen_capaciteit``;
    capacity 0 with a positive toewijzing gives druk = inf.
    """
    _check_allocation(allocatie)
    ind = _check_indicators(indicatoren, bron)
    if "verhuurcapaciteit" not in ind.columns:
        if "sociale_huur" not in ind.columns:
            raise InputError("kolom 'verhuurcapaciteit' (of 'sociale_huur' om die af te leiden) "
                             "ontbreekt", file=bron, column="verhuurcapaciteit", row=1)
        ind = derive_indicators(ind, source=bron)
    cap = pd.to_numeric(ind["verhuurcapaciteit"], errors="coerce").astype("float64")
    if cap.isna().any() or (cap < 0).any():
        lab = cap.index[(cap.isna() | (cap < 0)).to_numpy()][0]
        raise InputError("verhuurcapaciteit ontbreekt of is negatief", file=bron,
                         column="verhuurcapaciteit", row=lab)
    df = allocatie
    if sleutel is not None:
        df = df[df["sleutel"] == sleutel]
    if groepen is not None:
        df = df[df["groep"].isin(list(groepen))]
    if woningtypes is not None:
        df = df[df["woningtype"].isin(list(woningtypes))]
    g = (df.groupby(["gemeentecode", "periode", "sleutel"], sort=True)["toewijzing"].sum()
         .reset_index())
    missing = ~g["gemeentecode"].isin(cap.index)
    if missing.any():
        raise InputError("gemeente uit de toewijzing ontbreekt in de indicatortabel", file=bron,
                         column="gemeentecode", row=g.loc[missing, "gemeentecode"].iloc[0])
    g["jaren"] = g["periode"].map(periode_jaren).astype("float64")
    g["toewijzing_per_jaar"] = g["toewijzing"] / g["jaren"]
    g["verhuurcapaciteit"] = g["gemeentecode"].map(cap).astype("float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        druk = g["toewijzing_per_jaar"].to_numpy() / g["verhuurcapaciteit"].to_numpy()
    druk = np.where((g["toewijzing_per_jaar"] == 0).to_numpy(), 0.0, druk)
    g["druk"] = druk
    g["signaal"] = np.where(g["druk"] > drempel, "boven_capaciteit", "binnen_capaciteit")
    g["signaal"] = g["signaal"].astype("object")
    cols = ["gemeentecode", "periode", "sleutel", "toewijzing", "jaren", "toewijzing_per_jaar",
            "verhuurcapaciteit", "druk", "signaal"]
    return _sorted(g[cols], ["gemeentecode", "periode", "sleutel"])


def sensitivity_summary(allocatie: pd.DataFrame) -> pd.DataFrame:
    """How much each gemeente's share depends on the key.

    Per gemeente × groep × woningtype × periode: ``sleutels`` (number of keys), ``aandeel_min``,
    ``aandeel_max``, ``spreiding`` (max − min, fraction points), ``toewijzing_min``,
    ``toewijzing_max``, ``toewijzing_spreiding``, ``sleutel_laagst`` / ``sleutel_hoogst`` (the key
    giving the lowest / highest share; first in name order on a tie) and ``positie`` across keys:
    ``altijd_boven`` (above today's share under every key), ``altijd_onder``, ``wisselend``, or
    ``onbekend`` (no current effort known).
    """
    _check_allocation(allocatie)
    df = _sorted(allocatie[ALLOCATION_COLUMNS])
    keys = ["gemeentecode", "groep", "woningtype", "periode"]
    grp = df.groupby(keys, sort=True)
    out = grp.agg(sleutels=("sleutel", "nunique"), aandeel_min=("aandeel", "min"),
                  aandeel_max=("aandeel", "max"), toewijzing_min=("toewijzing", "min"),
                  toewijzing_max=("toewijzing", "max"))
    out["spreiding"] = out["aandeel_max"] - out["aandeel_min"]
    out["toewijzing_spreiding"] = out["toewijzing_max"] - out["toewijzing_min"]
    out["sleutel_laagst"] = df.loc[grp["aandeel"].idxmin().to_numpy(), "sleutel"].to_numpy()
    out["sleutel_hoogst"] = df.loc[grp["aandeel"].idxmax().to_numpy(), "sleutel"].to_numpy()
    v = df["verschil"]
    flags = pd.DataFrame({k: df[k] for k in keys})
    flags["unknown"] = v.isna()
    flags["above"] = v > _EPS
    flags["below"] = v < -_EPS
    f = flags.groupby(keys, sort=True)[["unknown", "above", "below"]].all()
    pos = np.where(f["unknown"], "onbekend",
                   np.where(f["above"], "altijd_boven",
                            np.where(f["below"], "altijd_onder", "wisselend")))
    out["positie"] = pd.Series(pos, index=f.index, dtype="object").reindex(out.index)
    cols = ["sleutels", "aandeel_min", "aandeel_max", "spreiding", "toewijzing_min",
            "toewijzing_max", "toewijzing_spreiding", "sleutel_laagst", "sleutel_hoogst",
            "positie"]
    return out[cols].reset_index()
