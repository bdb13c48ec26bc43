"""The Excel workbook per region (``reports/<region>/<region>.xlsx``): the entry point.

:func:`write_workbook` picks the sheets (:mod:`.workbook`) and writes them with the xlsx writer
(:mod:`.xlsx`). The import graph is one-way (excel → workbook → xlsx), so there is no cycle; the
writer's names are re-exported here for existing callers.
"""

from __future__ import annotations

from pathlib import Path

from . import workbook
from .xlsx import FIXED_DT, NUMBER_FORMATS, ZIP_DT, Sheet, build, is_suppressed, publish_bytes, write

__all__ = ["FIXED_DT", "NUMBER_FORMATS", "ZIP_DT", "Sheet", "build", "is_suppressed", "publish_bytes", "write",
           "write_workbook"]


def write_workbook(ctx, path: str | Path, *, status: str | None = None, rundatum: str | None = None) -> None:
    """The region's workbook from the run (same figures as the HTML). ``status`` (concept/definitief)
    and ``rundatum`` (JJJJ-MM-DD) are shown on the "Lees mij" sheet when given."""
    ctx = workbook.Reading(ctx)  # each value of the run read once for all sheets
    sheets = workbook.sheets_for(ctx, status=status, rundatum=rundatum)
    write(path, sheets, title=workbook.title_of(ctx), threshold=workbook.threshold_of(ctx))
