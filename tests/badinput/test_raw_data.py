"""Bad raw data: every case gets one clear error naming the file, the column and the row, a non-zero
exit, and leaves the previous good data/processed byte-identical (nothing half-written).

Each case edits a private copy of the real snapshot (fixture ``raw_copy``) and re-seals it with
``provenance.rehash`` so the checksum check passes and the content check is what must catch it.
Most cases edit the CBS StatLine dumps as obtained (``cbs/<TABLE>.csv.gz``: gzip, ``;``-separated,
region titles instead of codes), which carry most figures; a few edit the reference extracts that
remain (housing_stock.csv, groups.csv).
"""

from __future__ import annotations

import gzip
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


# --- CBS StatLine dumps (gzip, ';'-separated; the header keeps its BOM when written back) ---

def _dump(raw_copy, table):
    return raw_copy / "cbs" / f"{table}.csv.gz"


def _gz_lines(path):
    return gzip.decompress(path.read_bytes()).decode("utf-8").splitlines(keepends=True)


def _gz_write(path, lines, encoding="utf-8"):
    data = "".join(lines).encode(encoding) if isinstance(lines, list) else lines
    path.write_bytes(gzip.compress(data, mtime=0))


def _line_of(lines, fragment):
    """1-based line number of the first line containing ``fragment`` (a run of ';'-separated fields)."""
    for n, line in enumerate(lines, start=1):
        if fragment in line:
            return n
    raise AssertionError(f"no line with {fragment!r}")


def _set_dump_field(path, line_no, column, value):
    lines = _gz_lines(path)
    header = [h.strip().lstrip("\ufeff") for h in lines[0].rstrip("\r\n").split(";")]
    parts = lines[line_no - 1].rstrip("\r\n").split(";")
    parts[header.index(column)] = value
    lines[line_no - 1] = ";".join(parts) + "\n"
    _gz_write(path, lines)


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
    assert len(err.strip().splitlines()) == 1, f"not one message: {err}"
    for n in needles:
        assert n in err, f"{n!r} not in message: {err}"
    assert tree_hashes(raw_copy.parent / "processed") == before, "previous good outputs changed"
    leftovers = [p for p in raw_copy.parent.iterdir() if p.name.startswith(".processed-")]
    assert not leftovers, f"half-written staging folder left: {leftovers}"
    return err


def test_empty_file(raw_copy):
    before = _good_build(raw_copy)
    f = _dump(raw_copy, "86063NED")
    _gz_write(f, b"")
    _seal(f)
    _assert_clean_failure(raw_copy, before, "86063NED.csv.gz", "leeg", "regel 1")


def test_comma_separated_dump_is_refused(raw_copy):
    before = _good_build(raw_copy)
    f = _dump(raw_copy, "82900NED")
    _gz_write(f, [line.replace(";", ",") for line in _gz_lines(f)])
    _seal(f)
    _assert_clean_failure(raw_copy, before, "82900NED.csv.gz", "','", "';'", "regel 1")


def test_ragged_row_cannot_be_parsed(raw_copy):
    before = _good_build(raw_copy)
    f = _dump(raw_copy, "85644NED")
    lines = _gz_lines(f)
    lines[9] = lines[9].rstrip("\n") + ";extra;extra\n"
    _gz_write(f, lines)
    _seal(f)
    _assert_clean_failure(raw_copy, before, "85644NED.csv.gz", "niet eenduidig", "'Bevolking_1'", "regel 10")


def test_wrong_encoding(raw_copy):
    before = _good_build(raw_copy)
    f = _dump(raw_copy, "85644NED")
    lines = _gz_lines(f)
    n = _line_of(lines, ";Súdwest-Fryslân;")
    data = "".join(lines).encode("utf-8").replace("Súdwest".encode("utf-8"), "Súdwest".encode("latin-1"), 1)
    assert b"S\xfadwest" in data
    _gz_write(f, data)
    _seal(f)
    _assert_clean_failure(raw_copy, before, "85644NED.csv.gz", "UTF-8", "'RegioS'", f"regel {n}")


def test_missing_column(raw_copy):
    before = _good_build(raw_copy)
    f = raw_copy / "housing_stock.csv"
    lines = _lines(f)
    lines[0] = lines[0].replace(",bron_tabel,", ",bronnen,")
    f.write_text("".join(lines))
    _seal(f)
    _assert_clean_failure(raw_copy, before, "housing_stock.csv", "'bron_tabel'", "regel 1")


