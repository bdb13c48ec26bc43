"""The workbook is byte-identical across builds (fixed metadata and zip times) and suppresses like the HTML."""

from __future__ import annotations

import io
import time
import zipfile

import pandas as pd
from openpyxl import load_workbook

from woonzorg_lib.report import excel


def _sheets():
    df = pd.DataFrame({"gemeente": ["A", "B"], "aantal": [3.0, 1234.0], "aandeel": [0.25, 0.75]})
    return [excel.Sheet("Test", df, {"gemeente": ("Gemeente", "text"), "aantal": ("Aantal (personen)", "count"),
                                     "aandeel": ("Aandeel (%)", "pct")}, note="Een toelichting")]


def test_byte_identical_across_builds():
    a = excel.build(_sheets(), title="Titel")
    time.sleep(1.1)  # a different wall-clock second must not change a byte
    b = excel.build(_sheets(), title="Titel")
    assert a == b
    z = zipfile.ZipFile(io.BytesIO(a))
    assert {i.date_time for i in z.infolist()} == {excel.ZIP_DT}
    core = z.read("docProps/core.xml").decode()
    assert "2024-01-01T00:00:00Z" in core and "woonzorg" in core


def test_values_numbers_and_suppression():
    wb = load_workbook(io.BytesIO(excel.build(_sheets(), title="Titel", threshold=5)))
    ws = wb["Test"]
    assert ws["A1"].value == "Een toelichting"
    assert [c.value for c in ws[3]] == ["Gemeente", "Aantal (personen)", "Aandeel (%)"]
    assert ws["B4"].value == "<5"
    assert ws["B5"].value == 1234 and ws["B5"].number_format == "#,##0"
    assert ws["C5"].value == 0.75 and ws["C5"].number_format == "0.0%"


def test_write_is_atomic_and_readable(tmp_path):
    target = tmp_path / "x.xlsx"
    excel.write(target, _sheets(), title="Titel")
    assert target.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["x.xlsx"]
