"""Whole-unit apportionment: share a task of ``total`` whole units over gemeenten by weight.

Three methods (see ``docs/verdeling.md`` for where each can surprise):

* :func:`hamilton` – largest remainder (Hare/Niemeyer). Meets quota; shows the Alabama and
  population paradoxes. The default.
* :func:`webster` – Sainte-Laguë divisor method (round half up). House- and population-monotone,
  unbiased between large and small gemeenten; can (rarely) break quota.
* :func:`dhondt` – Jefferson/D'Hondt divisor method (round down). Favours large gemeenten.

All arithmetic is exact: every float weight is converted to the rational number it represents, so
ties are real ties and the result never depends on floating-point summation order.

Rules shared by all methods
---------------------------
* **Result.** The *basis* (each gemeente's whole-unit share of this period's ``total``) sums to
  ``total`` exactly and is never negative.
* **Ties** are broken by a fixed order that does not depend on the order in which the gemeenten are
  given: larger weight first, then gemeentecode ascending (string order). Example: weights 1, 1
  and total 1 → the unit goes to the lower gemeentecode.
* **Floors and caps** (``floors``/``caps``: a Mapping/Series per gemeentecode, or one integer for
  every gemeente; missing or NaN = no floor / no cap) bound the basis:
  ``floor_i <= basis_i <= cap_i``. Proportionality is kept among the gemeenten that are not at a
  bound: the quota is ``q_i = clip(λ·w_i, floor_i, cap_i)`` with λ chosen so that
  ``Σ q_i = total`` (without bounds ``q_i = total·w_i/Σw``). Hamilton rounds these quotas;
  the divisor methods use the bounded divisor rule ``clip(round(w_i/d), floor_i, cap_i)``.
  If ``Σ floors > total`` or ``Σ caps < total`` (or a floor exceeds its cap) an
  :class:`InfeasibleTaskError` names the gemeenten involved.
* **Zero weights.** A gemeente with weight 0 receives its floor (0 by default). Only if every
  gemeente with a positive weight is at its cap does the rest go to the zero-weight gemeenten,
  shared as if their weights were equal. **All weights zero** → every gemeente is treated as having
  the same weight (an equal split, ties by gemeentecode).
* **Carry-over** (``carry_over``: whole units per gemeente; positive = backlog still owed from an
  earlier period, negative = surplus delivered earlier), as in the statushouder taakstelling: it
  is settled per gemeente, on top of the basis, and does not change any other gemeente's share::

      toewijzing_i      = max(basis_i + carry_over_i, 0)
      rest_carry_over_i = min(basis_i + carry_over_i, 0)   # surplus not yet used; carry it on

  so always ``Σ toewijzing + Σ rest_carry_over = total + Σ carry_over`` exactly, and
  ``Σ toewijzing = total + Σ carry_over`` whenever no surplus exceeds its gemeente's basis.
  Floors and caps bound the basis, not the carry-over: pass ``caps - backlog`` to cap the sum.

Every bad input raises :class:`woonzorg_lib.errors.InputError` naming the source (``source=``),
the column/key and the gemeente.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from numbers import Integral, Real
from typing import Any, Literal

import numpy as np
import pandas as pd

from woonzorg_lib.errors import InputError

__all__ = [
    "InfeasibleTaskError",
    "METHODS",
    "apportion",
    "apportion_table",
    "dhondt",
    "hamilton",
    "pro_rata_whole",
    "quota",
    "webster",
]

Method = Literal["hamilton", "webster", "dhondt"]
METHODS: tuple[str, ...] = ("hamilton", "webster", "dhondt")

#: Label used as the "file" of an error when the caller did not name the source of the numbers.
DEFAULT_SOURCE = "<verdeling>"


class InfeasibleTaskError(InputError):
    """Floors and caps make the task impossible. ``gemeenten`` lists the gemeenten involved."""

    def __init__(self, message: str, *, gemeenten: list[str], file: str | None = None,
                 column: str | None = None):
        self.gemeenten = list(gemeenten)
        super().__init__(message, file=file, column=column, row=", ".join(self.gemeenten))


# ----------------------------------------------------------------------------------------------
# Input handling
# ----------------------------------------------------------------------------------------------

@dataclass
class _Problem:
    labels: list[Any]          # gemeentecodes in canonical order (sorted by str(code))
    input_order: list[Any]     # gemeentecodes in the order the caller gave them
    weights: list[float]       # original weights (canonical order)
    n: list[int]               # weights as exact integers on a common scale (canonical order)
    lo: list[int]
    hi: list[int | None]       # None = no cap
    carry: list[int]
    total: int
    index: pd.Index            # the caller's index (order, dtype and name kept)
    source: str


def _as_whole(value: Any, *, what: str, source: str, row: Any = None,
              allow_negative: bool = False) -> int:
    """Return ``value`` as int if it is a whole number (7, 7.0, np.int64(7)), else InputError."""
    if isinstance(value, bool) or value is None:
        raise InputError(f"{what} moet een geheel getal zijn, niet {value!r}", file=source,
                         column=what, row=row)
    if isinstance(value, Integral):
        out = int(value)
    elif isinstance(value, Real):
        fv = float(value)
        if not math.isfinite(fv) or not fv.is_integer():
            raise InputError(f"{what} moet een geheel getal zijn, niet {value!r}", file=source,
                             column=what, row=row)
        out = int(fv)
    else:
        raise InputError(f"{what} moet een geheel getal zijn, niet {value!r}", file=source,
                         column=what, row=row)
    if out < 0 and not allow_negative:
        raise InputError(f"{what} mag niet negatief zijn ({out})", file=source, column=what,
                         row=row)
    return out


def _per_gemeente(values: Any, labels: list[Any], *, what: str, source: str,
                  allow_negative: bool) -> dict[Any, int]:
    """Map an optional per-gemeente integer input (Mapping, Series or scalar) onto ``labels``."""
    if values is None:
        return {}
    if isinstance(values, (Integral, Real)) and not isinstance(values, bool):
        v = _as_whole(values, what=what, source=source, allow_negative=allow_negative)
        return {lab: v for lab in labels}
    if isinstance(values, pd.Series):
        items = list(values.items())
        if values.index.has_duplicates:
            dup = values.index[values.index.duplicated()][0]
            raise InputError(f"gemeente staat dubbel in {what}", file=source, column=what, row=dup)
    elif isinstance(values, Mapping):
        items = list(values.items())
    else:
        raise InputError(f"{what} moet per gemeente gegeven worden (Series of dict), niet "
                         f"{type(values).__name__}", file=source, column=what)
    known = set(labels)
    out: dict[Any, int] = {}
    for lab, v in items:
        if lab not in known:
            raise InputError(f"onbekende gemeente in {what}; die heeft geen gewicht",
                             file=source, column=what, row=lab)
        if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
            continue  # missing = no floor / no cap / no carry-over
        out[lab] = _as_whole(v, what=what, source=source, row=lab, allow_negative=allow_negative)
    return out


def _exact_scale(weights: list[float]) -> list[int]:
    """Exact integers proportional to the float weights (floats are dyadic rationals)."""
    ratios = [Fraction(w).as_integer_ratio() if w else (0, 1) for w in weights]
    lcd = 1
    for _, den in ratios:
        lcd = max(lcd, den)  # denominators are powers of two: the largest is a common multiple
    return [num * (lcd // den) for num, den in ratios]


def _prepare(weights: Any, total: Any, floors: Any, caps: Any, carry_over: Any,
             source: str | None) -> _Problem:
    source = source or DEFAULT_SOURCE
    if isinstance(weights, pd.DataFrame):
        raise InputError("gewichten moeten één kolom zijn (Series of dict), geen tabel",
                         file=source, column="gewicht")
    if isinstance(weights, Mapping) and not isinstance(weights, pd.Series):
        weights = pd.Series(dict(weights), dtype="object")
    if not isinstance(weights, pd.Series):
        raise InputError(f"gewichten moeten een Series of dict per gemeente zijn, niet "
                         f"{type(weights).__name__}", file=source, column="gewicht")
    if weights.index.has_duplicates:
        dup = weights.index[weights.index.duplicated()][0]
        raise InputError("gemeente staat dubbel in de gewichten", file=source, column="gewicht",
                         row=dup)
    input_order = list(weights.index)
    values: dict[Any, float] = {}
    for lab, v in weights.items():
        try:
            fv = float(v)
        except (TypeError, ValueError):
            raise InputError(f"gewicht is geen getal: {v!r}", file=source, column="gewicht",
                             row=lab) from None
        if not math.isfinite(fv):
            raise InputError(f"gewicht ontbreekt of is niet eindig ({v!r})", file=source,
                             column="gewicht", row=lab)
        if fv < 0:
            raise InputError(f"gewicht mag niet negatief zijn ({fv})", file=source,
                             column="gewicht", row=lab)
        values[lab] = fv + 0.0  # -0.0 -> 0.0
    labels = sorted(input_order, key=lambda x: (str(x), repr(x)))
    H = _as_whole(total, what="taak", source=source)
    if not labels and H > 0:
        raise InputError(f"een taak van {H} kan niet over nul gemeenten verdeeld worden",
                         file=source, column="gewicht")
    lo_map = _per_gemeente(floors, labels, what="ondergrens", source=source, allow_negative=False)
    hi_map = _per_gemeente(caps, labels, what="bovengrens", source=source, allow_negative=False)
    co_map = _per_gemeente(carry_over, labels, what="carry_over", source=source,
                           allow_negative=True)
    w = [values[lab] for lab in labels]
    prob = _Problem(
        labels=labels, input_order=input_order, weights=w, n=_exact_scale(w),
        lo=[lo_map.get(lab, 0) for lab in labels], hi=[hi_map.get(lab) for lab in labels],
        carry=[co_map.get(lab, 0) for lab in labels], total=H,
        index=weights.index, source=source)
    _check_feasible(prob)
    return prob


def _check_feasible(p: _Problem) -> None:
    bad = [str(lab) for lab, lo, hi in zip(p.labels, p.lo, p.hi) if hi is not None and lo > hi]
    if bad:
        raise InfeasibleTaskError(
            "ondergrens is groter dan bovengrens voor gemeente(n) " + ", ".join(bad),
            gemeenten=bad, file=p.source, column="ondergrens/bovengrens")
    sum_lo = sum(p.lo)
    if sum_lo > p.total:
        who = [str(lab) for lab, lo in zip(p.labels, p.lo) if lo > 0]
        raise InfeasibleTaskError(
            f"de ondergrenzen vragen samen {sum_lo} eenheden, meer dan de taak van {p.total}; "
            f"gemeenten met een ondergrens: {', '.join(who)}",
            gemeenten=who, file=p.source, column="ondergrens")
    if all(hi is not None for hi in p.hi):
        sum_hi = sum(p.hi)  # type: ignore[arg-type]
        if sum_hi < p.total:
            who = [str(lab) for lab in p.labels]
            raise InfeasibleTaskError(
                f"de bovengrenzen laten samen maar {sum_hi} eenheden toe, minder dan de taak van "
                f"{p.total}; alle gemeenten hebben een bovengrens: {', '.join(who)}",
                gemeenten=who, file=p.source, column="bovengrens")


# ----------------------------------------------------------------------------------------------
# Cores (canonical order, exact arithmetic)
# ----------------------------------------------------------------------------------------------

def _bounded_lambda(n: list[int], lo: list[int], hi: list[int | None], T: int) -> Fraction:
    """λ with ``Σ clip(λ·n_i, lo_i, hi_i) = T`` (all n_i > 0; caller guarantees Σlo ≤ T ≤ Σhi).

    ``f(λ) = Σ clip(λ n_i, lo_i, hi_i)`` is continuous and non-decreasing; sweep its breakpoints.
    Where f is flat at T any λ on the flat part gives the same clipped values.
    """
    C = Fraction(sum(lo))
    if C == T:
        return Fraction(0)
    events: list[tuple[Fraction, int, int]] = []
    for i, (ni, l, h) in enumerate(zip(n, lo, hi)):
        events.append((Fraction(l, ni), 0, i))          # starts growing
        if h is not None:
            events.append((Fraction(h, ni), 1, i))      # stops growing
    events.sort()
    S = 0
    for at, kind, i in events:
        if S > 0 and C + at * S >= T:
            return (T - C) / S
        if kind == 0:
            C -= lo[i]
            S += n[i]
        else:
            C += hi[i]  # type: ignore[operator]
            S -= n[i]
    # past the last breakpoint: either someone still grows (S > 0), or every gemeente sits at its
    # cap and the caps add up to T exactly
    return (T - C) / S if S > 0 else events[-1][0]


def _clip(x: Fraction, lo: int, hi: int | None) -> Fraction:
    if x < lo:
        return Fraction(lo)
    if hi is not None and x > hi:
        return Fraction(hi)
    return x


def _bounded_quotas(n: list[int], lo: list[int], hi: list[int | None], T: int) -> list[Fraction]:
    """Quotas ``clip(λ·n_i, lo_i, hi_i)`` summing exactly to ``T`` (all n_i > 0)."""
    lam = _bounded_lambda(n, lo, hi, T)
    return [_clip(lam * ni, l, h) for ni, l, h in zip(n, lo, hi)]


def _split_zero(n: list[int], lo: list[int], hi: list[int | None], T: int, core) -> list[int]:
    """Apply the zero-weight rules around ``core(n, lo, hi, T)`` (which needs all n_i > 0)."""
    k = len(n)
    pos = [i for i in range(k) if n[i] > 0]
    zero = [i for i in range(k) if n[i] == 0]
    if not pos:  # all weights zero: equal split
        return core([1] * k, lo, hi, T)
    seats = [0] * k
    uncapped = any(hi[i] is None for i in pos)
    cap_pos = None if uncapped else sum(hi[i] for i in pos)  # type: ignore[misc]
    zero_lo = sum(lo[i] for i in zero)
    if cap_pos is not None and T > cap_pos + zero_lo:
        # every positive-weight gemeente is full: the rest goes to the zero-weight ones, equally
        for i in pos:
            seats[i] = hi[i]  # type: ignore[assignment]
        sub = core([1] * len(zero), [lo[i] for i in zero], [hi[i] for i in zero], T - cap_pos)
        for i, s in zip(zero, sub):
            seats[i] = s
        return seats
    for i in zero:
        seats[i] = lo[i]
    sub = core([n[i] for i in pos], [lo[i] for i in pos], [hi[i] for i in pos], T - zero_lo)
    for i, s in zip(pos, sub):
        seats[i] = s
    return seats


def _hamilton_core(n: list[int], lo: list[int], hi: list[int | None], T: int) -> list[int]:
    q = _bounded_quotas(n, lo, hi, T)
    seats = [math.floor(x) for x in q]
    left = T - sum(seats)
    # largest remainder; ties: larger weight, then canonical position (= gemeentecode ascending)
    order = sorted(range(len(n)), key=lambda i: (-(q[i] - seats[i]), -n[i], i))
    for i in order[:left]:
        seats[i] += 1
    return seats


def _divisor_core(delta: Fraction):
    """Bounded divisor method: the s-th unit of gemeente i has priority ``n_i / (s − 1 + delta)``.

    The result holds the ``T − Σlo`` best claims above the floors (priority, then larger weight,
    then gemeentecode), never beyond a cap; that is ``clip(round_delta(n_i/d), lo_i, hi_i)`` for a
    common divisor d. Computed by a jump start at the bounded-proportional divisor 1/λ plus a few
    heap steps. The jump start holds exactly the claims with priority ≥ 1/λ (a prefix of the
    total order, ties included), and adding the best unheld / dropping the worst held claim keeps
    it a prefix, so the end result is the canonical one without any further swapping.
    """

    def core(n: list[int], lo: list[int], hi: list[int | None], T: int) -> list[int]:
        k = len(n)
        lam = _bounded_lambda(n, lo, hi, T)
        seats = []
        for i in range(k):
            s = math.floor(lam * n[i] + 1 - delta) if T > 0 else 0
            s = max(s, lo[i])
            if hi[i] is not None:
                s = min(s, hi[i])
            seats.append(s)

        # claim (i, s) = the s-th unit of gemeente i; better = larger key
        def key(i: int, s: int) -> tuple[Fraction, int, int]:
            return (Fraction(n[i]) / (s - 1 + delta), n[i], -i)

        def addable(i: int) -> bool:
            return hi[i] is None or seats[i] < hi[i]  # type: ignore[operator]

        def removable(i: int) -> bool:
            return seats[i] > lo[i]

        # max-heap of the next claim per gemeente, min-heap of the last held claim; lazy entries
        add_heap = []
        del_heap = []

        def push_add(i: int) -> None:
            if addable(i):
                p, w, j = key(i, seats[i] + 1)
                heapq.heappush(add_heap, (-p, -w, -j, seats[i]))

        def push_del(i: int) -> None:
            if removable(i):
                heapq.heappush(del_heap, (key(i, seats[i]), seats[i]))

        def top_add():
            while add_heap:
                negp, negw, i, s = add_heap[0]
                if seats[i] == s and addable(i):
                    return (-negp, -negw, -i)
                heapq.heappop(add_heap)
            return None

        def top_del():
            while del_heap:
                kk, s = del_heap[0]
                i = -kk[2]
                if seats[i] == s and removable(i):
                    return kk
                heapq.heappop(del_heap)
            return None

        for i in range(k):
            push_add(i)
            push_del(i)
        total = sum(seats)
        while total != T:
            if total < T:
                kk = top_add()
                i = -kk[2]  # type: ignore[index]
                seats[i] += 1
                total += 1
            else:
                kk = top_del()
                i = -kk[2]  # type: ignore[index]
                seats[i] -= 1
                total -= 1
            push_add(i)
            push_del(i)
        return seats

    return core


_CORES = {
    "hamilton": _hamilton_core,
    "webster": _divisor_core(Fraction(1, 2)),
    "dhondt": _divisor_core(Fraction(1)),
}


def _solve(p: _Problem, method: str) -> tuple[list[int], list[Fraction]]:
    if method not in _CORES:
        raise InputError(f"onbekende verdeelmethode '{method}'; kies uit {', '.join(METHODS)}",
                         file=p.source, column="methode")
    if not p.labels:
        return [], []
    core = _CORES[method]
    seats = _split_zero(p.n, p.lo, p.hi, p.total, core)
    quotas = _split_zero_quota(p)
    return seats, quotas


def _split_zero_quota(p: _Problem) -> list[Fraction]:
    """The (bounded) quotas under the same zero-weight rules, for the quota check."""
    def core(n, lo, hi, T):
        return _bounded_quotas(n, lo, hi, T)
    return _split_zero(p.n, p.lo, p.hi, p.total, core)  # type: ignore[return-value]


# ----------------------------------------------------------------------------------------------
# Public API
# ----------------------------------------------------------------------------------------------

def _run(weights: Any, total: Any, method: str, floors: Any, caps: Any, carry_over: Any,
         source: str | None) -> tuple[_Problem, dict[str, list]]:
    """Solve and return the columns of the working table, in the caller's gemeente order."""
    p = _prepare(weights, total, floors, caps, carry_over, source)
    seats, quotas = _solve(p, method)
    pos = {lab: i for i, lab in enumerate(p.labels)}
    idx = [pos[lab] for lab in p.input_order]
    final = [seats[i] + p.carry[i] for i in idx]
    cols = {
        "gewicht": [p.weights[i] for i in idx],
        "quotum": [float(quotas[i]) for i in idx],
        "ondergrens": [p.lo[i] for i in idx],
        "bovengrens": [math.nan if p.hi[i] is None else float(p.hi[i]) for i in idx],
        "basis": [seats[i] for i in idx],
        "carry_over": [p.carry[i] for i in idx],
        "toewijzing": [max(f, 0) for f in final],
        "rest_carry_over": [min(f, 0) for f in final],
        "binnen_quotum": [math.floor(quotas[i]) <= seats[i] <= math.ceil(quotas[i]) for i in idx],
    }
    return p, cols