def test_misspelled_column_gets_a_suggestion(raw_copy):
    before = _good_build(raw_copy)
    f = _dump(raw_copy, "85383NED")
    lines = _gz_lines(f)
    assert ";Inwoners75Plus_7;" in lines[0]
    lines[0] = lines[0].replace(";Inwoners75Plus_7;", ";Inwoners75plus_7;")
    _gz_write(f, lines)
    _seal(f)
    _assert_clean_failure(raw_copy, before, "85383NED.csv.gz", "'Inwoners75Plus_7'", "Inwoners75plus_7",
                          "regel 1")


def test_non_numeric_value(raw_copy):
    before = _good_build(raw_copy)
    f = _dump(raw_copy, "82900NED")
    n = _line_of(_gz_lines(f), ";Totaal;Maastricht;2013;")
    _set_dump_field(f, n, "Koopwoningen_2", "veel")
    _seal(f)
    _assert_clean_failure(raw_copy, before, "82900NED.csv.gz", "'Koopwoningen_2'", f"regel {n}", "veel")


def test_negative_count(raw_copy):
    before = _good_build(raw_copy)
    f = _dump(raw_copy, "86063NED")
    n = _line_of(_gz_lines(f), ";Totaal particulier huishouden;Totaal;Maastricht;2017;")
    _set_dump_field(f, n, "ParticuliereHuishoudens_1", "-15")
    _seal(f)
    _assert_clean_failure(raw_copy, before, "86063NED.csv.gz", "'ParticuliereHuishoudens_1'", f"regel {n}",
                          "negatief")


def test_nan_text(raw_copy):
    before = _good_build(raw_copy)
    f = _dump(raw_copy, "85644NED")
    n = _line_of(_gz_lines(f), ";Totaal mannen en vrouwen;Totaal;Totaal;Maastricht;2016;")
    _set_dump_field(f, n, "Bevolking_1", "NaN")
    _seal(f)
    _assert_clean_failure(raw_copy, before, "85644NED.csv.gz", "'Bevolking_1'", f"regel {n}", "NaN")


def test_duplicate_key(raw_copy):
    before = _good_build(raw_copy)
    f = _dump(raw_copy, "86063NED")
    lines = _gz_lines(f)
    lines.insert(5, lines[4])  # line 5 repeated as line 6 (same ID, region and period)
    _gz_write(f, lines)
    _seal(f)
    _assert_clean_failure(raw_copy, before, "86063NED.csv.gz", "dubbele sleutel", "RegioS", "regel 6", "regel 5")


def test_unknown_gemeentecode(raw_copy):
    before = _good_build(raw_copy)
    f = raw_copy / "groups.csv"
    _set_field(f, 40, "gemeentecode", "GM9999")
    _seal(f)
    _assert_clean_failure(raw_copy, before, "groups.csv", "'gemeentecode'", "regel 40", "GM9999")


def test_unknown_region_name_in_dump(raw_copy):
    """Dumps hold region titles, not codes: an unknown title must be named with its line."""
    before = _good_build(raw_copy)
    f = _dump(raw_copy, "86063NED")
    lines = _gz_lines(f)
    n = _line_of(lines, ";Totaal particulier huishouden;Totaal;Nederland;2015;")  # first year: no gap made
    lines[n - 1] = lines[n - 1].replace(";Nederland;", ";Atlantis;")
    _gz_write(f, lines)
    _seal(f)
    _assert_clean_failure(raw_copy, before, "86063NED.csv.gz", "'RegioS'", f"regel {n}", "Atlantis")


def test_gap_in_years(raw_copy):
    before = _good_build(raw_copy)
    f = _dump(raw_copy, "85644NED")
    lines = _gz_lines(f)
    n = _line_of(lines, ";Totaal mannen en vrouwen;Totaal;Totaal;Maastricht;2015;")
    assert ";Maastricht;2014;" in lines[n - 2] and ";Maastricht;2016;" in lines[n]
    del lines[n - 1]  # the 2016 row moves up to line n
    _gz_write(f, lines)
    _seal(f)
    _assert_clean_failure(raw_copy, before, "85644NED.csv.gz", "'Perioden'", "2015", f"regel {n}")


def test_unsealed_edit_fails_checksum(raw_copy):
    before = _good_build(raw_copy)
    f = raw_copy / "housing_stock.csv"
    _set_field(f, 3, "waarde", "1")
    _assert_clean_failure(raw_copy, before, "housing_stock.csv", "sha256", "rehash")


def test_unsealed_dump_edit_fails_checksum(raw_copy):
    before = _good_build(raw_copy)
    f = _dump(raw_copy, "82900NED")
    n = _line_of(_gz_lines(f), ";Totaal;Maastricht;2013;")
    _set_dump_field(f, n, "Koopwoningen_2", "1.0")
    _assert_clean_failure(raw_copy, before, "82900NED.csv.gz", "sha256", "rehash")


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
