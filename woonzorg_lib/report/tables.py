"""HTML tables for the report: Dutch numbers, a unit on every numeric column, small counts suppressed.

Tables are plain HTML (no pandas Styler: its random uuid breaks byte-identical builds). Every
numeric column declares a unit, shown under its header. Columns of kind ``count`` are published
with statistical suppression: values greater than 0 and below ``threshold`` (default 5) are shown
as ``<5``; totals are computed from the full figures *before* suppression, and a note under the
table says so. Columns of kind ``model`` hold model figures (vraag, aanbod, opgave, toewijzing, a
forecast): rounded by the one policy (:func:`fmt.model`), never suppressed, their totals summed
before rounding so the same total prints the same everywhere. Which figures are estimates and which
rows are bruto (supply unknown) is said once, in the legend under the table
(:func:`fmt.table_legend`), never in a cell.
"""

from __future__ import annotations

import html as _html
import math
import re
from dataclasses import dataclass

from . import fmt

DEFAULT_THRESHOLD = 5
#: Units that say "the unit of the row" (the table has an Eenheid column): not printed under every column
#: header (it wrapped onto 3–4 lines in narrow columns) but said once, in a note under the table.
ROW_UNITS = ("aantal in de eenheid van de rij", "waarde in eenheid")
DENSE_COLUMNS = 7
INLINE_UNITS = ("%",)  # printed after the label on its own line: 'Aandeel (%)'
ROW_UNIT_NOTE = ("Elk cijfer staat in de eenheid van zijn rij (kolom Eenheid); cijfers in verschillende eenheden "
                 "tellen we niet bij elkaar op.")
KINDS = ("text", "count", "int", "model", "dec1", "dec2", "num", "pct", "pct0", "pp", "year")
SUMMED = ("count", "int", "model")


@dataclass(frozen=True)
class Col:
    """One published column: source column ``name``, header ``label``, ``unit`` (required for numbers)."""

    name: str
    label: str
    unit: str = ""
    kind: str = "text"
    bruto: str | None = None  # name of a boolean column: True → the value is a bruto opgave (said in the legend)
    exact: str | None = None  # kind "model" only: name of a boolean column, True → an observed count, not rounded

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
    if kind == "model":
        return fmt.model(v)
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


def _label(text: str) -> str:
    """A column header, escaped; a period '2024–2030' is never broken after its dash."""
    return re.sub(r"(\d{4})–(\d{4})", "\\1–\u2060\\2", _esc(text))


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
        cls = (' class="num year"' if c.kind == "year" else ' class="num"') if c.numeric else ""  # a year has no unit
        if c.unit in INLINE_UNITS:  # 'Aandeel (%)': a line of its own under the label only for a longer unit
            head.append(f"<th scope=\"col\"{cls}>{_label(c.label)}\u00a0<span class=\"unit-inline\">"
                        f"({_esc(c.unit)})</span></th>")
            continue
        # a unit the label already says ('Huishoudens 2024' in huishoudens) is kept for the checks but not shown
        # (or the cell itself: '+1,3 %-punt') is kept for the checks but not shown
        same = " wz-same" if c.unit and (re.search(rf"\b{re.escape(c.unit.lower())}\b", c.label.lower())
                                         or (c.kind == "pp" and c.unit == "procentpunt")) else ""
        unit = f'<span class="unit{same}">{_esc(c.unit)}</span>' if c.unit and c.unit not in ROW_UNITS else ""
        head.append(f"<th scope=\"col\"{cls}>{_label(c.label)}{unit}</th>")
    rows = []
    n_suppressed = 0
    records = _records(df, columns)
    for rec in records:
        cells = []
        for i, c in enumerate(columns):
            v = rec[c.name]
            if c.kind == "count" and is_suppressed(v, threshold):
                text = f"&lt;{threshold}"
                n_suppressed += 1
            elif c.exact and bool(rec.get(c.exact)):
                text = _esc(format_value(v, "int"))
            else:
                text = _esc(format_value(v, c.kind))
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
            elif c.kind in SUMMED:
                vals = [float(r[c.name]) for r in records if not _missing(r[c.name])]
                s = sum(vals) if vals else float("nan")
                if c.kind == "count" and is_suppressed(s, threshold):
                    text = f"&lt;{threshold}"
                    n_suppressed += 1
                else:
                    text = _esc(format_value(s, c.kind))
                cells.append(f'<td class="num">{text}</td>')
            else:
                cells.append('<td class="num"></td>' if c.numeric else "<td></td>")
        foot = '<tfoot><tr class="total">' + "".join(cells) + "</tr></tfoot>"
    notes = []
    if n_suppressed:
        notes.append(f"Aantallen kleiner dan {threshold} zijn afgeschermd en weergegeven als ‘&lt;{threshold}’. "
                     "Totalen zijn berekend uit de volledige, niet-afgeschermde cijfers.")
    if any(c.numeric and c.unit in ROW_UNITS for c in columns):
        notes.append(_esc(ROW_UNIT_NOTE))
    legend = _legend(records, columns, total=bool(total))
    if legend:
        notes.append(_esc(legend))
    if note:
        notes.append(_esc(note))
    if source:
        notes.append(_esc(source))
    note_html = "".join(f'<p class="wz-note">{n}</p>' for n in notes)
    row_unit = ' data-eenheid="rij"' if any(c.numeric and c.unit in ROW_UNITS for c in columns) else ""
    dense = " wz-dense" if len(columns) >= DENSE_COLUMNS else ""  # many columns: a smaller font, so it fits the page
    html = (f'<div class="wz-table-wrap"><table class="wz-table{dense}"{row_unit}><caption>{_esc(caption)}</caption>'
            f"<thead><tr>{''.join(head)}</tr></thead><tbody>{''.join(rows)}</tbody>{foot}</table></div>"
            f"{note_html}")
    return HTMLTable(html, n_suppressed)