_INT_COLUMNS = ("ondergrens", "basis", "carry_over", "toewijzing", "rest_carry_over")


def apportion_table(weights: pd.Series | Mapping[Any, float], total: int, *,
                    method: Method = "hamilton", floors: Any = None, caps: Any = None,
                    carry_over: Any = None, source: str | None = None) -> pd.DataFrame:
    """Apportion ``total`` whole units and return the full working per gemeente.

    Index: the gemeentecodes in the order given. Columns: ``gewicht``, ``quotum`` (bounded quota,
    float), ``ondergrens``, ``bovengrens`` (NaN = none), ``basis`` (whole-unit share of
    ``total``; sums to ``total``), ``carry_over``, ``toewijzing`` (= max(basis + carry_over, 0)),
    ``rest_carry_over`` (surplus not yet used, ≤ 0) and ``binnen_quotum`` (basis is the floor or
    ceiling of the quota). See the module docstring for the rules.
    """
    p, cols = _run(weights, total, method, floors, caps, carry_over, source)
    data = {}
    for name, values in cols.items():
        dtype = "int64" if name in _INT_COLUMNS else bool if name == "binnen_quotum" else "float64"
        data[name] = np.array(values, dtype=dtype)
    return pd.DataFrame(data, index=p.index)


def apportion(weights: pd.Series | Mapping[Any, float], total: int, *,
              method: Method = "hamilton", floors: Any = None, caps: Any = None,
              carry_over: Any = None, source: str | None = None) -> pd.Series:
    """``toewijzing`` per gemeente (int64 Series, index in the order given) by ``method``."""
    p, cols = _run(weights, total, method, floors, caps, carry_over, source)
    return pd.Series(np.array(cols["toewijzing"], dtype="int64"), index=p.index, name="toewijzing")


