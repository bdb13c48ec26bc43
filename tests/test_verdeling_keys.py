"""Verdeelsleutels: YAML validation with line numbers, indicator → share rules, standard keys.

Every gemeente and figure here is SYNTHETIC (codes GM9xxx do not exist).
"""

from __future__ import annotations

import math
import textwrap

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from woonzorg_lib.errors import InputError
from woonzorg_lib.verdeling.keys import (INDICATOREN, STANDAARD_SLEUTELS, Indicator,
                                         Verdeelsleutel, default_key_path, derive_indicators,
                                         indicator_shares, key_shares, load_key, parse_key,
                                         single_indicator_key, standard_keys)

PROPS = settings(max_examples=40, derandomize=True, deadline=None)

#: SYNTHETIC indicator table: four made-up gemeenten.
SYNTHETIC_GEMEENTEN = pd.DataFrame(
    {
        "inwoners": [50_000, 20_000, 10_000, 5_000],
        "sociale_huur": [8_000, 2_000, 1_500, 0],          # GM9004 has no corporatiebezit
        "woningvoorraad": [24_000, 9_000, 4_500, 2_300],
        "vraag": [40.0, 30.0, 20.0, 10.0],
        "afstand_30pct_norm": [-0.03, 0.08, -0.03, 0.30],   # raw: norm minus current share
        "huidige_inspanning": [18.0, 7.5, 6.0, 1.0],        # per 1000 inwoners
        "verhuurcapaciteit": [156.0, 39.0, 29.25, 0.0],
        "draagkracht": [3.0, 4.0, 4.5, 5.0],
    },
    index=pd.Index(["GM9001", "GM9002", "GM9003", "GM9004"], name="gemeentecode"),
)


def key_yaml(body: str) -> str:
    return textwrap.dedent(body).lstrip("\n")


# ---------------------------------------------------------------- shipped files -------------

def test_default_key_file_loads_and_weights_sum_to_one():
    key = load_key(default_key_path())
    assert key.naam == "mix"
    assert math.fsum(i.gewicht for i in key.indicatoren) == pytest.approx(1.0, abs=1e-9)
    for gs in key.groepen.values():
        assert math.fsum(i.gewicht for i in gs.indicatoren) == pytest.approx(1.0, abs=1e-9)
    assert key.bestand == str(default_key_path())


def test_example_key_file_loads_and_covers_every_option():
    key = load_key(default_key_path().parent / "voorbeeld.yaml")
    names = {i.naam for i in key.indicatoren} | {i.naam for g in key.groepen.values()
                                                  for i in g.indicatoren}
    assert {"draagkracht", "vraag", "huidige_inspanning", "afstand_30pct_norm"} <= names
    assert any(i.transformatie == "rang" for i in key.indicatoren)
    assert key.indicatoren_voor("ouderen")[0].naam == "vraag"
    assert key.indicatoren_voor("onbekende_groep") == key.indicatoren


def test_standard_keys_are_the_four_for_sensitivity():
    keys = standard_keys()
    assert tuple(keys) == STANDAARD_SLEUTELS
    for naam in ("inwoners", "sociale_huur", "vraag"):
        assert [(i.naam, i.gewicht) for i in keys[naam].indicatoren] == [(naam, 1.0)]
    assert keys["mix"] == load_key(default_key_path())


def test_the_mix_may_not_take_a_standard_name():
    own = single_indicator_key("draagkracht", sleutel="inwoners")
    with pytest.raises(InputError, match="gereserveerd"):
        standard_keys(own)


# ---------------------------------------------------------------- validation with lines -----

GOOD = """
naam: test
indicatoren:
  - naam: inwoners
    gewicht: 0.5
  - naam: sociale_huur
    gewicht: 0.5
"""


def test_a_good_key_parses():
    key = parse_key(key_yaml(GOOD), source="sleutel.yaml")
    assert [i.naam for i in key.indicatoren] == ["inwoners", "sociale_huur"]
    assert key.indicatoren[0].richting == "meer_is_meer"


