"""One-hop facade from a region to every figure in the report.

Notebooks and CLI commands call these functions; each one names the model it uses:
- population, components, households → :mod:`woonzorg_lib.demography`
- vraag / aanbod / opgave per aandachtsgroep → :func:`woonzorg_lib.groups.methods.demand_table`
- verdeling → :func:`woonzorg_lib.verdeling.allocate.allocate`
- indicators per gemeente → :mod:`woonzorg_lib.indicators`

Results are cached per (region gemeenten, arguments) within a process, so the chapters of one
report reuse one computation.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import pandas as pd

from . import demography, indicators, regions
from .dataset import load
from .errors import InputError
from .groups import load_parameters
from .groups.methods import demand_table, opgave_basis, sensitivity
from .groups.params import ParameterSet

VARIANTS = ("laag", "midden", "hoog")
BASE_YEAR = 2024


def as_region(region) -> regions.Region:
    return region if isinstance(region, regions.Region) else regions.load_region(region)


def _codes(region) -> tuple[str, ...]:
    return tuple(sorted(as_region(region).gemeenten))


# ---------------------------------------------------------------- demography
@lru_cache(maxsize=32)
def _forecast(codes: tuple[str, ...], as_of: int, until: int) -> pd.DataFrame:
    return demography.forecast(list(codes), as_of=as_of, until=until, variants=VARIANTS)


def region_forecast(region, *, as_of: int = BASE_YEAR, until: int = 2030) -> pd.DataFrame:
    """Population by gemeente × jaar × geslacht × 5-year band × variant (CONTRACTS forecast columns)."""
    return _forecast(_codes(region), as_of, until).copy()


@lru_cache(maxsize=32)
def _households(codes: tuple[str, ...], as_of: int, until: int) -> pd.DataFrame:
    return demography.households(list(codes), as_of=as_of, until=until, variants=VARIANTS)


def region_households(region, *, as_of: int = BASE_YEAR, until: int = 2030) -> pd.DataFrame:
    return _households(_codes(region), as_of, until).copy()


def region_components(region, *, as_of: int = BASE_YEAR, until: int = 2030) -> pd.DataFrame:
    return demography.components(list(_codes(region)), as_of=as_of, until=until, variants=VARIANTS)


# ---------------------------------------------------------------- demand
def _corop_codes(codes: tuple[str, ...]) -> pd.DataFrame:
    """gemeente → COROP code of the zorgwoonruimten table (matched on the COROP name)."""
    g = load.table("gemeenten").set_index("gemeentecode").loc[list(codes)]
    z = load.table("zorgwoonruimten")
    cr = z[z["regiocode"].str.startswith("CR")][["regiocode", "regionaam"]].drop_duplicates()
    name_to_code = {n.replace(" (CR)", ""): c for c, n in zip(cr["regiocode"], cr["regionaam"])}
    rows = [(code, name_to_code.get(corop)) for code, corop in g["corop"].items()]
    return pd.DataFrame(rows, columns=["gemeentecode", "gebiedscode"]).dropna()


def demand_inputs(region, *, as_of: int = BASE_YEAR) -> dict:
    """Everything demand_table needs besides the projection, from data/processed (dated ≤ as_of)."""
    return dict(_demand_inputs(_codes(region), as_of))


@lru_cache(maxsize=32)
def _demand_inputs(codes: tuple[str, ...], as_of: int) -> dict:
    g = load.table("gemeenten")
    tot = load.table("bevolking_totaal")
    nl = tot[(tot["gemeentecode"] == "NL01") & (tot["jaar"] == as_of)]["waarde"]
    nl_inwoners = float(nl.iloc[0]) if len(nl) else float(g["inwoners_2024"].sum())
    hh = _households(codes, as_of, as_of)
    hh = hh[(hh["jaar"] == as_of) & (hh["variant"] == "midden")]
    huishoudens = hh.rename(columns={"huishoudens": "waarde"})[["gemeentecode", "waarde"]]
    ind = indicators.gemeente_indicators(codes, jaar=as_of)
    woningvoorraad = ind["woningvoorraad"].rename("waarde").reset_index()
    grp = load.table("groepen")
    st = grp[(grp["variabele"] == "uitwonende_studenten") & grp["gemeentecode"].isin(codes) & (grp["jaar"] <= as_of)]
    studenten = st.groupby(["gemeentecode", "jaar"], as_index=False)["waarde"].sum()
    gebieden = _corop_codes(codes)
    z = load.table("zorgwoonruimten")
    z = z[(z["type_zorgwoonruimte"] == "Totaal") & z["regiocode"].isin(gebieden["gebiedscode"]) & (z["jaar"] <= as_of)]
    # supply only counts for areas that lie wholly inside the region (demand_table refuses partial areas)
    corop_of_all = _corop_all()
    whole = [c for c in gebieden["gebiedscode"].unique()
             if set(corop_of_all[corop_of_all["gebiedscode"] == c]["gemeentecode"]) <= set(codes)]
    z = z[z["regiocode"].isin(whole)]
    aanbod = pd.DataFrame({"gebiedscode": z["regiocode"], "jaar": z["jaar"], "woningtype": "intramuraal",
                           "waarde": z["waarde"]})
    return dict(nl_inwoners=nl_inwoners, huishoudens=huishoudens, woningvoorraad=woningvoorraad,
                studenten_historie=studenten, aanbod=aanbod if len(aanbod) else None,
                gebieden=gebieden[gebieden["gebiedscode"].isin(whole)] if whole else None)


@lru_cache(maxsize=1)
def _corop_all() -> pd.DataFrame:
    return _corop_codes(tuple(sorted(load.table("gemeenten")["gemeentecode"])))


def parameters(path: str | Path | None = None, scenario: str | Path | None = None) -> ParameterSet:
    return load_parameters(path, scenario=scenario)


def region_demand(region, *, until: int = 2030, params: ParameterSet | None = None, as_of: int = BASE_YEAR,
                  local_figures: pd.DataFrame | None = None, variants=VARIANTS) -> pd.DataFrame:
    """CONTRACTS demand table for all gemeenten of the region, all variants (variant × demography variant)."""
    if until < as_of:
        raise InputError(f"horizon {until} ligt vóór het basisjaar {as_of}", file="<opdrachtregel>", column="--until")
    params = params or load_parameters()
    proj = region_forecast(region, as_of=as_of, until=until)
    inputs = demand_inputs(region, as_of=as_of)
    frames = [demand_table(proj, params, v, basisjaar=as_of, tot_jaar=until, local_figures=local_figures, **inputs)
              for v in variants]
    out = pd.concat(frames, ignore_index=True)
    key = ["gemeentecode", "groep", "jaar", "variant", "soort", "eenheid", "maat", "woningtype"]
    return out.sort_values(key, kind="mergesort").reset_index(drop=True)


def region_opgave_basis(demand: pd.DataFrame) -> pd.DataFrame:
    return opgave_basis(demand)


def region_sensitivity(region, *, params: ParameterSet | None = None, jaar: int = 2030, per_groep: bool = False,
                       as_of: int = BASE_YEAR) -> pd.DataFrame:
    """Tornado data: the region's opgave in ``jaar`` with each parameter at its low and high end."""
    params = params or load_parameters()
    proj = region_forecast(region, as_of=as_of, until=jaar)
    r = as_region(region)
    return sensitivity(proj, params, jaar=jaar, regio={c: r.naam for c in r.gemeenten}, per_groep=per_groep,
                       **demand_inputs(region, as_of=as_of))


