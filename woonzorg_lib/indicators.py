"""Indicators per gemeente from the processed data, for the verdeelsleutel and the report.

All values are for 1 January of ``as_of`` (default: the base year 2024) and only use observations
known on that day: every table passes through THE as-of rule (:func:`woonzorg_lib.settings.visible`,
i.e. :func:`woonzorg_lib.demography.asof.visible`) — a 1 January stock of year Y is known on 1
January Y; a statistic without a readable reference date (e.g. a gemeentefonds maatstaf for
``uitkeringsjaar`` Y) is counted as known on 1 January Y+1. Where an indicator is missing for a gemeente the error says which one:
nothing is silently filled.
"""

from __future__ import annotations

import pandas as pd

from . import cache
from .dataset import load
from .errors import DataMissingError
from .settings import BASE_YEAR, in_region, visible

NORM_SOCIALE_HUUR = 0.30  # national agreement: at least 30 % sociale huur per gemeente (Nationale Woon- en Bouwagenda)


def _latest(df: pd.DataFrame, variabele: str) -> pd.Series:
    """The latest value per gemeente of ``variabele`` in a table already filtered (region, as-of)."""
    sel = df[df["variabele"] == variabele]
    sel = sel.sort_values(["gemeentecode", "jaar"]).groupby("gemeentecode").tail(1)
    return sel.set_index("gemeentecode")["waarde"]


def _latest_year(df: pd.DataFrame, variabele: str) -> pd.Series:
    sel = df[df["variabele"] == variabele]
    return sel.groupby("gemeentecode")["jaar"].max()


def gemeente_indicators(codes, as_of: int = BASE_YEAR, *, jaar: int | None = None) -> pd.DataFrame:
    """One row per gemeente (index gemeentecode, sorted) with the raw indicators.

    Columns: inwoners, woningvoorraad, sociale_huur (huurwoningen van woningcorporaties),
    inwoners_in_zorginstellingen, adreslozen (overig_adreslozen, gemeentefonds), uitwonende_studenten,
    and the reference year of each source (``*_jaar``). Derived indicators (distance to the 30 %
    norm, lettings capacity) are made in one place: :func:`woonzorg_lib.verdeling.keys.derive_indicators`.
    """
    if jaar is not None:  # the former name of ``as_of`` (callers in groups/ and verdeling/ still use it)
        as_of = jaar
    codes = sorted(set(codes))
    # a run asks twice (demand inputs, verdeling inputs): computed once per process and data state
    return cache.cached("gemeente-indicators", (tuple(codes), int(as_of)),
                        lambda: _gemeente_indicators(codes, int(as_of))).copy()


def _gemeente_indicators(codes: list[str], as_of: int) -> pd.DataFrame:
    tot = in_region(visible("bevolking_totaal", load.table("bevolking_totaal"), as_of), codes)
    inw = tot[tot["jaar"] == as_of].set_index("gemeentecode")["waarde"]
    w = visible("woningvoorraad", in_region(load.table("woningvoorraad"), codes), as_of)
    g = visible("groepen", in_region(load.table("groepen"), codes), as_of)
    h = visible("huishoudens", in_region(load.table("huishoudens"), codes), as_of)
    out = pd.DataFrame(index=pd.Index(codes, name="gemeentecode"))
    out["inwoners"] = inw.astype(float)
    out["woningvoorraad"] = _latest(w, "woningvoorraad_totaal")
    out["sociale_huur"] = _latest(w, "huurwoningen_woningcorporatie")
    out["sociale_huur_jaar"] = _latest_year(w, "huurwoningen_woningcorporatie")
    out["inwoners_in_zorginstellingen"] = _latest(h, "inwoners_in_zorginstellingen")
    out["inwoners_in_zorginstellingen_jaar"] = _latest_year(h, "inwoners_in_zorginstellingen")
    out["adreslozen"] = _latest(g, "overig_adreslozen")
    out["adreslozen_jaar"] = _latest_year(g, "overig_adreslozen")
    out["uitwonende_studenten"] = _latest(g, "uitwonende_studenten")
    out["uitwonende_studenten_jaar"] = _latest_year(g, "uitwonende_studenten")
    need = ["inwoners", "woningvoorraad", "sociale_huur"]
    missing = out[need].isna()
    if missing.any().any():
        code = missing.any(axis=1).idxmax()
        col = missing.loc[code].idxmax()
        raise DataMissingError(f"indicator '{col}' ontbreekt voor {code} op of vóór {as_of} in data/processed")
    return out


EFFORT_COMPONENTS = ("inwoners_in_zorginstellingen", "adreslozen", "uitwonende_studenten")


def current_effort_share(ind: pd.DataFrame, components=EFFORT_COMPONENTS) -> pd.Series:
    """A gemeente's current share of the region's effort for aandachtsgroepen.

    Rule (stated in the report): the persons of aandachtsgroepen a gemeente already houses, as far
    as CBS publishes them per gemeente — inwoners in zorginstellingen + adreslozen (gemeentefonds
    maatstaf) + uitwonende studenten — summed, as a share of the region's sum. Components not known
    for every gemeente of the region are left out (and listed in ``attrs['components']``). When no
    component is known, the result is empty (NaN) and the report says so.
    """
    used = [c for c in components if ind[c].notna().all()]
    if not used:
        s = pd.Series(float("nan"), index=ind.index, name="huidige_inspanning")
        s.attrs["components"] = []
        return s
    persons = ind[used].sum(axis=1)
    s = (persons / persons.sum()).rename("huidige_inspanning")
    s.attrs["components"] = used
    return s
