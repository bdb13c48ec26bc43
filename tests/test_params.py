"""The parameter file: defaults, labels, validation errors (file, key path, line), scenarios, variants."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from woonzorg_lib.errors import InputError
from woonzorg_lib.groups.params import ParamEntry, apply_overrides, apply_scenario, load_parameters

ROOT = Path(__file__).resolve().parents[1]
PARAMS = ROOT / "config" / "parameters.yaml"
SCENARIO = ROOT / "config" / "examples" / "scenario_voorbeeld.yaml"

# Values that shared/rates.md marks "(assumption)" (or that have no source at all) must stay
# labelled as assumptions in the file.
ASSUMPTIONS = [
    "ouderen.beperkt_aandeel_65_74", "ouderen.huishoudens_per_beperkte_persoon",
    "woonwagenbewoners.wachtlijst_aandeel",
    "beperking.ghz_verblijf_per_1000_18_plus", "ggz_bw.uitstroom_aandeel_per_jaar",
    "mo_dakloos.woningen_per_1000_inwoners", "mo_dakloos.woningen_per_1000_inwoners_g4",
    "huiselijk_geweld.aandeel_nieuwe_woning", "woonwagenbewoners.nieuwe_vraag_aandeel_per_jaar",
    "urgenten.urgentieverklaringen_per_1000_huishoudens", "mantelzorg.aandeel_urgenties",
    "mantelzorg.mantelzorgwoningen_per_1000_huishoudens", "intramuraal_overig.uitstroom_woningen_per_1000_inwoners",
    "overlap.ex_gedetineerden_in_mo_dakloos", "overlap.jeugdzorg_in_mo_dakloos",
    "overlap.intramuraal_overig_in_ggz_bw", "overlap.mantelzorg_in_ouderen",
]


@pytest.fixture(scope="module")
def params():
    return load_parameters(PARAMS)


def test_default_file_is_complete_and_sourced(params):
    for key, e in params.entries.items():
        assert e.laag <= e.waarde <= e.hoog, key
        assert e.bron.strip() and e.datum.strip(), key
        assert params.lines[key] > 0


@pytest.mark.parametrize("key", ASSUMPTIONS)
def test_assumptions_stay_labelled(params, key):
    e = params[key]
    assert e.aanname is True
    assert any(w in (e.bron + " " + (e.toelichting or "")).lower() for w in ("aanname", "assumption"))


def test_sourced_defaults_from_rates_md(params):
    # rates.md §8: H1-2025 17,700 lowered to 15,000; low 13,000 (H2-2025), high 27,300 (H2-2023).
    st_ = params["statushouders.taakstelling_per_halfjaar"]
    assert (st_.laag, st_.waarde, st_.hoog) == (13000, 15000, 27300)
    assert "17.700" in st_.toelichting and st_.eenheid == "personen"
    assert (params["statushouders.personen_per_woning"].waarde, params["statushouders.personen_per_woning"].laag,
            params["statushouders.personen_per_woning"].hoog) == (1.8, 1.6, 2.5)
    # rates.md (e): mutatiegraad ≈6.5% (6–7.5%), cap 30% (25–50%).
    m, a = params["verhuur.mutatiegraad"], params["verhuur.aandeel_aandachtsgroepen"]
    assert (m.laag, m.waarde, m.hoog) == (0.06, 0.065, 0.075)
    assert (a.laag, a.waarde, a.hoog) == (0.25, 0.30, 0.50)
    assert params.value("algemeen.onderdrukkingsdrempel") == 5
    assert params["ouderen.intramuraal_per_1000_85_plus"].leeftijd_tot is None
    # issue 13: intramural rates fitted to the national Wlz-VV use 2017 (121.700), not assumptions
    assert params["ouderen.intramuraal_per_1000_75_84"].aanname is False
    assert "121.700" in params["ouderen.intramuraal_per_1000_75_84"].bron
    # programme split 170/80/40 of 290 as the type shares of the behoefte method
    shares = [params.value(f"ouderen.aandeel_{wt}") for wt in ("nultreden", "geclusterd", "zorggeschikt")]
    assert sum(shares) == pytest.approx(1.0, abs=1e-3) and shares[0] == pytest.approx(170 / 290, abs=1e-4)


def test_variants_take_the_low_and_high_need_end(params):
    laag, mid, hoog = (params.resolve(v) for v in ("laag", "midden", "hoog"))
    assert laag["ouderen.intramuraal_per_1000_75_84"] == 41.7 and hoog["ouderen.intramuraal_per_1000_75_84"] == 50.97
    # more suitable stock = less need: laag takes the high end
    assert laag["ouderen.geschikt_aandeel"] == 0.93 and hoog["ouderen.geschikt_aandeel"] == 0.85
    # persons per dwelling: more persons = fewer dwellings, so laag takes the high end
    assert laag["statushouders.personen_per_woning"] == 2.5 and hoog["statushouders.personen_per_woning"] == 1.6
    assert laag["overlap.mantelzorg_in_ouderen"] == 1.0 and hoog["overlap.mantelzorg_in_ouderen"] == 0.0
    assert mid == {k: e.waarde for k, e in params.entries.items()}
    with pytest.raises(ValueError):
        params.resolve("extreem")


def _write(tmp_path: Path, text: str, name="p.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def _swap(old: str, new: str) -> str:
    text = PARAMS.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


def _line_of(text: str, needle: str) -> int:
    return text.splitlines().index(next(l for l in text.splitlines() if needle in l)) + 1


BAD_CASES = [
    # (old, new, expected key path, message fragment, line needle)
    ("      laag: 41.7\n", "      laag: 50\n", "parameters.ouderen.intramuraal_per_1000_75_84", "laag ≤ waarde ≤ hoog", None),
    ("      hoog: 0.30\n", "      hoog: 1.30\n", "parameters.ggz_bw.uitstroom_aandeel_per_jaar", "aandeel", None),
    ("      eenheid: per_1000_inwoners\n", "      eenheid: per_1000_inwonres\n", "parameters.ggz_bw.bw_per_1000_inwoners.eenheid",
     "per_1000_inwoners", "per_1000_inwonres"),
    ("      waarde: 1.25\n", "      waarde: \"1,25\"\n", "parameters.ggz_bw.bw_per_1000_inwoners.waarde", "getal", "\"1,25\""),
    ("      waarde: 1.25\n", "      waarde: yes\n", "parameters.ggz_bw.bw_per_1000_inwoners.waarde", "getal", "waarde: yes"),
    ("    uitstroom_aandeel_per_jaar:\n", "    uitstroom_aandel_per_jaar:\n",
     "parameters.ggz_bw.uitstroom_aandel_per_jaar", "uitstroom_aandeel_per_jaar", "uitstroom_aandel_per_jaar"),
    ("      aanname: false\n      toelichting: \"BW-bestand", "      toelichting: \"BW-bestand",
     "parameters.ggz_bw.bw_per_1000_inwoners", "aanname", None),
    ("      waarde: 1.25\n", "      waarde: 1.25\n      bronn: x\n", "parameters.ggz_bw.bw_per_1000_inwoners.bronn", "bron", "bronn"),
    ("      waarde: 1.25\n", "      waarde: .nan\n", "parameters.ggz_bw.bw_per_1000_inwoners.waarde", "eindig", None),
    ("      waarde: 1.25\n", "      waarde: -1\n", "parameters.ggz_bw.bw_per_1000_inwoners.waarde", "negatief", None),
    ("      waarde: 1.25\n", "      waarde: !!python/object/apply:os.system [\"echo hi\"]\n",
     "parameters.ggz_bw.bw_per_1000_inwoners.waarde", "tag", "python/object"),
    ("      waarde: 1.25\n", "      waarde: 1.25\n      waarde: 1.3\n", "parameters.ggz_bw.bw_per_1000_inwoners.waarde",
     "twee keer", "waarde: 1.3"),
    ("  ggz_bw:\n", "  ggz-bw:\n", "parameters.ggz-bw", "ggz_bw", "ggz-bw:"),
    ("      eenheid: per_1000_inwoners\n      bron: \"https://www.cbs.nl/nl-nl/cijfers/detail/86050NED",
     "      eenheid: per_1000_inwoners\n      leeftijd_van: 18\n      bron: \"https://www.cbs.nl/nl-nl/cijfers/detail/86050NED",
     "parameters.ggz_bw.bw_per_1000_inwoners", "leeftijd", None),
    ("overlap_prioriteit: [ouderen, beperking, ggz_bw, mo_dakloos,",
     "overlap_prioriteit: [ouderen, beperking, ggz_bw, ex_gedetineerden, mo_dakloos,", "overlap_prioriteit",
     "precies één keer", None),
]


@pytest.mark.parametrize("old,new,key,fragment,needle", BAD_CASES)
def test_bad_parameter_files_name_file_key_and_line(tmp_path, old, new, key, fragment, needle):
    text = _swap(old, new)
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as info:
        load_parameters(path)
    err = info.value
    assert err.file == str(path)
    assert err.column == key, str(err)
    assert fragment in str(err)
    assert isinstance(err.row, int) and err.row > 0
    if needle:
        assert err.row == _line_of(text, needle), str(err)


def test_missing_parameter_and_bad_overlap_order(tmp_path):
    text = PARAMS.read_text(encoding="utf-8")
    start = text.index("    personen_per_woning:\n      waarde: 1.0")
    end = text.index("  mo_dakloos:")
    with pytest.raises(InputError, match="personen_per_woning' ontbreekt") as info:
        load_parameters(_write(tmp_path, text[:start] + text[end:]))
    assert info.value.column == "parameters.ggz_bw.personen_per_woning" and info.value.row
    swapped = text.replace("ouderen, beperking, ggz_bw, mo_dakloos, huiselijk_geweld, jeugdzorg,\n"
                           "                     ex_gedetineerden,",
                           "ouderen, beperking, ggz_bw, ex_gedetineerden, huiselijk_geweld, jeugdzorg,\n"
                           "                     mo_dakloos,")
    with pytest.raises(InputError, match="vóór") as info:
        load_parameters(_write(tmp_path, swapped, "q.yaml"))
    assert info.value.column == "parameters.overlap.ex_gedetineerden_in_mo_dakloos"
    assert info.value.row == _line_of(swapped, "ex_gedetineerden_in_mo_dakloos:")


def test_aliases_refused(tmp_path):
    text = PARAMS.read_text(encoding="utf-8")
    text = text.replace("    personen_per_woning:\n      waarde: 1.0\n", "    personen_per_woning: &ppw\n      waarde: 1.0\n", 1)
    text = text.replace("  ex_gedetineerden:\n", "  ex_gedetineerden:\n    extra: *ppw\n", 1)
    path = _write(tmp_path, text)
    with pytest.raises(InputError, match="aliassen") as info:
        load_parameters(path)
    assert info.value.column == "parameters.ex_gedetineerden.extra"
    assert info.value.row == _line_of(text, "extra: *ppw")


def test_unreadable_files(tmp_path):
    for content, fragment in ((b"", "leeg"), (b"versie: 1\nparameters: [\n", "YAML"),
                              (b"versie: 1\n# caf\xe9\n", "UTF-8"), (b"- 1\n- 2\n", "versie")):
        p = tmp_path / "x.yaml"
        p.write_bytes(content)
        with pytest.raises(InputError, match=fragment) as info:
            load_parameters(p)
        assert info.value.file == str(p) and info.value.row and info.value.column
    with pytest.raises(InputError, match="bestaat niet"):
        load_parameters(tmp_path / "missing.yaml")


def test_scenario_example_applies_on_top(params):
    sc = apply_scenario(params, SCENARIO)
    assert sc.value("statushouders.taakstelling_per_halfjaar") == 17700
    assert sc.value("urgenten.urgentieverklaringen_per_1000_huishoudens") == 3.0
    assert sc["arbeidsmigranten.groei_per_jaar"].hoog == 0.046
    assert sc.scenario == str(SCENARIO)
    # untouched entries and the original set are unchanged
    assert sc["ouderen.intramuraal_per_1000_85_plus"] == params["ouderen.intramuraal_per_1000_85_plus"]
    assert params.value("statushouders.taakstelling_per_halfjaar") == 15000


SCENARIO_BAD = [
    ("ouderen.intramuraal_per_1000_75_84: 60\n", "laag ≤ waarde ≤ hoog", "ouderen.intramuraal_per_1000_75_84"),
    ("ouderen.intramuraal_per_1000_75_48: 30\n", "intramuraal_per_1000_75_84", "ouderen.intramuraal_per_1000_75_48"),
    ("ggz_bw.uitstroom_aandeel_per_jaar.hoog: 1.5\n", "aandeel", "ggz_bw.uitstroom_aandeel_per_jaar.hoog"),
    ("ggz_bw.uitstroom_aandeel_per_jaar.waard: 0.2\n", "waarde", "ggz_bw.uitstroom_aandeel_per_jaar.waard"),
    ("ggz_bw.uitstroom_aandeel_per_jaar: \"0,2\"\n", "ongeldige waarde", "ggz_bw.uitstroom_aandeel_per_jaar"),
    ("ggz_bw: 0.2\n", "<groep>.<parameter>", "ggz_bw"),
    ("overlap_prioriteit: [ouderen]\n", "precies één keer", "overlap_prioriteit"),
    ("x.y: !!python/name:os.system\n", "tag", "x.y"),
]


@pytest.mark.parametrize("text,fragment,key", SCENARIO_BAD)
def test_bad_scenarios_name_file_key_and_line(tmp_path, params, text, fragment, key):
    path = _write(tmp_path, "naam: test\n" + text, "s.yaml")
    with pytest.raises(InputError) as info:
        apply_scenario(params, path)
    err = info.value
    assert fragment in str(err) and err.file == str(path) and err.column == key and err.row == 2, str(err)


def test_overrides_block_and_priority(params):
    order = [g for g in params.prioriteit if g != "mantelzorg"]
    order.insert(order.index("urgenten"), "mantelzorg")  # mantelzorg above urgenten: allowed
    out = apply_overrides(params, {"studenten.studenten_per_eenheid": {"waarde": 1.1, "bron": "eigen telling"},
                                   "overlap_prioriteit": order})
    assert out["studenten.studenten_per_eenheid"].waarde == 1.1
    assert out["studenten.studenten_per_eenheid"].bron == "eigen telling"
    assert out.prioriteit == tuple(order)
    # mantelzorg above ouderen breaks the pair mantelzorg_in_ouderen (ouderen must keep the person)
    with pytest.raises(InputError, match="vóór") as info:
        apply_overrides(params, {"overlap_prioriteit": ["mantelzorg"] + [g for g in params.prioriteit
                                                                         if g != "mantelzorg"]})
    assert info.value.column == "overlap_prioriteit" and info.value.row == 1


@settings(max_examples=60, deadline=None)
@given(st.floats(0, 1), st.floats(0, 1), st.floats(0, 1))
def test_share_entries_valid_iff_ordered(a, b, c):
    raw = dict(waarde=b, laag=a, hoog=c, eenheid="aandeel", bron="synthetisch", datum="2024", aanname=True)
    if a <= b <= c:
        e = ParamEntry.model_validate(raw)
        for v in ("laag", "midden", "hoog"):
            assert a <= e.value(v) <= c
        assert e.value("laag") <= e.value("midden") <= e.value("hoog")
    else:
        with pytest.raises(Exception):
            ParamEntry.model_validate(raw)


@settings(max_examples=40, deadline=None)
@given(st.floats(0.1, 10), st.floats(0, 5), st.floats(0, 5))
def test_meer_is_minder_variant_order(mid, dlo, dhi):
    e = ParamEntry.model_validate(dict(waarde=mid, laag=mid / (1 + dlo), hoog=mid * (1 + dhi),
                                       eenheid="personen_per_woning", bron="synthetisch", datum="2024",
                                       aanname=False, richting="meer_is_minder"))
    assert e.value("laag") == e.hoog and e.value("hoog") == e.laag
    assert math.isclose(e.value("midden"), mid)
