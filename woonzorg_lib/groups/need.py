"""Model need per aandachtsgroep on the grid (before and after local figures and the overlap rule)."""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from .bands import _OPEN, _plain_number
from .catalogue import ARBEIDSMIGRANTEN_REGIOTYPEN, ARBEIDSMIGRANTEN_STANDAARD_REGIOTYPE, CATALOGUE, G4_GEMEENTEN
from .estimators import _policy_woningen, flow_units
from .grid import Series, _Prepared, is_drawn, n_draws, per_draw
from .local import _apply_local
from .ouderen import STANDAARD_METHODE
from .ouderen import WONINGTYPEN as OUDEREN_WONINGTYPEN
from .overlap import overlap_core


def ouderen_households_with_need(prep: _Prepared, v: Mapping[str, float]) -> np.ndarray:
    """*behoefte*: households with a 65–74 or 75+ member with a physical limitation, per cell."""
    w65, w75 = v["ouderen.beperkt_aandeel_65_74"], v["ouderen.beperkt_aandeel_75_plus"]
    if (_plain_number(w65) or is_drawn(w65)) and (_plain_number(w75) or is_drawn(w75)):
        # the same arithmetic as the DataFrame route below
        persons = prep.prevalence_triples({"totaal": [(65, 74, w65 if is_drawn(w65) else float(w65)),
                                                      (75, _OPEN, w75 if is_drawn(w75) else float(w75))]}, per=1.0)
    elif is_drawn(w65) or is_drawn(w75):
        return per_draw(v, lambda row: ouderen_households_with_need(prep, row))
    else:
        rates = pd.DataFrame({"geslacht": ["totaal", "totaal"], "leeftijd_van": [65, 75], "leeftijd_tot": [74, np.nan],
                              "waarde": [w65, w75]})
        persons = prep.prevalence(rates, per=1.0)
    return persons * v["ouderen.huishoudens_per_beperkte_persoon"]


def persons_75plus(prep: _Prepared) -> np.ndarray:
    """Persons aged 75+ per cell."""
    if "p75" not in prep.cache:
        rates = pd.DataFrame({"geslacht": ["totaal"], "leeftijd_van": [75], "leeftijd_tot": [np.nan], "waarde": [1.0]})
        prep.cache["p75"] = prep.prevalence(rates, per=1.0)
    return prep.cache["p75"]


def woonwagen_stock(prep: _Prepared, v: Mapping[str, float]) -> np.ndarray:
    """Standplaatsen per gemeente at basisjaar: estimated per 1000 dwellings (national ratio)."""
    return prep.lookup_input("woningvoorraad") * v["woonwagenbewoners.standplaatsen_per_1000_woningen"] / 1000


