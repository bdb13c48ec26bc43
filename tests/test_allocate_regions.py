"""Every verdeling output of every client region on REAL data: no inf or NaN anywhere, the stock
and lettings tasks apart, each summing exactly to its task under every key, capacity first.

Regions: midden-limburg, enschede, twente, utrecht (the four client regions). Outputs: the
allocate table, the capacity tables (region per year, per gemeente), the summaries (fair share,
pressure, sensitivity, key sensitivity, key options) and the effort table, each also written as
CSV and scanned as text. Empty cells are allowed only where the contract says "empty where
unknown" (never for these regions) or where the row explains a zero capacity in words.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from woonzorg_lib import pipeline, regions
from woonzorg_lib.groups.catalogue import CATALOGUE
from woonzorg_lib.verdeling import (ALLOCATION_COLUMNS, GROUP_COLUMNS, fair_share_summary, key_options,
                                    key_sensitivity, lettings_capacity_by_gemeente, pressure_signal,
                                    region_allocation, region_allocation_inputs, region_capacity,
                                    sensitivity_summary, standard_keys, tasks_from_demand,
                                    write_allocation_csv)

REGIONS = ("midden-limburg", "enschede", "twente", "utrecht")
#: columns that may be empty, each only on a row whose ``toelichting`` says why
EXPLAINED_EMPTY = {"verhouding", "druk"}


@pytest.fixture(scope="module", params=REGIONS)
def run(request):
    region = request.param
    params = pipeline.parameters()
    demand = pipeline.region_demand(region, until=2030, params=params, variants=("midden",))
    keys = standard_keys()
    inputs = region_allocation_inputs(region, params=params, key=keys["mix"])
    alloc = region_allocation(region, demand, params=params, inputs=inputs)
    ind = inputs[0]
    outputs = {
        "allocate": alloc,
        "capaciteit": region_capacity(region, demand, params=params, inputs=inputs),
        "capaciteit_gemeente": lettings_capacity_by_gemeente(demand, ind),
        "fair_share": fair_share_summary(alloc),
        "druk": pressure_signal(alloc, ind),
        "gevoeligheid": sensitivity_summary(alloc),
        "sleutelgevoeligheid": key_sensitivity(alloc, taak="toewijzing"),
        "sleutels": key_options(keys),
        "inspanning": inputs[1].reset_index(),
    }
    return region, demand, outputs


def _assert_finite(name: str, df: pd.DataFrame) -> None:
    assert len(df) > 0, name
    for col in df.columns:
        if df[col].dtype.kind not in "fiu":
            continue
        vals = df[col].to_numpy(dtype="float64")
        assert not np.isinf(vals).any(), (name, col)
        nan = np.isnan(vals)
        if nan.any():
            assert col in EXPLAINED_EMPTY, (name, col, df.loc[nan].head())
            assert (df.loc[nan, "toelichting"].str.len() > 20).all(), (name, col)


def test_no_non_finite_value_in_any_output(run, tmp_path):
    region, _, outputs = run
    for name, df in outputs.items():
        _assert_finite(f"{region}/{name}", df)
        path = tmp_path / f"{name}.csv"
        if name == "allocate":
            write_allocation_csv(df, path)
        else:
            df.to_csv(path, index=False)
        text = path.read_text(encoding="utf-8").lower()
        for word in ("inf", "nan"):
            cells = [c for line in text.splitlines() for c in line.split(",") if c.strip() in
                     (word, "-" + word, "+" + word)]
            assert not cells, (region, name, word)


def test_allocate_columns_and_known_effort(run):
    _, _, out = run
    a = out["allocate"]
    assert list(a.columns) == ALLOCATION_COLUMNS
    assert a["huidige_inspanning"].notna().all() and a["regionale_functie"].notna().all()
    for col in ("aandeel", "huidige_inspanning", "regionale_functie"):
        assert a[col].between(0, 1).all(), col


def test_stock_and_lettings_tasks_are_separate_rows_and_sum_exactly(run):
    _, demand, out = run
    a = out["allocate"]
    assert set(a["taak"]) == {"opgave", "toewijzing"}
    for (groep, woningtype), g in a.groupby(["groep", "woningtype"]):
        want = "opgave" if CATALOGUE[groep].soort == "stand" else "toewijzing"
        assert set(g["taak"]) == {want}, (groep, woningtype)
    tasks = tasks_from_demand(demand, "2024-2030").set_index(["groep", "woningtype", "taak"])["eenheden"]
    sums = a.groupby(GROUP_COLUMNS)["toewijzing"].sum().reset_index()
    for r in sums.itertuples(index=False):
        assert r.toewijzing == tasks[(r.groep, r.woningtype, r.taak)], r
    assert (a["toewijzing"] >= 0).all() and a["toewijzing"].dtype.kind == "i"


def test_capacity_first_per_year(run):
    region, _, out = run
    cap = out["capaciteit"]
    assert cap["jaar"].tolist() == list(range(2024, 2030))
    assert (cap["capaciteit"] > 0).all() and (cap["behoefte"] > 0).all()
    assert np.allclose(cap["verhouding"], cap["behoefte"] / cap["capaciteit"])
    assert np.allclose(cap["capaciteit"], cap["vrijkomend"] * 0.30)
    assert cap["toelichting"].str.contains("toewijzingen nodig").all()
    # per gemeente: a gemeente without corporation homes is explained, never infinite
    g = out["capaciteit_gemeente"]
    zero = g["capaciteit"] == 0
    assert (g.loc[zero, "toelichting"].str.contains("geen corporatiewoningen")).all()
    if region == "utrecht":
        assert zero.sum() == 1 and g.loc[zero, "gemeentecode"].item() == "GM0339"  # Renswoude


def test_pressure_only_on_lettings(run):
    _, _, out = run
    p, a = out["druk"], out["allocate"]
    lett = a[a["taak"] == "toewijzing"].groupby(["gemeentecode", "sleutel"])["toewijzing"].sum()
    got = p.set_index(["gemeentecode", "sleutel"])["toewijzing"]
    assert got.sort_index().equals(lett.sort_index())


def test_key_sensitivity_is_a_table_per_gemeente(run):
    _, _, out = run
    k = out["sleutelgevoeligheid"]
    keys = k.attrs["sleutels"]
    assert set(keys) == {"inwoners", "sociale_huur", "vraag", "mix"}
    assert np.allclose(k.groupby("taak")[keys].sum(), 1.0)
    assert (k["spreiding"] >= 0).all()
    opts = out["sleutels"]
    assert opts.loc[opts["sleutel"] == "mix", "status"].item() == "voorstel (aanname)"
    assert (opts["betekenis"].str.len() > 30).all()


def test_vraag_key_uses_the_run_variant():
    """Issue 11 item 4: a hoog run shares by hoog vraag (the vraag key of variant hoog)."""
    region, groep, wt = "midden-limburg", "studenten", "studenteneenheid"
    demand = pipeline.region_demand(region, until=2030, variants=("midden", "hoog"))
    codes = sorted(regions.load_region(region).gemeenten)
    got = {}
    for variant in ("midden", "hoog"):
        a = region_allocation(region, demand, variant=variant)
        d = demand[(demand["maat"] == "vraag") & (demand["jaar"] == 2030) & (demand["variant"] == variant)
                   & (demand["groep"] == groep) & (demand["woningtype"] == wt)]
        v = d.groupby("gemeentecode")["waarde"].sum().reindex(codes).clip(lower=0)
        part = a[(a["sleutel"] == "vraag") & (a["groep"] == groep) & (a["woningtype"] == wt)]
        got[variant] = part.set_index("gemeentecode")["aandeel"].reindex(codes)
        assert np.allclose(got[variant], v / v.sum(), atol=1e-12), variant
        task = tasks_from_demand(demand, variant=variant).set_index(["groep", "woningtype"])["eenheden"]
        assert part["toewijzing"].sum() == task[(groep, wt)]
    assert (got["hoog"] - got["midden"]).abs().max() > 1e-3   # the variants really differ here