def hamilton(weights: pd.Series | Mapping[Any, float], total: int, *, floors: Any = None,
             caps: Any = None, carry_over: Any = None, source: str | None = None) -> pd.Series:
    """Largest-remainder (Hamilton/Hare–Niemeyer) apportionment; see the module docstring."""
    return apportion(weights, total, method="hamilton", floors=floors, caps=caps,
                     carry_over=carry_over, source=source)


def webster(weights: pd.Series | Mapping[Any, float], total: int, *, floors: Any = None,
            caps: Any = None, carry_over: Any = None, source: str | None = None) -> pd.Series:
    """Webster/Sainte-Laguë divisor apportionment (round half up); see the module docstring."""
    return apportion(weights, total, method="webster", floors=floors, caps=caps,
                     carry_over=carry_over, source=source)


def dhondt(weights: pd.Series | Mapping[Any, float], total: int, *, floors: Any = None,
           caps: Any = None, carry_over: Any = None, source: str | None = None) -> pd.Series:
    """Jefferson/D'Hondt divisor apportionment (round down); favours large gemeenten."""
    return apportion(weights, total, method="dhondt", floors=floors, caps=caps,
                     carry_over=carry_over, source=source)


def quota(weights: pd.Series | Mapping[Any, float], total: int, *,
          source: str | None = None) -> pd.Series:
    """The exact (unbounded) quota ``total·w_i/Σw`` per gemeente as float (all-zero → equal)."""
    table = apportion_table(weights, total, source=source)
    return table["quotum"].rename("quotum")


