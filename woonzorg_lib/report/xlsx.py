"""The xlsx writer: plain tables staff can filter and sum, byte-identical across runs.

Each :class:`Sheet` becomes one worksheet whose row 1 holds the headers of one Excel table (with
its filter buttons); the data start in row 2 and the header row is frozen. Text is text and
numbers are numbers: a number is never written as text, a missing or non-finite value (NaN, ±inf)
is an empty cell. Observed counts (kind ``count``) below the suppression threshold are left empty
and marked in a flag column beside them ("… afgeschermd": "ja"), so a SUM never silently mixes
text and numbers. Modelled figures (kind ``model``) are never suppressed.

Written directly as Office Open XML with shared strings: fixed created/modified properties
(2024-01-01), fixed zip entry times (1980-01-01) and a fixed member order, so two builds give the
same bytes; no clock is read. Which sheets a region workbook has: :mod:`.workbook`; the entry point
:func:`woonzorg_lib.report.excel.write_workbook`.
"""

from __future__ import annotations

import io
import math
import os
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from .. import atomic

FIXED_DT = datetime(2024, 1, 1, 0, 0, 0)
ZIP_DT = (1980, 1, 1, 0, 0, 0)
try:
    from pandas import NA as _NA
except ImportError:  # pragma: no cover
    _NA = object()

# kind → Excel number format. ``code`` and ``text`` are strings; ``count`` = an observed count
# (suppressible); ``model`` = a modelled figure (whole units shown, full precision kept).
NUMBER_FORMATS = {"count": "#,##0", "int": "#,##0", "model": "#,##0", "dec1": "#,##0.0", "dec2": "#,##0.00",
                  "num": "General", "pct": "0.0%", "pct0": "0%", "pp": "+0.0%;-0.0%;0.0%", "year": "0",
                  "text": "@", "code": "@"}
TEXT_KINDS = ("text", "code")
FLAG_SUFFIX = " afgeschermd"
FLAG_TEXT = "ja"


@dataclass
class Sheet:
    """One worksheet: ``columns`` maps a data column to (header, kind).

    ``description``: one line for the "Lees mij" sheet (what the sheet holds). ``suppress``: apply
    the suppression threshold to columns of kind ``count``. ``widths``: column widths (characters).
    """

    name: str
    df: object
    columns: dict[str, tuple[str, str]]
    description: str = ""
    suppress: bool = True
    widths: dict[str, int] = field(default_factory=dict)
    note: str = ""  # kept for callers of the old signature: merged into ``description``

    def __post_init__(self):
        for col, (header, kind) in self.columns.items():
            if kind not in NUMBER_FORMATS:
                raise ValueError(f"sheet {self.name!r}, column {col!r}: unknown kind {kind!r}")
            if not str(header).strip() or "\n" in str(header):
                raise ValueError(f"sheet {self.name!r}, column {col!r}: a header is one non-empty line")
        if self.note and not self.description:
            self.description = self.note


def is_suppressed(v, threshold: int) -> bool:
    """An observed count is suppressed when it rounds to a whole number above 0 and below the threshold."""
    if threshold <= 0 or not _finite(v):
        return False
    r = round(float(v))
    return 0 < r < threshold


def _finite(v) -> bool:
    if v is None or v is _NA or isinstance(v, (str, bool)):
        return False
    try:
        return math.isfinite(float(v))
    except (TypeError, ValueError):
        return False


# ----------------------------------------------------------------------------------------------
# A small, fast SpreadsheetML writer (Office Open XML). openpyxl writes cell by cell through a
# pure-Python XML serializer (about 45 µs per cell: seconds for a region); these sheets are plain
# tables, so we write the XML directly (≈1 µs per cell). openpyxl and LibreOffice read the result
# in the tests.
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# style ids (cellXfs order in _STYLES_XML)
_ST = {"General": 0, "#,##0": 1, "#,##0.0": 2, "#,##0.00": 3, "0.0%": 4, "0%": 5, "+0.0%;-0.0%;0.0%": 6, "0": 7,
       "@": 10, "header": 8, "wrap": 9}


