"""Data coverage of the demand model (CONTRACTS ``woonzorg demand``, "Data coverage").

Some inputs exist only for part of the gemeenten (the uitwonende-studenten history of
``data/raw/groups.csv`` covers the 47 gemeenten of the old reference extracts). Where an input is
missing for a gemeente, the component that needs it is switched off *for that gemeente*: it gets no
rows for that group (no figure is invented), the other gemeenten and groups are unchanged, and the
run does not fail. :func:`input_gaps` says which, from the inputs themselves (the demand model uses
it); :func:`coverage` gives the table the report shows.
"""

from __future__ import annotations

from typing import Iterable, Mapping, Sequence

import pandas as pd

from .bands import BASISJAAR

# component (groep) → (input of demand_table, reason in Dutch when it is missing for a gemeente)
COMPONENTEN: dict[str, tuple[str, str]] = {
    "studenten": ("studenten_historie",
                  "geen waarnemingen van uitwonende studenten (data/raw/groups.csv) tot en met het basisjaar; "
                  "groep studenten uitgezet voor deze gemeente"),
    "urgenten": ("huishoudens", "geen aantal particuliere huishoudens in het basisjaar; groep urgenten uitgezet "
                                "voor deze gemeente"),
    "mantelzorg": ("huishoudens", "geen aantal particuliere huishoudens in het basisjaar; groep mantelzorg "
                                  "uitgezet voor deze gemeente"),
    "woonwagenbewoners": ("woningvoorraad", "geen woningvoorraad in het basisjaar; groep woonwagenbewoners "
                                            "uitgezet voor deze gemeente"),
}
COVERAGE_COLUMNS = ["gemeentecode", "component", "invoer", "status", "reden"]


def _have(df: pd.DataFrame | None, basisjaar: int, *, history: bool) -> set[str]:
    """Gemeenten with a usable (non-empty) value in ``df`` (a history: any year ≤ basisjaar)."""
    if df is None or not len(df) or not {"gemeentecode", "waarde"} <= set(df.columns):
        return set()
    d = df.dropna(subset=["waarde"])
    if history and "jaar" in d.columns:
        d = d[d["jaar"] <= basisjaar]
    return set(d["gemeentecode"])


def input_gaps(gemeenten: Sequence[str], groepen: Iterable[str], inputs: Mapping[str, object], *,
               basisjaar: int = BASISJAAR) -> dict[str, tuple[str, ...]]:
    """``{groep: gemeenten without its input}`` for the groups in ``groepen`` whose input (given in
    ``inputs``, the keyword inputs of :func:`~.assembly.demand_table`) lacks some of ``gemeenten``.
    Groups whose input is not given at all are not listed (that is the caller's choice of groups)."""
    out: dict[str, tuple[str, ...]] = {}
    haves: dict[str, set[str]] = {}  # per input (urgenten and mantelzorg share the huishoudens)
    for groep in groepen:
        if groep not in COMPONENTEN:
            continue
        name, _ = COMPONENTEN[groep]
        df = inputs.get(name)
        if df is None:
            continue
        if name not in haves:
            haves[name] = _have(df, basisjaar, history=name == "studenten_historie")
        gaps = tuple(sorted(set(gemeenten) - haves[name]))
        if gaps:
            out[groep] = gaps
    return out


def coverage_table(gemeenten: Sequence[str], inputs: Mapping[str, object], *,
                   basisjaar: int = BASISJAAR) -> pd.DataFrame:
    """:func:`coverage` on given inputs: one row per gemeente × component (``status`` aan / uit)."""
    gemeenten = sorted(set(gemeenten))
    gaps = input_gaps(gemeenten, COMPONENTEN, inputs, basisjaar=basisjaar)
    rows = []
    for code in gemeenten:
        for comp, (name, reden) in COMPONENTEN.items():
            off = code in gaps.get(comp, ()) or inputs.get(name) is None
            rows.append((code, comp, name, "uit" if off else "aan", reden if off else ""))
    return pd.DataFrame(rows, columns=COVERAGE_COLUMNS)


def coverage(codes: Iterable[str], as_of: int = BASISJAAR) -> pd.DataFrame:
    """Which data-dependent components of the demand model are switched on or off per gemeente:
    ``gemeentecode, component, invoer, status, reden`` (status ``aan`` | ``uit``; ``reden`` in
    Dutch where off), from the inputs :func:`~.inputs.demand_inputs` reads (dated ≤ ``as_of``).
    A component that is off has no rows for that gemeente in ``woonzorg demand``."""
    from .inputs import demand_inputs

    codes = sorted(set(codes))
    return coverage_table(codes, demand_inputs(codes, as_of=as_of), basisjaar=as_of)


def switched_off(table: pd.DataFrame) -> pd.DataFrame:
    """Only the rows of a :func:`coverage` table whose component is off (for the report's note)."""
    return table[table["status"] == "uit"].reset_index(drop=True)
