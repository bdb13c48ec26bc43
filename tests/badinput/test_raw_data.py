"""Bad raw data: every case gets one clear error naming the file, the column and the row, a non-zero
exit, and leaves the previous good data/processed byte-identical (nothing half-written).

Each case edits a private copy of the real snapshot (fixture ``raw_copy``) and re-seals it with
``woonzorg data rehash`` so the checksum check passes and the content check is what must catch it.
"""

from __future__ import annotations

import os

import pytest

from woonzorg_lib import provenance

from ..conftest import run_cli, tree_hashes


def _lines(path):
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def _set_field(path, line_no, column, value):
    """Set one CSV field (simple CSVs without quoted commas) on 1-based line ``line_no``."""
    lines = _lines(path)
    header = lines[0].rstrip("\n").split(",")
    parts = lines[line_no - 1].rstrip("\n").split(",")
    parts[header.index(column)] = value
    lines[line_no - 1] = ",".join(parts) + "\n"
    path.write_text("".join(lines), encoding="utf-8")


def _good_build(raw_copy):
    """The fixture already holds a good data/processed built from the unmodified snapshot."""
    return tree_hashes(raw_copy.parent / "processed")


def _seal(path):
    provenance.rehash(path, "badinput test")


def _assert_clean_failure(raw_copy, before, *needles):
    res = run_cli("data", "build")
    assert res.returncode != 0, "bad input was accepted"
    err = res.stderr
    assert "Traceback" not in err, err
    for n in needles:
        assert n in err, f"{n!r} not in message: {err}"
    assert tree_hashes(raw_copy.parent / "processed") == before, "previous good outputs changed"
    leftovers = [p for p in raw_copy.parent.iterdir() if p.name.startswith(".processed-")]
    assert not leftovers, f"half-written staging folder left: {leftovers}"
    return err


def test_empty_file(raw_copy):
    before = _good_build(raw_copy)
    f = raw_copy / "population_totals.csv"
    f.write_text("")
    _seal(f)
    _assert_clean_failure(raw_copy, before, "population_totals.csv", "leeg", "regel 1")


def test_semicolon_file_is_refused(raw_copy):
    before = _good_build(raw_copy)
    f = raw_copy / "population_totals.csv"
    f.write_text(f.read_text().replace(",", ";"))
    _seal(f)
    _assert_clean_failure(raw_copy, before, "population_totals.csv", "';'", "regel 1")


def test_ragged_row_cannot_be_parsed(raw_copy):
    before = _good_build(raw_copy)
    f = raw_copy / "population_totals.csv"
    lines = _lines(f)
    lines[9] = lines[9].rstrip("\n") + ",extra,extra\n"
    f.write_text("".join(lines))
    _seal(f)
    _assert_clean_failure(raw_copy, before, "population_totals.csv", "niet eenduidig", "regel 10")


def test_wrong_encoding(raw_copy):
    before = _good_build(raw_copy)
    f = raw_copy / "gemeenten_nl_2024_2025.csv"
    data = f.read_bytes().replace("Súdwest".encode("utf-8"), "Súdwest".encode("latin-1"), 1)
    assert b"S\xfadwest" in data
    f.write_bytes(data)
    _seal(f)
    _assert_clean_failure(raw_copy, before, "gemeenten_nl_2024_2025.csv", "UTF-8", "regel")


def test_missing_column(raw_copy):
    before = _good_build(raw_copy)
    f = raw_copy / "population_totals.csv"
    lines = _lines(f)
    lines[0] = lines[0].replace(",bron,", ",bronnen,")
    f.write_text("".join(lines))
    _seal(f)
    _assert_clean_failure(raw_copy, before, "population_totals.csv", "'bron'", "regel 1")


def test_misspelled_column_gets_a_suggestion(raw_copy):
    before = _good_build(raw_copy)
    f = raw_copy / "population_totals.csv"
    lines = _lines(f)
    lines[0] = lines[0].replace(",waarde,", ",waarden,")
    f.write_text("".join(lines))
    _seal(f)
    _assert_clean_failure(raw_copy, before, "population_totals.csv", "'waarde'", "waarden", "regel 1")


def test_non_numeric_value(raw_copy):
    before = _good_build(raw_copy)
    f = raw_copy / "population_totals.csv"
    _set_field(f, 7, "waarde", "veel")
    _seal(f)
    _assert_clean_failure(raw_copy, before, "population_totals.csv", "'waarde'", "regel 7", "veel")


def test_negative_count(raw_copy):
    before = _good_build(raw_copy)
    f = raw_copy / "population_5y.csv"
    _set_field(f, 12, "waarde", "-15")
    _seal(f)
    _assert_clean_failure(raw_copy, before, "population_5y.csv", "'waarde'", "regel 12", "negatief")


def test_nan_text(raw_copy):
    before = _good_build(raw_copy)
    f = raw_copy / "housing_stock.csv"
    _set_field(f, 30, "waarde", "NaN")
    _seal(f)
    _assert_clean_failure(raw_copy, before, "housing_stock.csv", "'waarde'", "regel 30")


def test_duplicate_key(raw_copy):
    before = _good_build(raw_copy)
    f = raw_copy / "population_totals.csv"
    lines = _lines(f)
    lines.insert(5, lines[4])  # line 5 repeated as line 6
    f.write_text("".join(lines))
    _seal(f)
    _assert_clean_failure(raw_copy, before, "population_totals.csv", "dubbele sleutel", "regel 6", "regel 5")


def test_unknown_gemeentecode(raw_copy):
    before = _good_build(raw_copy)
    f = raw_copy / "groups.csv"
    _set_field(f, 40, "gemeentecode", "GM9999")
    _seal(f)
    _assert_clean_failure(raw_copy, before, "groups.csv", "'gemeentecode'", "regel 40", "GM9999")


def test_gap_in_years(raw_copy):
    before = _good_build(raw_copy)
    f = raw_copy / "population_totals.csv"
    lines = _lines(f)
    # Echt-Susteren (GM1711): 2014 on line 2 ... drop 2018 (line 6)
    assert lines[5].startswith("GM1711,Echt-Susteren,2018")
    del lines[5]
    f.write_text("".join(lines))
    _seal(f)
    _assert_clean_failure(raw_copy, before, "population_totals.csv", "'jaar'", "2018", "regel 6")


def test_unsealed_edit_fails_checksum(raw_copy):
    before = _good_build(raw_copy)
    f = raw_copy / "housing_stock.csv"
    _set_field(f, 3, "waarde", "1")
    _assert_clean_failure(raw_copy, before, "housing_stock.csv", "sha256", "rehash")


def test_interrupted_build_leaves_no_partial_output(raw_copy, monkeypatch):
    """If writing fails halfway (simulated crash in os.replace), no staging folder remains and
    every file that was replaced is complete (each swap is atomic)."""
    from woonzorg_lib.dataset import build

    build.build_all()
    before = tree_hashes(raw_copy.parent / "processed")
    calls = {"n": 0}
    real_replace = os.replace

    def flaky(src, dst):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real_replace(src, dst)

    monkeypatch.setattr(build.os, "replace", flaky)
    with pytest.raises(KeyboardInterrupt):
        build.build_all()
    assert not [p for p in raw_copy.parent.iterdir() if p.name.startswith(".processed-")]
    after = tree_hashes(raw_copy.parent / "processed")
    assert after == before  # same inputs: the files swapped in are byte-identical, the rest untouched