@pytest.mark.parametrize("text,column,line,fragment", [
    # weights do not sum to 1 → the list's line (yamlio: where the block value starts)
    ("""
     naam: test
     indicatoren:
       - naam: inwoners
         gewicht: 0.5
       - naam: sociale_huur
         gewicht: 0.4
     """, "indicatoren", 2, "tellen op tot 0.9"),  # the line of the key itself
    # unknown indicator → the line of its naam
    ("""
     naam: test
     indicatoren:
       - naam: inwoners
         gewicht: 0.5
       - naam: bevolking
         gewicht: 0.5
     """, "indicatoren.1.naam", 5, "onbekende indicator 'bevolking'"),
    # negative weight → the line of the weight
    ("""
     naam: test
     indicatoren:
       - naam: inwoners
         gewicht: 1.5
       - naam: vraag
         gewicht: -0.5
     """, "indicatoren.1.gewicht", 6, "niet negatief"),
    # unknown key (typo) → its line
    ("""
     naam: test
     indicatoren:
       - naam: inwoners
         gewicht: 1
         gewigt: 1
     """, "indicatoren.0.gewigt", 5, "onbekende sleutel"),
    # per-groep list that does not sum to 1 → the line of that list
    ("""
     naam: test
     indicatoren:
       - naam: inwoners
         gewicht: 1
     groepen:
       ouderen:
         indicatoren:
           - naam: vraag
             gewicht: 0.7
     """, "groepen.ouderen.indicatoren", 7, "tellen op tot 0.7"),
    # a direction that contradicts the indicator's definition
    ("""
     naam: test
     indicatoren:
       - naam: huidige_inspanning
         richting: meer_is_meer
         gewicht: 1
     """, "indicatoren.0.richting", 4, "meer_is_minder"),
    # duplicate YAML key (PyYAML would silently keep the last one)
    ("""
     naam: test
     indicatoren:
       - naam: inwoners
         gewicht: 1
         gewicht: 0
     """, "indicatoren.0.gewicht", 5, "twee keer"),
    # the same indicator twice in one list
    ("""
     naam: test
     indicatoren:
       - naam: inwoners
         gewicht: 0.5
       - naam: inwoners
         gewicht: 0.5
     """, "indicatoren.1.naam", 5, "twee keer"),
    # missing weight → the line of the indicator
    ("""
     naam: test
     indicatoren:
       - naam: inwoners
     """, "indicatoren.0.gewicht", 3, "ontbreekt"),
    # not YAML
    ("""
     naam: test
     indicatoren: [
     """, None, 3, "geen geldige YAML"),
    # a Python tag is not loaded (safe loader only)
    ("""
     naam: !!python/object/apply:os.system ["echo hi"]
     indicatoren: []
     """, "naam", 1, "niet-toegestane YAML-tag"),  # the tag is named with its key
])
def test_bad_key_files_name_file_key_and_line(text, column, line, fragment):
    """column None: a syntax error has no key to name (woonzorg_lib.yamlio reports the line).
    Lines are the line of the key itself (for a block: the line of its key, not its first item)."""
    with pytest.raises(InputError) as exc:
        parse_key(key_yaml(text), source="regio/sleutel.yaml")
    err = exc.value
    assert err.file == "regio/sleutel.yaml"
    assert err.column == column
    assert err.row == line
    assert fragment in str(err)


def test_weight_sum_tolerance_is_1e9():
    ok = GOOD.replace("gewicht: 0.5\n  - naam: sociale_huur\n    gewicht: 0.5",
                      "gewicht: 0.5\n  - naam: sociale_huur\n    gewicht: 0.5000000001")
    parse_key(key_yaml(ok))  # 1e-10 off: accepted
    bad = ok.replace("0.5000000001", "0.50000001")
    with pytest.raises(InputError, match="tellen op"):
        parse_key(key_yaml(bad))


def test_load_key_names_a_missing_file(tmp_path):
    with pytest.raises(InputError) as exc:
        load_key(tmp_path / "nergens.yaml")
    assert exc.value.file.endswith("nergens.yaml")


def test_keys_built_in_code_are_checked_too():
    with pytest.raises(InputError, match="tellen op"):
        Verdeelsleutel(naam="x", indicatoren=[Indicator(naam="inwoners", gewicht=0.3)])


# ---------------------------------------------------------------- indicator → shares --------