def _model_vraag(prep: _Prepared, v: Mapping[str, float]) -> Series:
    """Model need per (groep, woningtype) as grid arrays (before local figures and overlap)."""
    inw = prep.inw
    out: Series = {}

    for g in prep.groepen:
        if g == "ouderen":
            intra = [f"ouderen.{k}" for k in CATALOGUE[g].parameters if k.startswith("intramuraal_")]
            if prep.methode.get("ouderen", STANDAARD_METHODE) == "behoefte":
                hh = ouderen_households_with_need(prep, v)
                for wt in OUDEREN_WONINGTYPEN:
                    out[(g, wt)] = hh * v[f"ouderen.aandeel_{wt}"]
            out[(g, "intramuraal")] = prep.prevalence_of(v, intra)
        elif g == "beperking":
            out[(g, "intramuraal")] = prep.prevalence_of(v, ["beperking.ghz_verblijf_per_1000_18_plus"])
        elif g == "ggz_bw":
            out[(g, "zelfstandig_begeleid")] = flow_units(inw * v["ggz_bw.bw_per_1000_inwoners"] / 1000,
                                                          v["ggz_bw.uitstroom_aandeel_per_jaar"],
                                                          v["ggz_bw.personen_per_woning"])
        elif g == "mo_dakloos":
            g4 = prep.in_set("g4", G4_GEMEENTEN if prep.g4 is None else prep.g4)
            rate = np.where(g4, v["mo_dakloos.woningen_per_1000_inwoners_g4"], v["mo_dakloos.woningen_per_1000_inwoners"])
            out[(g, "zelfstandig_begeleid")] = inw * rate / 1000
        elif g == "jeugdzorg":
            out[(g, "zelfstandig_begeleid")] = flow_units(
                inw * v["jeugdzorg.uitstroom_18_per_100000_inwoners"] / 100_000,
                v["jeugdzorg.aandeel_eigen_eenheid"], v["jeugdzorg.personen_per_eenheid"])
        elif g == "huiselijk_geweld":
            out[(g, "sociale_huur")] = flow_units(inw * v["huiselijk_geweld.uitstroom_per_100000_inwoners"]
                                                  / 100_000, v["huiselijk_geweld.aandeel_nieuwe_woning"])
        elif g == "ex_gedetineerden":
            out[(g, "sociale_huur")] = flow_units(inw * v["ex_gedetineerden.uitstroom_per_1000_inwoners"] / 1000,
                                                  v["ex_gedetineerden.aandeel_woningbehoefte"],
                                                  v["ex_gedetineerden.personen_per_woning"])
        elif g == "statushouders":
            woningen = _policy_woningen(prep.base_inw, prep.nl_inwoners, v["statushouders.taakstelling_per_halfjaar"],
                                        v["statushouders.personen_per_woning"])
            out[(g, "sociale_huur")] = prep.per_gemeente(woningen)
        elif g == "arbeidsmigranten":
            rates = [v["arbeidsmigranten." + ARBEIDSMIGRANTEN_REGIOTYPEN[
                prep.regiotype.get(c, ARBEIDSMIGRANTEN_STANDAARD_REGIOTYPE)]] for c in prep.gemeenten]
            rate = _per_gemeente_rates(rates)
            groei, t = v["arbeidsmigranten.groei_per_jaar"], prep.jaar - prep.basisjaar
            # ``**`` draw by draw: each draw's power is computed as in one run
            growth = (np.stack([(1 + float(x)) ** t for x in groei[:, 0]]) if is_drawn(groei)
                      else (1 + groei) ** t)
            out[(g, "flex")] = prep.per_gemeente(prep.base_inw * rate / 1000) * growth
        elif g == "studenten":
            level = v["algemeen.trend_interval"]
            cells = (np.stack([prep.trend_cells(float(x)) for x in level[:, 0]]) if is_drawn(level)
                     else prep.trend_cells(level))
            out[(g, "studenteneenheid")] = cells / v["studenten.studenten_per_eenheid"]
        elif g == "woonwagenbewoners":
            # stand: current stock × (1 + waiting list share + new households per year since basisjaar)
            stock = prep.per_gemeente(woonwagen_stock(prep, v))
            out[(g, "standplaats")] = stock * (1 + v["woonwagenbewoners.wachtlijst_aandeel"]
                                               + v["woonwagenbewoners.nieuwe_vraag_aandeel_per_jaar"]
                                               * (prep.jaar - prep.basisjaar))
        elif g == "urgenten":
            # The mantelzorg urgencies are counted under mantelzorg (when that group is computed).
            mz = v["mantelzorg.aandeel_urgenties"] if "mantelzorg" in prep.groepen else 0.0
            out[(g, "sociale_huur")] = (prep.huishoudens_cells()
                                        * v["urgenten.urgentieverklaringen_per_1000_huishoudens"] / 1000 * (1 - mz))
        elif g == "mantelzorg":
            hh = prep.huishoudens_cells()
            out[(g, "sociale_huur")] = (hh * v["urgenten.urgentieverklaringen_per_1000_huishoudens"] / 1000
                                        * v["mantelzorg.aandeel_urgenties"])
            rural = prep.in_set("landelijk", prep.landelijk)
            out[(g, "flex")] = np.where(rural, hh * v["mantelzorg.mantelzorgwoningen_per_1000_huishoudens"] / 1000,
                                        0.0)
        elif g == "intramuraal_overig":
            out[(g, "zelfstandig_begeleid")] = inw * v["intramuraal_overig.uitstroom_woningen_per_1000_inwoners"] / 1000
    return out


def _per_gemeente_rates(rates: list) -> np.ndarray:
    """One rate per gemeente (numbers, or drawn values: then draws × gemeenten)."""
    n = next((r.shape[0] for r in rates if is_drawn(r)), None)
    if n is None:
        return np.array(rates)
    return np.stack([np.broadcast_to(np.asarray(r, float), (n, 1))[:, 0] for r in rates], axis=1)


def _net_vraag(prep: _Prepared, v: Mapping[str, float]) -> tuple[Series, dict]:
    vraag = _model_vraag(prep, v)
    n = n_draws(v)
    if n is not None:  # every array draws × cells (a group without drawn parameters: the same row)
        vraag = {k: np.array(np.broadcast_to(a, (n, a.shape[-1]))) for k, a in vraag.items()}
    locks = _apply_local(prep, vraag)
    shares = {pair: v[key] for pair, key in prep.params.overlap_pairs().items()
              if pair[0] in prep.groepen and pair[1] in prep.groepen}
    totals: dict[str, np.ndarray] = {}
    unlocked: dict[str, np.ndarray] = {}
    for (g, wt), arr in vraag.items():
        totals[g] = totals.get(g, 0.0) + arr
        unlocked[g] = unlocked.get(g, 0.0) + np.where(locks[(g, wt)], 0.0, arr)
    factors, removed = overlap_core(totals, unlocked, shares, prep.params.prioriteit)
    for (g, wt), arr in vraag.items():
        if g in factors:
            vraag[(g, wt)] = np.where(locks[(g, wt)], arr, arr * factors[g])
    return vraag, removed
