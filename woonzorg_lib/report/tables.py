"""HTML tables for the report: Dutch numbers, a unit on every numeric column, small counts suppressed.

Tables are plain HTML (no pandas Styler: its random uuid breaks byte-identical builds). Every
numeric column declares a unit, shown under its header. Columns of kind ``count`` are published
with statistical suppression: values greater than 0 and below ``threshold`` (default 5) are shown
as ``<5``; totals are computed from the full figures *before* suppression, and a note under the
table says so. Opgave figures that are bruto (supply unknown) are marked "bruto" next to the number.
"""

from __future__ import annotations

import html as _html
import math
from dataclasses import dataclass

from . import fmt

DEFAULT_THRESHOLD = 5
KINDS = ("text", "count", "int", "dec1", "dec2", "num", "pct", "pct0", "pp", "year")


@dataclass(frozen=True)
class Col:
    """One published column: source column ``name``, header ``label``, ``unit`` (required for numbers)."""

    name: str
    label: str
    unit: str = ""
    kind: str = "text"
    bruto: str | None = None  # name of a boolean column: True → the value is a bruto opgave

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}; known: {KINDS}")
        if self.kind not in ("text", "year") and not self.unit:
            raise ValueError(f"column {self.name!r}: a numeric column needs a unit")

    @property
    def numeric(self) -> bool:
        return self.kind not in ("text",)


def _missing(v) -> bool:
    if v is None:
        return True
    try:
        return math.isnan(float(v))
    except (TypeError, ValueError):
        return False


def format_value(v, kind: str) -> str:
    if kind == "text":
        return "" if v is None else str(v)
    if _missing(v):
        return fmt.MISSING
    if kind in ("count", "int"):
        return fmt.n(round(float(v)))
    if kind == "year":
        return str(int(v))
    if kind == "dec1":
        return fmt.dec(v, 1)
    if kind == "dec2":
        return fmt.dec(v, 2)
    if kind == "num":
        return fmt.num(v)
    if kind == "pct":
        return fmt.pct(v, 1)
    if kind == "pct0":
        return fmt.pct(v, 0)
    if kind == "pp":
        return fmt.pp(v, 1)
    raise ValueError(kind)


def is_suppressed(v, threshold: int) -> bool:
    """A count is suppressed when it rounds to a whole number greater than 0 and below the threshold."""
    if threshold <= 0 or _missing(v):
        return False
    r = round(float(v))
    return 0 < r < threshold


def _esc(s) -> str:
    return _html.escape(str(s), quote=True)


class HTMLTable:
    """A rendered table; displays itself in a notebook (``_repr_html_``)."""

    def __init__(self, html: str, suppressed: int):
        self.html = html
        self.suppressed = suppressed

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


def table(df, columns: list[Col], *, caption: str, note: str | None = None, total: str | None = None,
          threshold: int = DEFAULT_THRESHOLD, source: str | None = None,
          total_values: dict | None = None) -> HTMLTable:
    """Render ``df`` (rows in the order given) as a publishable table.

    ``total``: a label ("Totaal regio") to add a totals row; numeric columns of kind count/int are
    summed from the full (unsuppressed) figures, other numeric columns are left empty in that row.
    ``threshold``: suppression threshold for columns of kind ``count`` (0 = no suppression).
    ``source``: a "Bron: …" line under the table.
    ``total_values``: values for non-additive columns in the totals row (e.g. the region's growth
    rate, computed by the library from the full figures).
    """
    if not caption:
        raise ValueError("every table needs a caption")
    missing = [c.name for c in columns if c.name not in df.columns]
    if missing:
        raise KeyError(f"columns not in the data: {missing}")
    head = []
    for c in columns:
        cls = ' class="num"' if c.numeric else ""
        unit = f'<span class="unit">{_esc(c.unit)}</span>' if c.unit else ""
        head.append(f"<th scope=\"col\"{cls}>{_esc(c.label)}{unit}</th>")
    rows = []
    n_suppressed = 0
    any_bruto = False
    records = df.to_dict("records")
    for rec in records:
        cells = []
        for i, c in enumerate(columns):
            v = rec[c.name]
            if c.kind == "count" and is_suppressed(v, threshold):
                text = f"&lt;{threshold}"
                n_suppressed += 1
            else:
                text = _esc(format_value(v, c.kind))
            if c.bruto and bool(rec.get(c.bruto)) and not _missing(v):
                text += ' <span class="wz-bruto">bruto</span>'
                any_bruto = True
            tag = "th scope=\"row\"" if i == 0 and not c.numeric else "td"
            cls = ' class="num"' if c.numeric else ""
            cells.append(f"<{tag}{cls}>{text}</{tag.split()[0]}>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    foot = ""
    if total:
        cells = []
        for i, c in enumerate(columns):
            if i == 0:
                cells.append(f"<th scope=\"row\">{_esc(total)}</th>")
                continue
            if total_values and c.name in total_values:
                text = _esc(format_value(total_values[c.name], c.kind))
                cells.append(f'<td class="num">{text}</td>' if c.numeric else f"<td>{text}</td>")
            elif c.kind in ("count", "int"):
                vals = [float(r[c.name]) for r in records if not _missing(r[c.name])]
                s = sum(vals) if vals else float("nan")
                if c.kind == "count" and is_suppressed(s, threshold):
                    text = f"&lt;{threshold}"
                    n_suppressed += 1
                else:
                    text = _esc(format_value(s, c.kind))
                if c.bruto and any(bool(r.get(c.bruto)) for r in records):
                    text += ' <span class="wz-bruto">bruto</span>'
                cells.append(f'<td class="num">{text}</td>')
            else:
                cells.append('<td class="num"></td>' if c.numeric else "<td></td>")
        foot = '<tfoot><tr class="total">' + "".join(cells) + "</tr></tfoot>"
    notes = []
    if n_suppressed:
        notes.append(f"Aantallen kleiner dan {threshold} zijn afgeschermd en weergegeven als ‘&lt;{threshold}’. "
                     "Totalen zijn berekend uit de volledige, niet-afgeschermde cijfers.")
    if any_bruto:
        notes.append("‘bruto’: het aanbod is niet bekend; de opgave is de groei van de vraag sinds 1 januari 2024, "
                     "zonder aftrek van bestaand aanbod.")
    if note:
        notes.append(_esc(note))
    if source:
        notes.append(_esc(source))
    note_html = "".join(f'<p class="wz-note">{n}</p>' for n in notes)
    html = (f'<div class="wz-table-wrap"><table class="wz-table"><caption>{_esc(caption)}</caption>'
            f"<thead><tr>{''.join(head)}</tr></thead><tbody>{''.join(rows)}</tbody>{foot}</table></div>"
            f"{note_html}")
    return HTMLTable(html, n_suppressed)


def show(df, columns: list[Col], **kwargs) -> None:
    """Render and display in the notebook (see :func:`table`)."""
    from IPython.display import HTML, display

    display(HTML(table(df, columns, **kwargs).html))
