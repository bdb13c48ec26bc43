"""The region workbook of a real build, read as staff would: "Lees mij" first, the kernboodschap,
one Excel table per sheet with headers in row 1, numbers numeric, plain Dutch outside the code
columns, and a file LibreOffice (headless) opens and reads the same."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from tests.report_build import build_once
from woonzorg_lib.report import check


@pytest.fixture(scope="module")
def xlsx_path(tmp_path_factory):
    b = build_once(tmp_path_factory.mktemp("report"))
    assert b["rc"] == 0, "\n".join(b["lines"])
    return b["xlsx"]


def test_workbook_has_no_problems_staff_would_trip_over(xlsx_path):
    assert check.workbook_problems(xlsx_path) == []


def test_sheet_order_and_readme(xlsx_path):
    wb = load_workbook(xlsx_path, read_only=True)
    names = wb.sheetnames
    assert names[:3] == ["Lees mij", "Kernboodschap", "Opgave per groep"]
    assert "Per gemeente" in names and names[-1] == "Bronnen"
    readme = {r[0]: r[1] for r in wb["Lees mij"].iter_rows(min_row=2, values_only=True)}
    for key in ("Rapport", "Regio", "Status", "Rundatum", "Afronding", "Afscherming", "Codes", "Eenheden"):
        assert readme.get(key), key
    for n in names[1:]:
        assert f"Blad ‘{n}’" in readme, f"'Lees mij' beschrijft blad {n} niet"


def test_per_gemeente_sums_to_the_kernboodschap_total(xlsx_path):
    """The kernboodschap's total opgave in woningen equals the sum over the gemeenten (modelled
    figures are written unrounded, so the sums agree exactly)."""
    wb = load_workbook(xlsx_path, read_only=True)
    kern = {r[-1]: r for r in wb["Kernboodschap"].iter_rows(min_row=2, values_only=True)}
    rows = list(wb["Per gemeente"].iter_rows(values_only=True))
    j = rows[0].index("Totaal extra woningen")
    total = sum(r[j] for r in rows[1:])
    assert len(rows) - 1 == 7  # Midden-Limburg's gemeenten
    assert total == pytest.approx(kern["extra_woningen"][1], rel=1e-9)
    # the range is that of the regional total (percentiles per draw), around the central figure
    assert kern["extra_woningen"][2] <= kern["extra_woningen"][1] <= kern["extra_woningen"][3]
    assert kern["verhuur_per_jaar"][2] <= kern["verhuur_per_jaar"][1] <= kern["verhuur_per_jaar"][3]
    assert "opgave_woningen" not in kern  # stock + flow is never one number


def test_libreoffice_opens_the_region_workbook(xlsx_path, tmp_path):
    if not check.soffice_path():
        pytest.skip("LibreOffice (soffice) ontbreekt: installeer het Debian-pakket libreoffice-calc-nogui; "
                    "de LibreOffice-controle van de werkmap is NIET uitgevoerd")
    assert check.soffice_problems(xlsx_path, tmp_path / "lo") == []
