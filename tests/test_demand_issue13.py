"""Issue 13 on SYNTHETIC data: ouderen methods, Monte-Carlo band, five numbers, local supply,
regional defaults, intramural comparison. Populations and inputs are made up (see
tests/test_group_methods.py); parameters come from config/parameters.yaml."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from woonzorg_lib.commands.demand import parse_methode
from woonzorg_lib.errors import InputError
from woonzorg_lib.groups import demand_table, load_parameters
from woonzorg_lib.groups.ouderen import PROGRAMMA, programme_fraction
from woonzorg_lib.groups.regional import read_regional_values, regional_defaults
from woonzorg_lib.groups.tables import demand_all, five_numbers, intramural_comparison, supply_origin
from woonzorg_lib.groups.uncertainty import parameter_draws

from .test_group_methods import synthetic_inputs, synthetic_projection

GEM = ("GM9001", "GM9002")


@pytest.fixture(scope="module")
def params():
    return load_parameters()


def _key(shares):
    k = pd.DataFrame({"gemeentecode": list(GEM), "aandeel": shares})
    k.attrs["woningen_per_extra_75plus"] = 0.6
    return k


def test_rijksopgave_method(params):
    proj = synthetic_projection(GEM, years=range(2024, 2034))
    d = demand_table(proj, params, "midden", groepen=["ouderen"], methode={"ouderen": "rijksopgave"},
                     ouderen_sleutel=_key([0.001, 0.002]))
    homes = d[d["woningtype"] != "intramuraal"]
    assert set(homes["maat"]) == {"opgave"}  # a programme share: no vraag, no aanbod
    from woonzorg_lib.groups import opgave_basis
    b = opgave_basis(d).set_index(["gemeentecode", "woningtype"])["basis"]
    assert b[("GM9001", "nultreden")] == "programma" and b[("GM9001", "intramuraal")] == "bruto"
    o = homes.set_index(["gemeentecode", "woningtype", "jaar"])["waarde"]
    assert o[("GM9001", "nultreden", 2024)] == pytest.approx(0.001 * 170_000 * 2 / 9)
    assert o[("GM9002", "geclusterd", 2031)] == pytest.approx(0.002 * 80_000)
    # after 2030: the same homes per extra 75+ person on the gemeente's own 75+ growth (synthetic:
    # 5 bands × 100 a year × (1 + index))
    extra = 5 * 100 * 2 * 2  # GM9002, 2033 vs 2031
    assert o[("GM9002", "nultreden", 2033)] == pytest.approx(0.002 * 170_000 + extra * 0.6 * 170 / 290)
    assert programme_fraction([2022, 2026, 2031, 2040]).tolist() == pytest.approx([0, 4 / 9, 1, 1])
    with pytest.raises(ValueError, match="ouderen_sleutel"):
        demand_table(proj, params, "midden", groepen=["ouderen"], methode={"ouderen": "rijksopgave"})
    with pytest.raises(ValueError, match="methode"):
        demand_table(proj, params, "midden", groepen=["ouderen"], methode={"ouderen": "gok"})
    assert sum(PROGRAMMA.values()) == 290_000


def test_methode_option_parsed():
    assert parse_methode(["ouderen=RijksOpgave"]) == {"ouderen": "rijksopgave"}
    assert parse_methode(None) == {}
    with pytest.raises(InputError, match="--methode"):
        parse_methode(["studenten=trend"])


def test_monte_carlo_band_is_seeded_and_inside_the_extremes(params):
    proj = synthetic_projection(GEM, variants=("laag", "midden", "hoog"))
    inp = synthetic_inputs(GEM)
    a = demand_all(proj, params, **inp)
    b = demand_all(proj, params, **inp)
    assert a.equals(b)  # same inputs, same seed → identical
    v = a[a["maat"] == "vraag"].pivot_table(index=["gemeentecode", "groep", "woningtype", "jaar"],
                                            columns="variant", values="waarde")
    assert (v["laag"] <= v["midden"] + 1e-9).all() and (v["midden"] <= v["hoog"] + 1e-9).all()
    # narrower than every parameter at its extreme at once (the old band)
    ext = {x: demand_table(proj, params, x, onzekerheid="uiterst", **inp) for x in ("laag", "hoog")}
    tot = lambda t: t[(t["maat"] == "vraag") & (t["jaar"] == 2030)]["waarde"].sum()  # noqa: E731
    mc_width = tot(a[a["variant"] == "hoog"]) - tot(a[a["variant"] == "laag"])
    assert 0 < mc_width < tot(ext["hoog"]) - tot(ext["laag"])
    draws, z = parameter_draws(params, 50, seed=1)
    d2, z2 = parameter_draws(params, 50, seed=1)
    assert draws == d2 and np.array_equal(z, z2)
    e = params["urgenten.urgentieverklaringen_per_1000_huishoudens"]
    u = np.array([d["urgenten.urgentieverklaringen_per_1000_huishoudens"] for d in draws])
    assert (u >= e.laag).all() and (u <= e.hoog).all()


def test_five_numbers_and_local_supply(params):
    proj = synthetic_projection(GEM)
    inp = synthetic_inputs(GEM)
    local = pd.DataFrame({"gemeentecode": ["GM9001"], "groep": ["ouderen"], "woningtype": ["nultreden"],
                          "maat": ["aanbod"], "jaar": [2024], "variant": [None], "waarde": [500.0]})
    d = demand_table(proj, params, "midden", local_figures=local, **inp)
    f = five_numbers(d, jaar=2030, origin=supply_origin(proj, params, local_figures=local, **inp))
    row = f.set_index(["gemeentecode", "groep", "woningtype"]).loc[("GM9001", "ouderen", "nultreden")]
    assert row["aanbod_basis"] == 500 and row["aanbod_bron"] == "lokaal"
    assert row["tekort_basis"] == pytest.approx(row["vraag_basis"] - 500)
    assert row["opgave"] == pytest.approx(row["tekort_basis"] + row["groei"])
    other = f.set_index(["gemeentecode", "groep", "woningtype"]).loc[("GM9002", "ouderen", "nultreden")]
    assert other["aanbod_bron"] == "schatting"
    bp = f.set_index(["gemeentecode", "groep", "woningtype"]).loc[("GM9001", "beperking", "intramuraal")]
    assert bp["aanbod_bron"] == "onbekend" and np.isnan(bp["tekort_basis"]) and bp["opgave"] == pytest.approx(bp["groei"])
    from woonzorg_lib.groups.tables import local_marks
    marks = local_marks(d, local).set_index(["gemeentecode", "groep", "woningtype"])
    assert marks.loc[("GM9001", "ouderen", "nultreden"), "lokaal_aanbod"]
    assert not marks.loc[("GM9002", "ouderen", "nultreden"), "lokaal_aanbod"]
    assert not marks["lokaal_vraag"].any()
    st = f[f["soort"] == "stroom"]
    assert st["opgave"].isna().all() and st["toewijzing"].notna().all()  # never both


def test_regional_defaults_file(tmp_path):
    gem = pd.DataFrame({"gemeentecode": ["GM0957", "GM0153", "GM0344", "GM9999"],
                        "corop": ["Midden-Limburg", "Twente", "Utrecht", "X"],
                        "provincie": ["Limburg", "Overijssel", "Utrecht", "Zeeland"]})
    r = regional_defaults(gem["gemeentecode"], gemeenten=gem).set_index("gemeentecode")
    assert r.loc["GM0957", "arbeidsmigranten_regiotype"] == "agrarisch_logistiek"
    assert r.loc["GM0344", "arbeidsmigranten_regiotype"] == "stedelijk" and not r.loc["GM0344", "landelijk"]
    assert r.loc["GM9999", "arbeidsmigranten_regiotype"] == "gemengd" and r.loc["GM9999", "bron"] == "landelijke standaard"
    assert r.loc["GM0344", "dakloos_g4"] and not r.loc["GM0957", "dakloos_g4"]
    assert read_regional_values()["bron"].str.strip().ne("").all()
    bad = tmp_path / "r.csv"
    bad.write_text("gebied,niveau,arbeidsmigranten_regiotype,landelijk,bron,datum\nLimburg,provincie,havens,,x,2024\n",
                   encoding="utf-8")
    with pytest.raises(InputError, match="havens") as info:
        read_regional_values(bad)
    assert info.value.row == 2


def test_intramural_comparison_never_reports_a_surplus():
    demand = pd.DataFrame({"gemeentecode": ["GM1", "GM2"], "groep": "ouderen", "jaar": 2024, "variant": "midden",
                           "soort": "stand", "eenheid": "plaatsen", "maat": "vraag", "woningtype": "intramuraal",
                           "waarde": [100.0, 300.0]})
    gebieden = pd.DataFrame({"gemeentecode": ["GM1", "GM2"], "gebiedscode": ["CR01", "CR02"]})
    supply = pd.DataFrame({"gebiedscode": ["CR01", "CR02"], "gebiedsnaam": ["A", "B"], "jaar": 2024,
                           "waarde": [200.0, 60.0]})
    c = intramural_comparison(demand, gebieden, supply, nl_ratio=0.6).set_index("gebiedscode")
    assert c.loc["CR01", "tekort_indicatie"] == 0  # more than the national coverage: 0, not a surplus
    assert c.loc["CR02", "tekort_indicatie"] == pytest.approx(300 - 60 / 0.6)
    assert (c["tekort_indicatie"] >= 0).all()


def test_regional_band_is_computed_on_the_regional_total(params):
    from woonzorg_lib.groups import regional_band
    proj = synthetic_projection(GEM, variants=("laag", "midden", "hoog"))
    inp = synthetic_inputs(GEM)
    b = regional_band(proj, params, {"GM9001": "R", "GM9002": "R"}, jaar=2030, **inp).set_index(
        ["groep", "woningtype", "maat"])
    d = demand_all(proj, params, **inp)
    d = d[(d["jaar"] == 2030) & (d["groep"] == "ouderen") & (d["woningtype"] == "nultreden") & (d["maat"] == "vraag")]
    s = d.groupby("variant")["waarde"].sum()
    row = b.loc[("ouderen", "nultreden", "vraag")]
    assert row["midden"] == pytest.approx(s["midden"])
    # percentiles of the sum are inside the sums of the percentiles (the draws are not perfectly correlated)
    assert s["laag"] - 1e-6 <= row["laag"] <= row["midden"] <= row["hoog"] <= s["hoog"] + 1e-6
    assert ("ouderen", "nultreden", "aanbod") in b.index


def test_realisations_count_against_the_programme_share(params, tmp_path):
    from woonzorg_lib.groups.usercsv import read_realisations
    from pathlib import Path
    ex = read_realisations(Path(__file__).resolve().parents[1] / "config" / "examples" / "realisaties_voorbeeld.csv")
    assert ex.set_index(["gemeentecode", "woningtype"]).loc[("GM0957", "nultreden"), "gerealiseerd"] == 120
    p = tmp_path / "r.csv"
    p.write_text("gemeentecode,woningtype,gerealiseerd\nGM9001,nultreden,50\n", encoding="utf-8")
    real = read_realisations(p, known_gemeenten=set(GEM))
    proj = synthetic_projection(GEM)
    kw = dict(groepen=["ouderen"], methode={"ouderen": "rijksopgave"}, ouderen_sleutel=_key([0.001, 0.002]))
    base = demand_table(proj, params, "midden", **kw).set_index(["gemeentecode", "woningtype", "maat", "jaar"])["waarde"]
    less = demand_table(proj, params, "midden", realisaties=real, **kw).set_index(
        ["gemeentecode", "woningtype", "maat", "jaar"])["waarde"]
    assert less[("GM9001", "nultreden", "opgave", 2024)] == pytest.approx(base[("GM9001", "nultreden", "opgave", 2024)] - 50)
    assert less[("GM9001", "nultreden", "opgave", 2030)] == pytest.approx(base[("GM9001", "nultreden", "opgave", 2030)] - 50)
    assert less[("GM9002", "nultreden", "opgave", 2030)] == base[("GM9002", "nultreden", "opgave", 2030)]
    p.write_text("gemeentecode,woningtype,gerealiseerd\nGM9001,intramuraal,50\n", encoding="utf-8")
    with pytest.raises(InputError, match="intramuraal") as info:
        read_realisations(p, known_gemeenten=set(GEM))
    assert info.value.row == 2


def test_variant_specific_local_figure_holds_in_its_monte_carlo_variant(params, tmp_path):
    from woonzorg_lib.groups import read_local_figures
    csv = tmp_path / "l.csv"
    csv.write_text("gemeentecode,groep,jaar,waarde,variant\nGM9001,statushouders,2025,30,hoog\n"
                   "GM9001,ggz_bw,2024,5,\n", encoding="utf-8")
    local = read_local_figures(csv, known_gemeenten=set(GEM))
    proj = synthetic_projection(GEM, variants=("laag", "midden", "hoog"))
    d = demand_all(proj, params, local_figures=local, **synthetic_inputs(GEM))
    v = d[d["maat"] == "vraag"].set_index(["gemeentecode", "groep", "jaar", "variant"])["waarde"]
    t = d[d["maat"] == "toewijzing"].set_index(["gemeentecode", "groep", "jaar", "variant"])["waarde"]
    assert v[("GM9001", "statushouders", 2025, "hoog")] == pytest.approx(30.0)
    assert v[("GM9001", "statushouders", 2025, "midden")] != pytest.approx(30.0)
    assert t[("GM9001", "statushouders", 2026, "hoog")] == pytest.approx(v[("GM9001", "statushouders", 2024, "hoog")] + 30)
    for var in ("laag", "midden", "hoog"):  # an all-variant figure holds in every variant
        assert v[("GM9001", "ggz_bw", 2024, var)] == pytest.approx(5.0)
    csv.write_text("gemeentecode,groep,woningtype,maat,jaar,waarde,variant\nGM9001,studenten,,aanbod,2024,3,hoog\n",
                   encoding="utf-8")
    with pytest.raises(InputError, match="alle varianten"):
        read_local_figures(csv, known_gemeenten=set(GEM))
