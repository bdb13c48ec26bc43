"""Data coverage (CONTRACTS ``woonzorg demand``): an input that exists only for some gemeenten switches
its component off for the others, the coverage table says so, and the run does not fail.

Real data: the uitwonende-studenten history reaches back to 2017 for the 47 gemeenten of the old
reference extracts (data/raw/groups.csv) and covers 2023-2024 for all 342 (CBS 85383NED as obtained);
Groene Metropoolregio Arnhem-Nijmegen lies wholly outside the 47, Enschede (GM0153) inside, Zwolle
(GM0193) outside. A gap is made by removing one gemeente's input from the real inputs.
"""

from __future__ import annotations

import pandas as pd
import pytest

from woonzorg_lib import pipeline, regions
from woonzorg_lib.groups import demand_table, load_parameters
from woonzorg_lib.groups.data_coverage import COVERAGE_COLUMNS, coverage, coverage_table, switched_off
from woonzorg_lib.groups.inputs import demand_inputs
from woonzorg_lib.groups.tables import demand_all

from .conftest import run_cli
from .test_group_methods import synthetic_projection

GMAAN = ["GM0202", "GM0268", "GM0209", "GM0226", "GM0228", "GM0252", "GM0274", "GM0275", "GM0277", "GM0279",
         "GM0299"]


@pytest.fixture(scope="module")
def params():
    return load_parameters()


def _region_yaml(tmp_path, codes) -> str:
    path = tmp_path / "gmaan.yaml"
    path.write_text("slug: gmaan-test\nnaam: Groene Metropoolregio (test)\ngemeenten: [" + ", ".join(codes) + "]\n",
                    encoding="utf-8")
    return str(path)


def test_demand_and_allocate_run_outside_the_old_47(tmp_path):
    region = _region_yaml(tmp_path, GMAAN)
    d = run_cli("demand", "--region", region, "--until", 2030, "--out", tmp_path / "d.csv")
    assert d.returncode == 0, d.stderr
    df = pd.read_csv(tmp_path / "d.csv", dtype={"gemeentecode": str})
    assert set(df["gemeentecode"]) == set(GMAAN)
    # every group, studenten included (85383NED covers all 342 gemeenten)
    assert {"ouderen", "urgenten", "woonwagenbewoners", "statushouders", "studenten"} <= set(df["groep"])
    assert set(df.loc[df["groep"] == "studenten", "gemeentecode"]) == set(GMAAN)
    a = run_cli("allocate", "--region", region, "--out", tmp_path / "a.csv")
    assert a.returncode == 0, a.stderr
    alloc = pd.read_csv(tmp_path / "a.csv", dtype={"gemeentecode": str})
    assert set(alloc["gemeentecode"]) == set(GMAAN)


def test_coverage_names_the_switched_off_components():
    codes = GMAAN + ["GM0153"]
    t = coverage(codes)
    assert list(t.columns) == COVERAGE_COLUMNS
    assert len(t) == 12 * 4 and set(t["status"]) == {"aan"}      # the national snapshot covers all of them
    # real inputs with Nijmegen's (GM0268) student history removed: only that component, only there
    inputs = demand_inputs(codes)
    hist = inputs["studenten_historie"]
    inputs["studenten_historie"] = hist[hist["gemeentecode"] != "GM0268"]
    t = coverage_table(codes, inputs)
    off = switched_off(t)
    assert set(zip(off["gemeentecode"], off["component"])) == {("GM0268", "studenten")}
    assert off["reden"].str.contains("uitwonende studenten").all() and (off["invoer"] == "studenten_historie").all()
    on = t[t["status"] == "aan"]
    assert (on["reden"] == "").all() and ("GM0153", "studenten") in set(zip(on["gemeentecode"], on["component"]))


def test_gemeente_with_data_keeps_its_figures(params):
    """Enschede (in the old 47) next to Zwolle (outside): Enschede's rows are those of a run for
    Enschede alone (studenten exactly; the rest up to float noise)."""
    def run(codes):
        proj = pipeline.region_forecast(regions.Region(slug="t", naam="t", gemeenten=tuple(codes)), as_of=2024,
                                        until=2030)
        return demand_all(proj, params, basisjaar=2024, tot_jaar=2030, **demand_inputs(codes))

    mixed, alone = run(["GM0153", "GM0193"]), run(["GM0153"])
    assert set(mixed.loc[mixed["groep"] == "studenten", "gemeentecode"]) == {"GM0153", "GM0193"}
    assert set(mixed.loc[mixed["gemeentecode"] == "GM0193", "groep"]) == set(alone["groep"])
    ens = mixed[mixed["gemeentecode"] == "GM0153"].reset_index(drop=True)
    assert ens.drop(columns="waarde").equals(alone.drop(columns="waarde"))
    assert ens["waarde"].tolist() == pytest.approx(alone["waarde"].tolist(), rel=1e-12, abs=1e-9)
    st = ens["groep"] == "studenten"
    assert st.sum() > 0 and ens.loc[st, "waarde"].tolist() == alone.loc[alone["groep"] == "studenten", "waarde"].tolist()


def test_partial_input_switches_off_only_the_gaps(params):
    """SYNTHETIC: two gemeenten, student history and households for GM9001 only."""
    proj = synthetic_projection(gemeenten=("GM9001", "GM9002"))
    hist = pd.DataFrame({"gemeentecode": ["GM9001"] * 4, "jaar": [2021, 2022, 2023, 2024],
                         "waarde": [1000.0, 1100.0, 1150.0, 1300.0]})
    hh = pd.DataFrame({"gemeentecode": ["GM9001", "GM9002"], "waarde": [500.0, float("nan")]})
    kw = dict(groepen=["studenten", "urgenten", "ouderen"], studenten_historie=hist, huishoudens=hh)
    both = demand_table(proj, params, "midden", **kw)
    assert set(both.loc[both["groep"].isin(["studenten", "urgenten"]), "gemeentecode"]) == {"GM9001"}
    assert set(both.loc[both["groep"] == "ouderen", "gemeentecode"]) == {"GM9001", "GM9002"}
    one = demand_table(synthetic_projection(gemeenten=("GM9001",)), params, "midden", **kw)
    sel = both[(both["gemeentecode"] == "GM9001") & (both["groep"] == "studenten")].reset_index(drop=True)
    assert sel.equals(one[one["groep"] == "studenten"].reset_index(drop=True))
    t = coverage_table(["GM9001", "GM9002"], {"studenten_historie": hist, "huishoudens": hh,
                                              "woningvoorraad": None})
    off = set(zip(switched_off(t)["gemeentecode"], switched_off(t)["component"]))
    assert off == {("GM9002", "studenten"), ("GM9002", "urgenten"), ("GM9002", "mantelzorg"),
                   ("GM9001", "woonwagenbewoners"), ("GM9002", "woonwagenbewoners")}
    with pytest.raises(ValueError, match="negatieve"):
        demand_table(proj, params, "midden", groepen=["urgenten"], huishoudens=hh.fillna(-1.0))
