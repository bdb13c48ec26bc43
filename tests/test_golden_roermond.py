"""Golden test on REAL data: Roermond (GM0957), 1 January / calendar year 2030, variant midden.

Every group's vraag and opgave (per woningtype) is recomputed here BY HAND, independently of
the demand model (``woonzorg_lib.groups``): only the raw ingredients come from the library —

- the parameter values: ``load_parameters()`` (config/parameters.yaml; variant midden = ``waarde``),
- the population projection: ``pipeline.region_forecast("midden-limburg")`` (filtered to GM0957 /
  the region, variant midden, ``geslacht == "totaal"``),
- the other inputs: ``groups.demand_inputs(codes)`` (NL inhabitants, households, dwellings,
  student history, regional defaults),

and the result is compared with ``groups.demand_table(projection, parameters, "midden", **inputs)``.
The formulas follow docs/aandachtsgroepen.md (§2 vraag/aanbod/opgave, §3 per group, §5 overlap)
and CONTRACTS.md (opgave stand = vraag(jaar) − aanbod(2024), or − vraag(2024) where supply is
unknown; toewijzing stroom = Σ vraag 2024 … jaar − 1).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from woonzorg_lib import pipeline
from woonzorg_lib.groups import demand_inputs, demand_table, load_parameters

REGION = "midden-limburg"
ROERMOND = "GM0957"
JAAR = 2030
BASIS = 2024
YEARS = list(range(BASIS, JAAR + 1))
STROOM_YEARS = list(range(BASIS, JAAR))  # opgave stroom 2030 = Σ vraag 2024 … 2029


@pytest.fixture(scope="module")
def golden():
    P = load_parameters()
    proj = pipeline.region_forecast(REGION, until=JAAR)
    inputs = demand_inputs(sorted(pipeline.as_region(REGION).gemeenten))
    demand = demand_table(proj, P, "midden", tot_jaar=JAAR, **inputs)
    return P, proj, inputs, demand


def _w(P, key: str) -> float:
    """Variant midden = the parameter's central ``waarde``."""
    return float(P[key].waarde)


def _band_table(proj: pd.DataFrame) -> pd.DataFrame:
    """Totaal population, variant midden: index (gemeentecode, jaar), one column per leeftijd_van."""
    p = proj[(proj["variant"] == "midden") & (proj["geslacht"] == "totaal") & proj["jaar"].isin(YEARS)]
    wide = p.pivot_table(index=["gemeentecode", "jaar"], columns="leeftijd_van", values="waarde", aggfunc="sum")
    return wide.astype(float)


def test_inputs_are_what_the_hand_computation_assumes(golden):
    """Guards for the hand computation below (so a changed input fails here, with a reason)."""
    P, proj, inputs, _ = golden
    # 5-year bands 0–4 … 90–94 and an open 95+ band (CONTRACTS "Ages").
    b = proj[(proj["gemeentecode"] == ROERMOND) & (proj["jaar"] == JAAR) & (proj["variant"] == "midden")
             & (proj["geslacht"] == "totaal")].sort_values("leeftijd_van")
    assert b["leeftijd_van"].tolist() == list(range(0, 100, 5))
    assert b["leeftijd_tot"].iloc[:-1].astype(int).tolist() == list(range(4, 99, 5))
    assert pd.isna(b["leeftijd_tot"].iloc[-1])
    # Rate bands of the age-specific parameters coincide with whole 5-year bands, except 18+.
    bands = {k: (P[k].leeftijd_van, P[k].leeftijd_tot, P[k].geslacht) for k in (
        "ouderen.intramuraal_per_1000_65_74", "ouderen.intramuraal_per_1000_75_84",
        "ouderen.intramuraal_per_1000_85_plus", "beperking.ghz_verblijf_per_1000_18_plus")}
    assert bands == {
        "ouderen.intramuraal_per_1000_65_74": (65, 74, "totaal"),
        "ouderen.intramuraal_per_1000_75_84": (75, 84, "totaal"),
        "ouderen.intramuraal_per_1000_85_plus": (85, None, "totaal"),
        "beperking.ghz_verblijf_per_1000_18_plus": (18, None, "totaal"),
    }
    # Intramural supply is known per COROP only: not passed as gemeente supply (compared apart).
    assert "aanbod" not in inputs and "gebieden" not in inputs
    # Regional defaults (config/regionale_waarden.csv): Limburg is agrarisch_logistiek; Roermond landelijk.
    assert inputs["arbeidsmigranten_regiotype"][ROERMOND] == "agrarisch_logistiek"
    assert ROERMOND in inputs["landelijke_gemeenten"]
    # Roermond is no G4 gemeente (mo_dakloos uses the non-G4 rate).
    assert ROERMOND not in {"GM0363", "GM0599", "GM0518", "GM0344"}


