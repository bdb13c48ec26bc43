"""One error type for bad input: it always names the file, the column (or key) and the row (or line).

The CLI catches :class:`InputError`, prints its message on one line and exits with code 2, so a
user sees one clear sentence instead of a traceback, and nothing is written.
"""

from __future__ import annotations

from pathlib import Path


class WoonzorgError(Exception):
    """Base class for errors that the CLI reports without a traceback."""


class InputError(WoonzorgError):
    """Bad input. ``file``, ``column`` and ``row`` are part of the message when known.

    ``row`` is the 1-based data row number as a user sees it in a spreadsheet (header = line 1,
    first data row = line 2) for CSV files, or the line number for YAML files.
    """

    def __init__(self, message: str, *, file: str | Path | None = None, column: str | None = None,
                 row: int | str | None = None):
        self.file = str(file) if file is not None else None
        self.column = column
        self.row = row
        self.detail = message
        parts = []
        if self.file:
            parts.append(f"bestand {self.file}")
        if column is not None:
            parts.append(f"kolom/sleutel '{column}'")
        if row is not None:
            parts.append(f"regel {row}")
        where = ", ".join(parts)
        super().__init__(f"{where}: {message}" if where else message)


class DataMissingError(WoonzorgError):
    """A real gemeente or table is not in the snapshot; the message says how to fetch it."""


class ProvenanceError(WoonzorgError):
    """A raw file does not match its provenance sidecar."""