def _esc(text: str) -> str:
    text = _XML_BAD.sub("", str(text))
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _col(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _num(v: float) -> str:
    if float(v).is_integer() and abs(v) < 1e15:
        return str(int(v))
    return repr(float(v))


class _Strings:
    """The shared-strings table (one per workbook, in first-use order: deterministic)."""

    def __init__(self):
        self.index: dict[str, int] = {}
        self._raw: dict[str, int] = {}  # text as given → its index (the cleaning is done once per text)
        self.count = 0

    def ref(self, text: str) -> int:
        self.count += 1
        return self.add(text)

    def add(self, text: str) -> int:
        """The index of ``text`` (added when new), without counting a use."""
        raw = str(text)
        hit = self._raw.get(raw)
        if hit is not None:
            return hit
        text = _XML_BAD.sub("", raw)
        if text not in self.index:
            self.index[text] = len(self.index)
        self._raw[raw] = self.index[text]
        return self.index[text]

    def xml(self) -> str:
        items = "".join(f'<si><t xml:space="preserve">{_esc(t)}</t></si>' for t in self.index)
        return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                f'count="{self.count}" uniqueCount="{len(self.index)}">{items}</sst>')


@dataclass
class _Layout:
    """The published columns of one sheet: (data column or None for a flag, header, kind, width)."""

    cols: list[tuple[str, str, str, int, str | None]]  # (data col, header, kind, width, flag-of)


def _layout(sh: Sheet, threshold: int) -> _Layout:
    out, seen = [], set()

    def unique(h: str) -> str:
        h = re.sub(r"\s+", " ", str(h)).strip()
        base, k = h, 2
        while h.lower() in seen:
            h, k = f"{base} ({k})", k + 1
        seen.add(h.lower())
        return h

    for c, (header, kind) in sh.columns.items():
        if c not in sh.df.columns:
            continue
        h = unique(header)
        width = sh.widths.get(c, max(10, min(48, len(h) + 2)))
        out.append((c, h, kind, width, None))
        if kind == "count" and sh.suppress and threshold > 0:
            fh = unique(f"{h}{FLAG_SUFFIX}")
            out.append((c, fh, "text", max(10, min(30, len(fh) + 2)), c))
    return _Layout(out)


def _values(s) -> list:
    """A column's values exactly as iterating it yields them (Python scalars, NA markers as stored),
    without the per-element indexing of an extension array."""
    dt = s.dtype
    if isinstance(dt, np.dtype) and dt.kind in "biufcO":  # a NumPy array: .tolist() is its .item()s
        return s.to_numpy().tolist()
    if isinstance(s.array, pd.arrays.StringArray):  # stores its str and NA objects in an object array
        return s.array.to_numpy(dtype=object).tolist()
    return list(s)


def _texts(vals: list) -> list:
    """Per row the cell text of a text column, None for an empty cell (missing, NaN or "")."""
    return [None if (v is None or v is _NA or (isinstance(v, float) and v != v)) else (str(v) or None)
            for v in vals]


def _number_text(v, kind: str, suppress: bool, threshold: int) -> str | None:
    """The ``<v>`` text of a number cell; None for an empty cell (not a finite number, or suppressed)."""
    if not _finite(v):
        return None  # missing, NaN or ±inf: an empty cell, never text in a number column
    if suppress and is_suppressed(v, threshold):
        return None
    v = float(v)
    if kind in ("count", "int"):
        v = float(round(v))
    elif kind == "year":
        v = float(int(v))
    return _num(v)


def _numbers(s, kind: str, suppress: bool, threshold: int) -> np.ndarray:
    """:func:`_number_text` for a whole column, as an object array (vectorised for NumPy numbers)."""
    dt = s.dtype
    out = np.empty(len(s), dtype=object)
    if not (isinstance(dt, np.dtype) and dt.kind in "iuf"):
        out[:] = [_number_text(v, kind, suppress, threshold) for v in _values(s)]
        return out
    a = s.to_numpy().astype(np.float64)  # float(v) of each value
    keep = np.isfinite(a)
    if suppress and threshold > 0:
        r = np.round(a)  # round half to even, as round(float(v))
        keep &= ~((r > 0) & (r < threshold))
    if kind in ("count", "int"):
        a = np.round(a)
    elif kind == "year":
        a = np.trunc(a)
    with np.errstate(invalid="ignore"):
        whole = keep & (a == np.trunc(a)) & (np.abs(a) < 1e15)
    out[whole] = list(map(str, a[whole].astype(np.int64).tolist()))  # _num: whole numbers as integers
    out[keep & ~whole] = list(map(repr, a[keep & ~whole].tolist()))
    return out