def _records(df, columns: list[Col]) -> list[dict]:
    """The rows as dicts, as ``df.to_dict("records")`` gives them (the same Python values), but
    only with the columns the table reads (shown, ``bruto`` and ``exact``), built column by column:
    a gemeente page's slice of a wide table has many columns it does not show."""
    from pandas.api.types import is_extension_array_dtype
    from pandas.core.dtypes.cast import maybe_box_native  # what to_dict("records") applies

    if not df.columns.is_unique:
        return df.to_dict("records")
    names = list(dict.fromkeys(n for c in columns for n in (c.name, c.bruto, c.exact) if n and n in df.columns))
    values = []
    for name in names:
        s = df[name]
        vals = list(s)  # as DataFrame.itertuples: Python scalars for numpy columns
        if s.dtype == object or is_extension_array_dtype(s.dtype):  # boxed as to_dict does
            vals = [maybe_box_native(v) for v in vals]
        values.append(vals)
    if not names:
        return [{} for _ in range(len(df))]
    return [dict(zip(names, row)) for row in zip(*values)]


def _row_labels(records, columns) -> list[tuple[str, str]]:
    """A name for every row as (first column, detail): the detail holds the fewest other text
    columns that tell rows with the same first value apart ('' when none is needed)."""
    text_cols = [c for c in columns if not c.numeric]
    if not text_cols:
        return [(str(i + 1), "") for i in range(len(records))]
    first, rest = text_cols[0], text_cols[1:]
    used: list[Col] = []

    def labels(cols):
        return [(str(r[first.name]), ", ".join(str(r[c.name]) for c in cols)) for r in records]

    for c in rest:
        now = labels(used)
        if len(set(now)) == len(now):
            break
        if len(set(labels(used + [c]))) > len(set(now)):
            used.append(c)
    return labels(used)


def _join_rows(names: list[tuple[str, str]]) -> str:
    """'A (x, y en z) en B': rows with the same first value named once, their details together."""
    groups: dict[str, list[str]] = {}
    for base, detail in names:
        groups.setdefault(base, []).append(detail)
    return fmt.join([f"{b} ({fmt.join(d)})" if any(d) else b for b, d in groups.items()])


def _legend(records, columns, *, total: bool) -> str:
    """The legend under a table: which columns are model estimates (and how they are rounded) and
    which rows (or whole columns) are bruto — said once, for the table."""
    model_cols = [c for c in columns if c.kind == "model"]
    counted = [c for c in columns if c.kind in SUMMED]
    bruto_cols = [c for c in columns if c.bruto]
    items: list[str] = []
    if bruto_cols and records:
        flags = {c.name: [bool(r.get(c.bruto)) and not _missing(r[c.name]) for r in records] for c in bruto_cols}
        whole = [c for c in bruto_cols if all(flags[c.name])]
        partial = [c for c in bruto_cols if any(flags[c.name]) and not all(flags[c.name])]
        if whole and len(whole) < len(bruto_cols):
            items.append(f"{'de kolom' if len(whole) == 1 else 'de kolommen'} {fmt.join([f'‘{c.label}’' for c in whole])}")
        elif whole:
            items.append("alle cijfers in de tabel")
        if partial:
            names = _row_labels(records, columns)
            hit = [any(flags[c.name][i] for c in partial) for i in range(len(records))]
            rows = [n for n, h in zip(names, hit) if h]
            other = [n for n, h in zip(names, hit) if not h]
            if len(rows) > len(records) / 2 and len(records) >= 4 and other:
                items.append(f"alle rijen behalve {_join_rows(other)}")
            else:
                items.append(_join_rows(rows))
    if not model_cols and not items:
        return ""
    observed = any(c.exact and any(bool(r.get(c.exact)) for r in records) for c in model_cols)
    partly = [c.label for c in model_cols] if model_cols and len(model_cols) < len(counted) else []
    text = fmt.table_legend(model_figures=bool(model_cols), model_columns=partly, bruto=items)
    if observed:  # waargenomen rows are printed exactly; only the others are estimates
        text = text.replace("De cijfers zijn schattingen", "De cijfers die niet waargenomen zijn, zijn schattingen", 1)
    return text + (" Een totaal met een bruto cijfer erin is ook bruto." if items and total else "")


def show(df, columns: list[Col], **kwargs) -> None:
    """Render and display in the notebook (see :func:`table`)."""
    from IPython.display import HTML, display

    display(HTML(table(df, columns, **kwargs).html))
