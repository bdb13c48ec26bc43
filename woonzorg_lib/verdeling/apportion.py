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
from fractions import Fraction
from typing import Any, Literal

import numpy as np
import pandas as pd

from woonzorg_lib.errors import InputError

from .apportion_input import DEFAULT_SOURCE, InfeasibleTaskError, _as_whole, _Problem, _prepare

__all__ = [
    "InfeasibleTaskError",
    "METHODS",
    "apportion",
    "apportion_columns",
    "apportion_table",
    "dhondt",
    "hamilton",
    "pro_rata_whole",
    "quota",
    "webster",
]

Method = Literal["hamilton", "webster", "dhondt"]
METHODS: tuple[str, ...] = ("hamilton", "webster", "dhondt")

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


def _hamilton_core(n: list[int], lo: list[int], hi: list[int | None], T: int,
                   q: list[Fraction] | None = None) -> list[int]:
    if q is None:
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
    memo: dict[tuple, list[Fraction]] = {}
    quotas = _split_zero_quota(p, memo)
    if method == "hamilton":
        # the largest-remainder core starts from the same bounded quotas: computed once
        def core(n, lo, hi, T):
            return _hamilton_core(n, lo, hi, T, q=memo.get((tuple(n), tuple(lo), tuple(hi), T)))
    else:
        core = _CORES[method]
    seats = _split_zero(p.n, p.lo, p.hi, p.total, core)
    return seats, quotas


def _split_zero_quota(p: _Problem, memo: dict | None = None) -> list[Fraction]:
    """The (bounded) quotas under the same zero-weight rules, for the quota check (``memo``
    collects them per sub-problem)."""
    def core(n, lo, hi, T):
        q = _bounded_quotas(n, lo, hi, T)
        if memo is not None:
            memo[(tuple(n), tuple(lo), tuple(hi), T)] = q
        return q
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


def apportion_columns(weights: pd.Series | Mapping[Any, float], total: int, *,
                      method: Method = "hamilton", floors: Any = None, caps: Any = None,
                      carry_over: Any = None, source: str | None = None) -> tuple[pd.Index, dict]:
    """:func:`apportion_table` as ``(index, {column: list})`` without building the DataFrame
    (:func:`~.allocation.allocate` apportions every task under every key and reads two columns)."""
    p, cols = _run(weights, total, method, floors, caps, carry_over, source)
    return p.index, cols


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