def pro_rata_whole(total: int, inwoners: pd.Series | Mapping[Any, float], *,
                   inwoners_totaal: float | None = None, carry_over: Any = None,
                   source: str | None = None) -> pd.Series:
    """The statushouder rule: ``total`` whole persons pro rata inwoners.

    * ``inwoners_totaal=None``: ``inwoners`` covers every unit that shares ``total`` (e.g. all
      gemeenten of the Netherlands). Whole persons by largest remainder (:func:`hamilton`), so the
      result sums to ``total`` exactly.
    * ``inwoners_totaal`` given: the gemeenten are part of a larger whole (e.g. one region of the
      national task). Each gemeente gets its quota ``total·inwoners_i/inwoners_totaal`` rounded to
      the nearest whole person (half up). In a full largest-remainder apportionment of the whole
      country the figure is the floor or the ceiling of that quota, which one depending on the
      other gemeenten; the published rounding rule is not known (domain.md §3).

    ``carry_over`` (backlog > 0, surplus < 0) is added per gemeente, never below 0 (see module
    docstring; use :func:`apportion_table` to see the surplus that carries on).
    """
    src = source or DEFAULT_SOURCE
    if inwoners_totaal is None:
        return hamilton(inwoners, total, carry_over=carry_over, source=source)
    table = apportion_table(inwoners, 0, carry_over=carry_over, source=source)  # validates input
    H = _as_whole(total, what="taak", source=src)
    try:
        denom = float(inwoners_totaal)
    except (TypeError, ValueError):
        denom = float("nan")
    sum_inw = math.fsum(table["gewicht"])
    if not math.isfinite(denom) or denom <= 0 or denom < sum_inw:
        raise InputError(f"inwoners_totaal ({inwoners_totaal!r}) moet positief zijn en minstens "
                         f"de som van de gegeven inwoners ({sum_inw:g})", file=src,
                         column="inwoners_totaal")
    den = Fraction(denom)
    out = []
    for lab, w in table["gewicht"].items():
        q = H * Fraction(w) / den
        base = math.floor(q + Fraction(1, 2))
        out.append(max(base + int(table.at[lab, "carry_over"]), 0))
    return pd.Series(out, index=table.index, name="toewijzing", dtype="int64")
