"""The Excel workbook per region (``reports/<region>/<region>.xlsx``), byte-identical across runs.

openpyxl stamps the save time into ``docProps/core.xml`` and every zip entry; we write to memory,
then rebuild the zip with fixed entry times (1980-01-01) and fixed created/modified properties, in
the original member order. The sheets hold the same figures as the report (published counts below
the suppression threshold are replaced by the text ``<5``, as in the HTML tables).
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
ZIP_DT = (1980, 1, 1, 0, 0, 0)
NUMBER_FORMATS = {"count": "#,##0", "int": "#,##0", "dec1": "#,##0.0", "dec2": "#,##0.00", "pct": "0.0%",
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


def _deterministic_zip(data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = content.decode("utf-8")
                stamp = FIXED_DT.strftime("%Y-%m-%dT%H:%M:%SZ")
                text = re.sub(r"(<dcterms:created[^>]*>)[^<]*(</dcterms:created>)", rf"\g<1>{stamp}\g<2>", text)
                text = re.sub(r"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rf"\g<1>{stamp}\g<2>", text)
                content = text.encode("utf-8")
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_DT)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            zi.create_system = 0
            dst.writestr(zi, content, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
    return out.getvalue()


def build(sheets: list[Sheet], *, title: str, threshold: int = 5) -> bytes:
    """The workbook as bytes (deterministic)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "woonzorg"
    wb.properties.lastModifiedBy = "woonzorg"
    wb.properties.title = title
    wb.properties.created = FIXED_DT
    wb.properties.modified = FIXED_DT
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="F6F8FA")
    for sh in sheets:
        ws = wb.create_sheet(sh.name[:31])
        cols = [c for c in sh.columns if c in sh.df.columns]
        row0 = 1
        if sh.note:
            ws.cell(row=1, column=1, value=sh.note).font = Font(italic=True)
            row0 = 3
        for j, c in enumerate(cols, start=1):
            cell = ws.cell(row=row0, column=j, value=sh.columns[c][0])
            cell.font = bold
            cell.fill = head_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            ws.column_dimensions[get_column_letter(j)].width = sh.widths.get(c, max(10, min(48, len(sh.columns[c][0]) + 2)))
        for i, rec in enumerate(sh.df[cols].to_dict("records"), start=row0 + 1):
            for j, c in enumerate(cols, start=1):
                kind = sh.columns[c][1]
                v = rec[c]
                if v is None or (isinstance(v, float) and v != v):
                    continue
                if kind == "count" and sh.suppress and tables.is_suppressed(v, threshold):
                    ws.cell(row=i, column=j, value=f"<{threshold}").alignment = Alignment(horizontal="right")
                    continue
                if kind in ("count", "int"):
                    v = int(round(float(v)))
                elif kind == "text":
                    v = str(v)
                elif kind == "year":
                    v = int(v)
                else:
                    v = float(v)
                cell = ws.cell(row=i, column=j, value=v)
                cell.number_format = NUMBER_FORMATS.get(kind, "General")
        ws.freeze_panes = ws.cell(row=row0 + 1, column=1)
    buf = io.BytesIO()
    wb.save(buf)
    return _deterministic_zip(buf.getvalue())


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
