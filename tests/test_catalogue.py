"""The catalogue of aandachtsgroepen against the CONTRACTS value lists, the parameter file and docs."""

from __future__ import annotations

from pathlib import Path

import pytest

from woonzorg_lib.groups import catalogue as cat
from woonzorg_lib.groups.params import load_parameters

ROOT = Path(__file__).resolve().parents[1]

# CONTRACTS.md, `woonzorg demand`: fixed lists (never rename).
CONTRACT_GROUPS = ["ouderen", "beperking", "ggz_bw", "mo_dakloos", "jeugdzorg", "huiselijk_geweld",
                   "ex_gedetineerden", "statushouders", "arbeidsmigranten", "studenten",
                   "woonwagenbewoners", "urgenten", "mantelzorg", "intramuraal_overig"]
CONTRACT_EENHEDEN = {"personen", "huishoudens", "woningen", "plaatsen", "standplaatsen", "bedden", "eenheden"}
CONTRACT_WONINGTYPEN = {"nultreden", "geclusterd", "zorggeschikt", "intramuraal", "zelfstandig_begeleid",
                        "sociale_huur", "standplaats", "studenteneenheid", "flex"}


def test_fourteen_groups_with_contract_codes():
    assert list(cat.GROUP_CODES) == CONTRACT_GROUPS
    assert set(cat.EENHEDEN) == CONTRACT_EENHEDEN
    assert set(cat.WONINGTYPEN) == CONTRACT_WONINGTYPEN
    assert cat.DEMAND_COLUMNS == ("gemeentecode", "groep", "jaar", "variant", "soort", "eenheid", "maat",
                                  "woningtype", "waarde")


@pytest.mark.parametrize("code", CONTRACT_GROUPS)
def test_every_group_is_complete(code):
    g = cat.get_group(code)
    assert g.code == code and g.code.isascii() and g.code == g.code.lower()
    assert g.naam and len(g.definitie) > 40
    assert g.soort in ("stand", "stroom")
    assert g.methode in cat.METHODEN
    assert g.woningtypen and set(g.woningtypen) <= CONTRACT_WONINGTYPEN
    assert set(g.woningtypen.values()) <= CONTRACT_EENHEDEN
    assert g.eenheid in CONTRACT_EENHEDEN
    assert g.parameters and g.bronnen


def test_ouderen_split_over_four_woningtypes():
    g = cat.get_group("ouderen")
    assert set(g.woningtypen) == {"nultreden", "geclusterd", "zorggeschikt", "intramuraal"}
    assert g.eenheid_voor("intramuraal") == "plaatsen"
    assert {g.eenheid_voor(w) for w in ("nultreden", "geclusterd", "zorggeschikt")} == {"woningen"}


def test_centrumgemeente_rule_stated_for_bw_and_mo():
    for code in ("ggz_bw", "mo_dakloos", "huiselijk_geweld"):
        rule = cat.get_group(code).centrumgemeente
        assert rule and "Venlo" in rule and "woonplaats" in rule and "bruto" in rule
    assert "Venlo" in cat.__doc__


def test_parameter_file_matches_catalogue_exactly():
    params = load_parameters(ROOT / "config" / "parameters.yaml")
    assert list(params.keys()) == list(cat.all_parameter_keys())
    assert sorted(params.prioriteit) == sorted(cat.GROUP_CODES)


def test_unknown_group_suggests_closest():
    with pytest.raises(KeyError, match="ouderen"):
        cat.get_group("oudren")


def test_overlap_priority_is_a_permutation():
    assert sorted(cat.OVERLAP_PRIORITEIT) == sorted(cat.GROUP_CODES)


def test_docs_describe_every_group_and_the_centrumgemeente_rule():
    text = (ROOT / "docs" / "aandachtsgroepen.md").read_text(encoding="utf-8")
    for code in CONTRACT_GROUPS:
        assert f"`{code}`" in text, code
    assert "Venlo" in text and "centrumgemeente" in text.lower()


def test_catalogue_table_has_one_row_per_group_and_woningtype():
    t = cat.catalogue_table()
    assert len(t) == sum(len(g.woningtypen) for g in cat.CATALOGUE.values())
    assert set(t["groep"]) == set(CONTRACT_GROUPS)
