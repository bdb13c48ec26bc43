"""One facade from a region to every result of a run.

:func:`run` computes the run's shared state once — the immutable :class:`RunResult` (region,
parameters, forecast, demand, allocation …) — and every chapter function in
:mod:`woonzorg_lib.chapters` reads from it. The smaller functions below are the steps, each naming
the model it uses (CLI commands call them directly):

- population, components, households → :mod:`woonzorg_lib.demography`
- vraag / aanbod / opgave per aandachtsgroep → :func:`woonzorg_lib.groups.demand_table`
- verdeling → :func:`woonzorg_lib.verdeling.allocate`
- indicators per gemeente → :mod:`woonzorg_lib.indicators`

Shared settings (variants, base year, region filter, as-of rule) come from
:mod:`woonzorg_lib.settings`; results are remembered by the one cache layer, :mod:`woonzorg_lib.cache`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import cache, demography, indicators, regions
from .dataset import load
from .errors import InputError
from .groups import demand_table, load_parameters, opgave_basis, sensitivity
from .groups.params import ParameterSet
from .settings import BASE_YEAR, DEFAULT_UNTIL, VARIANTS, in_region, region_codes, visible

__all__ = ["BASE_YEAR", "VARIANTS", "RunResult", "run", "as_region", "region_forecast", "region_households",
           "region_components", "demand_inputs", "parameters", "region_demand", "region_opgave_basis",
           "region_sensitivity", "allocation_inputs", "region_tasks", "region_allocation"]


def as_region(region) -> regions.Region:
    return region if isinstance(region, regions.Region) else regions.load_region(region)


_codes = region_codes


# ---------------------------------------------------------------- demography
def _forecast(codes: tuple[str, ...], as_of: int, until: int) -> pd.DataFrame:
    return cache.cached("region-forecast", (codes, as_of, until),
                        lambda: demography.forecast(list(codes), as_of=as_of, until=until, variants=VARIANTS))


def region_forecast(region, *, as_of: int = BASE_YEAR, until: int = DEFAULT_UNTIL) -> pd.DataFrame:
    """Population by gemeente × jaar × geslacht × 5-year band × variant (CONTRACTS forecast columns)."""
    return _forecast(_codes(region), as_of, until).copy()


def _households(codes: tuple[str, ...], as_of: int, until: int) -> pd.DataFrame:
    return cache.cached("region-households", (codes, as_of, until),
                        lambda: demography.households(list(codes), as_of=as_of, until=until, variants=VARIANTS))


def region_households(region, *, as_of: int = BASE_YEAR, until: int = DEFAULT_UNTIL) -> pd.DataFrame:
    return _households(_codes(region), as_of, until).copy()


def region_components(region, *, as_of: int = BASE_YEAR, until: int = DEFAULT_UNTIL) -> pd.DataFrame:
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
    codes = _codes(region)
    return dict(cache.cached("demand-inputs", (codes, as_of), lambda: _demand_inputs(codes, as_of)))


def _demand_inputs(codes: tuple[str, ...], as_of: int) -> dict:
    g = load.table("gemeenten")
    tot = load.table("bevolking_totaal")
    nl = in_region(visible("bevolking_totaal", tot, as_of), ["NL01"])
    nl = nl[nl["jaar"] == as_of]["waarde"]
    nl_inwoners = float(nl.iloc[0]) if len(nl) else float(g["inwoners_2024"].sum())
    hh = _households(codes, as_of, as_of)
    hh = hh[(hh["jaar"] == as_of) & (hh["variant"] == "midden")]
    huishoudens = hh.rename(columns={"huishoudens": "waarde"})[["gemeentecode", "waarde"]]
    ind = indicators.gemeente_indicators(codes, as_of=as_of)
    woningvoorraad = ind["woningvoorraad"].rename("waarde").reset_index()
    grp = load.table("groepen")
    grp = visible("groepen", in_region(grp, codes), as_of)
    st = grp[grp["variabele"] == "uitwonende_studenten"]
    studenten = st.groupby(["gemeentecode", "jaar"], as_index=False)["waarde"].sum()
    gebieden = _corop_codes(codes)
    z = load.table("zorgwoonruimten")
    z = visible("zorgwoonruimten", in_region(z, gebieden["gebiedscode"], column="regiocode"), as_of)
    z = z[z["type_zorgwoonruimte"] == "Totaal"]
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


def _corop_all() -> pd.DataFrame:
    return cache.cached("corop-all", (), lambda: _corop_codes(tuple(sorted(load.table("gemeenten")["gemeentecode"]))))


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


def region_sensitivity(region, *, params: ParameterSet | None = None, until: int = DEFAULT_UNTIL,
                       per_groep: bool = False, as_of: int = BASE_YEAR) -> pd.DataFrame:
    """Tornado data: the region's opgave in ``until`` with each parameter at its low and high end."""
    params = params or load_parameters()
    proj = region_forecast(region, as_of=as_of, until=until)
    r = as_region(region)
    return sensitivity(proj, params, jaar=until, regio={c: r.naam for c in r.gemeenten}, per_groep=per_groep,
                       **demand_inputs(region, as_of=as_of))


