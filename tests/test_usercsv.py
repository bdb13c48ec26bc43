"""User CSV reading: Dutch Excel styles accepted, anything ambiguous refused with file, column, row.

All figures in these files are SYNTHETIC (made up for the test)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from woonzorg_lib.errors import InputError
from woonzorg_lib.groups.usercsv import Column, read_local_figures, read_user_csv

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "config" / "examples" / "lokale_cijfers_voorbeeld.csv"
KNOWN = {"GM0957", "GM0988", "GM1640"}


def _write(tmp_path: Path, text: str | bytes, name: str = "lokaal.csv") -> Path:
    p = tmp_path / name
    p.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return p


def test_example_file_reads(tmp_path):
    df = read_local_figures(EXAMPLE, known_gemeenten=KNOWN)
    assert list(df.columns) == ["gemeentecode", "groep", "woningtype", "maat", "jaar", "variant", "waarde"]
    assert EXAMPLE.read_bytes().startswith(b"\xef\xbb\xbf")  # Dutch Excel: BOM, ';', decimal comma, CRLF
    row = df[(df["groep"] == "ggz_bw") & (df["jaar"] == 2024)].iloc[0]
    assert row["waarde"] == 12.5 and row["woningtype"] == "zelfstandig_begeleid"
    assert df["variant"].isna().sum() == 5 and set(df["variant"].dropna()) == {"hoog"}
    # local supply (maat aanbod) next to local demand (maat empty = vraag)
    assert set(df["maat"]) == {"vraag", "aanbod"}
    a = df[df["maat"] == "aanbod"].set_index(["gemeentecode", "groep", "woningtype"])["waarde"]
    assert a[("GM0988", "ouderen", "nultreden")] == 2500 and a[("GM0957", "woonwagenbewoners", "standplaats")] == 40


@pytest.mark.parametrize("content, fragment", [
    ("gemeentecode,groep,woningtype,maat,jaar,waarde\nGM0957,ggz_bw,,aanbod,2024,3\n", "standgroepen"),
    ("gemeentecode,groep,woningtype,maat,jaar,waarde\nGM0957,studenten,,aanbod,2026,3\n", "2024"),
    ("gemeentecode,groep,woningtype,maat,jaar,waarde\nGM0957,studenten,,tekort,2024,3\n", "maat"),
])
def test_local_supply_rows_checked(tmp_path, content, fragment):
    p = tmp_path / "l.csv"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=fragment) as info:
        read_local_figures(p, known_gemeenten=KNOWN)
    assert info.value.row == 2


@pytest.mark.parametrize("content", [
    "gemeentecode,groep,jaar,waarde\nGM0957,ggz_bw,2024,12.5\n",
    "gemeentecode;groep;jaar;waarde\r\nGM0957;ggz_bw;2024;12,5\r\n",
    "\ufeffGemeentecode ; Groep ; Jaar ; Waarde\nGM0957 ; GGZ_BW ; 2024 ; 12,5\n;;;\n",
    "gemeentecode,groep,jaar,waarde,opmerking\n\"gm0957\",ggz_bw,2024,\"12.5\",\"tekst; met puntkomma, en komma\"\n",
])
def test_accepted_styles(tmp_path, content):
    df = read_local_figures(_write(tmp_path, content), known_gemeenten=KNOWN)
    assert df[["gemeentecode", "groep", "jaar", "waarde"]].to_dict("records") == [
        {"gemeentecode": "GM0957", "groep": "ggz_bw", "jaar": 2024, "waarde": 12.5}]


H = "gemeentecode;groep;woningtype;jaar;waarde\n"
BAD = [
    # content, column, row, message fragment
    ("gemeentecode,groep;jaar,waarde\nGM0957,ggz_bw,2024,1\n", "<kop>", 1, "zowel ',' als ';'"),
    ("gemeentecode\tgroep\tjaar\twaarde\n", "gemeentecode\tgroep\tjaar\twaarde", 1, "tabs"),
    ("gemeentecode,groep,jaar,waarde\nGM0957,ggz_bw,2024,12,5\n", "waarde", 2, "decimale komma"),
    ("gemeentecode,groep,jaar,waarde\nGM0957;ggz_bw;2024;12\n", "gemeentecode", 2, "gemengde scheidingstekens"),
    ("gemeentecode,groep,jaar,waarde\nGM0957,ggz_bw,2024,\"12,5\"\n", "waarde", 2, "dubbelzinnig"),
    (H + "GM0957;ggz_bw;;2024;1.250\n", "waarde", 2, "dubbelzinnig"),
    (H + "GM0957;ggz_bw;;2024;1.250,5\n", "waarde", 2, "duizendtal"),
    (H + "GM0957;ggz_bw;;2024;1,5\nGM0988;ggz_bw;;2024;2.5\n", "waarde", 3, "één decimaalteken"),
    (H + "GM0957;ggz_bw;;2024;twaalf\n", "waarde", 2, "geen getal"),
    (H + "GM0957;ggz_bw;;2024;12%\n", "waarde", 2, "geen getal"),
    (H + "GM0957;ggz_bw;;2024;\n", "waarde", 2, "leeg"),
    (H + "GM0957;ggz_bw;;2024;NaN\n", "waarde", 2, "geen geldige waarde"),
    (H + "GM0957;ggz_bw;;2024;inf\n", "waarde", 2, "geen geldige waarde"),
    (H + "GM0957;ggz_bw;;2024;-3\n", "waarde", 2, "negatief"),
    (H + "GM0957;ggz_bw;;2024,5;3\n", "jaar", 2, "geheel getal"),
    (H + "957;ggz_bw;;2024;3\n", "gemeentecode", 2, "GM0957"),
    (H + "GM0958;ggz_bw;;2024;3\n", "gemeentecode", 2, "onbekend"),
    (H + "GM0957;ggz_bv;;2024;3\n", "groep", 2, "ggz_bw"),
    (H + "GM0957;ggz_bw;;2024;3\nGM0957;ggz_bw;zelfstandig_begeleid;2024;4\n", "jaar", 3, "regel 2"),
    (H + "GM0957;ouderen;;2024;3\n", "woningtype", 2, "nultreden"),
    (H + "GM0957;ggz_bw;nultreden;2024;3\n", "woningtype", 2, "hoort niet"),
    (H + "GM0957;ggz_bw;;2019;3\n", "jaar", 2, "2024"),
    ("gemeentecode;groep;jaar;waarde;eenheid\nGM0957;ggz_bw;2024;3;personen\n", "eenheid", 2, "woningen"),
    ("gemeentecode;groep;jaar;waarde;variant\nGM0957;ggz_bw;2024;3;\nGM0957;ggz_bw;2024;4;hoog\n", "variant", 3,
     "regel 2"),
    ("gemeentecode;groep;jaar;waarde;variant\nGM0957;ggz_bw;2024;3;extreem\n", "variant", 2, "laag, midden, hoog"),
    ("gemeentcode;groep;jaar;waarde\nGM0957;ggz_bw;2024;3\n", "gemeentcode", 1, "gemeentecode"),
    ("gemeentecode;groep;jaar\nGM0957;ggz_bw;2024\n", "waarde", 1, "ontbreekt"),
    ("gemeentecode;groep;jaar;waarde;waarde\n", "waarde", 1, "twee keer"),
    ("gemeentecode;groep;;jaar;waarde\n", "<kolom 3>", 1, "geen naam"),
    (H, "<bestand>", 2, "alleen een kopregel"),
    ("", "<bestand>", 1, "leeg"),
    (H + "GM0957;ggz_bw;;2024;\"3\n", "<regel>", 2, "kan de regel niet lezen"),
]


@pytest.mark.parametrize("content,column,row,fragment", BAD)
def test_refused_with_file_column_and_row(tmp_path, content, column, row, fragment):
    path = _write(tmp_path, content)
    with pytest.raises(InputError) as info:
        read_local_figures(path, known_gemeenten=KNOWN)
    err = info.value
    assert err.file == str(path)
    assert (err.column, err.row) == (column, row), str(err)
    assert fragment in str(err), str(err)


def test_undecodable_bytes_name_line_and_column(tmp_path):
    raw = "gemeentecode;groep;jaar;waarde;opmerking\nGM0957;ggz_bw;2024;3;ok\nGM0988;ggz_bw;2024;4;caf".encode() \
        + b"\xe9\n"  # Latin-1 é
    path = _write(tmp_path, raw)
    with pytest.raises(InputError, match="UTF-8") as info:
        read_local_figures(path)
    assert (info.value.column, info.value.row) == ("opmerking", 3)
    path = _write(tmp_path, "gemeentecode;groep\n".encode("utf-16"), "u16.csv")
    with pytest.raises(InputError, match="UTF-16"):
        read_local_figures(path)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="bestaat niet") as info:
        read_local_figures(tmp_path / "nope.csv")
    assert info.value.row == 1


def test_generic_reader_with_own_spec(tmp_path):
    spec = [Column("gemeentecode", pattern=r"GM\d{4}"), Column("jaar", kind="int"),
            Column("aantal", kind="count"), Column("saldo", kind="number")]
    path = _write(tmp_path, "gemeentecode;jaar;aantal;saldo\nGM0957;2024;3;-1,5\nGM0957;2025;0;2\n")
    df = read_user_csv(path, spec, key=["gemeentecode", "jaar"])
    assert df["saldo"].tolist() == [-1.5, 2.0] and df["regel"].tolist() == [2, 3]
    path = _write(tmp_path, "gemeentecode;jaar;aantal;saldo\nGM0957;2024;3;1\nGM0957;2024;1;2\n", "dup.csv")
    with pytest.raises(InputError, match="dubbele sleutel") as info:
        read_user_csv(path, spec, key=["gemeentecode", "jaar"])
    assert info.value.row == 3


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False).map(lambda x: round(x, 3)),
                min_size=1, max_size=8))
def test_decimal_comma_round_trip(tmp_path_factory, values):
    lines = ["gemeentecode;groep;jaar;waarde"]
    for i, v in enumerate(values):
        text = f"{v:.3f}".replace(".", ",")
        lines.append(f"GM0957;ggz_bw;{2024 + i};{text}")
    path = tmp_path_factory.mktemp("rt") / "x.csv"
    path.write_text("\r\n".join(lines), encoding="utf-8-sig")
    df = read_local_figures(path)
    assert df["waarde"].tolist() == pytest.approx(values)
    assert df["jaar"].tolist() == [2024 + i for i in range(len(values))]
    assert isinstance(df, pd.DataFrame)
