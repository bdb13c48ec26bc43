"""Input handling of :mod:`.apportion`: weights, task, floors, caps and carry-over checked and
put in canonical order (exact integers), and the feasibility check of the bounds."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from numbers import Integral, Real
from typing import Any

import pandas as pd

from woonzorg_lib.errors import InputError

__all__ = ["DEFAULT_SOURCE", "InfeasibleTaskError"]

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