def test_meer_is_meer_is_x_over_sum():
    s = indicator_shares(Indicator(naam="inwoners", gewicht=1), SYNTHETIC_GEMEENTEN)
    assert s.tolist() == pytest.approx([50 / 85, 20 / 85, 10 / 85, 5 / 85])


def test_meer_is_minder_is_max_minus_x_over_sum():
    s = indicator_shares(Indicator(naam="huidige_inspanning", gewicht=1), SYNTHETIC_GEMEENTEN)
    raw = np.array([0.0, 10.5, 12.0, 17.0])
    assert s.tolist() == pytest.approx((raw / raw.sum()).tolist())
    assert s["GM9001"] == 0.0  # the highest current effort gets nothing from this indicator


def test_afstand_is_clipped_at_zero_and_can_be_scaled():
    s = indicator_shares(Indicator(naam="afstand_30pct_norm", gewicht=1), SYNTHETIC_GEMEENTEN)
    assert s.tolist() == pytest.approx([0.0, 0.08 / 0.38, 0.0, 0.30 / 0.38])
    scaled = indicator_shares(Indicator(naam="afstand_30pct_norm", gewicht=1,
                                        schaal="woningvoorraad"), SYNTHETIC_GEMEENTEN)
    short = np.array([0.0, 0.08 * 9000, 0.0, 0.30 * 2300])  # homes short of the norm
    assert scaled.tolist() == pytest.approx((short / short.sum()).tolist())


def test_no_corporatiebezit_gives_zero_share_on_sociale_huur():
    s = indicator_shares(Indicator(naam="sociale_huur", gewicht=1), SYNTHETIC_GEMEENTEN)
    assert s["GM9004"] == 0.0
    assert s.sum() == pytest.approx(1.0)


@pytest.mark.parametrize("regel,expected", [
    ("inwoners", [50 / 85, 20 / 85, 10 / 85, 5 / 85]),
    ("gelijk", [0.25, 0.25, 0.25, 0.25]),
])
def test_zero_rule_when_every_score_is_zero(regel, expected):
    everyone_above_norm = SYNTHETIC_GEMEENTEN.assign(afstand_30pct_norm=-0.05)
    s = indicator_shares(Indicator(naam="afstand_30pct_norm", gewicht=1, nul_regel=regel),
                         everyone_above_norm)
    assert s.tolist() == pytest.approx(expected)


def test_zero_rule_fout_raises():
    with pytest.raises(InputError, match="alle scores"):
        indicator_shares(Indicator(naam="afstand_30pct_norm", gewicht=1, nul_regel="fout"),
                         SYNTHETIC_GEMEENTEN.assign(afstand_30pct_norm=-0.05))


def test_rank_transformation():
    s = indicator_shares(Indicator(naam="huidige_inspanning", gewicht=1, transformatie="rang"),
                         SYNTHETIC_GEMEENTEN)
    # less effort = better rank: GM9004 (1.0) rank 4 ... GM9001 (18.0) rank 1
    assert s.tolist() == pytest.approx([1 / 10, 2 / 10, 3 / 10, 4 / 10])


def test_missing_value_names_indicator_and_gemeente():
    bad = SYNTHETIC_GEMEENTEN.copy()
    bad.loc["GM9003", "inwoners"] = np.nan
    with pytest.raises(InputError) as exc:
        key_shares(single_indicator_key("inwoners"), bad, source="indicatoren.csv")
    assert (exc.value.file, exc.value.column, exc.value.row) == ("indicatoren.csv", "inwoners",
                                                                 "GM9003")


def test_missing_column_names_it():
    with pytest.raises(InputError) as exc:
        key_shares(single_indicator_key("draagkracht"),
                   SYNTHETIC_GEMEENTEN.drop(columns="draagkracht"))
    assert exc.value.column == "draagkracht"


def test_negative_value_under_meer_is_meer_is_refused():
    bad = SYNTHETIC_GEMEENTEN.assign(sociale_huur=[8000, -1, 1500, 0])
    with pytest.raises(InputError) as exc:
        indicator_shares(Indicator(naam="sociale_huur", gewicht=1), bad)
    assert (exc.value.column, exc.value.row) == ("sociale_huur", "GM9002")


