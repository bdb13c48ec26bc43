"""The xlsx writer: byte-identical across builds, one Excel table per sheet with headers in row 1,
numbers always numeric (suppression = empty cell + flag column; NaN/inf = empty cell), and a file
that openpyxl and LibreOffice (headless) open."""

from __future__ import annotations

import ast
import io
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from woonzorg_lib.report import check, excel, xlsx

REPORT = Path(__file__).resolve().parents[1] / "woonzorg_lib" / "report"


def _sheets():
    # synthetic data (test only)
    df = pd.DataFrame({"gemeente": ["A", "B", "C"], "code": ["sociale_huur", "nultreden", "flex"],
                       "aantal": [3.0, 1234.0, float("nan")], "model": [2.4, 1234.6, float("inf")],
                       "aandeel": [0.25, 0.75, float("-inf")]})
    return [xlsx.Sheet("Test", df, {"gemeente": ("Gemeente", "text"), "aantal": ("Aantal (personen)", "count"),
                                    "model": ("Schatting (woningen)", "model"), "aandeel": ("Aandeel", "pct"),
                                    "code": ("Woningtype (code)", "code")}, description="Een toelichting")]


def test_byte_identical_across_builds():
    a = xlsx.build(_sheets(), title="Titel")
    time.sleep(1.1)  # a different wall-clock second must not change a byte
    b = xlsx.build(_sheets(), title="Titel")
    assert a == b
    z = zipfile.ZipFile(io.BytesIO(a))
    assert {i.date_time for i in z.infolist()} == {xlsx.ZIP_DT}
    core = z.read("docProps/core.xml").decode()
    assert "2024-01-01T00:00:00Z" in core and "woonzorg" in core


def test_header_row_one_as_excel_table_with_filter_and_frozen():
    wb = load_workbook(io.BytesIO(xlsx.build(_sheets(), title="Titel", threshold=5)))
    ws = wb["Test"]
    assert [c.value for c in ws[1]] == ["Gemeente", "Aantal (personen)", "Aantal (personen) afgeschermd",
                                        "Schatting (woningen)", "Aandeel", "Woningtype (code)"]
    (table,) = ws.tables.values()
    assert table.ref == "A1:F4" and table.autoFilter.ref == "A1:F4"
    assert [c.name for c in table.tableColumns] == [c.value for c in ws[1]]
    assert ws.freeze_panes == "A2"


def test_numbers_numeric_suppression_is_empty_plus_flag_and_no_inf():
    ws = load_workbook(io.BytesIO(xlsx.build(_sheets(), title="Titel", threshold=5)))["Test"]
    # observed count 3 < 5: empty cell, flag "ja"; 1234 stays a number
    assert ws["B2"].value is None and ws["C2"].value == "ja"
    assert ws["B3"].value == 1234 and ws["B3"].number_format == "#,##0" and ws["C3"].value is None
    # a modelled figure is never suppressed and keeps its precision; inf/NaN → empty cell
    assert ws["D2"].value == pytest.approx(2.4) and ws["D4"].value is None and ws["B4"].value is None
    assert ws["E3"].value == 0.75 and ws["E3"].number_format == "0.0%" and ws["E4"].value is None
    for row in ws.iter_rows(min_row=2, values_only=True):
        assert not any(isinstance(v, str) and ("<" in v or v in ("inf", "nan")) for v in row)


def test_no_threshold_no_flag_column():
    ws = load_workbook(io.BytesIO(xlsx.build(_sheets(), title="T", threshold=0)))["Test"]
    assert "Aantal (personen) afgeschermd" not in [c.value for c in ws[1]]
    assert ws["B2"].value == 3


def test_headers_unique_and_one_line():
    df = pd.DataFrame({"a": [1], "b": [2]})
    sh = xlsx.Sheet("X", df, {"a": ("Aantal", "int"), "b": ("Aantal", "int")})
    ws = load_workbook(io.BytesIO(xlsx.build([sh], title="T")))["X"]
    assert [c.value for c in ws[1]] == ["Aantal", "Aantal (2)"]
    with pytest.raises(ValueError):
        xlsx.Sheet("X", df, {"a": ("twee\nregels", "int")})


def test_write_is_atomic_and_readable(tmp_path):
    target = tmp_path / "x.xlsx"
    excel.write(target, _sheets(), title="Titel")
    assert target.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["x.xlsx"]


def test_workbook_checker_finds_what_staff_trip_over(tmp_path):
    """The checker used on the real workbooks: it must flag text in a number column, '<5', inf,
    snake_case outside a code column, a missing table and headers below row 1."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Lees mij"
    ws.append(["Onderwerp", "Toelichting"])
    ws.append(["Regel", "zie config/parameters.yaml"])
    ws2 = wb.create_sheet("Vraag")
    ws2.append(["Gemeente", "Waarde", "Woningtype"])
    ws2.append(["A", "<5", "sociale_huur"])
    ws2.append(["B", 12, "nultreden"])
    ws2.append(["C", "inf", "flex"])  # as the old writer left it
    bad = tmp_path / "bad.xlsx"
    wb.save(bad)
    found = "\n".join(check.workbook_problems(bad))
    for needle in ("geen Excel-tabel", "getallen en tekst door elkaar", "'<5' als tekst", "'inf' als tekst",
                   "code 'sociale_huur'", "bestandspad 'config/parameters.yaml'"):
        assert needle in found, (needle, found)
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx.build([xlsx.Sheet("Lees mij", pd.DataFrame({"a": ["Regel"], "b": ["Uitleg"]}),
                                            {"a": ("Onderwerp", "text"), "b": ("Toelichting", "text")}),
                                 *_sheets()], title="T"))
    assert check.workbook_problems(good) == []


def test_libreoffice_opens_and_reads_the_same_numbers(tmp_path):
    if not check.soffice_path():
        pytest.skip("LibreOffice (soffice) ontbreekt: installeer het Debian-pakket libreoffice-calc-nogui; "
                    "de LibreOffice-controle van de werkmap is NIET uitgevoerd")
    f = tmp_path / "t.xlsx"
    f.write_bytes(xlsx.build(_sheets(), title="T"))
    assert check.soffice_problems(f, tmp_path / "lo") == []
    assert (tmp_path / "lo" / "t-Test.csv").read_text(encoding="utf-8").splitlines()[0].startswith("Gemeente,")


def _imports(module: str) -> set[str]:
    tree = ast.parse((REPORT / f"{module}.py").read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            out |= {node.module} if node.module else {a.name for a in node.names}
    return out


def test_no_import_cycle_between_excel_workbook_and_xlsx():
    """excel → workbook → xlsx, never back (issue 11: the former excel ↔ workbook cycle)."""
    assert "excel" not in _imports("workbook") and "excel" not in _imports("xlsx")
    assert "workbook" not in _imports("xlsx")
    assert "workbook" in _imports("excel")