def _suppressed(s, threshold: int) -> np.ndarray:
    """:func:`is_suppressed` for a whole column."""
    dt = s.dtype
    if not (isinstance(dt, np.dtype) and dt.kind in "iuf") or threshold <= 0:
        return np.array([is_suppressed(v, threshold) for v in _values(s)], dtype=bool)
    r = np.round(s.to_numpy().astype(np.float64))
    with np.errstate(invalid="ignore"):
        return np.isfinite(r) & (r > 0) & (r < threshold)


def _text_codes(s) -> tuple[np.ndarray, list]:
    """A text column as a code per row (-1: no value) and each code's cell text (None: an empty cell);
    codes are numbered in order of first appearance."""
    if isinstance(s.array, pd.arrays.StringArray):  # only str and a missing marker
        codes, uniq = pd.factorize(s.array)
        return codes, [str(t) or None for t in uniq.to_numpy(dtype=object).tolist()]
    codes, uniq = pd.factorize(np.asarray(_texts(_values(s)), dtype=object))
    return codes, list(uniq)


def _register(strings: _Strings, texts: dict[int, tuple[np.ndarray, list]]) -> None:
    """Give the sheet's new texts their shared-string index in the order a row-by-row writer meets
    them (row, then layout column)."""
    first = []
    for j, (codes, tx) in texts.items():
        if any(t is not None and t not in strings._raw for t in tx):
            prev = np.maximum.accumulate(np.concatenate(([-1], codes)))[:-1]
            at = np.flatnonzero(codes > prev).tolist()  # first row of code 0, 1, 2, …
            first += [(i, j, t) for i, t in zip(at, tx) if t is not None and t not in strings._raw]
    for _i, _j, t in sorted(first, key=lambda x: (x[0], x[1])):
        strings.add(t)


def _put(m: np.ndarray, j: int, letter: str, tail: np.ndarray, empty: np.ndarray) -> None:
    """Layout column ``j`` into the piece matrix: ``<c r="`` + letter, the row number, the rest."""
    b = 3 + 3 * j
    m[:, b], m[:, b + 1], m[:, b + 2] = f'<c r="{letter}', m[:, 1], tail
    if empty.any():
        m[empty, b:b + 3] = ""


