"""The current-effort measure (woonzorg_lib.verdeling.effort) on REAL data, and its switches.

The golden test recomputes Twente's ``huidige_inspanning`` and ``regionale_functie`` BY HAND from
the processed tables (``woonzorg_lib.dataset.load.table``), without the effort module's helpers:
the rule is docs/verdeling.md §3 — per component the latest year ≤ 2024 in which every gemeente
of the region has a value, its share of the region, weighted 0,5/0,5 (default key file).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from woonzorg_lib import regions
from woonzorg_lib.dataset import load
from woonzorg_lib.errors import InputError
from woonzorg_lib.verdeling import current_effort, effort_components, keys, load_key, region_allocation
from woonzorg_lib.verdeling.effort import Inspanning, default_inspanning

TWENTE = sorted(regions.load_region("twente").gemeenten)
ENSCHEDE = "GM0153"


def _by_hand(table: str, variabele: str, codes: list[str]) -> pd.Series:
    """The values of ``variabele`` in the latest year ≤ 2024 where all ``codes`` have one."""
    t = load.table(table)
    t = t[(t["variabele"] == variabele) & t["gemeentecode"].isin(codes) & t["waarde"].notna()]
    years = sorted({int(j) for j in t["jaar"] if j <= 2024}, reverse=True)
    for j in years:
        part = t[t["jaar"] == j].set_index("gemeentecode")["waarde"]
        if all(c in part.index for c in codes):
            return part.reindex(codes).astype(float)
    raise AssertionError(f"no common year for {variabele}")


@pytest.fixture(scope="module")
def twente():
    return current_effort(TWENTE, load_key(keys.default_key_path()).huidige_inspanning)


def test_golden_twente_effort_recomputed_by_hand(twente):
    zi = _by_hand("huishoudens", "inwoners_in_zorginstellingen", TWENTE)
    sh = _by_hand("woningvoorraad", "huurwoningen_woningcorporatie", TWENTE)
    want = {c: 0.5 * zi[c] / sum(zi) + 0.5 * sh[c] / sum(sh) for c in TWENTE}
    for c in TWENTE:
        assert twente.loc[c, "huidige_inspanning"] == pytest.approx(want[c], abs=1e-12), c
    assert math.fsum(twente["huidige_inspanning"]) == pytest.approx(1.0, abs=1e-12)
    # Enschede by hand: 2877 of 9,658 persons in institutions, 27,706 of 79,074 corporation homes
    assert zi[ENSCHEDE] == 2877 and sh[ENSCHEDE] == 27706
    assert twente.loc[ENSCHEDE, "huidige_inspanning"] == pytest.approx(
        0.5 * 2877 / sum(zi) + 0.5 * 27706 / sum(sh), abs=1e-12)
    assert twente.attrs["componenten"] == ["zorginstellingen", "sociale_huur"]
    assert "statushouders" in twente.attrs["overgeslagen"]       # no open series: left out, said
    assert "verhuringen" in twente.attrs["overgeslagen"]         # switched off in the key file


def test_golden_twente_regional_function_by_hand(twente):
    bw = _by_hand("wmo_uitgaven", "wmo_uitgaven_gerealiseerd_verblijf_en_opvang", TWENTE)
    ad = _by_hand("groepen", "overig_adreslozen", TWENTE)
    for c in TWENTE:
        want = 0.5 * bw[c] / sum(bw) + 0.5 * ad[c] / sum(ad)
        assert twente.loc[c, "regionale_functie"] == pytest.approx(want, abs=1e-12), c
    # the two centrumgemeenten (Enschede, Almelo) carry the BW/MO spending; the others none
    spenders = set(bw[bw > 0].index)
    assert spenders == {"GM0153", "GM0141"}
    assert twente["regionale_functie"].idxmax() == ENSCHEDE


def test_students_do_not_drive_the_centrumgemeente(twente):
    """Enschede houses 77 % of Twente's uitwonende studenten; its effort share is far below that
    and the same whatever the student figures are (they are no input)."""
    st = _by_hand("groepen", "uitwonende_studenten", TWENTE)
    assert st[ENSCHEDE] / st.sum() > 0.7
    assert twente.loc[ENSCHEDE, "huidige_inspanning"] < 0.35
    comps = effort_components(TWENTE)
    assert "studenten" not in " ".join(comps["component"].unique())
    assert set(comps["component"]) >= {"zorginstellingen", "sociale_huur", "bw_mo_uitgaven"}


def test_switching_a_component_off_changes_the_measure():
    only_sh = Inspanning(componenten=[{"naam": "zorginstellingen", "aan": False, "gewicht": 0.5},
                                      {"naam": "sociale_huur", "gewicht": 0.5}])
    e = current_effort(TWENTE, only_sh)
    sh = _by_hand("woningvoorraad", "huurwoningen_woningcorporatie", TWENTE)
    assert (e["huidige_inspanning"] - sh / sh.sum()).abs().max() < 1e-12
    assert e.attrs["overgeslagen"]["zorginstellingen"] == "uitgezet in het verdeelsleutelbestand"
    assert (e["regionale_functie"] == 0).all()   # no regional components configured: 0, not unknown


def test_user_table_adds_statushouders_where_data_exist():
    """SYNTHETIC statushouder counts (a user table) enter with their weight (0,25 of 1,25)."""
    extra = pd.DataFrame({"gemeentecode": TWENTE, "component": "statushouders",
                          "waarde": [10.0] * len(TWENTE), "bron": "SYNTHETIC"})
    with_sh = current_effort(TWENTE, default_inspanning(), extra=extra)
    base = current_effort(TWENTE, default_inspanning())
    assert with_sh.attrs["componenten"] == ["zorginstellingen", "sociale_huur", "statushouders"]
    want = base["huidige_inspanning"] * (1.0 / 1.25) + (0.25 / 1.25) / len(TWENTE)
    assert (with_sh["huidige_inspanning"] - want).abs().max() < 1e-12


def test_region_without_centrumgemeente_spending_says_so():
    """Midden-Limburg's centrumgemeente for BW/MO (Venlo) lies outside the region: the spending
    component is skipped with a reason and the regional function rests on adreslozen."""
    codes = sorted(regions.load_region("midden-limburg").gemeenten)
    e = current_effort(codes)
    assert e.attrs["overgeslagen"]["bw_mo_uitgaven"] == "0 in elke gemeente van de regio"
    ad = _by_hand("groepen", "overig_adreslozen", codes)
    assert (e["regionale_functie"] - ad / ad.sum()).abs().max() < 1e-12
    assert e["huidige_inspanning"].notna().all()


def test_allocation_carries_the_effort_and_the_regional_function():
    demand = pd.DataFrame({"gemeentecode": TWENTE, "groep": "ggz_bw", "jaar": 2030,
                           "variant": "midden", "soort": "stroom", "eenheid": "woningen",
                           "maat": "toewijzing", "woningtype": "zelfstandig_begeleid",
                           "waarde": 10.0})  # SYNTHETIC demand rows for real gemeenten
    demand = pd.concat([demand, demand.assign(maat="vraag")], ignore_index=True)
    a = region_allocation("twente", demand)
    eff = current_effort(TWENTE, load_key(keys.default_key_path()).huidige_inspanning)
    one = a[a["sleutel"] == "mix"].set_index("gemeentecode")
    assert (one["huidige_inspanning"] - eff["huidige_inspanning"]).abs().max() < 1e-12
    assert (one["regionale_functie"] - eff["regionale_functie"]).abs().max() < 1e-12
    assert set(a["taak"]) == {"toewijzing"} and (a.groupby("sleutel")["toewijzing"].sum() == 140).all()


def test_key_file_effort_block_errors_name_the_line(tmp_path):
    text = keys.default_key_path().read_text(encoding="utf-8")
    bad = text.replace("    - naam: bw_mo_uitgaven", "    - naam: bw_mo_uitgave")
    with pytest.raises(InputError) as exc:
        keys.parse_key(bad, source="sleutel.yaml")
    line = 1 + [i for i, t in enumerate(text.splitlines()) if t.startswith("    - naam: bw_mo_uitgaven")][0]
    assert exc.value.file == "sleutel.yaml" and exc.value.row == line
    wrong_place = text.replace("  regionale_functie:\n    - naam: bw_mo_uitgaven",
                               "  regionale_functie:\n    - naam: zorginstellingen")
    with pytest.raises(InputError) as exc:
        keys.parse_key(wrong_place, source="sleutel.yaml")
    assert "hoort niet onder regionale_functie" in str(exc.value)
