"""Dutch number formatting for everything a reader sees: ``12.345``, ``3,4%``, ``1,5``.

Rules (Taalunie / CBS house style): thousands separator '.', decimal comma, the percent sign written
directly after the number, a real minus sign (U+2212) for negative numbers, and an em dash for a
missing value. Every function accepts ``None``/NaN and returns ``MISSING`` for it.
"""

from __future__ import annotations

import math
from numbers import Number

MISSING = "–"
MINUS = "−"  # U+2212, as in print


def _is_missing(x) -> bool:
    if x is None:
        return True
    try:
        return bool(isinstance(x, Number) and math.isnan(float(x)))
    except (TypeError, ValueError):
        return False


def _group(int_digits: str) -> str:
    out = []
    while len(int_digits) > 3:
        out.append(int_digits[-3:])
        int_digits = int_digits[:-3]
    out.append(int_digits)
    return ".".join(reversed(out))


def dec(x, digits: int = 1, *, sign: bool = False) -> str:
    """A number with ``digits`` decimals: ``dec(1234.56, 1)`` → ``'1.234,6'``."""
    if _is_missing(x):
        return MISSING
    x = float(x)
    if math.isinf(x):
        return "∞" if x > 0 else MINUS + "∞"
    s = f"{abs(x):.{digits}f}"
    if digits > 0:
        whole, frac = s.split(".")
        body = f"{_group(whole)},{frac}"
    else:
        body = _group(s)
    is_zero = float(s) == 0.0
    if x < 0 and not is_zero:
        return MINUS + body
    if sign and not is_zero:
        return "+" + body
    return body


def num(x, max_digits: int = 4) -> str:
    """A parameter value as written: up to ``max_digits`` decimals, trailing zeros dropped:
    ``num(0.036)`` → ``'0,036'``, ``num(17700.0)`` → ``'17.700'``, ``num(2.5)`` → ``'2,5'``."""
    if _is_missing(x):
        return MISSING
    text = dec(x, max_digits)
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return text


def n(x, *, sign: bool = False) -> str:
    """A whole number with thousands separators: ``n(12345)`` → ``'12.345'``."""
    return dec(x, 0, sign=sign)


def pct(fraction, digits: int = 1, *, sign: bool = False) -> str:
    """A fraction as a percentage: ``pct(0.034)`` → ``'3,4%'``."""
    if _is_missing(fraction):
        return MISSING
    return dec(float(fraction) * 100.0, digits, sign=sign) + "%"


def pp(fraction_points, digits: int = 1, *, sign: bool = True) -> str:
    """A difference between two fractions in percentage points: ``pp(0.021)`` → ``'+2,1 %-punt'``."""
    if _is_missing(fraction_points):
        return MISSING
    return dec(float(fraction_points) * 100.0, digits, sign=sign) + " %-punt"


def year_span(a: int, b: int) -> str:
    """``year_span(2024, 2030)`` → ``'2024–2030'``."""
    return f"{int(a)}–{int(b)}"


def peildatum(year: int) -> str:
    """Stocks are counted on 1 January: ``peildatum(2024)`` → ``'1 januari 2024'``."""
    return f"1 januari {int(year)}"


def join(items, last: str = "en") -> str:
    """``['a', 'b', 'c']`` → ``'a, b en c'``."""
    items = [str(i) for i in items]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + f" {last} " + items[-1]


def tick_formatter(digits: int = 0, percent: bool = False):
    """A matplotlib tick formatter in Dutch notation (imported lazily)."""
    from matplotlib.ticker import FuncFormatter

    if percent:
        return FuncFormatter(lambda v, _pos: pct(v, digits))
    return FuncFormatter(lambda v, _pos: dec(v, digits))
