"""Dutch number formatting, publishable tables (units, suppression, totals), source lines."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from woonzorg_lib.report import fmt, sources, tables
from woonzorg_lib.report.tables import Col


@pytest.mark.parametrize("value, text", [
    (12345, "12.345"), (1234567.4, "1.234.567"), (0, "0"), (-1234, "−1.234"), (999, "999"), (None, "–"),
    (float("nan"), "–"),
])
def test_whole_numbers(value, text):
    assert fmt.n(value) == text


def test_decimals_and_percentages():
    assert fmt.dec(3.14159, 2) == "3,14"
    assert fmt.dec(1234.56, 1) == "1.234,6"
    assert fmt.pct(0.034) == "3,4%"
    assert fmt.pct(0.034, sign=True) == "+3,4%"
    assert fmt.pct(-0.0061) == "−0,6%"
    assert fmt.pct(0.0) == "0,0%"
    assert fmt.pct(-0.00001) == "0,0%"  # no "−0,0%"
    assert fmt.pp(0.021) == "+2,1 %-punt"
    assert fmt.peildatum(2024) == "1 januari 2024"
    assert fmt.join(["a", "b", "c"]) == "a, b en c"


def _df():
    return pd.DataFrame({"gemeente": ["A", "B", "C"], "aantal": [3.0, 120.0, 4.4], "aandeel": [0.1, 0.5, 0.4],
                         "bruto": [True, False, True]})


def test_table_suppresses_small_counts_and_totals_use_full_figures():
    t = tables.table(_df(), [Col("gemeente", "Gemeente"), Col("aantal", "Aantal", "personen", "count")],
                     caption="Test", total="Totaal")
    assert t.suppressed == 2
    assert t.html.count("<td class=\"num\">&lt;5</td>") == 2
    # 3 + 120 + 4.4 = 127.4 → 127: the total is computed before suppression
    assert '<td class="num">127</td>' in t.html
    assert "Totalen zijn berekend uit de volledige" in t.html
    assert "120" in t.html


def test_threshold_zero_disables_suppression():
    t = tables.table(_df(), [Col("gemeente", "Gemeente"), Col("aantal", "Aantal", "personen", "count")],
                     caption="Test", threshold=0)
    assert t.suppressed == 0 and "&lt;" not in t.html


def test_every_numeric_column_needs_a_unit_and_every_table_a_caption():
    with pytest.raises(ValueError):
        Col("aantal", "Aantal", kind="count")
    with pytest.raises(ValueError):
        tables.table(_df(), [Col("gemeente", "Gemeente")], caption="")


def test_units_in_headers_and_bruto_said_once_in_the_legend():
    t = tables.table(_df(), [Col("gemeente", "Gemeente"), Col("aantal", "Opgave", "woningen", "count", bruto="bruto"),
                             Col("aandeel", "Aandeel", "%", "pct")], caption="Test", threshold=0,
                     total="Totaal", total_values={"aandeel": 1.0})
    assert t.html.count('<span class="unit">') == 1 and "Aandeel\u00a0<span class=\"unit-inline\">(%)</span>" in t.html
    assert "100,0%" in t.html
    cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", t.html)
    assert not [c for c in cells if "bruto" in c.lower()], cells  # never in a cell
    legend = re.findall(r'<p class="wz-note">(.*?)</p>', t.html)
    assert sum("Bruto" in n for n in legend) == 1
    assert "A en C" in t.html and "schattingen" not in t.html  # counts, not model figures


def test_model_columns_round_by_the_policy_and_say_so_once():
    df = pd.DataFrame({"groep": ["Ouderen", "Ouderen", "Studenten", "Urgenten"],  # synthetic
                       "eenheid": ["woningen", "plaatsen", "eenheden", "woningen"],
                       "basis": [1357.6, 1019.0, 2320.0, 74.0], "opgave": [436.2, 221.4, 2.0, 451.0],
                       "bruto": [False, True, False, True], "waargenomen": [True, False, False, False]})
    t = tables.table(df, [Col("groep", "Groep"), Col("eenheid", "Eenheid"),
                          Col("basis", "Vraag", "aantal", "model", exact="waargenomen"),
                          Col("opgave", "Opgave", "aantal", "model", bruto="bruto")],
                     caption="Test", total="Totaal", threshold=5)
    cells = re.findall(r'<td class="num">(.*?)</td>', t.html)
    assert cells[:2] == ["1.358", "440"]  # an observed value exact; a model figure rounded to tens
    assert "minder dan 5" in cells  # 2 is not shown as 0 nor suppressed as <5
    assert cells[-2:] == ["4.770", "1.110"]  # totals summed before rounding (4.770,6 and 1.110,6)
    notes = re.findall(r'<p class="wz-note">(.*?)</p>', t.html)
    assert len(notes) == 1 and notes[0].count("schattingen") == 1 and "tientallen" in notes[0]
    assert "alle rijen behalve" not in notes[0]
    assert "Ouderen (plaatsen) en Urgenten" in notes[0]  # rows named by the fewest columns that tell them apart
    assert "De cijfers die niet waargenomen zijn, zijn schattingen" in notes[0]  # the observed value is exact
    assert "&lt;5" not in t.html


def test_bruto_in_most_rows_names_the_exceptions():
    df = pd.DataFrame({"g": list("ABCDE"), "x": [1.0, 2, 3, 4, 5], "b": [True, True, True, True, False]})
    t = tables.table(df, [Col("g", "Groep"), Col("x", "Opgave", "aantal", "model", bruto="b")], caption="T")
    assert "alle rijen behalve E" in t.html
    t = tables.table(df.assign(b=True), [Col("g", "Groep"), Col("x", "Opgave", "aantal", "model", bruto="b")],
                     caption="T")
    assert "alle cijfers in de tabel" in t.html
    df = pd.DataFrame({"g": ["Ouderen"] * 3 + ["Studenten"], "w": ["nultreden", "geclusterd", "intramuraal", "eenheid"],
                       "x": [1.0, 2, 3, 4], "b": [False, True, True, False]})
    t = tables.table(df, [Col("g", "Groep"), Col("w", "Woonvorm"), Col("x", "Opgave", "aantal", "model", bruto="b")],
                     caption="T")
    assert "Ouderen (geclusterd en intramuraal)." in t.html  # one group named once


def test_is_suppressed_rules():
    assert tables.is_suppressed(4.4, 5)
    assert not tables.is_suppressed(0, 5)
    assert not tables.is_suppressed(0.4, 5)  # rounds to 0: nothing to protect
    assert not tables.is_suppressed(5, 5)
    assert not tables.is_suppressed(math.nan, 5)


def test_source_lines_name_the_cbs_tables():
    line = sources.bron(ids=["CBS 85644NED", "85644NED; 86059NED"], extra="prognose woonzorg")
    assert line == "Bron: CBS, tabellen 85644NED en 86059NED; bewerking woonzorg (prognose woonzorg)"
    assert sources.bron(tables=["levenstafel"]).startswith("Bron: CBS, tabel 37360ned")


def _unit_table(**kw):
    df = pd.DataFrame({"groep": ["Ouderen", "Studenten"], "eenheid": ["woningen", "eenheden"],  # synthetic
                       "laag": [10.0, 20.0], "hoog": [30.0, 40.0], "jaar": [2024, 2024], "hh": [5.0, 6.0],
                       "vs": [0.01, -0.02]})
    return tables.table(df, [Col("groep", "Groep"), Col("eenheid", "Eenheid"), Col("jaar", "Jaar", kind="year"),
                             Col("laag", "Opgave 2024–2030 laag", "aantal in de eenheid van de rij", "model"),
                             Col("hoog", "Opgave hoog", "aantal in de eenheid van de rij", "model"),
                             Col("hh", "Huishoudens 2024", "huishoudens", "model"),
                             Col("vs", "Verschil", "procentpunt", "pp")], caption="Test", **kw)


def test_the_row_unit_is_said_once_under_the_table_not_under_every_header():
    """'aantal in de eenheid van de rij' wrapped onto 3–4 lines under every narrow column: the table
    says it once in a note, its headers carry no unit line."""
    t = _unit_table()
    heads = re.findall(r"<th scope=\"col\"[^>]*>(.*?)</th>", t.html)
    assert not any("eenheid van de rij" in h for h in heads)
    assert t.html.count(tables.ROW_UNIT_NOTE) == 1 and 'data-eenheid="rij"' in t.html
    # a unit the label says already ('Huishoudens 2024' in huishoudens), or the cell ('+1,0 %-punt'), is not shown
    assert '<span class="unit wz-same">huishoudens</span>' in t.html
    assert '<span class="unit wz-same">procentpunt</span>' in t.html and "%-punt" in t.html
    assert "2024–\u20602030" in t.html  # a period is not broken after its dash
    assert 'class="num year">Jaar</th>' in t.html


def test_the_unit_check_sees_a_numeric_header_without_unit():
    """static_problems flags a numeric column without a unit (its pattern missed `scope="col"` before),
    and accepts the row unit only in a table that has an Eenheid column."""
    from woonzorg_lib.report import check

    t = _unit_table().html
    assert not [p for p in check.static_problems(t) if "kolom zonder eenheid" in p]
    no_unit = t.replace('<span class="unit wz-same">huishoudens</span>', "")
    without_row = no_unit.replace(' data-eenheid="rij"', "")
    assert [p for p in check.static_problems(without_row) if "kolom zonder eenheid" in p]
    no_eenheid = t.replace(">Eenheid<", ">Soort<")
    assert [p for p in check.static_problems(no_eenheid) if "kolom zonder eenheid" in p]


def test_a_table_with_many_columns_is_set_denser_on_screen():
    from woonzorg_lib.report import style

    assert 'class="wz-table wz-dense"' in _unit_table().html  # 7 columns
    assert "table.wz-table.wz-dense{font-size:.8rem}" in style.CSS and "white-space:nowrap" in style.CSS


def test_table_rows_are_the_values_to_dict_gives():
    """The table reads only the columns it uses, with the same Python values as df.to_dict('records')."""
    import numpy as np

    df = pd.DataFrame({
        "g": pd.array(["a", None, "c"], dtype="string"), "x": [1.5, np.nan, 3.0], "n": [1, 2, 3],
        "b": [True, False, True], "o": pd.Series([np.float64(2.5), "t", None], dtype=object),
        "unused": [9, 9, 9],
    })
    cols = [Col("g", "Groep"), Col("x", "Opgave", "aantal", "model", bruto="b"), Col("n", "N", "aantal", "int"),
            Col("o", "O"), Col("x", "Opgave", "aantal", "model", exact="missing")]
    got = tables._records(df, cols)
    want = [{k: r[k] for k in ("g", "x", "n", "b", "o")} for r in df.to_dict("records")]
    assert [list(r) for r in got] == [["g", "x", "b", "n", "o"]] * 3
    for g, w in zip(got, want):
        assert g.keys() == w.keys()
        for k in w:
            assert type(g[k]) is type(w[k]) and (g[k] == w[k] or (g[k] != g[k] and w[k] != w[k]) or g[k] is w[k])
    assert tables._records(df.iloc[:0], cols) == []


def test_freeze_heap_moves_live_objects_out_of_the_collector():
    import gc

    from woonzorg_lib.report import notebook

    before = gc.get_freeze_count()
    try:
        notebook._freeze_heap()
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()
