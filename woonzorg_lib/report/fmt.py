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


# ----------------------------------------------------------------------------------------------
# One rounding policy for model figures (vraag, aanbod, opgave, toewijzing: estimates, not counts).
# Rounded once, at display, from the unrounded value; totals are summed before rounding, so the
# same total prints the same in every chapter (never 11.369 here and 11.370 there).
ROUND_TENS_BELOW = 10_000
ROUNDING_NOTE = ("Uitkomsten van het model zijn schattingen en daarom afgerond: onder de 10.000 op tientallen, "
                 "vanaf 10.000 op honderdtallen. Totalen zijn berekend vóór het afronden; door afronding tellen "
                 "de onderdelen niet altijd precies op tot het totaal.")
SMALL_MODEL = "minder dan 5"


def round_model(x) -> float:
    """A model figure rounded by the policy: tens below 10.000, hundreds from 10.000 (half away from zero)."""
    if _is_missing(x):
        return float("nan")
    x = float(x)
    if math.isinf(x):
        return x
    step = 10.0 if abs(x) < ROUND_TENS_BELOW else 100.0
    return math.copysign(math.floor(abs(x) / step + 0.5) * step, x)


def model(x, *, sign: bool = False, unit: str = "") -> str:
    """A model figure for the reader: ``model(11369.4)`` → ``'11.400'``, ``model(216.2)`` → ``'220'``.
    A value that is not zero but rounds to zero reads "minder dan 5" ("bijna 0" below zero): never a
    misleading 0, never the suppression sign ``<5`` (a model figure is not an observed count)."""
    if _is_missing(x):
        return MISSING
    r = round_model(x)
    if r == 0 and abs(float(x)) >= 0.5:
        text = SMALL_MODEL if float(x) > 0 else "bijna 0"
    else:
        text = n(r, sign=sign)
    return f"{text} {unit}".rstrip() if unit else text


def model_range(lo, hi, *, unit: str = "") -> str:
    """``model_range(9870, 12431, unit='woningen')`` → ``'9.870 tot 12.400 woningen'``."""
    text = f"{model(lo)} tot {model(hi)}"
    return f"{text} {unit}".rstrip() if unit else text


def table_legend(*, model_figures: bool = True, bruto: list[str] | tuple[str, ...] = (),
                 suppressed: int = 0, threshold: int = 5, model_columns: list[str] | tuple[str, ...] = ()) -> str:
    """The one legend under a table (plain text): what is estimated and how it is rounded, which
    rows are bruto, what is suppressed. Said once per table, never per cell. ``model_columns``:
    the headers of the estimated columns when not every number in the table is an estimate."""
    parts = []
    if model_figures:
        which = (f"De cijfers in {'de kolom' if len(model_columns) == 1 else 'de kolommen'} "
                 f"{join([f'‘{c}’' for c in model_columns])} zijn" if model_columns else "De cijfers zijn")
        parts.append(f"{which} schattingen van het model, afgerond: onder de 10.000 op tientallen, vanaf "
                     "10.000 op honderdtallen; totalen zijn berekend vóór het afronden.")
    if bruto:
        parts.append("Bruto (het aanbod is niet bekend; de opgave is de groei van de vraag zonder aftrek van "
                     f"bestaand aanbod): {join(list(bruto))}.")
    if suppressed:
        parts.append(f"Waargenomen aantallen kleiner dan {threshold} zijn afgeschermd (‘<{threshold}’); totalen zijn "
                     "berekend uit de volledige cijfers.")
    return " ".join(parts)


MAANDEN = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december")


def datum(iso) -> str:
    """``datum('2026-12-03')`` → ``'3 december 2026'`` (a date as written in Dutch; anything else as given)."""
    import re

    s = str(iso or "").strip()
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", s)
    if not m or not 1 <= int(m.group(2)) <= 12:
        return s
    return f"{int(m.group(3))} {MAANDEN[int(m.group(2)) - 1]} {m.group(1)}"