def _sheet_xml(sh: Sheet, threshold: int, strings: _Strings, table_rid: str | None) -> tuple[str, str, int]:
    """The worksheet XML, its used range (``A1:X9``) and the number of data rows.

    Built column by column into a matrix of pieces (per row: the row tag, then per cell its start,
    row number and rest; "" for an empty cell) joined in row order. Shared strings get their index
    in row order (row by row, left to right), as a cell-by-cell writer would give them."""
    lay = _layout(sh, threshold)
    ncol = len(lay.cols)
    letters = [_col(j) for j in range(1, ncol + 1)]
    head = '<row r="1">' + "".join(f'<c r="{L}1" t="s" s="{_ST["header"]}"><v>{strings.ref(h)}</v></c>'
                                   for L, (_c, h, _k, _w, _f) in zip(letters, lay.cols)) + "</row>"
    data_cols = list(dict.fromkeys(c for c, *_ in lay.cols))
    pos = {c: i for i, c in enumerate(data_cols)}
    df = sh.df[data_cols] if data_cols else sh.df.iloc[:, :0]
    series = [df.iloc[:, k] for k in range(len(data_cols))]
    n = len(df)
    m = np.empty((n, 4 + 3 * ncol), dtype=object)
    m[:, 0], m[:, 1], m[:, 2], m[:, -1] = '<row r="', list(map(str, range(2, n + 2))), '">', "</row>"
    texts: dict[int, tuple[np.ndarray, list]] = {}
    for j, (c, _h, kind, _w, flag_of) in enumerate(lay.cols):
        s = series[pos[c]]
        if flag_of is not None:
            sup = _suppressed(s, threshold)
            texts[j] = (np.where(sup, 0, -1), [FLAG_TEXT] if sup.any() else [])
        elif kind in TEXT_KINDS:
            texts[j] = _text_codes(s)
        else:
            v = _numbers(s, kind, kind == "count" and sh.suppress, threshold)
            keep = v != None  # noqa: E711 (element-wise)
            tail = np.full(n, "", dtype=object)
            tail[keep] = np.add(np.add(f'" s="{_ST[NUMBER_FORMATS[kind]]}"><v>', v[keep]), "</v></c>")
            _put(m, j, letters[j], tail, ~keep)
    _register(strings, texts)
    for j, (codes, tx) in texts.items():
        kind, flag_of = lay.cols[j][2], lay.cols[j][4]
        pre = '" t="s"><v>' if flag_of is not None else f'" t="s" s="{_ST[NUMBER_FORMATS[kind]]}"><v>'
        tail = np.array([f"{pre}{strings._raw[t]}</v></c>" if t is not None else "" for t in tx] + [""], dtype=object)
        empty = np.array([t is None for t in tx] + [True])[codes]
        strings.count += n - int(empty.sum())
        _put(m, j, letters[j], tail[codes], empty)
    rows_xml = [head, "".join(m.ravel().tolist())]
    n_rows = n
    last = max(n + 1, 2)  # an Excel table needs at least one data row
    ref = f"A1:{letters[-1] if letters else 'A'}{last}"
    out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
           'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">',
           f'<dimension ref="{ref}"/>',
           '<sheetViews><sheetView workbookViewId="0">'
           '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
           '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
           '</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>']
    if ncol:
        out.append("<cols>" + "".join(f'<col min="{j}" max="{j}" width="{w}" customWidth="1"/>'
                                      for j, (_c, _h, _k, w, _f) in enumerate(lay.cols, start=1)) + "</cols>")
    out.append("<sheetData>" + "".join(rows_xml) + "</sheetData>")
    out.append('<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>')
    if table_rid and ncol:
        out.append(f'<tableParts count="1"><tablePart r:id="{table_rid}"/></tableParts>')
    out.append("</worksheet>")
    return "".join(out), ref, n_rows


def _table_xml(i: int, ref: str, headers: list[str]) -> str:
    cols = "".join(f'<tableColumn id="{j}" name="{_esc(h)}"/>' for j, h in enumerate(headers, start=1))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<table xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" id="{i}" '
            f'name="Tabel{i}" displayName="Tabel{i}" ref="{ref}" totalsRowShown="0">'
            f'<autoFilter ref="{ref}"/><tableColumns count="{len(headers)}">{cols}</tableColumns>'
            '<tableStyleInfo name="TableStyleLight9" showFirstColumn="0" showLastColumn="0" '
            'showRowStripes="1" showColumnStripes="0"/></table>')


_STYLES_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="3"><numFmt numFmtId="164" formatCode="#,##0.0"/><numFmt numFmtId="165" formatCode="0.0%"/>'
    '<numFmt numFmtId="166" formatCode="+0.0%;-0.0%;0.0%"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '</fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="11">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="9" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '<dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium2" defaultPivotStyle="PivotStyleLight16"/>'
    '</styleSheet>')


def _unique_names(sheets: list[Sheet]) -> list[str]:
    """Valid, unique sheet names (≤ 31 characters, none of []:*?/\\, not starting or ending with ')."""
    names, seen = [], set()
    for sh in sheets:
        n = re.sub(r"[\[\]:*?/\\]", " ", sh.name).strip().strip("'")[:31].strip() or "Blad"
        base, k = n, 2
        while n.lower() in seen:
            n = f"{base[:27]} ({k})"
            k += 1
        seen.add(n.lower())
        names.append(n)
    return names


_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument"


