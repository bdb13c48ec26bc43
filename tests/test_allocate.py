"""The allocate table (CONTRACTS columns) and its summaries.

Every gemeente, task and figure here is SYNTHETIC (codes GM9xxx do not exist).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from woonzorg_lib.errors import InputError
import woonzorg_lib.verdeling as alloc_mod
from woonzorg_lib.verdeling import (ALLOCATION_COLUMNS, KEY_COLUMNS, allocate,
                                             fair_share_summary, periode_jaren, pressure_signal,
                                             sensitivity_summary, task_table,
                                             write_allocation_csv)
from woonzorg_lib.verdeling.apportion import hamilton, webster
from woonzorg_lib.verdeling.keys import (Indicator, Verdeelsleutel, derive_indicators,
                                         key_shares, load_key, default_key_path,
                                         single_indicator_key, standard_keys)

PROPS = settings(max_examples=25, derandomize=True, deadline=None)

#: SYNTHETIC region of five made-up gemeenten.
SYNTHETIC_GEMEENTEN = derive_indicators(pd.DataFrame(
    {
        "inwoners": [60_000, 25_000, 12_000, 8_000, 4_000],
        "sociale_huur": [9_000, 3_500, 2_400, 900, 0],
        "woningvoorraad": [28_000, 11_000, 5_300, 3_600, 1_800],
        "aandachtsgroep_huishoudens": [1_100, 200, 70, 20, 2],
    },
    index=pd.Index(["GM9001", "GM9002", "GM9003", "GM9004", "GM9005"], name="gemeentecode"),
))

#: SYNTHETIC regional tasks.
SYNTHETIC_TAKEN = pd.DataFrame({
    "groep": ["ouderen", "ouderen", "statushouders", "ggz_bw"],
    "woningtype": ["nultreden", "geclusterd", "sociale_huur", "zelfstandig_begeleid"],
    "periode": ["2024-2030", "2024-2030", "2025H1", "2024-2030"],
    "taak": [431, 97, 23, 60],
})

#: SYNTHETIC current effort (shares of today's effort per gemeente, all groups).
SYNTHETIC_INSPANNING = pd.Series({"GM9001": 0.70, "GM9002": 0.15, "GM9003": 0.08,
                                  "GM9004": 0.05, "GM9005": 0.02})

#: SYNTHETIC group-specific demand.
SYNTHETIC_VRAAG = pd.DataFrame({
    "gemeentecode": ["GM9001", "GM9002", "GM9003", "GM9004", "GM9005"] * 3,
    "groep": ["ouderen"] * 5 + ["ggz_bw"] * 5 + ["statushouders"] * 5,
    "waarde": [300, 160, 90, 60, 40, 30, 10, 5, 3, 1, 12, 5, 2, 2, 1],
})


@pytest.fixture(scope="module")
def keys():
    return standard_keys()


@pytest.fixture(scope="module")
def table(keys):
    return allocate(SYNTHETIC_TAKEN, SYNTHETIC_GEMEENTEN, keys, SYNTHETIC_INSPANNING,
                    vraag=SYNTHETIC_VRAAG)


# ---------------------------------------------------------------- the contract table --------

def test_columns_order_and_sort(table):
    assert list(table.columns) == ALLOCATION_COLUMNS
    assert table.equals(table.sort_values(KEY_COLUMNS, kind="mergesort").reset_index(drop=True))
    assert not table.duplicated(KEY_COLUMNS).any()
    assert len(table) == 5 * len(SYNTHETIC_TAKEN) * 4
    assert table["toewijzing"].dtype == "int64"


def test_toewijzing_sums_exactly_to_the_task(table):
    sums = table.groupby(["groep", "woningtype", "periode", "sleutel"])["toewijzing"].sum()
    expected = SYNTHETIC_TAKEN.set_index(["groep", "woningtype", "periode"])["taak"]
    for (g, wt, p, _), total in sums.items():
        assert total == expected[(g, wt, p)]
    assert (table["toewijzing"] >= 0).all()


def test_aandeel_is_the_key_share_and_sums_to_one(table, keys):
    for (g, s), part in table.groupby(["groep", "sleutel"]):
        for _, sub in part.groupby(["woningtype", "periode"]):
            assert math.fsum(sub["aandeel"]) == pytest.approx(1.0, abs=1e-12)
    mix = table[(table.groep == "ggz_bw") & (table.sleutel == "mix")].set_index("gemeentecode")
    expected = key_shares(keys["mix"], SYNTHETIC_GEMEENTEN, groep="ggz_bw")
    assert mix["aandeel"].tolist() == pytest.approx(expected.tolist())


def test_toewijzing_is_hamilton_of_the_shares(table):
    part = table[(table.groep == "ouderen") & (table.woningtype == "nultreden")
                 & (table.sleutel == "mix")].set_index("gemeentecode")
    assert part["toewijzing"].tolist() == hamilton(part["aandeel"], 431).tolist()


def test_statushouders_follow_their_override_pro_rata_inwoners(table):
    part = table[(table.groep == "statushouders") & (table.sleutel == "mix")]
    inw = SYNTHETIC_GEMEENTEN["inwoners"]
    assert part["aandeel"].tolist() == pytest.approx((inw / inw.sum()).tolist())
    assert part["toewijzing"].tolist() == hamilton(inw, 23).tolist()


def test_vraag_key_uses_the_group_specific_demand(table):
    part = table[(table.groep == "ggz_bw") & (table.sleutel == "vraag")]
    assert part["aandeel"].tolist() == pytest.approx([30 / 49, 10 / 49, 5 / 49, 3 / 49, 1 / 49])
    part = table[(table.groep == "ouderen") & (table.sleutel == "vraag")
                 & (table.woningtype == "nultreden")]
    assert part["aandeel"].tolist() == pytest.approx([300 / 650, 160 / 650, 90 / 650, 60 / 650,
                                                      40 / 650])


def test_huidige_inspanning_and_verschil(table):
    part = table[table.sleutel == "inwoners"].set_index(["gemeentecode", "groep", "woningtype"])
    assert part.loc[("GM9001", "ouderen", "nultreden"), "huidige_inspanning"] == 0.70
    v = part["aandeel"] - part["huidige_inspanning"]
    assert part["verschil"].tolist() == pytest.approx(v.tolist())


def test_missing_current_effort_leaves_it_empty(keys):
    out = allocate(SYNTHETIC_TAKEN.iloc[:1], SYNTHETIC_GEMEENTEN, keys["inwoners"])
    assert out["huidige_inspanning"].isna().all()
    assert out["verschil"].isna().all()
    assert out["sleutel"].unique().tolist() == ["inwoners"]


def test_current_effort_per_groep_with_a_gap_is_unknown_for_that_groep(keys):
    effort = pd.DataFrame({
        "gemeentecode": ["GM9001", "GM9002", "GM9003", "GM9004", "GM9005", "GM9001"],
        "groep": ["ouderen"] * 5 + ["statushouders"],
        "huidige_inspanning": [50, 30, 10, 5, 5, 9],   # counts: normalised to shares
    })
    out = allocate(SYNTHETIC_TAKEN, SYNTHETIC_GEMEENTEN, keys["inwoners"], effort,
                   vraag=SYNTHETIC_VRAAG)
    oud = out[(out.groep == "ouderen") & (out.woningtype == "nultreden")]
    assert oud["huidige_inspanning"].tolist() == pytest.approx([0.5, 0.3, 0.1, 0.05, 0.05])
    assert out[out.groep == "statushouders"]["huidige_inspanning"].isna().all()
    assert out[out.groep == "ggz_bw"]["huidige_inspanning"].isna().all()


def test_webster_method_option(keys):
    out = allocate(SYNTHETIC_TAKEN, SYNTHETIC_GEMEENTEN, keys["mix"], method="webster")
    part = out[(out.groep == "ouderen") & (out.woningtype == "nultreden")].set_index("gemeentecode")
    assert part["toewijzing"].tolist() == webster(part["aandeel"], 431).tolist()
    assert part["toewijzing"].sum() == 431


def test_user_given_number():
    t = task_table(40, groep="woonwagenbewoners", woningtype="standplaats", periode="2024-2030")
    out = allocate(t, SYNTHETIC_GEMEENTEN, single_indicator_key("inwoners"))
    assert out["toewijzing"].sum() == 40


def test_order_of_gemeenten_and_tasks_does_not_matter(keys):
    a = allocate(SYNTHETIC_TAKEN, SYNTHETIC_GEMEENTEN, keys, SYNTHETIC_INSPANNING,
                 vraag=SYNTHETIC_VRAAG)
    b = allocate(SYNTHETIC_TAKEN.iloc[::-1], SYNTHETIC_GEMEENTEN.iloc[::-1], keys,
                 SYNTHETIC_INSPANNING.iloc[::-1], vraag=SYNTHETIC_VRAAG.iloc[::-1])
    pd.testing.assert_frame_equal(a, b)


@PROPS
@given(taken=st.lists(st.integers(0, 5000), min_size=1, max_size=4),
       method=st.sampled_from(["hamilton", "webster", "dhondt"]))
def test_sums_exact_for_any_task_size(taken, method):
    t = pd.DataFrame({"groep": ["urgenten"] * len(taken),
                      "woningtype": ["sociale_huur"] * len(taken),
                      "periode": [f"{2024 + i}H1" for i in range(len(taken))], "taak": taken})
    out = allocate(t, SYNTHETIC_GEMEENTEN, load_key(default_key_path()), method=method)
    sums = out.groupby("periode")["toewijzing"].sum()
    assert sums.tolist() == taken
    assert (out["toewijzing"] >= 0).all()


# ---------------------------------------------------------------- weights move shares -------

def _two_indicator_key(w_effort: float) -> Verdeelsleutel:
    return Verdeelsleutel(naam="proef", indicatoren=[
        Indicator(naam="inwoners", gewicht=1.0 - w_effort),
        Indicator(naam="huidige_inspanning", gewicht=w_effort, schaal="inwoners"),
    ])


def test_more_weight_on_an_indicator_moves_units_to_who_scores_well_on_it():
    """huidige_inspanning is meer_is_minder: raising its weight moves units away from the
    gemeente that already does the most (GM9001, 18.3 per 1000) and towards those doing little."""
    t = task_table(500, groep="urgenten", woningtype="sociale_huur", periode="2024-2030")
    low = allocate(t, SYNTHETIC_GEMEENTEN, _two_indicator_key(0.1)).set_index("gemeentecode")
    high = allocate(t, SYNTHETIC_GEMEENTEN, _two_indicator_key(0.6)).set_index("gemeentecode")
    effort = SYNTHETIC_GEMEENTEN["huidige_inspanning"]
    assert effort.idxmax() == "GM9001"
    assert high.at["GM9001", "toewijzing"] < low.at["GM9001", "toewijzing"]
    # everyone below the region's highest effort, weighted by size, gains or keeps
    gain = high["toewijzing"] - low["toewijzing"]
    assert gain.drop("GM9001").ge(0).all() and gain.drop("GM9001").sum() > 0
    # and the change follows (indicator share − other share) in sign
    s_eff = key_shares(_two_indicator_key(1.0), SYNTHETIC_GEMEENTEN)
    s_inw = key_shares(single_indicator_key("inwoners"), SYNTHETIC_GEMEENTEN)
    d_share = high["aandeel"] - low["aandeel"]
    assert (np.sign(d_share) == np.sign(s_eff - s_inw).reindex(d_share.index)).all()


@PROPS
@given(w1=st.floats(0, 1), w2=st.floats(0, 1),
       naam=st.sampled_from(["verhuurcapaciteit", "afstand_30pct_norm", "huidige_inspanning"]))
def test_weight_monotonicity_property(w1, w2, naam):
    """For any two weights a < b on one indicator (rest on inwoners), the gemeenten whose share
    on that indicator beats their inwoners share gain share, the others lose."""
    a, b = sorted((w1, w2))

    def key(w):
        return Verdeelsleutel(naam="proef", indicatoren=[
            Indicator(naam="inwoners", gewicht=1.0 - w),
            Indicator(naam=naam, gewicht=w, schaal="inwoners"
                      if naam == "huidige_inspanning" else None)])

    s_a = key_shares(key(a), SYNTHETIC_GEMEENTEN)
    s_b = key_shares(key(b), SYNTHETIC_GEMEENTEN)
    s_ind = key_shares(key(1.0), SYNTHETIC_GEMEENTEN)
    s_inw = key_shares(key(0.0), SYNTHETIC_GEMEENTEN)
    better = s_ind > s_inw
    assert (s_b[better] >= s_a[better] - 1e-12).all()
    assert (s_b[~better] <= s_a[~better] + 1e-12).all()


# ---------------------------------------------------------------- bad input -----------------

@pytest.mark.parametrize("change,column,row", [
    ({"taak": [431, 97.5, 23, 60]}, "taak", 3),
    ({"taak": [431, 97, -1, 60]}, "taak", 4),
    ({"periode": ["2024-2030", "2030-2024", "2025H1", "2024-2030"]}, "periode", 3),
    ({"periode": ["2024-2030", "2024-2030", "2025H3", "2024-2030"]}, "periode", 4),
    ({"woningtype": ["nultreden", "villa", "sociale_huur", "zelfstandig_begeleid"]},
     "woningtype", 3),
    ({"groep": ["ouderen", "Ouderen", "statushouders", "ggz_bw"]}, "groep", 3),
    ({"woningtype": ["nultreden", "nultreden", "sociale_huur", "zelfstandig_begeleid"]},
     "groep/woningtype/taak/periode", 3),
])
def test_bad_task_table_names_file_column_and_row(change, column, row, keys):
    bad = SYNTHETIC_TAKEN.assign(**change)
    with pytest.raises(InputError) as exc:
        allocate(bad, SYNTHETIC_GEMEENTEN, keys["inwoners"], bronnen={"taken": "taken.csv"})
    assert (exc.value.file, exc.value.column, exc.value.row) == ("taken.csv", column, row)


def test_missing_task_column(keys):
    with pytest.raises(InputError) as exc:
        allocate(SYNTHETIC_TAKEN.drop(columns="periode"), SYNTHETIC_GEMEENTEN, keys["inwoners"])
    assert exc.value.column == "periode"


def test_vraag_key_without_demand_for_the_group_is_refused(keys):
    with pytest.raises(InputError) as exc:
        allocate(SYNTHETIC_TAKEN, SYNTHETIC_GEMEENTEN, keys["vraag"],
                 vraag=SYNTHETIC_VRAAG[SYNTHETIC_VRAAG.groep != "statushouders"],
                 bronnen={"vraag": "vraag.csv"})
    assert exc.value.file == "vraag.csv"
    assert exc.value.row == "statushouders/sociale_huur/2025H1"


def test_current_effort_for_an_unknown_gemeente_is_refused(keys):
    with pytest.raises(InputError) as exc:
        allocate(SYNTHETIC_TAKEN, SYNTHETIC_GEMEENTEN, keys["inwoners"],
                 pd.Series({"GM9001": 1.0, "GM9999": 2.0}),
                 bronnen={"huidige_inspanning": "inspanning.csv"})
    assert (exc.value.file, exc.value.column, exc.value.row) == ("inspanning.csv",
                                                                 "gemeentecode", 3)


def test_unknown_method_is_refused(keys):
    with pytest.raises(InputError, match="verdeelmethode"):
        allocate(SYNTHETIC_TAKEN, SYNTHETIC_GEMEENTEN, keys["inwoners"], method="adams")


# ---------------------------------------------------------------- summaries -----------------

def test_periode_jaren():
    assert periode_jaren("2024-2030") == 6.0
    assert periode_jaren("2025H2") == 0.5
    with pytest.raises(ValueError):
        periode_jaren("2030")


def test_fair_share_summary(table):
    fs = fair_share_summary(table, sleutel="mix")
    assert set(fs["sleutel"]) == {"mix"}
    row = fs[(fs.gemeentecode == "GM9001") & (fs.groep == "statushouders")].iloc[0]
    assert row["eenheden_taak"] == 23 and row["taak"] == "toewijzing"
    assert row["eenheden_huidig"] == pytest.approx(0.70 * 23)
    assert row["verschil_eenheden"] == pytest.approx(row["toewijzing"] - 0.70 * 23)
    assert row["verschil_procentpunt"] == pytest.approx(100 * (60 / 109 - 0.70))
    assert row["positie"] == "onder"            # 55 % of inwoners, 70 % of today's effort
    row = fs[(fs.gemeentecode == "GM9005") & (fs.groep == "statushouders")].iloc[0]
    assert row["positie"] == "boven"


def test_pressure_signal(table):
    """Only the lettings task (taak toewijzing: ggz_bw, statushouders) meets the capacity."""
    ps = pressure_signal(table, SYNTHETIC_GEMEENTEN, sleutel="mix")
    assert set(ps["periode"]) == {"2024-2030", "2025H1"}   # ouderen (opgave) never counted
    row = ps[(ps.gemeentecode == "GM9002") & (ps.periode == "2024-2030")].iloc[0]
    part = table[(table.gemeentecode == "GM9002") & (table.sleutel == "mix")
                 & (table.taak == "toewijzing") & (table.periode == "2024-2030")]
    assert set(part["groep"]) == {"ggz_bw"}
    assert row["toewijzing"] == part["toewijzing"].sum()
    assert row["toewijzing_per_jaar"] == pytest.approx(row["toewijzing"] / 6)
    cap = 3_500 * 0.065 * 0.30
    assert row["verhuurcapaciteit"] == pytest.approx(cap)
    assert row["druk"] == pytest.approx(row["toewijzing"] / 6 / cap)
    # GM9005 has no corporatiebezit: no ∞, an empty druk and the reason in words
    row5 = ps[(ps.gemeentecode == "GM9005") & (ps.periode == "2024-2030")].iloc[0]
    assert row5["toewijzing"] > 0 and math.isnan(row5["druk"])
    assert row5["signaal"] == "geen_capaciteit" and "geen corporatiewoningen" in row5["toelichting"]
    assert not np.isinf(ps["druk"].to_numpy()).any()
    # a stock task alone gives no pressure rows at all
    only_stock = table[table.taak == "opgave"]
    assert pressure_signal(only_stock, SYNTHETIC_GEMEENTEN).empty


def test_sensitivity_summary(table):
    ss = sensitivity_summary(table)
    assert len(ss) == 5 * len(SYNTHETIC_TAKEN)
    assert (ss["sleutels"] == 4).all()
    row = ss[(ss.gemeentecode == "GM9005") & (ss.groep == "ouderen")
             & (ss.woningtype == "nultreden")].iloc[0]
    assert row["aandeel_min"] == 0.0 and row["sleutel_laagst"] == "sociale_huur"
    assert row["spreiding"] == pytest.approx(row["aandeel_max"] - row["aandeel_min"])
    # GM9001 does 70 % today and is below that under every key; GM9002 is above under every key
    g1 = ss[ss.gemeentecode == "GM9001"]
    assert (g1["positie"] == "altijd_onder").all()
    part = table[(table.gemeentecode == "GM9002")]
    expected = "altijd_boven" if (part["verschil"] > 0).all() else "wisselend"
    assert set(ss[ss.gemeentecode == "GM9002"]["positie"]) <= {"altijd_boven", "wisselend"}
    assert ss[(ss.gemeentecode == "GM9002")]["positie"].eq(expected).any()


def test_sensitivity_without_current_effort_is_unknown(keys):
    out = allocate(SYNTHETIC_TAKEN.iloc[:1], SYNTHETIC_GEMEENTEN, keys, vraag=SYNTHETIC_VRAAG)
    assert (sensitivity_summary(out)["positie"] == "onbekend").all()


def test_write_allocation_csv(tmp_path, table):
    path = tmp_path / "toewijzing.csv"
    write_allocation_csv(table.iloc[::-1], path)
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == ",".join(ALLOCATION_COLUMNS)
    back = pd.read_csv(path, dtype={"gemeentecode": str})
    assert back["toewijzing"].tolist() == table["toewijzing"].tolist()
    write_allocation_csv(table, tmp_path / "again.csv")
    assert (tmp_path / "again.csv").read_bytes() == path.read_bytes()   # deterministic
    empty = allocate(SYNTHETIC_TAKEN.iloc[:1], SYNTHETIC_GEMEENTEN,
                     single_indicator_key("inwoners"))
    write_allocation_csv(empty, tmp_path / "leeg.csv")
    first = (tmp_path / "leeg.csv").read_text().splitlines()[1]
    assert first.endswith(",,")  # unknown current effort and verschil are empty


def test_module_exports_the_contract_columns():
    assert alloc_mod.ALLOCATION_COLUMNS == ["gemeentecode", "groep", "woningtype", "taak",
                                            "periode", "sleutel", "aandeel", "toewijzing",
                                            "huidige_inspanning", "verschil", "regionale_functie"]


def test_effort_index_from_current_effort_when_the_column_is_absent():
    """Without a huidige_inspanning column the key uses today's share / inwoners share."""
    ind = SYNTHETIC_GEMEENTEN.drop(columns="huidige_inspanning")
    key = _two_indicator_key(1.0)
    t = task_table(100, groep="urgenten", woningtype="sociale_huur", periode="2024-2030")
    out = allocate(t, ind, key, SYNTHETIC_INSPANNING).set_index("gemeentecode")
    inw = ind["inwoners"] / ind["inwoners"].sum()
    index = SYNTHETIC_INSPANNING / inw
    expected = key_shares(key, ind.assign(huidige_inspanning=index))
    assert out["aandeel"].tolist() == pytest.approx(expected.reindex(out.index).tolist())
    assert out.at["GM9001", "toewijzing"] == 0   # the highest effort index gets nothing here
    with pytest.raises(InputError, match="huidige inspanning"):
        allocate(t, ind, key)                     # unknown effort: refused, not guessed


def test_no_tasks_gives_an_empty_table_with_the_contract_columns(keys):
    out = allocate(SYNTHETIC_TAKEN.iloc[:0], SYNTHETIC_GEMEENTEN, keys)
    assert out.empty and list(out.columns) == ALLOCATION_COLUMNS
