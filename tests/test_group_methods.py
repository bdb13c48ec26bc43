"""Estimation methods, overlap rule, demand table and sensitivity, on SYNTHETIC data only.

Every population, history and supply figure below is made up for the test ("synthetic"); the
parameter values come from config/parameters.yaml. The golden test at the end recomputes each
group's vraag and opgave by hand for one synthetic gemeente and year.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from woonzorg_lib.groups.catalogue import CATALOGUE, DEMAND_COLUMNS, DEMAND_KEYS, GROUP_CODES
from woonzorg_lib.groups.methods import (apply_local_figures, demand_table, flow, lettings_capacity,
                                         map_rates_to_bands, opgave_basis, policy_task, prevalence,
                                         sensitivity, trend_forecast)
from woonzorg_lib.groups.overlap import apply_overlap
from woonzorg_lib.groups.params import load_parameters
from woonzorg_lib.groups.usercsv import read_local_figures

ROOT = Path(__file__).resolve().parents[1]
BANDS = [(a, a + 4) for a in range(0, 95, 5)] + [(95, None)]
SYNTH_NL = 10_000_000  # synthetic national population


def synthetic_projection(gemeenten=("GM9001",), years=range(2024, 2031), *, variants=("midden",),
                         sexes=("totaal",), variant_factor=None) -> pd.DataFrame:
    """SYNTHETIC projection: 1000 persons per band, +100 a year in each band from 75; variants
    scale every band by ``variant_factor[variant] ** (jaar - 2024)``; sexes split totaal 50/50."""
    variant_factor = variant_factor or {"laag": 0.99, "midden": 1.0, "hoog": 1.01}
    rows = []
    for g_i, g in enumerate(gemeenten):
        for y in years:
            for v in variants:
                f = variant_factor[v] ** (y - 2024)
                for van, tot in BANDS:
                    base = (1000 + 100 * (y - 2024) * (van >= 75)) * (1 + g_i) * f
                    for s in sexes:
                        rows.append((g, y, s, van, np.nan if tot is None else tot, v,
                                     base if s == "totaal" else base / 2))
    return pd.DataFrame(rows, columns=["gemeentecode", "jaar", "geslacht", "leeftijd_van", "leeftijd_tot",
                                       "variant", "waarde"])


@pytest.fixture(scope="module")
def params():
    return load_parameters(ROOT / "config" / "parameters.yaml")


def synthetic_inputs(gemeenten=("GM9001",)):
    """SYNTHETIC inputs of demand_table for each gemeente."""
    n = len(gemeenten)
    return dict(
        nl_inwoners=SYNTH_NL,
        huishoudens=pd.DataFrame({"gemeentecode": list(gemeenten), "waarde": [9000.0 * (i + 1) for i in range(n)]}),
        woningvoorraad=pd.DataFrame({"gemeentecode": list(gemeenten), "waarde": [9000.0 * (i + 1) for i in range(n)]}),
        studenten_historie=pd.DataFrame({"gemeentecode": [g for g in gemeenten for _ in range(7)],
                                         "jaar": list(range(2018, 2025)) * n,
                                         "waarde": [100.0 + 10 * k for _ in gemeenten for k in range(7)]}),
    )


# ---- prevalence and band mapping ---------------------------------------------------------------
def test_broad_rate_bands_map_onto_five_year_bands():
    bands = pd.DataFrame({"leeftijd_van": [v for v, _ in BANDS],
                          "leeftijd_tot": [np.nan if t is None else t for _, t in BANDS]})
    rates = pd.DataFrame({"geslacht": ["totaal", "totaal"], "leeftijd_van": [18, 75],
                          "leeftijd_tot": [64, np.nan], "waarde": [10.0, 50.0]})
    m = map_rates_to_bands(rates, bands).set_index("leeftijd_van")["rate"]
    assert m[10] == 0 and m[15] == pytest.approx(10 * 2 / 5)  # 18 and 19 of 15–19
    assert m[20] == m[60] == 10 and m[65] == m[70] == 0
    assert m[75] == m[90] == m[95] == 50  # the open 95+ band lies in 75+
    # An open population band that straddles rate bands cannot be split: refused.
    with pytest.raises(ValueError, match="fijnere"):
        map_rates_to_bands(rates.assign(leeftijd_van=[18, 90], leeftijd_tot=[89, np.nan]),
                           pd.DataFrame({"leeftijd_van": [85], "leeftijd_tot": [np.nan]}))
    with pytest.raises(ValueError, match="overlappen"):
        map_rates_to_bands(rates.assign(leeftijd_tot=[80, np.nan]), bands)


def test_prevalence_by_hand_and_by_sex():
    proj = synthetic_projection(years=[2024], sexes=("man", "vrouw"))
    rates = pd.DataFrame({"geslacht": ["totaal"], "leeftijd_van": [75], "leeftijd_tot": [np.nan], "waarde": [80.0]})
    out = prevalence(proj, rates)
    # 5 bands of 75+ × 1000 persons (man+vrouw) × 80/1000
    assert out["waarde"].tolist() == [pytest.approx(5 * 1000 * 80 / 1000)]
    by_sex = pd.DataFrame({"geslacht": ["man", "vrouw"], "leeftijd_van": [75, 75], "leeftijd_tot": [np.nan] * 2,
                           "waarde": [60.0, 100.0]})
    assert prevalence(proj, by_sex)["waarde"].iloc[0] == pytest.approx(5 * 500 * 0.06 + 5 * 500 * 0.1)
    # totaal rows take precedence over man + vrouw for the same gemeente and year
    both = pd.concat([proj, synthetic_projection(years=[2024]).assign(waarde=lambda d: d["waarde"] * 2)])
    assert prevalence(both, rates)["waarde"].iloc[0] == pytest.approx(2 * 400)
    with pytest.raises(ValueError, match="mengen"):
        prevalence(proj, pd.concat([rates, by_sex]))


def test_flow_and_policy_task():
    base = pd.DataFrame({"gemeentecode": ["GM9001"], "jaar": [2024], "waarde": [100.0]})
    assert flow(base, 0.5, persons_per_unit=2.0)["waarde"].iloc[0] == 25
    with pytest.raises(ValueError):
        flow(base, 1.5)
    inw = pd.DataFrame({"gemeentecode": ["GM9002", "GM9001"], "waarde": [30_000.0, 10_000.0]})
    t = policy_task(inw, SYNTH_NL, 15_000, 1.8)
    assert t["gemeentecode"].tolist() == ["GM9001", "GM9002"]
    assert t["personen"].tolist() == pytest.approx([10_000 / SYNTH_NL * 30_000, 30_000 / SYNTH_NL * 30_000])
    assert t["woningen"].tolist() == pytest.approx((t["personen"] / 1.8).tolist())
    with pytest.raises(ValueError, match="nl_inwoners"):
        policy_task(inw, 1000, 15_000, 1.8)


# ---- trend -----------------------------------------------------------------------------------
def test_trend_exact_line_and_interval():
    exact = pd.DataFrame({"gemeentecode": "GM9001", "jaar": range(2018, 2025), "waarde": [100.0 + 10 * k for k in range(7)]})
    t = trend_forecast(exact, [2024, 2026, 2030])
    mid = t[t["variant"] == "midden"].set_index("jaar")["waarde"]
    assert mid[2024] == 160 and mid[2026] == pytest.approx(180) and mid[2030] == pytest.approx(220)
    noisy = exact.assign(waarde=[100, 113, 118, 133, 137, 152, 158.0])
    t = trend_forecast(noisy, list(range(2024, 2031)), level=0.67).pivot(index="jaar", columns="variant",
                                                                         values="waarde")
    assert (t.loc[2024] == 158).all()  # observed year: the observation, in every variant
    future = t.loc[2025:]
    assert (future["laag"] < future["midden"]).all() and (future["midden"] < future["hoog"]).all()
    width = future["hoog"] - future["laag"]
    assert width.is_monotonic_increasing
    wider = trend_forecast(noisy, [2030], level=0.95).pivot(index="jaar", columns="variant", values="waarde")
    assert (wider.loc[2030, "hoog"] - wider.loc[2030, "laag"]) > width.loc[2030]
    short = trend_forecast(exact.tail(2), [2026])
    assert set(short["methode"]) == {"constant"} and (short["waarde"] == 160).all()
    assert trend_forecast(noisy, [2030]).equals(trend_forecast(noisy, [2030]))


# ---- local figures and overlap -----------------------------------------------------------------
def test_local_figures_replace_level_keep_model_change():
    model = pd.DataFrame({"gemeentecode": "GM9001", "groep": "ggz_bw", "woningtype": "zelfstandig_begeleid",
                          "jaar": [2024, 2025, 2026, 2027], "waarde": [5.0, 6.0, 7.0, 8.0]})
    local = pd.DataFrame({"gemeentecode": ["GM9001", "GM9001"], "groep": "ggz_bw", "woningtype": "zelfstandig_begeleid",
                          "jaar": [2024, 2026], "variant": [None, None], "waarde": [10.0, 3.0]})
    out = apply_local_figures(model, local, "midden")
    # 2024 and 2026 given; 2025 is a tie → earlier year 2024: 10 + (6 − 5); 2027: 3 + (8 − 7)
    assert out["waarde"].tolist() == [10.0, 11.0, 3.0, 4.0] and out["lokaal"].all()
    only_hoog = local.assign(variant="hoog")
    assert not apply_local_figures(model, only_hoog, "midden")["lokaal"].any()


def test_overlap_rule():
    pri = list(CATALOGUE)  # any order with mo_dakloos before ex_gedetineerden works
    pri.remove("ex_gedetineerden"), pri.append("ex_gedetineerden")
    v = pd.DataFrame({"gemeentecode": "GM9001", "jaar": 2024,
                      "groep": ["mo_dakloos", "ex_gedetineerden", "mo_dakloos", "ex_gedetineerden"],
                      "woningtype": "x", "waarde": [10.0, 8.0, 1.0, 8.0]})
    v["jaar"] = [2024, 2024, 2025, 2025]
    net, removed = apply_overlap(v, {("ex_gedetineerden", "mo_dakloos"): 0.5}, pri)
    assert net["waarde"].tolist() == [10.0, 4.0, 1.0, 7.0]  # 2025: capped at what mo_dakloos holds (1)
    assert removed["waarde"].tolist() == [4.0, 1.0]
    locked = v.assign(lokaal=[False, True, False, False])
    assert apply_overlap(locked, {("ex_gedetineerden", "mo_dakloos"): 0.5}, pri)[0]["waarde"].tolist()[1] == 8.0
    with pytest.raises(ValueError, match="vóór"):
        apply_overlap(v, {("mo_dakloos", "ex_gedetineerden"): 0.5}, pri)
    with pytest.raises(ValueError, match="tussen 0 en 1"):
        apply_overlap(v, {("ex_gedetineerden", "mo_dakloos"): 1.5}, pri)


def test_overlap_several_higher_groups_capped_at_lower_total():
    pri = ["a", "b", "c"]
    v = pd.DataFrame({"gemeentecode": "G", "jaar": 2024, "groep": ["a", "b", "c"], "woningtype": "x",
                      "waarde": [100.0, 100.0, 10.0]})
    net, removed = apply_overlap(v, {("c", "a"): 0.8, ("c", "b"): 0.8}, pri)
    assert net.set_index("groep")["waarde"]["c"] == 0.0
    assert removed["waarde"].sum() == pytest.approx(10.0)


# ---- the demand table --------------------------------------------------------------------------
def test_demand_table_contract(params):
    gem = ("GM9001", "GM9002")
    proj = synthetic_projection(gem, variants=("laag", "midden", "hoog"))
    inputs = synthetic_inputs(gem)
    d = demand_table(proj, params, "midden", **inputs)
    assert tuple(d.columns) == DEMAND_COLUMNS
    assert set(d["groep"]) == set(GROUP_CODES) and set(d["variant"]) == {"midden"}
    assert set(d["maat"]) == {"vraag", "opgave", "toewijzing", "aanbod"}
    # stand groups carry opgave, stroom groups toewijzing (never both)
    for g, grp in d.groupby("groep"):
        assert ("opgave" in set(grp["maat"])) == (CATALOGUE[g].soort == "stand"), g
        assert ("toewijzing" in set(grp["maat"])) == (CATALOGUE[g].soort == "stroom"), g
    # no supply given: only the labelled estimates (ouderen behoefte, studenten, woonwagens) at 2024
    a = d[d["maat"] == "aanbod"]
    assert set(a["groep"]) == {"ouderen", "studenten", "woonwagenbewoners", "arbeidsmigranten"}
    assert set(a["jaar"]) == {2024}
    assert "intramuraal" not in set(a["woningtype"])
    assert d[list(DEMAND_KEYS)].duplicated().sum() == 0
    assert d.equals(d.sort_values(list(DEMAND_KEYS), kind="mergesort").reset_index(drop=True))
    assert d.equals(demand_table(proj, params, "midden", **inputs))  # deterministic
    assert d["jaar"].dtype == "int64" and d["waarde"].notna().all()
    for (g, wt), grp in d.groupby(["groep", "woningtype"]):
        assert set(grp["eenheid"]) == {CATALOGUE[g].eenheid_voor(wt)} and set(grp["soort"]) == {CATALOGUE[g].soort}
    assert (d[(d["maat"] == "toewijzing") & (d["jaar"] == 2024)]["waarde"] == 0).all()
    o24 = d[(d["maat"] == "opgave") & (d["jaar"] == 2024)].set_index(["gemeentecode", "groep", "woningtype"])["waarde"]
    v24 = d[(d["maat"] == "vraag") & (d["jaar"] == 2024)].set_index(["gemeentecode", "groep", "woningtype"])["waarde"]
    a24 = a.set_index(["gemeentecode", "groep", "woningtype"])["waarde"]
    # opgave(2024) = the current tekort where supply is known/estimated, 0 (growth only) elsewhere
    for k, val in o24.items():
        assert val == pytest.approx(v24[k] - a24[k] if k in a24.index else 0.0), k
    assert (o24[o24.index.isin(a24.index)] > 0).all()
    # variants: laag ≤ midden ≤ hoog for every group's total need in 2030
    tot = {}
    for v in ("laag", "midden", "hoog"):
        x = demand_table(proj, params, v, **inputs)
        tot[v] = x[(x["maat"] == "vraag") & (x["jaar"] == 2030)].groupby("groep")["waarde"].sum()
    assert (tot["laag"] <= tot["midden"] + 1e-9).all() and (tot["midden"] <= tot["hoog"] + 1e-9).all()
    assert (tot["laag"] < tot["hoog"]).all()


def test_demand_table_supply_apportioned_from_area(params):
    gem = ("GM9001", "GM9002")
    proj = synthetic_projection(gem)
    aanbod = pd.DataFrame({"gebiedscode": ["CR99"], "jaar": [2024], "woningtype": ["intramuraal"], "waarde": [600.0]})
    gebieden = pd.DataFrame({"gemeentecode": list(gem), "gebiedscode": "CR99"})
    d = demand_table(proj, params, "midden", aanbod=aanbod, gebieden=gebieden, groepen=["ouderen", "beperking"])
    a = d[d["maat"] == "aanbod"]
    ai = a[a["woningtype"] == "intramuraal"]
    assert set(a["jaar"]) == {2024} and ai["waarde"].sum() == pytest.approx(600)
    assert set(ai["groep"]) == {"ouderen", "beperking"}
    v24 = d[(d["maat"] == "vraag") & (d["jaar"] == 2024) & (d["woningtype"] == "intramuraal")]
    share = v24.set_index(["gemeentecode", "groep"])["waarde"] / v24["waarde"].sum()
    assert ai.set_index(["gemeentecode", "groep"])["waarde"].to_dict() == pytest.approx((share * 600).to_dict())
    basis = opgave_basis(d).set_index(["gemeentecode", "groep", "woningtype"])["basis"]
    assert basis[("GM9001", "ouderen", "intramuraal")] == "netto"
    assert basis[("GM9001", "ouderen", "nultreden")] == "netto"  # estimated suitable stock
    # supply split does not change with the variant (Monte Carlo percentiles of a fixed supply)
    a = a[a["woningtype"] == "intramuraal"]
    dl = demand_table(synthetic_projection(gem, variants=("laag", "midden", "hoog")), params, "laag", aanbod=aanbod,
                      gebieden=gebieden, groepen=["ouderen", "beperking"])
    al = dl[(dl["maat"] == "aanbod") & (dl["woningtype"] == "intramuraal")]
    assert al["waarde"].tolist() == pytest.approx(a["waarde"].tolist())
    with pytest.raises(ValueError, match="niet in de projectie"):
        demand_table(proj, params, "midden", aanbod=aanbod, groepen=["ouderen"],
                     gebieden=pd.concat([gebieden, pd.DataFrame({"gemeentecode": ["GM9003"], "gebiedscode": ["CR99"]})]))
    # another region's area (no member in the projection) is ignored; an unplaceable code is refused
    other = pd.concat([aanbod, aanbod.assign(gebiedscode="CR98", waarde=999.0)])
    wider = pd.concat([gebieden, pd.DataFrame({"gemeentecode": ["GM9003"], "gebiedscode": ["CR98"]})])
    d2 = demand_table(proj, params, "midden", aanbod=other, gebieden=wider, groepen=["ouderen", "beperking"])
    assert d2[(d2["maat"] == "aanbod") & (d2["woningtype"] == "intramuraal")]["waarde"].sum() == pytest.approx(600)
    with pytest.raises(ValueError, match="CR97"):
        demand_table(proj, params, "midden", aanbod=aanbod.assign(gebiedscode="CR97"), groepen=["ouderen"])
    with pytest.raises(ValueError, match="woningtype"):
        demand_table(proj, params, "midden", aanbod=aanbod.assign(woningtype="intramural"), gebieden=gebieden,
                     groepen=["ouderen"])


def test_demand_table_inputs_checked(params):
    proj = synthetic_projection()
    with pytest.raises(ValueError, match="statushouders"):
        demand_table(proj, params, "midden")
    with pytest.raises(ValueError, match="variant 'hoog'"):
        demand_table(proj, params, "hoog", groepen=["ouderen"])
    assert set(demand_table(proj, params, "hoog", groepen=["ouderen"], demografie_variant="midden")["variant"]) == {"hoog"}
    with pytest.raises(ValueError, match="2031"):
        demand_table(proj, params, "midden", groepen=["ouderen"], tot_jaar=2031)
    with pytest.raises(ValueError, match="kolommen"):
        demand_table(proj.drop(columns="geslacht"), params, "midden", groepen=["ouderen"])
    # data coverage (CONTRACTS): no households for GM9001 → urgenten is off there, no failure, no rows
    off = demand_table(proj, params, "midden", groepen=["urgenten"],
                       huishoudens=pd.DataFrame({"gemeentecode": ["GM9002"], "waarde": [1.0]}))
    assert off.empty and list(off.columns) == list(demand_table(proj, params, "midden", groepen=["ouderen"]).columns)


def test_local_figures_in_demand_table(params, tmp_path):
    csv = tmp_path / "lokaal.csv"
    csv.write_text("gemeentecode;groep;jaar;waarde\nGM9001;ex_gedetineerden;2024;2\nGM9001;mo_dakloos;2024;1\n",
                   encoding="utf-8")
    local = read_local_figures(csv, known_gemeenten={"GM9001"})
    proj = synthetic_projection()
    d = demand_table(proj, params, "midden", local_figures=local, groepen=["mo_dakloos", "ex_gedetineerden"])
    v = d[d["maat"] == "vraag"].set_index(["groep", "jaar"])["waarde"]
    assert v[("ex_gedetineerden", 2024)] == 2.0  # local figures are not reduced by the overlap rule
    assert v[("mo_dakloos", 2024)] == 1.0
    # 2025: local level + model change 2024→2025 (inhabitants 20000 → 20500)
    r = params.resolve("midden")
    change = 500 * r["ex_gedetineerden.uitstroom_per_1000_inwoners"] / 1000 * r["ex_gedetineerden.aandeel_woningbehoefte"]
    assert v[("ex_gedetineerden", 2025)] == pytest.approx(2.0 + change)


def test_sensitivity_tornado(params):
    gem = ("GM9001", "GM9002")
    proj = synthetic_projection(gem)
    s = sensitivity(proj, params, jaar=2030, regio={"GM9001": "Noord", "GM9002": "Zuid"}, **synthetic_inputs(gem))
    assert list(s.columns) == ["regio", "eenheid", "maat", "parameter", "opgave_midden", "opgave_laag", "opgave_hoog",
                               "bereik"]
    assert set(s["regio"]) == {"Noord", "Zuid"}
    row = s[(s["regio"] == "Noord") & (s["parameter"] == "ouderen.intramuraal_per_1000_85_plus")].iloc[0]
    # no intramural supply given, so the opgave is growth only: the growth of 85+ (3 bands × (1600 − 1000)
    # synthetic persons) × the rate; hoog 212,0 and laag 173,5 vs waarde 192,76 per 1000
    assert row["eenheid"] == "plaatsen"
    assert row["opgave_hoog"] - row["opgave_midden"] == pytest.approx(3 * 600 * (212.0 - 192.76) / 1000)
    assert row["opgave_midden"] - row["opgave_laag"] == pytest.approx(3 * 600 * (192.76 - 173.5) / 1000)
    # the estimated suitable stock makes geschikt_aandeel matter for the ouderen homes (more suitable = less task)
    g = s[(s["regio"] == "Noord") & (s["parameter"] == "ouderen.geschikt_aandeel")].iloc[0]
    assert g["eenheid"] == "woningen" and g["opgave_hoog"] < g["opgave_midden"] < g["opgave_laag"]
    for (_, _, _), grp in s.groupby(["regio", "eenheid", "maat"]):
        assert grp["bereik"].is_monotonic_decreasing
    assert "algemeen.onderdrukkingsdrempel" not in set(s["parameter"])  # laag = hoog
    per = sensitivity(proj, params, jaar=2030, per_groep=True, parameters=["statushouders.personen_per_woning"],
                      **synthetic_inputs(gem))
    assert per["groep"].tolist() == ["statushouders"] and per["opgave_laag"].iloc[0] > per["opgave_hoog"].iloc[0]


def test_lettings_capacity(params):
    r = params.resolve("midden")
    out = lettings_capacity(pd.DataFrame({"gemeentecode": ["GM9001"], "waarde": [4000.0]}), r)
    assert out["verhuringen"].iloc[0] == pytest.approx(4000 * 0.065)
    assert out["capaciteit_aandachtsgroepen"].iloc[0] == pytest.approx(4000 * 0.065 * 0.30)


# ---- golden test -------------------------------------------------------------------------------
def test_golden_one_gemeente_2026(params):
    """SYNTHETIC gemeente GM9001, year 2026, variant midden, every group by hand.

    Population (synthetic): 1000 per 5-year band below 75; 1000 + 100 × (jaar − 2024) per band
    from 75 (75–79, 80–84, 85–89, 90–94, 95+). Inhabitants: 2024 20,000; 2025 20,500; 2026 21,000.
    NL 10,000,000; households 9,000 and dwellings 9,000 in 2024; uitwonende studenten 2018–2024
    100, 110, …, 160; known intramural supply for ouderen on 1-1-2024: 100 places.
    """
    r = params.resolve("midden")
    proj = synthetic_projection(years=range(2024, 2027))
    aanbod = pd.DataFrame({"gebiedscode": ["GM9001"], "jaar": [2024], "woningtype": ["intramuraal"],
                           "groep": ["ouderen"], "waarde": [100.0]})
    d = demand_table(proj, params, "midden", aanbod=aanbod, **synthetic_inputs())
    got = d.set_index(["groep", "woningtype", "maat", "jaar"])["waarde"]
    inw = {2024: 20_000, 2025: 20_500, 2026: 21_000}
    old = {y: 1000 + 100 * (y - 2024) for y in inw}  # persons per band from 75
    hh = {y: 9000 * inw[y] / inw[2024] for y in inw}  # households move with the population
    expected: dict[tuple[str, str], tuple[float, float]] = {}  # (groep, woningtype) → (vraag 2026, opgave 2026)

    # ouderen, intramuraal: 65–74 (2 bands × 1000) × 3,71; 75–84 (2 × 1200) × 46,34; 85+ (85–89,
    # 90–94, 95+: 3 × 1200) × 192,76; all per 1000 → 7,42 + 111,216 + 693,936 = 812,572 places.
    intra = (2 * 1000 * r["ouderen.intramuraal_per_1000_65_74"] + 2 * old[2026] * r["ouderen.intramuraal_per_1000_75_84"]
             + 3 * old[2026] * r["ouderen.intramuraal_per_1000_85_plus"]) / 1000
    assert intra == pytest.approx(812.572)
    expected[("ouderen", "intramuraal")] = (intra, intra - 100)  # minus known supply 2024
    # ouderen homes (method behoefte): households with a limited 65–74 (2 × 1000 × 0,13) or 75+
    # (5 × 1200 × 0,33) member × 0,85 households per person, × the programme share of the type;
    # estimated suitable stock = 2024 need × 0,90, so opgave = vraag(2026) − 0,90 × vraag(2024).
    need = lambda y: (2 * 1000 * r["ouderen.beperkt_aandeel_65_74"] + 5 * old[y] * r["ouderen.beperkt_aandeel_75_plus"]) \
        * r["ouderen.huishoudens_per_beperkte_persoon"]
    assert need(2026) == pytest.approx((260 + 1980) * 0.85)
    supply = {}
    for wt in ("nultreden", "geclusterd", "zorggeschikt"):
        sh = r[f"ouderen.aandeel_{wt}"]
        supply[("ouderen", wt)] = need(2024) * sh * r["ouderen.geschikt_aandeel"]
        expected[("ouderen", wt)] = (need(2026) * sh, need(2026) * sh - supply[("ouderen", wt)])
    # beperking: 18+ = 2/5 of 15–19 (400) + 11 bands 20–74 (11,000) + 75+ (6,000) = 17,400; bruto.
    rate = r["beperking.ghz_verblijf_per_1000_18_plus"]
    expected[("beperking", "intramuraal")] = ((400 + 11_000 + 5 * old[2026]) * rate / 1000,
                                              5 * (old[2026] - old[2024]) * rate / 1000)

    def stroom(yearly):  # vraag 2026 and toewijzing 2026 = vraag 2024 + vraag 2025
        return yearly(2026), yearly(2024) + yearly(2025)

    # ggz_bw: inwoners × 1.25/1000 × 0.25 / 1.0
    ggz = lambda y: inw[y] * r["ggz_bw.bw_per_1000_inwoners"] / 1000 * r["ggz_bw.uitstroom_aandeel_per_jaar"] \
        / r["ggz_bw.personen_per_woning"]
    expected[("ggz_bw", "zelfstandig_begeleid")] = stroom(ggz)
    # mo_dakloos: inwoners × 0.4 woningen per 1000 a year (not a G4 gemeente)
    mo = lambda y: inw[y] * r["mo_dakloos.woningen_per_1000_inwoners"] / 1000
    expected[("mo_dakloos", "zelfstandig_begeleid")] = stroom(mo)
    # jeugdzorg: inwoners × 19/100,000 × 0.4 / 1.0, minus overlap 0.5 counted under mo_dakloos
    # (mo_dakloos holds 8.4 in 2026, more than half of jeugdzorg, so the cap does not bind)
    jeugd = lambda y: inw[y] * r["jeugdzorg.uitstroom_18_per_100000_inwoners"] / 100_000 \
        * r["jeugdzorg.aandeel_eigen_eenheid"] / r["jeugdzorg.personen_per_eenheid"] \
        * (1 - r["overlap.jeugdzorg_in_mo_dakloos"])
    expected[("jeugdzorg", "zelfstandig_begeleid")] = stroom(jeugd)
    # huiselijk_geweld: inwoners × 8/100,000 × 0.6
    hg = lambda y: inw[y] * r["huiselijk_geweld.uitstroom_per_100000_inwoners"] / 100_000 \
        * r["huiselijk_geweld.aandeel_nieuwe_woning"]
    expected[("huiselijk_geweld", "sociale_huur")] = stroom(hg)
    # ex_gedetineerden: inwoners × 1.2/1000 × 0.33 / 1.0 × (1 − 0.5 overlap with mo_dakloos);
    # 0.5 × 8.316 = 4.158 < 8.4 held by mo_dakloos, so again the cap does not bind
    exg = lambda y: inw[y] * r["ex_gedetineerden.uitstroom_per_1000_inwoners"] / 1000 \
        * r["ex_gedetineerden.aandeel_woningbehoefte"] / r["ex_gedetineerden.personen_per_woning"] \
        * (1 - r["overlap.ex_gedetineerden_in_mo_dakloos"])
    assert exg(2026) == pytest.approx(21_000 * 1.2 / 1000 * 0.33 * 0.5)
    expected[("ex_gedetineerden", "sociale_huur")] = stroom(exg)
    # statushouders: 20,000 / 10,000,000 × 15,000 × 2 half-years / 1.8 persons per dwelling
    sh = lambda y: inw[2024] / SYNTH_NL * r["statushouders.taakstelling_per_halfjaar"] * 2 \
        / r["statushouders.personen_per_woning"]
    assert sh(2026) == pytest.approx(33.3333333)
    expected[("statushouders", "sociale_huur")] = stroom(sh)
    # arbeidsmigranten (stand, regiotype gemengd): 20,000 × 20/1000 × 1.04^(jaar − 2024); bruto
    am = lambda y: inw[2024] * r["arbeidsmigranten.per_1000_inwoners_gemengd"] / 1000 \
        * (1 + r["arbeidsmigranten.groei_per_jaar"]) ** (y - 2024)
    supply[("arbeidsmigranten", "flex")] = am(2024) * (1 - r["arbeidsmigranten.tekort_aandeel"])
    expected[("arbeidsmigranten", "flex")] = (am(2026), am(2026) - supply[("arbeidsmigranten", "flex")])
    # studenten (stand, trend): exact line +10 a year from 160 in 2024 → 180; / 1.0 per unit;
    # estimated supply = 160 × (1 − 5,8% national shortage) → opgave = 180 − 150,72
    per = r["studenten.studenten_per_eenheid"]
    supply[("studenten", "studenteneenheid")] = 160 / per * (1 - r["studenten.tekort_aandeel"])
    expected[("studenten", "studenteneenheid")] = (180 / per, 180 / per - supply[("studenten", "studenteneenheid")])
    # woonwagenbewoners (stand): stock 9,000 dwellings × 1,05/1000 = 9,45 standplaatsen (estimated supply);
    # vraag = stock × (1 + 20% waiting list + 2,25% new households a year × 2 years)
    stock = 9000 * r["woonwagenbewoners.standplaatsen_per_1000_woningen"] / 1000
    supply[("woonwagenbewoners", "standplaats")] = stock
    ww = stock * (1 + r["woonwagenbewoners.wachtlijst_aandeel"] + 2 * r["woonwagenbewoners.nieuwe_vraag_aandeel_per_jaar"])
    expected[("woonwagenbewoners", "standplaats")] = (ww, ww - stock)
    # urgenten: households × 1.2/1000 × (1 − 0.15 mantelzorg share)
    urg = lambda y: hh[y] * r["urgenten.urgentieverklaringen_per_1000_huishoudens"] / 1000 \
        * (1 - r["mantelzorg.aandeel_urgenties"])
    expected[("urgenten", "sociale_huur")] = stroom(urg)
    # mantelzorg: urgencies hh × 1.2/1000 × 0.15 and erf units hh × 0.2/1000, both × (1 − 0.5)
    # counted under ouderen (whose need is far larger, so the cap does not bind)
    keep = 1 - r["overlap.mantelzorg_in_ouderen"]
    mz_soc = lambda y: hh[y] * r["urgenten.urgentieverklaringen_per_1000_huishoudens"] / 1000 \
        * r["mantelzorg.aandeel_urgenties"] * keep
    mz_flex = lambda y: hh[y] * r["mantelzorg.mantelzorgwoningen_per_1000_huishoudens"] / 1000 * keep
    expected[("mantelzorg", "sociale_huur")] = stroom(mz_soc)
    expected[("mantelzorg", "flex")] = stroom(mz_flex)
    # intramuraal_overig: inwoners × 0.075/1000 × (1 − 0.5 counted under ggz_bw)
    io = lambda y: inw[y] * r["intramuraal_overig.uitstroom_woningen_per_1000_inwoners"] / 1000 \
        * (1 - r["overlap.intramuraal_overig_in_ggz_bw"])
    expected[("intramuraal_overig", "zelfstandig_begeleid")] = stroom(io)

    assert {g for g, _ in expected} == set(GROUP_CODES)
    assert set(expected) == set(zip(d["groep"], d["woningtype"]))
    for (g, wt), (vraag, opgave) in expected.items():
        maat = "opgave" if CATALOGUE[g].soort == "stand" else "toewijzing"
        assert got[(g, wt, "vraag", 2026)] == pytest.approx(vraag, rel=1e-12), (g, wt)
        assert got[(g, wt, maat, 2026)] == pytest.approx(opgave, rel=1e-12), (g, wt)
    assert got[("ouderen", "intramuraal", "aanbod", 2024)] == 100
    for k, val in supply.items():
        assert got[k + ("aanbod", 2024)] == pytest.approx(val, rel=1e-12), k
    assert (d["maat"] == "aanbod").sum() == 1 + len(supply)


def test_trend_fit_equals_statsmodels_on_every_gemeente():
    """ols_prediction is statsmodels' OLS prediction interval step for step: the same bits on the
    real studenten history of every gemeente in the snapshot, at two levels and both horizons."""
    import numpy as np
    from statsmodels.regression.linear_model import OLS
    from statsmodels.tools.tools import add_constant

    from woonzorg_lib.dataset import load
    from woonzorg_lib.groups.estimators import _history_groups, ols_prediction

    grp = load.table("groepen")
    st = grp[(grp["variabele"] == "uitwonende_studenten") & (grp["jaar"] <= 2024)]
    hist = st.groupby(["gemeentecode", "jaar"], as_index=False)["waarde"].sum()
    groups = _history_groups(hist)
    fitted = 0
    for code, jaar, waarde in groups:
        if len(jaar) < 3:
            continue
        last = int(jaar.max())
        x, xn = jaar.astype(float) - last, np.arange(1.0, 17.0)
        for level in (0.67, 0.95):
            model = OLS(waarde.astype(float), add_constant(x)).fit()
            pred = model.get_prediction(add_constant(xn, has_constant="add"))
            ref = pred.conf_int(obs=True, alpha=1 - level)
            params, mean, ci = ols_prediction(x, waarde.astype(float), xn, alpha=1 - level)
            assert np.array_equal(params, model.params), code
            assert np.array_equal(mean, pred.predicted_mean), code
            assert np.array_equal(ci, ref), code
        fitted += 1
    assert fitted >= 40  # the snapshot's gemeenten with uitwonende studenten in three or more years