# ---------------------------------------------------------------- verdeling
def allocation_inputs(region, *, params: ParameterSet | None = None, jaar: int = BASE_YEAR) -> tuple[pd.DataFrame, pd.Series]:
    """Indicator table (index gemeentecode) and current-effort shares for the verdeelsleutel."""
    from .verdeling.keys import derive_indicators

    params = params or load_parameters()
    ind = indicators.gemeente_indicators(_codes(region), jaar=jaar)
    base = ind[["inwoners", "woningvoorraad", "sociale_huur"]].copy()
    derived = derive_indicators(base, mutatiegraad=params.value("verhuur.mutatiegraad"),
                                aandeel_aandachtsgroepen=params.value("verhuur.aandeel_aandachtsgroepen"),
                                norm=indicators.NORM_SOCIALE_HUUR)
    effort = indicators.current_effort_share(ind)
    return derived, effort


def region_tasks(demand: pd.DataFrame, periode: str = "2024-2030", variant: str = "midden") -> pd.DataFrame:
    """The region's opgave per groep × woningtype for a periode, in whole units (negative → 0)."""
    start, end = (int(x) for x in periode.split("-"))
    d = demand[(demand["maat"] == "opgave") & (demand["jaar"] == end) & (demand["variant"] == variant)]
    if d.empty:
        raise InputError(f"geen opgave voor {end} in de vraagtabel (horizon te kort?)", column="periode")
    t = d.groupby(["groep", "woningtype"], as_index=False)["waarde"].sum()
    t["taak"] = t["waarde"].map(lambda v: max(0, int(math.floor(v + 0.5))))
    t["periode"] = periode
    return t[["groep", "woningtype", "periode", "taak"]].sort_values(["groep", "woningtype"]).reset_index(drop=True)


def region_allocation(region, *, key: str | Path | None = None, periode: str = "2024-2030", method: str = "hamilton",
                      params: ParameterSet | None = None, demand: pd.DataFrame | None = None,
                      taken: pd.DataFrame | None = None, floors=None, caps=None, carry_over=None,
                      cap_verhuurcapaciteit: bool = False, bronnen: dict | None = None) -> pd.DataFrame:
    """CONTRACTS allocate table under every key of the sensitivity analysis (inwoners, sociale_huur,
    vraag and the configured mix).

    ``floors``, ``caps``, ``carry_over`` pass through to :func:`~.verdeling.allocate.allocate`
    (tables ``gemeentecode, waarde[, groep][, woningtype][, periode]`` or Series per gemeente);
    ``cap_verhuurcapaciteit`` adds the cap ⌊verhuurcapaciteit × years of the periode⌋ per gemeente
    (the lower of the two caps counts). ``bronnen`` names the sources in error messages."""
    from .verdeling.allocate import allocate, caps_from_lettings_capacity
    from .verdeling.keys import standard_keys

    params = params or load_parameters()
    end = int(periode.split("-")[1])
    if demand is None:
        demand = region_demand(region, until=end, params=params, variants=("midden",))
    if taken is None:
        taken = region_tasks(demand, periode)
    ind, effort = allocation_inputs(region, params=params)
    d = demand[(demand["maat"] == "vraag") & (demand["jaar"] == end) & (demand["variant"] == "midden")]
    vraag = d.groupby(["gemeentecode", "groep", "woningtype"], as_index=False)["waarde"].sum()
    keys = standard_keys(key)
    bronnen = dict(bronnen or {})
    if cap_verhuurcapaciteit:
        cap_vh = caps_from_lettings_capacity(ind, periode)
        bronnen["caps"] = " + ".join(x for x in (bronnen.get("caps", "<caps>") if caps is not None else None,
                                                 "verhuurcapaciteit") if x)
        caps = cap_vh if caps is None else [caps, cap_vh]
    return allocate(taken, ind, keys, effort, method=method, vraag=vraag, floors=floors, caps=caps,
                    carry_over=carry_over, bronnen=bronnen)
