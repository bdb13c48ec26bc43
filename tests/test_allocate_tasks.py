"""The two tasks (stock ``opgave``, lettings ``toewijzing``), capacity first and the key options.

Every gemeente, task and figure here is SYNTHETIC (codes GM9xxx do not exist).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from woonzorg_lib.errors import InputError
from woonzorg_lib.verdeling import (GROUP_COLUMNS, allocate, caps_from_lettings_capacity, derive_indicators,
                                    key_options, key_sensitivity, lettings_capacity,
                                    lettings_capacity_by_gemeente, standard_keys, taak_of_groep,
                                    tasks_from_demand)

CODES = ["GM9001", "GM9002", "GM9003"]
IND = derive_indicators(pd.DataFrame({"inwoners": [50_000, 20_000, 5_000],
                                      "sociale_huur": [8_000, 2_000, 0],
                                      "woningvoorraad": [24_000, 9_000, 2_200]},
                                     index=pd.Index(CODES, name="gemeentecode")))


def _demand(new_format: bool) -> pd.DataFrame:
    """SYNTHETIC demand: ouderen (stand) and ggz_bw (stroom), 2024-2030, one variant."""
    rows = []
    for i, g in enumerate(CODES):
        for jaar in range(2024, 2031):
            rows += [
                (g, "ouderen", jaar, "stand", "woningen", "vraag", "nultreden", 100.0 + 10 * i + jaar - 2024),
                (g, "ouderen", jaar, "stand", "woningen", "opgave", "nultreden", 10.0 * (jaar - 2024) + i),
                (g, "ggz_bw", jaar, "stroom", "woningen", "vraag", "zelfstandig_begeleid", 4.0 + i),
                (g, "ggz_bw", jaar, "stroom", "woningen", "toewijzing" if new_format else "opgave",
                 "zelfstandig_begeleid", (4.0 + i) * (jaar - 2024)),
            ]
    cols = ["gemeentecode", "groep", "jaar", "soort", "eenheid", "maat", "woningtype", "waarde"]
    return pd.DataFrame(rows, columns=cols).assign(variant="midden")


@pytest.mark.parametrize("new_format", [True, False])
def test_tasks_from_either_demand_format(new_format):
    t = tasks_from_demand(_demand(new_format), "2024-2030").set_index(["groep", "taak"])["eenheden"]
    assert t[("ouderen", "opgave")] == 60 + 60 + 60 + 0 + 1 + 2
    assert t[("ggz_bw", "toewijzing")] == (4 + 5 + 6) * 6
    assert len(t) == 2


def test_taak_follows_soort():
    assert taak_of_groep("ouderen") == "opgave" and taak_of_groep("statushouders") == "toewijzing"
    assert taak_of_groep("eigen_groep") == "opgave"
    assert taak_of_groep("ouderen", "stroom") == "toewijzing"


def test_negative_regional_total_is_a_zero_task():
    d = _demand(True)
    d.loc[d["maat"] == "opgave", "waarde"] *= -1
    t = tasks_from_demand(d, "2024-2030").set_index("groep")["eenheden"]
    assert t["ouderen"] == 0


PROPS = settings(max_examples=25, derandomize=True, deadline=None)


@PROPS
@given(stock=st.integers(0, 5_000), lett=st.integers(0, 5_000))
def test_each_task_sums_exactly_under_every_key(stock, lett):
    taken = pd.DataFrame({"groep": ["ouderen", "ggz_bw"], "woningtype": ["nultreden", "zelfstandig_begeleid"],
                          "taak": ["opgave", "toewijzing"], "periode": "2024-2030", "eenheden": [stock, lett]})
    vraag = _demand(True).query("maat == 'vraag' and jaar == 2030")
    a = allocate(taken, IND, standard_keys(), pd.Series([0.6, 0.3, 0.1], index=CODES), vraag=vraag)
    sums = a.groupby(GROUP_COLUMNS)["toewijzing"].sum().unstack("sleutel")
    assert (sums.xs("opgave", level="taak") == stock).all().all()
    assert (sums.xs("toewijzing", level="taak") == lett).all().all()


def test_lettings_caps_only_bound_the_lettings_task():
    taken = pd.DataFrame({"groep": ["ouderen", "ggz_bw"], "woningtype": ["nultreden", "zelfstandig_begeleid"],
                          "taak": ["opgave", "toewijzing"], "periode": "2024-2030", "eenheden": [300, 300]})
    caps = caps_from_lettings_capacity(IND, "2024-2030", taken=taken)
    assert set(caps["groep"]) == {"ggz_bw"} and len(caps) == 3
    a = allocate(taken, IND, standard_keys()["inwoners"], caps=caps)
    lett = a[a["taak"] == "toewijzing"].set_index("gemeentecode")["toewijzing"]
    stock = a[a["taak"] == "opgave"].set_index("gemeentecode")["toewijzing"]
    assert lett["GM9003"] == 0                      # no corporation homes: no lettings
    assert stock["GM9003"] == 20                    # but its share of the stock task: 300 × 5/75
    assert lett.sum() == stock.sum() == 300


def test_task_kind_is_checked():
    taken = pd.DataFrame({"groep": ["ouderen"], "woningtype": ["nultreden"], "taak": ["voorraad"],
                          "periode": ["2024-2030"], "eenheden": [5]})
    with pytest.raises(InputError) as exc:
        allocate(taken, IND, standard_keys()["inwoners"], bronnen={"taken": "taken.csv"})
    assert (exc.value.file, exc.value.column, exc.value.row) == ("taken.csv", "taak", 2)


def test_capacity_per_year_before_any_split():
    cap = lettings_capacity(_demand(True), IND, periode="2024-2030")
    assert cap["jaar"].tolist() == list(range(2024, 2030))
    free = 10_000 * 0.065
    assert np.allclose(cap["vrijkomend"], free) and np.allclose(cap["capaciteit"], free * 0.30)
    assert np.allclose(cap["behoefte"], 15.0)       # ggz_bw vraag 4 + 5 + 6 a year; ouderen is stock
    assert np.allclose(cap["verhouding"], 15.0 / (free * 0.30))
    assert np.allclose(cap["aandeel_sociale_huur"], 10_000 / 35_200)
    assert "15 toewijzingen nodig" in cap["toelichting"].iloc[0]


def test_zero_capacity_is_explained_not_infinite():
    g = lettings_capacity_by_gemeente(_demand(True), IND, periode="2024-2030").set_index("gemeentecode")
    assert np.isnan(g.loc["GM9003", "verhouding"]) and "geen corporatiewoningen" in g.loc["GM9003", "toelichting"]
    assert g.loc["GM9001", "verhouding"] == pytest.approx(4.0 / (8_000 * 0.065 * 0.30))
    assert not np.isinf(g.select_dtypes("number").to_numpy()).any()


def test_key_options_and_sensitivity():
    keys = standard_keys()
    opts = key_options(keys).set_index("sleutel")
    assert list(opts.index) == ["inwoners", "sociale_huur", "vraag", "mix"]
    assert opts.loc["mix", "status"] == "voorstel (aanname)" and opts.loc["inwoners", "status"] == "enkelvoudig"
    assert opts.loc["mix", "indicatoren"] == ("inwoners 40%, verhuurcapaciteit 30%, afstand_30pct_norm 15%, "
                                              "huidige_inspanning 15%")
    taken = pd.DataFrame({"groep": ["ggz_bw"], "woningtype": ["zelfstandig_begeleid"], "taak": ["toewijzing"],
                          "periode": ["2024-2030"], "eenheden": [75]})
    vraag = _demand(True).query("maat == 'vraag' and jaar == 2030")
    a = allocate(taken, IND, keys, pd.Series([0.6, 0.3, 0.1], index=CODES), vraag=vraag)
    k = key_sensitivity(a).set_index("gemeentecode")
    assert k.loc["GM9003", "sociale_huur"] == 0.0 and k.loc["GM9003", "inwoners"] == pytest.approx(5 / 75)
    assert k.loc["GM9003", "sleutel_laagst"] == "sociale_huur"
    assert k.loc["GM9003", "spreiding"] == pytest.approx(k.loc["GM9003", ["inwoners", "sociale_huur", "vraag",
                                                                           "mix"]].max())
