"""The reviewer's check: a replay built from the REAL column keys of 03747, 37201 and 37360ned.

The replay below is built in the test from tests/fixtures/cbs/dump_excerpts/ — lines copied unchanged from the
CBS StatLine dump (github.com/dertje/cbs_datasets@388b47d: real OData v3 TypedDataSets with the real measure
keys in the header and dimension titles in the rows; CC BY 4.0, Bron: CBS). The values are REAL (Nederland and
Aa en Hunze, GM1680). Only what the dump does not show is made up here: the dimension *keys* (except the verified
T001038 and the RegioS/period codes) and the measure titles (except 37201's boys/girls). RegioS keys are padded
to 6 characters, as the service does in tables whose only dimensions are RegioS and Perioden.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from woonzorg_lib import provenance
from woonzorg_lib.cbs.fetch import Settings, fetch
from woonzorg_lib.cbs.tables import SchemaChanged, specs
from woonzorg_lib.dataset.build import build_tables

FIX = Path(__file__).resolve().parent / "fixtures" / "cbs"
EXC = FIX / "dump_excerpts"
REGIO = {"Nederland": "NL01", "Aa en Hunze": "GM1680"}
TITLES = {"LevendGeborenJongens_3": "Levend geboren jongens", "LevendGeborenMeisjes_4": "Levend geboren meisjes"}


def excerpt(table: str) -> tuple[list[str], list[dict]]:
    lines = (EXC / f"{table}.csv").read_text(encoding="utf-8").splitlines()
    head = lines[0].split(";")
    return head, [dict(zip(head, ln.split(";"))) for ln in lines[1:]]


def num(v: str):
    return None if v == "" else float(v)


def _write(d: Path, table: str, endpoint: str, rows: list[dict]) -> None:
    (d / table).mkdir(parents=True, exist_ok=True)
    doc = {"odata.metadata": f"https://opendata.cbs.nl/ODataFeed/odata/{table}/$metadata#Cbs.OData.WebAPI.{endpoint}",
           "value": rows}
    (d / table / f"{endpoint}.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def _props(dims: list[tuple[str, str]], measures: list[str]) -> list[dict]:
    rows = [{"odata.type": f"Cbs.OData.{t}", "ID": i, "Position": i, "ParentID": None, "Type": t, "Key": k,
             "Title": k} for i, (k, t) in enumerate(dims)]
    rows += [{"odata.type": "Cbs.OData.Topic", "ID": len(dims) + i, "Position": len(dims) + i, "ParentID": None,
              "Type": "Topic", "Key": k, "Title": TITLES.get(k, k), "Unit": "aantal", "Decimals": 0}
             for i, k in enumerate(measures)]
    return rows


def _cats(pairs) -> list[dict]:
    return [{"Key": k, "Title": t, "Description": None, "CategoryGroupID": None} for k, t in pairs]


def _period_key(title: str) -> str:
    return f"{title}JJ00" if title.isdigit() else title[:4] + "TT" + title[-2:]   # five-year period: any code


def build_replay(root: Path) -> Path:
    for table in ("03747", "37201"):
        head, rows = excerpt(table)
        measures = head[3:]
        _write(root, table, "TableInfos", [{"ID": 1, "Identifier": table, "Title": f"CBS {table}", "Modified": ""}])
        _write(root, table, "DataProperties", _props([("RegioS", "GeoDimension"), ("Perioden", "TimeDimension")],
                                                     measures))
        _write(root, table, "RegioS", _cats((f"{c:<6}", t) for t, c in REGIO.items()))
        years = sorted({r["Perioden"] for r in rows})
        _write(root, table, "Perioden", _cats((_period_key(y), y) for y in years))
        _write(root, table, "TypedDataSet", [{"ID": int(r["ID"]), "RegioS": f"{REGIO[r['RegioS']]:<6}",
                                              "Perioden": _period_key(r["Perioden"]),
                                              **{k: num(r[k]) for k in measures}} for r in rows])
    table = "37360ned"
    head, rows = excerpt(table)
    measures = head[4:]
    ages = list(dict.fromkeys(r["LeeftijdOp31December"] for r in rows))
    age_key = {a: f"L{i:05d}" for i, a in enumerate(ages)}
    periods = list(dict.fromkeys(r["Perioden"] for r in rows))
    _write(root, table, "TableInfos", [{"ID": 1, "Identifier": table, "Title": "CBS 37360ned", "Modified": ""}])
    _write(root, table, "DataProperties", _props([("Geslacht", "Dimension"), ("LeeftijdOp31December", "Dimension"),
                                                  ("Perioden", "TimeDimension")], measures))
    _write(root, table, "Geslacht", _cats([("T001038", "Totaal mannen en vrouwen"), ("3000", "Mannen"),
                                           ("4000", "Vrouwen")]))
    _write(root, table, "LeeftijdOp31December", _cats((age_key[a], a) for a in ages))
    _write(root, table, "Perioden", _cats((_period_key(p), p) for p in periods))
    _write(root, table, "TypedDataSet", [{"ID": int(r["ID"]), "Geslacht": "T001038",
                                          "LeeftijdOp31December": age_key[r["LeeftijdOp31December"]],
                                          "Perioden": _period_key(r["Perioden"]),
                                          **{k: num(r[k]) for k in measures}} for r in rows])
    (root / "_replay.json").write_text(json.dumps({
        "description": "built by tests/test_cbs_real_keys.py from the CBS StatLine dump excerpts (real keys and values)",
        "page_size": 50, "default_values": "real: CBS StatLine dump (tests/fixtures/cbs/dump_excerpts)"}))
    return root


def test_replay_with_the_real_column_keys_fetches_and_values_land_in_the_right_columns(raw_copy, tmp_path):
    replay = build_replay(tmp_path / "replay")
    region = tmp_path / "aa-en-hunze.yaml"
    region.write_text("slug: aa-en-hunze\nnaam: Aa en Hunze\ngemeenten: [GM1680]\n")
    rep = fetch(region, years="2021-2023", groups=["sterfte", "geboorten", "levenstafel"],
                settings=Settings(replay=str(replay), backoff=0), raw=raw_copy, log=lambda s: None, check=build_tables)
    assert rep.tables == ["03747", "37201", "37360ned"]
    fdir = raw_copy / "fetched"
    # 03747: sex x age are measure columns; every value of the three blocks lands on its sex and age
    head, rows = excerpt("03747")
    d = pd.read_csv(fdir / "deaths_by_age_sex.csv", dtype={"leeftijd": str})
    assert len(d) == 2 * 3 * 3 * 22                           # 2 regions x 3 years x 3 sexes x (total + 21 ages)
    ages = ["totaal", "0", "1-4"] + [f"{lo}-{lo + 4}" for lo in range(5, 95, 5)] + ["95+"]
    got = d.set_index(["gemeentecode", "jaar", "geslacht", "leeftijd"])["waarde"]
    for r in rows:
        for sex, first in (("totaal", 11), ("man", 33), ("vrouw", 55)):          # header positions of _9, _31, _53
            for i, age in enumerate(ages):
                key = head[first + i]
                assert got[(REGIO[r["RegioS"]], int(r["Perioden"]), sex, age)] == float(r[key]), key
    assert got[("GM1680", 2023, "man", "totaal")] == 154 and head[33] == "TotaalOverledenMannen_31"
    # 37201: boys/girls and the mother's age
    b = pd.read_csv(fdir / "births_by_mother_age.csv").set_index(["gemeentecode", "jaar", "variabele"])["waarde"]
    for r in rows_37201():
        code, y = REGIO[r["RegioS"]], int(r["Perioden"])
        for var, key in (("levend_geborenen", "TotaalLevendGeborenKinderen_1"), ("jongens", "LevendGeborenJongens_3"),
                         ("meisjes", "LevendGeborenMeisjes_4"), ("moeder_jonger_dan_20", "JongerDan20Jaar_9"),
                         ("moeder_30_34", "k_30Tot35Jaar_12"), ("moeder_45_plus", "k_45JaarOfOuder_15"),
                         ("gemiddeld_kindertal_per_vrouw", "GemiddeldKindertalPerVrouw_7")):
            assert b[(code, y, var)] == float(r[key]), (code, y, var)
    assert b[("NL01", 2023, "jongens")] == 84272 and b[("GM1680", 2022, "moeder_30_34")] == 74
    # 37360ned: LeeftijdOp31December, single years only (the five-year period '2016 tot 2021' is not a year)
    lt = pd.read_csv(fdir / "national_life_table.csv")
    assert sorted(set(lt["jaar"])) == [2022, 2023] and sorted(set(lt["leeftijd"])) == list(range(94))
    row = lt[(lt.jaar == 2022) & (lt.leeftijd == 0)].iloc[0]
    assert (row.sterftekans_qx, row.levenden_tafelbevolking, row.overledenen_tafelbevolking,
            row.levensverwachting) == (0.00287, 100000, 287, 81.61)
    assert lt[(lt.jaar == 2023) & (lt.leeftijd == 0)]["levensverwachting"].iloc[0] == 81.84
    meta = provenance.load_sidecar(fdir / "deaths_by_age_sex.csv")
    flt = [q["filter"] for q in meta["query"] if q["endpoint"] == "TypedDataSet"]
    assert len(flt) == 1 and "RegioS eq 'GM1680'" in flt[0] and "RegioS eq 'NL01  '" in flt[0]   # padded as served
    assert "select" not in meta["query"][-1]                  # 68 columns: no $select (URL stays short)


def rows_37201() -> list[dict]:
    return excerpt("37201")[1]


def test_an_unknown_period_code_stops_the_fetch(raw_copy, tmp_path):
    replay = build_replay(tmp_path / "replay")
    per = json.loads((replay / "37360ned" / "Perioden.json").read_text(encoding="utf-8"))
    per["value"].append({"Key": "2024XY01", "Title": "2024 eerste helft", "Description": None})
    (replay / "37360ned" / "Perioden.json").write_text(json.dumps(per), encoding="utf-8")
    with pytest.raises(SchemaChanged, match=r"CBS-tabel 37360ned.*onbekende periodecode '2024XY01'"):
        fetch(FIX / "noord-limburg-test.yaml", groups=["levenstafel"], settings=Settings(replay=str(replay), backoff=0),
              raw=raw_copy, log=lambda s: None)


def test_every_spec_key_is_in_the_real_header():
    """Dimension names and measure keys of every spec that the dump has, exactly as in the real TypedDataSet header;
    the tables the dump does not have are the ones docs/cbs_odata.md lists as not verified against it."""
    not_in_dump = []
    for spec in specs() + [s for s in specs("85644NED") if s.id == "85644NED"]:
        f = EXC / f"{spec.id}.csv"
        if not f.exists():
            not_in_dump.append(spec.id)
            continue
        head = f.read_text(encoding="utf-8").splitlines()[0].split(";")
        dims = [d for d in (spec.region_dim, *spec.dims, spec.period_dim) if d]
        assert [d for d in dims if d not in head] == [], spec.id
        assert [m.key for m in spec.measures if m.key not in head] == [], spec.id
        assert all(m.key for m in spec.measures), spec.id           # no measure left to a title guess
        n_dims = head.index(next(h for h in head[1:] if h not in dims)) - 1
        assert n_dims == len(dims), f"{spec.id}: the real table has other dimensions than the spec"
    assert sorted(not_in_dump) == ["71486ned", "71488ned", "85173NED"]
    doc = (Path(__file__).resolve().parents[1] / "docs" / "cbs_odata.md").read_text(encoding="utf-8")
    for t in not_in_dump:
        assert f"| {t} |" in doc
