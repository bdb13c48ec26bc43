"""The Excel workbook per region (``reports/<region>/<region>.xlsx``), byte-identical across runs.

Written directly as Office Open XML (see :func:`build`): fixed created/modified properties
(2024-01-01), fixed zip entry times (1980-01-01) and a fixed member order, so two builds give the
same bytes; no clock is read. The sheets hold the same figures as the report (published counts
below the suppression threshold are replaced by the text ``<5``, as in the HTML tables).
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .. import atomic
from . import tables

FIXED_DT = datetime(2024, 1, 1, 0, 0, 0)
try:
    from pandas import NA as _NA
except ImportError:  # pragma: no cover
    _NA = object()
ZIP_DT = (1980, 1, 1, 0, 0, 0)
NUMBER_FORMATS = {"count": "#,##0", "int": "#,##0", "dec1": "#,##0.0", "dec2": "#,##0.00", "num": "General", "pct": "0.0%",
                  "pct0": "0%", "pp": "+0.0%;-0.0%;0.0%", "year": "0", "text": "@"}


@dataclass
class Sheet:
    """One worksheet: ``columns`` maps a column to (header, kind) where kind is a tables kind."""

    name: str
    df: object
    columns: dict[str, tuple[str, str]]
    note: str = ""
    suppress: bool = True
    widths: dict[str, int] = field(default_factory=dict)


# ----------------------------------------------------------------------------------------------
# A small, fast SpreadsheetML writer (Office Open XML). openpyxl writes cell by cell through a
# pure-Python XML serializer (about 45 µs per cell: seconds for a region); these sheets are plain
# tables, so we write the XML directly (≈1 µs per cell). openpyxl reads the result in the tests.
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# style ids (cellXfs order in _styles_xml)
_ST = {"General": 0, "#,##0": 1, "#,##0.0": 2, "#,##0.00": 3, "0.0%": 4, "0%": 5, "+0.0%;-0.0%;0.0%": 6, "0": 7,
       "@": 0, "header": 8, "note": 9, "right": 10}


def _esc(text: str) -> str:
    text = _XML_BAD.sub("", str(text))
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _col(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _str_cell(ref: str, text: str, style: int = 0) -> str:
    st = f' s="{style}"' if style else ""
    return f'<c r="{ref}" t="inlineStr"{st}><is><t xml:space="preserve">{_esc(text)}</t></is></c>'


def _num(v: float) -> str:
    if float(v).is_integer() and abs(v) < 1e15:
        return str(int(v))
    return repr(float(v))


def _sheet_xml(sh: Sheet, threshold: int) -> str:
    cols = [c for c in sh.columns if c in sh.df.columns]
    out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
           'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">']
    header_row = 3 if sh.note else 1
    out.append('<sheetViews><sheetView workbookViewId="0">'
               f'<pane ySplit="{header_row}" topLeftCell="A{header_row + 1}" activePane="bottomLeft" state="frozen"/>'
               '</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>')
    out.append("<cols>" + "".join(
        f'<col min="{j}" max="{j}" width="{sh.widths.get(c, max(10, min(48, len(sh.columns[c][0]) + 2)))}" '
        f'customWidth="1"/>' for j, c in enumerate(cols, start=1)) + "</cols><sheetData>")
    r = 1
    if sh.note:
        out.append(f'<row r="1">{_str_cell("A1", sh.note, _ST["note"])}</row>')
        r = 3
    out.append(f'<row r="{r}">' + "".join(_str_cell(f"{_col(j)}{r}", sh.columns[c][0], _ST["header"])
                                           for j, c in enumerate(cols, start=1)) + "</row>")
    kinds = [sh.columns[c][1] for c in cols]
    styles = [_ST[NUMBER_FORMATS.get(k, "General")] for k in kinds]
    letters = [_col(j) for j in range(1, len(cols) + 1)]
    for rec in sh.df[cols].itertuples(index=False, name=None):
        r += 1
        cells = []
        for v, kind, st, L in zip(rec, kinds, styles, letters):
            if v is None or v is _NA or (isinstance(v, float) and v != v):
                continue
            ref = f"{L}{r}"
            if kind == "text":
                cells.append(_str_cell(ref, v))
                continue
            if kind == "count" and sh.suppress and tables.is_suppressed(v, threshold):
                cells.append(_str_cell(ref, f"<{threshold}", _ST["right"]))
                continue
            if kind in ("count", "int"):
                v = round(float(v))
            elif kind == "year":
                v = int(v)
            cells.append(f'<c r="{ref}" s="{st}"><v>{_num(float(v))}</v></c>')
        out.append(f'<row r="{r}">' + "".join(cells) + "</row>")
    out.append("</sheetData></worksheet>")
    return "".join(out)


_STYLES_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="3"><numFmt numFmtId="164" formatCode="#,##0.0"/><numFmt numFmtId="165" formatCode="0.0%"/>'
    '<numFmt numFmtId="166" formatCode="+0.0%;-0.0%;0.0%"/></numFmts>'
    '<fonts count="3"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><i/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFF6F8FA"/><bgColor indexed="64"/></patternFill></fill></fills>'
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
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment horizontal="right"/></xf>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>')


def _unique_names(sheets: list[Sheet]) -> list[str]:
    names, seen = [], set()
    for sh in sheets:
        n = re.sub(r"[\[\]:*?/\\]", "_", sh.name)[:31] or "Blad"
        base, k = n, 2
        while n.lower() in seen:
            n = f"{base[:28]}_{k}"
            k += 1
        seen.add(n.lower())
        names.append(n)
    return names


def build(sheets: list[Sheet], *, title: str, threshold: int = 5) -> bytes:
    """The workbook as bytes: deterministic (fixed properties, fixed zip entry times, fixed order)."""
    names = _unique_names(sheets)
    stamp = FIXED_DT.strftime("%Y-%m-%dT%H:%M:%SZ")
    files: list[tuple[str, str]] = []
    files.append(("[Content_Types].xml",
                  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                  '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                  '<Default Extension="xml" ContentType="application/xml"/>'
                  '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                  + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                            for i in range(1, len(sheets) + 1))
                  + '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
                  '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
                  '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
                  "</Types>"))
    files.append(("_rels/.rels",
                  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
                  '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
                  '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>'
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
                  'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                  '<bookViews><workbookView/></bookViews><sheets>'
                  + "".join(f'<sheet name="{_esc(n)}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(names, start=1))
                  + "</sheets></workbook>"))
    files.append(("xl/_rels/workbook.xml.rels",
                  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                  + "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
                            for i in range(1, len(sheets) + 1))
                  + f'<Relationship Id="rId{len(sheets) + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
                  "</Relationships>"))
    files.append(("xl/styles.xml", _STYLES_XML))
    for i, sh in enumerate(sheets, start=1):
        files.append((f"xl/worksheets/sheet{i}.xml", _sheet_xml(sh, threshold)))
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


def write_workbook(ctx, path: str | Path) -> None:
    """The region's workbook from the report context (same figures as the HTML)."""
    from .workbook import sheets_for

    write(path, sheets_for(ctx), title=ctx.title, threshold=ctx.p.threshold)
