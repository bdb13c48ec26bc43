"""Bad rows in the PC4 2021 tables and the KWB 2019/2024 files (real files, one field edited in a
private copy): one InputError naming the file, the column and the line (or the record), before any
figure is used. One case also goes end to end through ``woonzorg data build``."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from woonzorg_lib import provenance
from woonzorg_lib.dataset import national, statline
from woonzorg_lib.errors import InputError

from ..conftest import ROOT, run_cli, tree_hashes

RAW = ROOT / "data" / "raw"


def _edit_gz_csv(src: Path, dst: Path, line_no: int, column: str, value: str) -> None:
    lines = gzip.decompress(src.read_bytes()).decode("utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    parts = lines[line_no - 1].rstrip("\n").split(",")
    parts[header.index(column)] = value
    lines[line_no - 1] = ",".join(parts) + "\n"
    dst.write_bytes(gzip.compress("".join(lines).encode("utf-8"), mtime=0))


def _line_with(path: Path, prefix: str) -> int:
    lines = gzip.decompress(path.read_bytes()).decode("utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if line.startswith(prefix))


PC = RAW / "pc4_2021" / "postcodes.csv.gz"
BANDS = RAW / "pc4_2021" / "inwoners_per_postcode_leeftijd.csv.gz"


@pytest.mark.parametrize("which, column, value, needle", [
    ("bands", "inwoners_man", "-12.0", "negatief"),
    ("bands", "inwoners_vrouw", "veel", "geen getal"),
    ("bands", "leeftijd", "100-104", "onbekende leeftijdsklasse"),
    ("postcodes", "inwoners", "-3.0", "negatief"),
    ("postcodes", "postcode", "6041.5", "geen geheel getal"),
])
def test_pc4_2021_bad_field_names_file_column_and_line(tmp_path, which, column, value, needle):
    src = BANDS if which == "bands" else PC
    line = _line_with(src, "6041.0,")  # a Roermond postcode
    dst = tmp_path / src.name
    _edit_gz_csv(src, dst, line, column, value)
    args = (PC, dst) if which == "bands" else (dst, BANDS)
    with pytest.raises(InputError) as e:
        statline.read_pc4_2021(*args)
    msg = str(e.value)
    assert dst.name in msg and f"'{column}'" in msg and f"regel {line}" in msg and needle in msg, msg


def test_pc4_2021_duplicate_row(tmp_path):
    lines = gzip.decompress(BANDS.read_bytes()).decode("utf-8").splitlines(keepends=True)
    n = _line_with(BANDS, "6041.0,")
    lines.insert(n, lines[n - 1])  # the same PC4 and band again on the next line
    dst = tmp_path / BANDS.name
    dst.write_bytes(gzip.compress("".join(lines).encode("utf-8"), mtime=0))
    with pytest.raises(InputError) as e:
        statline.read_pc4_2021(PC, dst)
    msg = str(e.value)
    assert "dubbele sleutel" in msg and f"regel {n + 1}" in msg and f"ook op regel {n}" in msg, msg


@pytest.mark.parametrize("key, value, needle", [("Woningvoorraad_35", -5, "geen aantal"),
                                                ("AantalInwoners_5", "veel", "geen aantal")])
def test_kwb_2024_bad_value_names_file_field_and_gemeente(tmp_path, key, value, needle):
    data = json.loads((RAW / "kwb" / "kwb_2024_gemeenten_wijken.json").read_text(encoding="utf-8"))
    data["GM0957"][key] = value
    dst = tmp_path / "kwb_2024_gemeenten_wijken.json"
    dst.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError) as e:
        statline.read_kwb_2024(dst)
    msg = str(e.value)
    assert dst.name in msg and f"'{key}'" in msg and "GM0957" in msg and needle in msg, msg


@pytest.mark.parametrize("column, value, needle", [("b_65_oo", "-1", "negatief"), ("men", "", "ontbreekt"),
                                                   ("unique_id", "DUP", "dubbel")])
def test_kwb_2019_bad_row_names_file_column_and_line(tmp_path, column, value, needle):
    raw = tmp_path / "raw"
    (raw / "kwb").mkdir(parents=True)
    src = RAW / "kwb" / "kwb-2019.csv"
    lines = src.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    n = 5
    parts = lines[n - 1].rstrip("\n").split(",")
    if value == "DUP":  # line 5 gets the id of line 4
        value = lines[3].rstrip("\n").split(",")[header.index(column)]
    parts[header.index(column)] = value
    lines[n - 1] = ",".join(parts) + "\n"
    (raw / "kwb" / "kwb-2019.csv").write_text("".join(lines), encoding="utf-8")
    from woonzorg_lib.dataset import load
    with pytest.raises(InputError) as e:
        national._kwb_2019(raw, load.table("gemeenten"))
    msg = str(e.value)
    assert "kwb-2019.csv" in msg and f"'{column}'" in msg and f"regel {n}" in msg and needle in msg, msg


def test_pc4_negative_count_stops_data_build_and_keeps_outputs(raw_copy):
    before = tree_hashes(raw_copy.parent / "processed")
    f = raw_copy / "pc4_2021" / BANDS.name
    line = _line_with(f, "6041.0,")
    tmp = f.with_suffix(".tmp")
    _edit_gz_csv(f, tmp, line, "inwoners_man", "-12.0")
    shutil.move(tmp, f)
    provenance.rehash(f, "badinput test")
    res = run_cli("data", "build")
    assert res.returncode != 0
    err = res.stderr
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert BANDS.name in err and "'inwoners_man'" in err and f"regel {line}" in err, err
    assert tree_hashes(raw_copy.parent / "processed") == before
