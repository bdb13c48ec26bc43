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


def _rows(wb, name):
    rows = list(wb[name].iter_rows(values_only=True))
    return rows[0], rows[1:]


def test_every_chapter_table_has_its_sheet(xlsx_path):
    """Issue 15 item 6: one sheet per chapter table of notebooks 00–06 (the ones not in the core sheets:
    national frame, groups, backtest per gemeente, lettings and other units per gemeente, the key, the
    shares per key), each an Excel table with Dutch headers and the code in its own column."""
    wb = load_workbook(xlsx_path, read_only=True)
    names = wb.sheetnames
    for n in ("Landelijk kader", "Aandachtsgroepen", "Terugtoets per gemeente", "Verhuringen per gemeente",
              "Andere eenheden per gemeente", "Verdeelsleutel", "Aandeel per sleutel", "Gevoeligheid"):
        assert n in names, n
    assert names.index("Landelijk kader") == names.index("Per gemeente") + 1  # beside the Kernboodschap
    head, rows = _rows(wb, "Aandachtsgroepen")
    assert len(rows) == 14 and "Groep (code)" in head
    head, rows = _rows(wb, "Verdeelsleutel")
    w = head.index("Gewicht")
    assert sum(r[w] for r in rows) == pytest.approx(1.0)
    meaning = head.index("Wat betekent het voor het aandeel?")
    assert all(r[meaning].startswith("Hoe ") and "×" not in r[meaning] for r in rows)
    assert any("×" in r[head.index("Waarde per gemeente")] for r in rows)  # the formula is there
    head, rows = _rows(wb, "Aandeel per sleutel")
    for j, h in enumerate(head):
        if h.startswith("Aandeel "):
            assert sum(r[j] for r in rows) == pytest.approx(1.0), h


def test_lettings_sheets_agree_with_the_kernboodschap_and_stay_apart_from_extra_homes(xlsx_path):
    """The lettings per gemeente (a flow) add up to the Kernboodschap's lettings per year, on their own
    sheet and in their own column of 'Per gemeente' — never inside a total of extra homes."""
    wb = load_workbook(xlsx_path, read_only=True)
    kern = {r[-1]: r for r in wb["Kernboodschap"].iter_rows(min_row=2, values_only=True)}
    head, rows = _rows(wb, "Verhuringen per gemeente")
    assert sum(r[head.index("Verhuringen per jaar")] for r in rows) == pytest.approx(kern["verhuur_per_jaar"][1])
    head, rows = _rows(wb, "Per gemeente")
    j = head.index("Vrijkomende woningen per jaar (verhuringen, geen extra woningen)")
    assert sum(r[j] for r in rows) == pytest.approx(kern["verhuur_per_jaar"][1])
    assert sum(r[head.index("Aandeel in de extra woningen, gemengde sleutel")] for r in rows) == pytest.approx(1.0)
    t = head.index("Totaal extra woningen")
    types = [i for i, h in enumerate(head) if h.endswith("(extra woningen)")]
    for r in rows:
        assert r[t] == pytest.approx(sum(r[i] for i in types))  # the total holds extra homes only