def test_roermond_2030_midden_by_hand(golden):
    P, proj, inputs, demand = golden
    pop = _band_table(proj)                                   # (gemeente, jaar) × leeftijd_van
    gemeenten = sorted(pop.index.get_level_values(0).unique())
    assert ROERMOND in gemeenten and len(gemeenten) == 7

    def band(code, y, van):                                   # persons in the 5-year band starting at van
        return pop.loc[(code, y), van]

    def inw(code, y):                                         # inhabitants = Σ all bands
        return float(pop.loc[(code, y)].sum())

    def pop75(code, y):                                       # 75+ = 75–79 … 90–94, 95+
        return sum(band(code, y, v) for v in (75, 80, 85, 90, 95))

    # ------------------------------------------------------------------ ouderen (stand)
    # intramuraal plaatsen = 3,71/1000 × (65–69 + 70–74) + 46,34/1000 × (75–79 + 80–84)
    #                       + 192,76/1000 × (85–89 + 90–94 + 95+)
    r6574, r7584 = _w(P, "ouderen.intramuraal_per_1000_65_74"), _w(P, "ouderen.intramuraal_per_1000_75_84")
    r85 = _w(P, "ouderen.intramuraal_per_1000_85_plus")

    def ouderen_intra(code, y):
        return (r6574 / 1000 * (band(code, y, 65) + band(code, y, 70))
                + r7584 / 1000 * (band(code, y, 75) + band(code, y, 80))
                + r85 / 1000 * (band(code, y, 85) + band(code, y, 90) + band(code, y, 95)))

    # behoefte: households with a limited 65–74 (13 %) or 75+ (33 %) member × 0,85 per person
    def ouderen_need(code, y):
        return ((band(code, y, 65) + band(code, y, 70)) * _w(P, "ouderen.beperkt_aandeel_65_74")
                + pop75(code, y) * _w(P, "ouderen.beperkt_aandeel_75_plus")) * _w(P, "ouderen.huishoudens_per_beperkte_persoon")

    def ouderen_wt(wt, code, y):  # split over the types in the programme ratio 170 : 80 : 40
        return ouderen_need(code, y) * _w(P, f"ouderen.aandeel_{wt}")

    def ouderen_total(code, y):  # all four woningtypen: the higher group's need in the overlap rule
        return ouderen_intra(code, y) + sum(ouderen_wt(wt, code, y) for wt in ("nultreden", "geclusterd",
                                                                               "zorggeschikt"))

    # ------------------------------------------------------------------ beperking (stand)
    # plaatsen = 4.6/1000 × pop 18+; the 15–19 band counts for 2 of its 5 years (18, 19)
    r_ghz = _w(P, "beperking.ghz_verblijf_per_1000_18_plus")

    def beperking(code, y):
        adults = 2 / 5 * band(code, y, 15) + sum(band(code, y, v) for v in range(20, 100, 5))
        return r_ghz / 1000 * adults

    # ------------------------------------------------------------------ estimated supply (§2)
    # the suitable stock of ouderen homes is estimated as 90 % of the 2024 need (ABF 2020)
    geschikt = _w(P, "ouderen.geschikt_aandeel")
    aanbod = {("ouderen", wt): ouderen_wt(wt, ROERMOND, BASIS) * geschikt
              for wt in ("nultreden", "geclusterd", "zorggeschikt")}

    R = ROERMOND
    expected: dict[tuple[str, str], float] = {}   # (groep, woningtype) → vraag 2030
    opgave: dict[tuple[str, str], float] = {}     # (groep, woningtype) → opgave 2030

    # ouderen intramuraal: supply per COROP only, so per gemeente the growth vraag(2030) − vraag(2024)
    expected[("ouderen", "intramuraal")] = ouderen_intra(R, JAAR)
    opgave[("ouderen", "intramuraal")] = ouderen_intra(R, JAAR) - ouderen_intra(R, BASIS)
    # ouderen nultreden/geclusterd/zorggeschikt: opgave = vraag(2030) − estimated suitable stock(2024)
    for wt in ("nultreden", "geclusterd", "zorggeschikt"):
        expected[("ouderen", wt)] = ouderen_wt(wt, R, JAAR)
        opgave[("ouderen", wt)] = ouderen_wt(wt, R, JAAR) - aanbod[("ouderen", wt)]
    # beperking intramuraal: growth
    expected[("beperking", "intramuraal")] = beperking(R, JAAR)
    opgave[("beperking", "intramuraal")] = beperking(R, JAAR) - beperking(R, BASIS)

    # ------------------------------------------------------------------ stroom groups (per year y)
    def ggz(y):  # inwoners × 1.25/1000 × 0.25 uitstroom ÷ 1.0 persoon per woning
        return (inw(R, y) * _w(P, "ggz_bw.bw_per_1000_inwoners") / 1000
                * _w(P, "ggz_bw.uitstroom_aandeel_per_jaar") / _w(P, "ggz_bw.personen_per_woning"))

    def mo(y):  # inwoners × 0.4 woningen per 1000 (buiten de G4)
        return inw(R, y) * _w(P, "mo_dakloos.woningen_per_1000_inwoners") / 1000

    def jeugd_model(y):  # inwoners × 19/100 000 × 0.4 eigen eenheid ÷ 1.0
        return (inw(R, y) * _w(P, "jeugdzorg.uitstroom_18_per_100000_inwoners") / 100_000
                * _w(P, "jeugdzorg.aandeel_eigen_eenheid") / _w(P, "jeugdzorg.personen_per_eenheid"))

    def jeugd(y):  # overlap: minus min(0.5 × jeugdzorg, netto mo_dakloos)
        j = jeugd_model(y)
        return j - min(_w(P, "overlap.jeugdzorg_in_mo_dakloos") * j, mo(y))

    def hg(y):  # inwoners × 8/100 000 × 0.6 nieuwe woning
        return (inw(R, y) * _w(P, "huiselijk_geweld.uitstroom_per_100000_inwoners") / 100_000
                * _w(P, "huiselijk_geweld.aandeel_nieuwe_woning"))

    def exg(y):  # inwoners × 1.2/1000 × 0.33 ÷ 1.0, minus min(0.5 × that, netto mo_dakloos)
        e = (inw(R, y) * _w(P, "ex_gedetineerden.uitstroom_per_1000_inwoners") / 1000
             * _w(P, "ex_gedetineerden.aandeel_woningbehoefte") / _w(P, "ex_gedetineerden.personen_per_woning"))
        return e - min(_w(P, "overlap.ex_gedetineerden_in_mo_dakloos") * e, mo(y))

    def statush(y):  # (inwoners 2024 / inwoners NL 2024) × 15 000 per halfjaar × 2 ÷ 1.8 per woning
        return (inw(R, BASIS) / inputs["nl_inwoners"] * _w(P, "statushouders.taakstelling_per_halfjaar") * 2
                / _w(P, "statushouders.personen_per_woning"))

    wv = float(inputs["woningvoorraad"].set_index("gemeentecode").loc[R, "waarde"])

    stock_ww = wv * _w(P, "woonwagenbewoners.standplaatsen_per_1000_woningen") / 1000  # estimated standplaatsen

    def woonwagen(y):  # stand: stock × (1 + 20 % waiting list + 2,25 % new households a year since 2024)
        return stock_ww * (1 + _w(P, "woonwagenbewoners.wachtlijst_aandeel")
                           + _w(P, "woonwagenbewoners.nieuwe_vraag_aandeel_per_jaar") * (y - BASIS))

    aanbod[("woonwagenbewoners", "standplaats")] = stock_ww
    expected[("woonwagenbewoners", "standplaats")] = woonwagen(JAAR)
    opgave[("woonwagenbewoners", "standplaats")] = woonwagen(JAAR) - stock_ww

    hh0 = float(inputs["huishoudens"].set_index("gemeentecode").loc[R, "waarde"])

    def hh(y):  # households 2024, moving with the gemeente's population
        return hh0 * inw(R, y) / inw(R, BASIS)

    urg_rate = _w(P, "urgenten.urgentieverklaringen_per_1000_huishoudens")
    mz_share = _w(P, "mantelzorg.aandeel_urgenties")

    def urgenten(y):  # huishoudens × 1.2/1000 × (1 − 0.15 mantelzorgdeel)
        return hh(y) * urg_rate / 1000 * (1 - mz_share)

    def mantelzorg(y):  # (sociale_huur, flex) after the overlap with ouderen
        soc = hh(y) * urg_rate / 1000 * mz_share                                       # mantelzorgurgenties
        flex = hh(y) * _w(P, "mantelzorg.mantelzorgwoningen_per_1000_huishoudens") / 1000  # erf (all landelijk)
        removed = min(_w(P, "overlap.mantelzorg_in_ouderen") * (soc + flex), ouderen_total(R, y))
        keep = 1 - removed / (soc + flex)                                              # both shrink alike
        return soc * keep, flex * keep

    def io(y):  # inwoners × 0.075/1000, minus min(0.5 × that, netto ggz_bw)
        i = inw(R, y) * _w(P, "intramuraal_overig.uitstroom_woningen_per_1000_inwoners") / 1000
        return i - min(_w(P, "overlap.intramuraal_overig_in_ggz_bw") * i, ggz(y))

    stroom = {
        ("ggz_bw", "zelfstandig_begeleid"): ggz,
        ("mo_dakloos", "zelfstandig_begeleid"): mo,
        ("jeugdzorg", "zelfstandig_begeleid"): jeugd,
        ("huiselijk_geweld", "sociale_huur"): hg,
        ("ex_gedetineerden", "sociale_huur"): exg,
        ("statushouders", "sociale_huur"): statush,
        ("urgenten", "sociale_huur"): urgenten,
        ("mantelzorg", "sociale_huur"): lambda y: mantelzorg(y)[0],
        ("mantelzorg", "flex"): lambda y: mantelzorg(y)[1],
        ("intramuraal_overig", "zelfstandig_begeleid"): io,
    }
    for key, f in stroom.items():
        expected[key] = f(JAAR)                        # vraag during 2030
        opgave[key] = sum(f(y) for y in STROOM_YEARS)  # toewijzing: Σ vraag 2024 … 2029

    # ------------------------------------------------------------------ arbeidsmigranten (stand)
    # bedden = inwoners 2024 × 50/1000 (regiotype agrarisch_logistiek: Limburg) × 1.04^(jaar − 2024); growth
    def arbeid(y):
        return (inw(R, BASIS) * _w(P, "arbeidsmigranten.per_1000_inwoners_agrarisch_logistiek") / 1000
                * (1 + _w(P, "arbeidsmigranten.groei_per_jaar")) ** (y - BASIS))

    aanbod[("arbeidsmigranten", "flex")] = arbeid(BASIS) * (1 - _w(P, "arbeidsmigranten.tekort_aandeel"))
    expected[("arbeidsmigranten", "flex")] = arbeid(JAAR)
    opgave[("arbeidsmigranten", "flex")] = arbeid(JAAR) - aanbod[("arbeidsmigranten", "flex")]

    # ------------------------------------------------------------------ studenten (stand, trend)
    # OLS of uitwonende studenten on jaar (2017–2024), continued from the last observation:
    # vraag(2030) = obs(2024) + slope × (2030 − 2024), clipped at 0, ÷ 1.0 student per eenheid.
    st = inputs["studenten_historie"]
    st = st[st["gemeentecode"] == R].sort_values("jaar")
    x, yv = st["jaar"].to_numpy(float), st["waarde"].to_numpy(float)
    assert len(x) >= 3 and x[-1] == BASIS
    slope = ((x - x.mean()) * (yv - yv.mean())).sum() / ((x - x.mean()) ** 2).sum()
    per_unit = _w(P, "studenten.studenten_per_eenheid")
    stud_2030 = max(0.0, yv[-1] + slope * (JAAR - BASIS)) / per_unit
    stud_2024 = yv[-1] / per_unit
    aanbod[("studenten", "studenteneenheid")] = stud_2024 * (1 - _w(P, "studenten.tekort_aandeel"))
    expected[("studenten", "studenteneenheid")] = stud_2030
    opgave[("studenten", "studenteneenheid")] = stud_2030 - aanbod[("studenten", "studenteneenheid")]

    # ------------------------------------------------------------------ compare
    got = demand[(demand["gemeentecode"] == R) & (demand["variant"] == "midden")]
    g30 = got[got["jaar"] == JAAR].set_index(["groep", "woningtype", "maat"])["waarde"]
    assert len(expected) == 18 and {g for g, _ in expected} == {
        "ouderen", "beperking", "ggz_bw", "mo_dakloos", "jeugdzorg", "huiselijk_geweld", "ex_gedetineerden",
        "statushouders", "arbeidsmigranten", "studenten", "woonwagenbewoners", "urgenten", "mantelzorg",
        "intramuraal_overig"}
    assert set(zip(got["groep"], got["woningtype"])) == set(expected)
    mismatches = []
    for (g, wt), v in sorted(expected.items()):
        task = "opgave" if got[(got["groep"] == g)]["soort"].iloc[0] == "stand" else "toewijzing"
        for maat, want in (("vraag", v), (task, opgave[(g, wt)])):
            have = float(g30[(g, wt, maat)])
            if not math.isclose(have, want, rel_tol=1e-9, abs_tol=1e-9):
                mismatches.append(f"{g}/{wt}/{maat}: library {have!r}, by hand {want!r}")
    assert not mismatches, "\n".join(mismatches)

    # aanbod rows: the estimates, only on 1-1-2024, = the hand computation
    aan = got[got["maat"] == "aanbod"].set_index(["groep", "woningtype", "jaar"])["waarde"]
    assert sorted(aan.index) == sorted(k + (BASIS,) for k in aanbod)
    for k, want in aanbod.items():
        assert aan[k + (BASIS,)] == pytest.approx(want, rel=1e-9), k