def test_zero_weight_indicator_needs_no_column():
    key = Verdeelsleutel(naam="x", indicatoren=[Indicator(naam="inwoners", gewicht=1.0),
                                                 Indicator(naam="draagkracht", gewicht=0.0)])
    s = key_shares(key, SYNTHETIC_GEMEENTEN.drop(columns="draagkracht"))
    assert s.tolist() == pytest.approx([50 / 85, 20 / 85, 10 / 85, 5 / 85])


def test_mix_is_the_weighted_sum_of_indicator_shares():
    key = load_key(default_key_path())
    got = key_shares(key, SYNTHETIC_GEMEENTEN)
    expected = sum(i.gewicht * indicator_shares(i, SYNTHETIC_GEMEENTEN) for i in key.indicatoren)
    assert got.tolist() == pytest.approx(expected.tolist())
    assert got.name == "aandeel"


def test_group_override_is_used():
    key = load_key(default_key_path())
    got = key_shares(key, SYNTHETIC_GEMEENTEN, groep="statushouders")
    assert got.tolist() == pytest.approx([50 / 85, 20 / 85, 10 / 85, 5 / 85])


DEFAULT_KEY = load_key(default_key_path())


@st.composite
def synthetic_indicator_table(draw):
    k = draw(st.integers(1, 15))
    codes = [f"GM9{i:03d}" for i in range(k)]
    col = st.lists(st.floats(0, 1e6, allow_nan=False), min_size=k, max_size=k)
    return pd.DataFrame({
        "inwoners": draw(st.lists(st.integers(1, 10**6), min_size=k, max_size=k)),
        "verhuurcapaciteit": draw(col),
        "afstand_30pct_norm": draw(st.lists(st.floats(-0.5, 0.3), min_size=k, max_size=k)),
        "woningvoorraad": draw(col),
        "huidige_inspanning": draw(col),
    }, index=pd.Index(codes, name="gemeentecode"))


@PROPS
@given(table=synthetic_indicator_table(), perm=st.randoms(use_true_random=False))
def test_key_shares_sum_to_one_non_negative_and_order_invariant(table, perm):
    key = DEFAULT_KEY
    s = key_shares(key, table)
    assert math.fsum(s) == pytest.approx(1.0, abs=1e-12)
    assert (s >= 0).all()
    order = list(table.index)
    perm.shuffle(order)
    s2 = key_shares(key, table.loc[order])
    assert s2.reindex(s.index).tolist() == s.tolist()  # bit-for-bit


# ---------------------------------------------------------------- derived indicators --------

def test_derive_indicators():
    base = SYNTHETIC_GEMEENTEN[["inwoners", "sociale_huur", "woningvoorraad"]].assign(
        aandachtsgroep_huishoudens=[900, 150, 60, 5])
    out = derive_indicators(base)
    assert out["afstand_30pct_norm"].tolist() == pytest.approx(
        [0.30 - 8000 / 24000, 0.30 - 2000 / 9000, 0.30 - 1500 / 4500, 0.30])
    assert out["verhuurcapaciteit"].tolist() == pytest.approx(
        [8000 * 0.065 * 0.30, 2000 * 0.065 * 0.30, 1500 * 0.065 * 0.30, 0.0])
    assert out["huidige_inspanning"].tolist() == pytest.approx([18.0, 7.5, 6.0, 1.0])
    # a given column is never overwritten
    kept = derive_indicators(base.assign(verhuurcapaciteit=1.0))
    assert (kept["verhuurcapaciteit"] == 1.0).all()


def test_indicator_catalogue_is_the_contract_list():
    assert set(INDICATOREN) == {"inwoners", "sociale_huur", "vraag", "afstand_30pct_norm",
                                "huidige_inspanning", "verhuurcapaciteit", "draagkracht"}


def test_group_code_must_be_a_catalogue_code():
    text = key_yaml("""
        naam: test
        indicatoren:
          - {naam: inwoners, gewicht: 1}
        groepen:
          Ouderen:
            indicatoren:
              - {naam: inwoners, gewicht: 1}
        """)
    with pytest.raises(InputError) as exc:
        parse_key(text, source="s.yaml")
    assert exc.value.column == "groepen.Ouderen"
    assert exc.value.row in (5, 6)  # the groep's key line or where its block starts
    assert "catalogus-code" in str(exc.value)
