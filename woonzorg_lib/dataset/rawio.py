"""Reading raw CSV files with checks that name the file, the column and the row.

The implementation lives in :mod:`woonzorg_lib.csvio` (a neutral module, so that ``woonzorg_lib.cbs``
can use the same checks without importing the data layer: no import cycle). This module keeps the
data layer's public names.
"""

from __future__ import annotations

from ..csvio import check_codes, check_unique, check_years, read_csv_checked

__all__ = ["read_csv_checked", "check_codes", "check_unique", "check_years"]