def build(sheets: list[Sheet], *, title: str, threshold: int = 5) -> bytes:
    """The workbook as bytes: deterministic (fixed properties, fixed zip entry times, fixed order)."""
    if not sheets:
        raise ValueError("a workbook needs at least one sheet")
    names = _unique_names(sheets)
    stamp = FIXED_DT.strftime("%Y-%m-%dT%H:%M:%SZ")
    strings = _Strings()
    sheet_files, table_files, rel_files = [], [], []
    for i, sh in enumerate(sheets, start=1):
        xml, ref, _n = _sheet_xml(sh, threshold, strings, "rId1")
        sheet_files.append((f"xl/worksheets/sheet{i}.xml", xml))
        headers = [h for _c, h, _k, _w, _f in _layout(sh, threshold).cols]
        table_files.append((f"xl/tables/table{i}.xml", _table_xml(i, ref, headers)))
        rel_files.append((f"xl/worksheets/_rels/sheet{i}.xml.rels",
                          '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                          '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                          f'<Relationship Id="rId1" Type="{_NS_REL}/table" Target="../tables/table{i}.xml"/>'
                          "</Relationships>"))
    n = len(sheets)
    files: list[tuple[str, str]] = []
    files.append(("[Content_Types].xml",
                  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                  '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                  '<Default Extension="xml" ContentType="application/xml"/>'
                  f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.spreadsheetml.sheet.main+xml"/>'
                  + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_CT}.spreadsheetml.worksheet+xml"/>'
                            for i in range(1, n + 1))
                  + "".join(f'<Override PartName="/xl/tables/table{i}.xml" ContentType="{_CT}.spreadsheetml.table+xml"/>'
                            for i in range(1, n + 1))
                  + f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.spreadsheetml.styles+xml"/>'
                  f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.spreadsheetml.sharedStrings+xml"/>'
                  '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
                  f'<Override PartName="/docProps/app.xml" ContentType="{_CT}.extended-properties+xml"/>'
                  "</Types>"))
    files.append(("_rels/.rels",
                  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                  f'<Relationship Id="rId1" Type="{_NS_REL}/officeDocument" Target="xl/workbook.xml"/>'
                  '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
                  f'<Relationship Id="rId3" Type="{_NS_REL}/extended-properties" Target="docProps/app.xml"/>'
                  "</Relationships>"))
    files.append(("docProps/core.xml",
                  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                  '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
                  'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
                  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
                  f"<dc:title>{_esc(title)}</dc:title><dc:creator>woonzorg</dc:creator>"
                  "<cp:lastModifiedBy>woonzorg</cp:lastModifiedBy>"
                  f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
                  f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
                  "</cp:coreProperties>"))
    files.append(("docProps/app.xml",
                  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                  '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
                  "<Application>woonzorg</Application></Properties>"))
    files.append(("xl/workbook.xml",
                  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                  '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                  f'xmlns:r="{_NS_REL}">'
                  '<bookViews><workbookView activeTab="0"/></bookViews><sheets>'
                  + "".join(f'<sheet name="{_esc(nm)}" sheetId="{i}" r:id="rId{i}"/>' for i, nm in enumerate(names, start=1))
                  + "</sheets></workbook>"))
    files.append(("xl/_rels/workbook.xml.rels",
                  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                  + "".join(f'<Relationship Id="rId{i}" Type="{_NS_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                            for i in range(1, n + 1))
                  + f'<Relationship Id="rId{n + 1}" Type="{_NS_REL}/styles" Target="styles.xml"/>'
                  f'<Relationship Id="rId{n + 2}" Type="{_NS_REL}/sharedStrings" Target="sharedStrings.xml"/>'
                  "</Relationships>"))
    files.append(("xl/styles.xml", _STYLES_XML))
    files += sheet_files
    files += rel_files
    files += table_files
    files.append(("xl/sharedStrings.xml", strings.xml()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, text in files:
            zi = zipfile.ZipInfo(name, date_time=ZIP_DT)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            zi.create_system = 0
            z.writestr(zi, text.encode("utf-8"), compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
    return out.getvalue()


def publish_bytes(path: str | Path, data: bytes) -> None:
    """Atomic write, readable by everyone (0644) like any published report file."""
    with atomic.atomic_path(path) as tmp:
        tmp.write_bytes(data)
        os.chmod(tmp, 0o644)


def write(path: str | Path, sheets: list[Sheet], *, title: str, threshold: int = 5) -> None:
    publish_bytes(path, build(sheets, title=title, threshold=threshold))