# ---------------------------------------------------------------- verdeling
def allocation_inputs(region, *, params: ParameterSet | None = None, as_of: int = BASE_YEAR) -> tuple[pd.DataFrame, pd.Series]:
    """Indicator table (index gemeentecode) and current-effort shares for the verdeelsleutel."""
    derive_indicators = _verdeling("derive_indicators")

    params = params or load_parameters()
    ind = indicators.gemeente_indicators(_codes(region), as_of=as_of)
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


def _verdeling(name: str):
    """``name`` from the package top level of :mod:`woonzorg_lib.verdeling` (while the split of
    ``verdeling/allocate.py`` lands, a name not yet re-exported there is taken from that module)."""
    from types import ModuleType

    from . import verdeling

    obj = getattr(verdeling, name, None)
    if obj is None or isinstance(obj, ModuleType):
        from .verdeling import allocate as module

        obj = getattr(module if isinstance(module, ModuleType) else verdeling, name)
    return obj


def region_allocation(region, *, key: str | Path | None = None, periode: str = "2024-2030", method: str = "hamilton",
                      params: ParameterSet | None = None, demand: pd.DataFrame | None = None,
                      taken: pd.DataFrame | None = None, floors=None, caps=None, carry_over=None,
                      cap_verhuurcapaciteit: bool = False, bronnen: dict | None = None,
                      variant: str = "midden") -> pd.DataFrame:
    """CONTRACTS allocate table under every key of the sensitivity analysis (inwoners, sociale_huur,
    vraag and the configured mix).

    ``variant`` is the run's variant: the tasks (when not given) and the ``vraag`` key both use the
    demand of that variant. ``floors``, ``caps``, ``carry_over`` pass through to ``allocate``
    (tables ``gemeentecode, waarde[, groep][, woningtype][, periode]`` or Series per gemeente);
    ``cap_verhuurcapaciteit`` adds the cap ⌊verhuurcapaciteit × years of the periode⌋ per gemeente
    (the lower of the two caps counts). ``bronnen`` names the sources in error messages."""
    allocate, caps_from_lettings_capacity = _verdeling("allocate"), _verdeling("caps_from_lettings_capacity")
    standard_keys = _verdeling("standard_keys")
    if variant not in VARIANTS:
        raise InputError(f"onbekende variant '{variant}'; kies uit {', '.join(VARIANTS)}", column="variant")
    params = params or load_parameters()
    end = int(periode.split("-")[1])
    if demand is None:
        demand = region_demand(region, until=end, params=params, variants=(variant,))
    if taken is None:
        taken = region_tasks(demand, periode, variant=variant)
    ind, effort = allocation_inputs(region, params=params)
    d = demand[(demand["maat"] == "vraag") & (demand["jaar"] == end) & (demand["variant"] == variant)]
    if d.empty:
        raise InputError(f"geen vraag voor {end} in variant {variant} in de vraagtabel", column="variant")
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


