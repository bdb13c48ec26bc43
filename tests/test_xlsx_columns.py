"""The column-wise xlsx writer gives the same bytes as a plain cell-by-cell writer (the one it
replaced, kept here as the reference), on synthetic frames (test only) full of awkward values:
missing markers of every kind, ±inf, booleans, mixed object columns, halves (round half to even),
counts below the threshold with their flag column, whole numbers beyond 1e15, text with characters
XML forbids, and texts shared between columns and sheets (shared strings numbered in row order).
Also: the workbook reads each run value once (``Reading``) and labels columns as ``terms.labels``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from woonzorg_lib.report import terms, workbook, workbook_chapters, xlsx


def _reference_sheet_xml(sh, threshold, strings, table_rid):
    """The former writer: row by row, cell by cell (only its sheetData part differs in method)."""
    lay = xlsx._layout(sh, threshold)
    letters = [xlsx._col(j) for j in range(1, len(lay.cols) + 1)]
    rows_xml = ['<row r="1">' + "".join(
        f'<c r="{L}1" t="s" s="{xlsx._ST["header"]}"><v>{strings.ref(h)}</v></c>'
        for L, (_c, h, _k, _w, _f) in zip(letters, lay.cols)) + "</row>"]
    data_cols = list(dict.fromkeys(c for c, *_ in lay.cols))
    pos = {c: i for i, c in enumerate(data_cols)}
    styles = [xlsx._ST[xlsx.NUMBER_FORMATS[k]] for _c, _h, k, _w, _f in lay.cols]
    r = 1
    df = sh.df[data_cols] if data_cols else sh.df.iloc[:, :0]
    for rec in df.itertuples(index=False, name=None):
        r += 1
        cells = []
        for (c, _h, kind, _w, flag_of), st, L in zip(lay.cols, styles, letters):
            v = rec[pos[c]]
            ref = f"{L}{r}"
            if flag_of is not None:
                if xlsx.is_suppressed(v, threshold):
                    cells.append(f'<c r="{ref}" t="s"><v>{strings.ref(xlsx.FLAG_TEXT)}</v></c>')
                continue
            if kind in xlsx.TEXT_KINDS:
                if v is None or v is pd.NA or (isinstance(v, float) and v != v):
                    continue
                text = str(v)
                if text:
                    cells.append(f'<c r="{ref}" t="s" s="{st}"><v>{strings.ref(text)}</v></c>')
                continue
            if not xlsx._finite(v):
                continue
            if kind == "count" and sh.suppress and xlsx.is_suppressed(v, threshold):
                continue
            v = float(v)
            if kind in ("count", "int"):
                v = float(round(v))
            elif kind == "year":
                v = float(int(v))
            cells.append(f'<c r="{ref}" s="{st}"><v>{xlsx._num(v)}</v></c>')
        rows_xml.append(f'<row r="{r}">' + "".join(cells) + "</row>")
    new, ref, n = _COLUMN_WISE(sh, threshold, xlsx._Strings(), table_rid)  # the rest of the sheet
    start, end = new.index("<sheetData>") + len("<sheetData>"), new.index("</sheetData>")
    return new[:start] + "".join(rows_xml) + new[end:], ref, n


_COLUMN_WISE = xlsx._sheet_xml


@pytest.fixture
def reference_writer(monkeypatch):
    """``build`` with the cell-by-cell writer."""
    def build(sheets, **kw):
        with monkeypatch.context() as m:
            m.setattr(xlsx, "_sheet_xml", _reference_sheet_xml)
            return xlsx.build(sheets, **kw)
    return build


def _awkward_sheets():
    # synthetic data (test only)
    n = 9
    strs = pd.Series(["a", None, "", "b&<>\"", "a", "tab\x01here", "c", "a", "b&<>\""], dtype="str")
    nullable = pd.Series(["x", pd.NA, "y", "x", "", pd.NA, "z", "y", "x"], dtype="string")
    obj = pd.Series(["a", 1, 1.0, True, None, float("nan"), pd.NA, pd.NaT, "c"], dtype=object)
    counts = pd.Series([0.0, 0.4, 0.5, 1.5, 2.5, 4.49, 4.5, 5.0, float("nan")])
    one = pd.DataFrame({
        "s": strs, "ns": nullable, "o": obj, "cnt": counts,
        "icnt": pd.Series([0, 1, 3, 4, 5, 6, -2, 10**16, 7], dtype="int64"),
        "f": [0.1, -0.0, 1e15, 1e16, -1e15 + 0.5, float("inf"), float("-inf"), 2.5, 1 / 3],
        "yr": [2024.9, -3.7, 2030.0, float("nan"), 1e20, 0.0, 2040.5, 7.0, 1.0],
        "b": [True, False] * 4 + [True],
        "nullint": pd.array([1, None, 3, 4, 5, None, 7, 8, 9], dtype="Int64"),
        "cat": pd.Categorical(["p", "q", None, "p", "q", "p", "r", None, "p"]),
        "num_as_text": [1.5, 2, float("nan"), 3, None, 4, 5, 6, 7],
        "oflt": pd.Series([1.5, None, "7", True, float("inf"), 3, np.float64(2.5), np.int64(4), 0.25], dtype=object),
    })
    assert len(one) == n
    cols = {"s": ("Tekst", "text"), "ns": ("Tekst nullable", "text"), "o": ("Object", "text"),
            "cnt": ("Aantal", "count"), "icnt": ("Aantal int", "count"), "f": ("Model", "model"),
            "yr": ("Jaar", "year"), "b": ("Booleans", "int"), "nullint": ("Nullable int", "int"),
            "cat": ("Categorie", "code"), "num_as_text": ("Getal als tekst", "text"), "oflt": ("Object getal", "dec2")}
    two = pd.DataFrame({"s2": ["c", "a", "nieuw", None], "f2": [1.0, 2.0, 3.0, 4.0],
                        "cnt2": [1, 2, 30, 4]})
    empty = pd.DataFrame({"s": pd.Series([], dtype="str"), "cnt": pd.Series([], dtype=float)})
    return [xlsx.Sheet("Een", one, cols),
            xlsx.Sheet("Zelfde kolom twee keer", one, {"s": ("Tekst", "text"), "cnt": ("Aantal", "count")}),
            xlsx.Sheet("Twee", two, {"s2": ("Tekst", "text"), "f2": ("Tekst", "pct"), "cnt2": ("Aantal", "count")},
                       suppress=False),
            xlsx.Sheet("Leeg", empty, {"s": ("Tekst", "text"), "cnt": ("Aantal", "count")}),
            xlsx.Sheet("Geen kolommen", two, {"bestaat_niet": ("Niets", "text")})]


@pytest.mark.parametrize("threshold", [0, 5])
def test_column_wise_writer_gives_the_bytes_of_the_cell_by_cell_writer(threshold, reference_writer):
    sheets = _awkward_sheets()
    new = xlsx.build(sheets, title="T", threshold=threshold)
    old = reference_writer(sheets, title="T", threshold=threshold)
    assert new == old


def test_vectorised_numbers_agree_with_the_per_value_rule():
    rng = np.random.default_rng(7)  # seeded: synthetic values only
    vals = np.concatenate([rng.normal(0, 1e6, 300), rng.integers(-10, 10, 100) + 0.5, [0.5, 1.5, -0.5, -2.5],
                           [1e15 - 1, 1e15, -1e15, 1e15 + 2, 2.0**53, -0.0, np.nan, np.inf, -np.inf]])
    for kind in ("count", "int", "model", "year", "pct", "dec1"):
        for suppress in (False, True):
            got = xlsx._numbers(pd.Series(vals), kind, suppress, 5).tolist()
            want = [xlsx._number_text(v, kind, suppress, 5) for v in vals.tolist()]
            assert got == want, (kind, suppress)
    got = xlsx._suppressed(pd.Series(vals), 5).tolist()
    assert got == [xlsx.is_suppressed(v, 5) for v in vals.tolist()]
    assert [t for t in xlsx._numbers(pd.Series([2.5, 3.5]), "count", False, 5)] == ["2", "4"]  # half to even


def test_labels_of_a_column_are_terms_labels():
    col = pd.Series(["sociale_huur", "nultreden", None, "onbekend_code_x", "sociale_huur", float("nan")], dtype=object)
    assert workbook_chapters.labels("woningtype", col) == terms.labels("woningtype", col)
    s = pd.Series(["stand", "stroom", None, "stand"], dtype="str")
    assert workbook_chapters.labels("soort", s) == terms.labels("soort", s)


def test_the_workbook_reads_each_run_value_once():
    calls = []

    class Ctx:  # synthetic context (test only)
        value = 3

        def need_wide(self, unit):
            calls.append(unit)
            return pd.DataFrame({"x": [len(calls)]})

    r = workbook.Reading(Ctx())
    a = workbook_chapters._get(r, "need_wide", "woningen")
    b = workbook_chapters._get(r, "need_wide", "woningen")
    c = workbook_chapters._get(r, "need_wide", "plaatsen")
    assert a is b and calls == ["woningen", "plaatsen"] and c["x"].iloc[0] == 2
    assert r.value == 3 and workbook_chapters._get(r, "absent", default="d") == "d"
