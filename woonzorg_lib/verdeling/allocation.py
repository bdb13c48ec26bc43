"""Share regional tasks over the gemeenten of a region: the ``woonzorg allocate`` table.

:func:`allocate` turns a task table (region-level whole units per groep × woningtype × taak ×
periode, :mod:`.tasks`), an indicator table per gemeente and one or more verdeelsleutels into the
CONTRACTS table::

    gemeentecode, groep, woningtype, taak, periode, sleutel, aandeel, toewijzing,
    huidige_inspanning, verschil, regionale_functie

sorted by the key columns, with ``toewijzing`` summing exactly to the task per
(groep, woningtype, taak, periode, sleutel). The stock task (``opgave``) and the lettings task
(``toewijzing``) are separate rows and separate apportionments. Floors, caps and carry-over:
:mod:`.bounds`; summaries of the table: :mod:`.summaries`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from woonzorg_lib import atomic
from woonzorg_lib.errors import InputError

from .apportion import METHODS, InfeasibleTaskError, apportion_columns
from .bounds import _bounds_list, _combine, caps_from_lettings_capacity  # noqa: F401 (alias)
from .keys import Verdeelsleutel, _as_key_dict, key_shares
from .tasks import (ALLOCATION_COLUMNS, KEY_COLUMNS, _check_indicators, _check_tasks, _src)

__all__ = ["allocate", "write_allocation_csv"]

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
    seen: dict[tuple, pd.Series | None] = {}

    def lookup(groep: str, woningtype: str) -> pd.Series | None:
        """(remembered per groep × woningtype: allocate asks once per task)"""
        if (groep, woningtype) not in seen:
            seen[(groep, woningtype)] = _lookup(groep, woningtype)
        return seen[(groep, woningtype)]

    def _lookup(groep: str, woningtype: str) -> pd.Series | None:
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


def _regional_shares(spec: Any, gemeenten: pd.Index, source: str) -> pd.Series:
    """The ``regionale_functie`` column: a share 0–1 per gemeente, NaN (empty) when not given."""
    if spec is None:
        return pd.Series(np.nan, index=gemeenten, dtype="float64")
    s = pd.Series(dict(spec)) if isinstance(spec, Mapping) else spec
    if not isinstance(s, pd.Series):
        raise InputError("regionale functie moet een Series per gemeente zijn", file=source,
                         column="regionale_functie")
    s = pd.to_numeric(s, errors="coerce").astype("float64")
    s.index = s.index.astype(str)
    unknown = s.index.difference(gemeenten)
    if len(unknown):
        raise InputError(f"gemeente {unknown[0]} staat niet in de indicatortabel van de regio",
                         file=source, column="gemeentecode", row=unknown[0])
    bad = s[(s < 0) | (s > 1) | np.isinf(s.to_numpy())]
    if len(bad):
        raise InputError(f"regionale functie is een aandeel 0–1, niet {bad.iloc[0]:g}",
                         file=source, column="regionale_functie", row=bad.index[0])
    return s.reindex(gemeenten)


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
    # masks computed once per value (a lookup runs per task and key); _selector looks at every
    # groep's rows, as before
    groep_col = table["groep"].astype("object")
    masks: dict[tuple, np.ndarray] = {}
    seen: dict[tuple, pd.Series | None] = {}

    def mask(col: str, value: Any) -> np.ndarray:
        k = (col, value)
        if k not in masks:
            masks[k] = groep_col.eq(value).astype(bool).to_numpy() if col == "groep" else \
                _selector(table, col, value).to_numpy()
        return masks[k]

    def lookup(groep: str, woningtype: str, periode: str) -> pd.Series | None:
        k = (groep, woningtype, periode)
        if k not in seen:
            seen[k] = _lookup(groep, woningtype, periode)
        return seen[k]

    def _lookup(groep: str, woningtype: str, periode: str) -> pd.Series | None:
        sel = mask("groep", groep)
        if not sel.any():
            return None
        sel = sel & mask("woningtype", woningtype) & mask("periode", periode)
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
# allocate
# ----------------------------------------------------------------------------------------------

def allocate(taken: pd.DataFrame, indicatoren: pd.DataFrame,
             keys: Verdeelsleutel | Mapping[str, Verdeelsleutel] | Iterable[Verdeelsleutel],
             huidige_inspanning: pd.Series | pd.DataFrame | Mapping[str, float] | None = None, *,
             method: str = "hamilton", vraag: pd.DataFrame | None = None,
             bronnen: Mapping[str, str] | None = None, floors: Any = None, caps: Any = None,
             carry_over: Any = None,
             regionale_functie: pd.Series | Mapping[str, float] | None = None) -> pd.DataFrame:
    """Share every task over the gemeenten under every key (the CONTRACTS ``allocate`` table).

    Parameters
    ----------
    taken
        Columns ``groep, woningtype, taak, periode, eenheden`` (:data:`~.tasks.TASK_COLUMNS`):
        ``taak`` ∈ {opgave, toewijzing}, ``eenheden`` whole units ≥ 0 for the region (see
        :func:`~.tasks.task_table` for a user-given number and :func:`~.tasks.tasks_from_demand`).
        The older form ``groep, woningtype, periode, taak`` (``taak`` = the number) is accepted;
        the kind then follows the groep's soort.
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
    regionale_functie
        Optional share (0–1) per gemeente of the region's centrumgemeente functions (beschermd
        wonen, maatschappelijke opvang; :func:`~.effort.regional_function`): reported in its own
        column, never inside ``huidige_inspanning``. Absent = empty.

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
    regio = _regional_shares(regionale_functie, ind.index, _src(bronnen, "regionale_functie"))

    share_cache: dict[tuple, pd.Series] = {}
    indicator_memo: dict = {}  # shares per indicator of ``ind`` (the columns set per task excluded)
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
                share_cache[cache_key] = key_shares(key, table, groep=t.groep, source=src,
                                                    memo=indicator_memo, varying=_PER_TASK)
            shares = share_cache[cache_key]
            where = f"{t.groep}/{t.woningtype}/{t.taak}/{t.periode}, sleutel {sleutel}"
            try:
                index, work = apportion_columns(shares, t.eenheden,  # type: ignore[arg-type]
                                                method=method, floors=lo, caps=hi, carry_over=co,
                                                source=f"{src_t} ({where})")
            except InfeasibleTaskError as exc:
                raise _infeasible(exc, t, sleutel, src_lo, src_hi) from None
            toew = np.array(work["toewijzing"], dtype="int64")
            for g, r in zip(index, work["rest_carry_over"]):
                if r != 0:
                    rest.append({"gemeentecode": str(g), "groep": t.groep,
                                 "woningtype": t.woningtype, "taak": t.taak,
                                 "periode": t.periode, "sleutel": sleutel,
                                 "rest_carry_over": int(r)})
            today = eff.reindex(shares.index) if eff is not None else \
                pd.Series(np.nan, index=shares.index)
            n = len(shares)
            part = {"gemeentecode": np.asarray(shares.index.astype(str), dtype=object)}
            for col, value in (("groep", t.groep), ("woningtype", t.woningtype), ("taak", t.taak),
                               ("periode", t.periode), ("sleutel", sleutel)):
                part[col] = np.full(n, value, dtype=object)
            part.update(aandeel=shares.to_numpy(dtype="float64"), toewijzing=toew,
                        huidige_inspanning=today.to_numpy(dtype="float64"),
                        regionale_functie=regio.reindex(shares.index).to_numpy(dtype="float64"))
            frames.append(part)
    if frames:
        # one table from the parts' columns (the concatenation of a frame per task and key)
        out = pd.DataFrame({c: np.concatenate([f[c] for f in frames]) for c in frames[0]})
    else:
        out = pd.DataFrame({c: pd.Series(dtype="float64" if c in ("aandeel", "huidige_inspanning",
                                                                  "verschil", "regionale_functie")
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


_PER_TASK = frozenset({"vraag", "huidige_inspanning"})  # columns _indicator_table_for may set


def _infeasible(exc: InfeasibleTaskError, t: Any, sleutel: str, src_lo: str,
                src_hi: str) -> InfeasibleTaskError:
    """The apportionment's infeasibility error, restated for the task and the bounds' source."""
    col = exc.column or ""
    files = [f for c, f in (("ondergrens", src_lo), ("bovengrens", src_hi)) if c in col]
    hint = ("verhoog de bovengrenzen of verlaag de taak" if col == "bovengrens" else
            "verlaag de ondergrenzen of verhoog de taak" if col == "ondergrens" else
            "maak de ondergrens niet groter dan de bovengrens")
    return InfeasibleTaskError(
        f"taak ({t.taak}) {t.eenheden} voor groep {t.groep}, woningtype {t.woningtype}, periode "
        f"{t.periode} "
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