# ---------------------------------------------------------------- the run
@dataclass(frozen=True)
class RunResult:
    """The shared state of one run, computed once by :func:`run` and only read afterwards.

    ``params`` are the run's validated parameters (region, variant, until, as_of, …; for a report
    run :class:`woonzorg_lib.report.validate.RunParams`). Every table is a tidy, sorted DataFrame
    in the CONTRACTS columns; treat them as read-only (chapter functions copy before shaping)."""

    region: regions.Region
    params: object
    parameter_set: ParameterSet
    default_parameter_set: ParameterSet
    gemeenten: pd.DataFrame        # code, naam, subregio, centrumgemeente BW/MO, inwoners (by name)
    forecast: pd.DataFrame         # population (CONTRACTS forecast columns), every variant
    households: pd.DataFrame       # private households per gemeente × jaar × variant
    components: pd.DataFrame       # births, deaths, net migration per gemeente × jaar × variant
    demand: pd.DataFrame           # CONTRACTS demand table, every variant, run's parameters
    default_demand: pd.DataFrame   # the same with the default parameters (= demand without scenario)
    opgave_basis: pd.DataFrame     # per gemeente × groep × woningtype: netto or bruto opgave
    sensitivity: pd.DataFrame      # tornado data: opgave with one parameter at its low/high end
    indicators: pd.DataFrame       # verdeelsleutel indicators per gemeente (derived ones included)
    effort: pd.Series              # current-effort share per gemeente
    tasks: pd.DataFrame            # the region's tasks per groep × woningtype for the periode
    allocation: pd.DataFrame       # CONTRACTS allocate table under every standard key

    @property
    def slug(self) -> str:
        return self.region.slug

    @property
    def naam(self) -> str:
        return self.region.naam

    @property
    def codes(self) -> list[str]:
        return list(self.region.gemeenten)

    @property
    def names(self) -> dict[str, str]:
        return dict(zip(self.gemeenten["gemeentecode"], self.gemeenten["gemeentenaam"]))

    @property
    def variant(self) -> str:
        return self.params.variant

    @property
    def until(self) -> int:
        return int(self.params.horizon)

    @property
    def as_of(self) -> int:
        return int(self.params.as_of)

    @property
    def base_year(self) -> int:
        """The first year of the forecast (the as-of year; 2024 for a default run)."""
        return int(self.forecast["jaar"].min())

    @property
    def periode(self) -> str:
        return f"{self.base_year}-{self.until}"


def region_gemeenten(region) -> pd.DataFrame:
    """The region's gemeenten (from the ``gemeenten`` table) with their subregio, sorted by name."""
    r = as_region(region)
    g = in_region(load.table("gemeenten"), r.gemeenten).copy()
    g["subregio"] = [r.subregio_of(c) or "" for c in g["gemeentecode"]]
    return g.sort_values("gemeentenaam").reset_index(drop=True)


def run(params) -> RunResult:
    """The facade: everything one run needs, computed once (and remembered by :mod:`.cache`).

    ``params`` has ``region``, ``variant``, ``horizon`` (the ``until`` year), ``as_of`` and
    ``scenario`` (a path or ''), e.g. :class:`woonzorg_lib.report.validate.RunParams`."""
    region = as_region(params.region)
    codes = list(region.gemeenten)
    scenario = params.scenario or None
    pset = load_parameters(scenario=scenario)
    default = load_parameters() if scenario else pset
    until, as_of = int(params.horizon), int(params.as_of)
    fc = demography.forecast(codes, as_of=as_of, until=until)
    base = int(fc["jaar"].min())
    demand = region_demand(region, until=until, params=pset, as_of=base)
    default_demand = region_demand(region, until=until, params=default, as_of=base) if scenario else demand
    periode = f"{base}-{until}"
    tasks = region_tasks(demand, periode, variant=params.variant)
    ind, effort = allocation_inputs(region, params=pset)
    return RunResult(
        region=region, params=params, parameter_set=pset, default_parameter_set=default,
        gemeenten=region_gemeenten(region), forecast=fc,
        households=demography.households(codes, as_of=as_of, until=until),
        components=demography.components(codes, as_of=as_of, until=until),
        demand=demand, default_demand=default_demand, opgave_basis=region_opgave_basis(demand),
        sensitivity=region_sensitivity(region, params=pset, until=until, as_of=base),
        indicators=ind, effort=effort, tasks=tasks,
        allocation=region_allocation(region, periode=periode, params=pset, demand=demand, taken=tasks,
                                     variant=params.variant))