def test_roermond_units_and_soort_follow_the_catalogue_table(golden):
    """docs/aandachtsgroepen.md §1: soort and eenheid per groep/woningtype (checked on GM0957 rows)."""
    *_, demand = golden
    rows = demand[demand["gemeentecode"] == ROERMOND][["groep", "woningtype", "soort", "eenheid"]].drop_duplicates()
    got = {(r.groep, r.woningtype): (r.soort, r.eenheid) for r in rows.itertuples()}
    assert got == {
        ("ouderen", "nultreden"): ("stand", "woningen"), ("ouderen", "geclusterd"): ("stand", "woningen"),
        ("ouderen", "zorggeschikt"): ("stand", "woningen"), ("ouderen", "intramuraal"): ("stand", "plaatsen"),
        ("beperking", "intramuraal"): ("stand", "plaatsen"),
        ("ggz_bw", "zelfstandig_begeleid"): ("stroom", "woningen"),
        ("mo_dakloos", "zelfstandig_begeleid"): ("stroom", "woningen"),
        ("jeugdzorg", "zelfstandig_begeleid"): ("stroom", "eenheden"),
        ("huiselijk_geweld", "sociale_huur"): ("stroom", "woningen"),
        ("ex_gedetineerden", "sociale_huur"): ("stroom", "woningen"),
        ("statushouders", "sociale_huur"): ("stroom", "woningen"),
        ("arbeidsmigranten", "flex"): ("stand", "bedden"),
        ("studenten", "studenteneenheid"): ("stand", "eenheden"),
        ("woonwagenbewoners", "standplaats"): ("stand", "standplaatsen"),
        ("urgenten", "sociale_huur"): ("stroom", "woningen"),
        ("mantelzorg", "sociale_huur"): ("stroom", "woningen"), ("mantelzorg", "flex"): ("stroom", "woningen"),
        ("intramuraal_overig", "zelfstandig_begeleid"): ("stroom", "woningen"),
    }
