"""The processed layer on the real snapshot: schemas hold, keys unique, quirks handled, deterministic."""

from pathlib import Path

import pandas as pd

from woonzorg_lib.dataset import build, dictionary, load
from woonzorg_lib.dataset.schema import TABLES

from .conftest import tree_hashes

ROOT = Path(__file__).resolve().parents[1]


def test_every_table_matches_its_schema(good_processed):
    for name, spec in TABLES.items():
        df = pd.read_csv(good_processed / f"{name}.csv")
        assert list(df.columns) == spec.column_names, name
        assert not df.duplicated(subset=list(spec.key)).any(), name
        if name != "prognose_pbl":  # only filled after `woonzorg data fetch` (85173NED)
            assert len(df) > 0, name


def test_totals_and_bands_are_consistent():
    tot = load.table("bevolking_totaal")
    b5 = load.table("bevolking_5j")
    ex = b5[(b5["kwaliteit"] == "exact") & (b5["geslacht"] == "totaal")]
    s = ex.groupby(["gemeentecode", "jaar"])["waarde"].sum().reset_index()
    m = s.merge(tot, on=["gemeentecode", "jaar"], suffixes=("_band", "_tot"))
    assert len(m) == 343 * 16  # 342 gemeenten + NL01, 1998-2013
    assert ((m["waarde_band"] - m["waarde_tot"]).abs() < 0.01).all()  # CSV keeps 10 digits
    # years 1998-2025 for each gemeente, no gaps
    for code, g in tot[tot["gemeentecode"].str.startswith("GM")].groupby("gemeentecode"):
        assert sorted(g["jaar"]) == list(range(1998, 2026)), code
    # the 2021 approximation is flagged and carries its scale factor
    approx = b5[b5["jaar"] == 2021]
    assert (approx["kwaliteit"] == "benadering").all()
    assert approx["schaalfactor"].between(0.95, 1.10).all()


def test_margins_keep_derived_flag_and_status():
    m = load.table("bevolking_marges")
    d24 = m[(m["jaar"] == 2024) & (m["gemeentecode"] == "GM0957")]
    assert set(d24.loc[d24["afgeleid"], "leeftijd_van"]) >= {0, 45, 65}
    assert set(m["status"]) == {"voorlopig", "definitief", "kwb"}
    # 2023-2024 margins exist for (nearly) every Dutch gemeente (85383NED) — needed for new regions
    codes24 = set(m[m["jaar"] == 2024]["gemeentecode"])
    assert len(codes24 - {"NL01"}) == 342 and "NL01" in codes24  # NL01: CBS's own row of 85383NED
    # men and women all-ages totals (KWB 2019 and 2024) for every gemeente
    sex = m[(m["leeftijd_van"] == 0) & m["leeftijd_tot"].isna() & m["geslacht"].isin(["man", "vrouw"])]
    per_year = sex.groupby("jaar")["gemeentecode"].nunique()
    assert per_year[2019] == 342 and per_year[2024] == 342


def test_gemeenten_and_snapshot_flag():
    g = load.table("gemeenten")
    assert len(g) == 342
    assert g["inwoners_2024"].sum() == 17_942_942  # CBS total for NL on 1-1-2024
    assert g["in_snapshot"].sum() == 342


def test_build_is_deterministic(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    build.build_all(raw=ROOT / "data" / "raw", out=a)
    build.build_all(raw=ROOT / "data" / "raw", out=b)
    assert tree_hashes(a) == tree_hashes(b)


def test_data_dictionary_is_current():
    committed = (ROOT / "docs" / "data_dictionary.md").read_text(encoding="utf-8")
    assert committed == dictionary.render(), "run `woonzorg data dictionary --write`"
