"""One facade from a region to every result of a run.

:func:`run` computes the run's shared state once — the immutable :class:`RunResult` (region,
parameters, forecast, demand, allocation …) — and every chapter function in
:mod:`woonzorg_lib.chapters` reads from it. The smaller functions below are the steps, each naming
the model it uses (CLI commands call them directly):

- population, components, households → :mod:`woonzorg_lib.demography`
- vraag / aanbod / opgave / toewijzing per aandachtsgroep → :func:`woonzorg_lib.groups.demand_all`
  (inputs: :func:`woonzorg_lib.groups.demand_inputs`)
- verdeling → :func:`woonzorg_lib.verdeling.region_allocation` (indicators and current effort:
  :func:`woonzorg_lib.verdeling.region_allocation_inputs`)

Shared settings (variants, base year, region filter, as-of rule) come from
:mod:`woonzorg_lib.settings`; results are remembered by the one cache layer, :mod:`woonzorg_lib.cache`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import cache, demography, regions, verdeling
from .dataset import load
from .errors import InputError
from .groups import ParameterSet, demand_all, load_parameters, opgave_basis, sensitivity
from .groups import region_bands as _group_region_bands
from .groups import demand_inputs as _group_demand_inputs
from .settings import BASE_YEAR, DEFAULT_UNTIL, VARIANTS, in_region, region_codes

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
def demand_inputs(region, *, as_of: int = BASE_YEAR) -> dict:
    """Everything the demand model needs besides the projection and the parameters
    (:func:`woonzorg_lib.groups.demand_inputs`, data/processed as known on 1 January ``as_of``)."""
    return _group_demand_inputs(_codes(region), as_of=as_of)


def parameters(path: str | Path | None = None, scenario: str | Path | None = None) -> ParameterSet:
    return load_parameters(path, scenario=scenario)


def region_demand(region, *, until: int = DEFAULT_UNTIL, params: ParameterSet | None = None, as_of: int = BASE_YEAR,
                  local_figures: pd.DataFrame | None = None, variants=VARIANTS, methode=None,
                  realisaties: pd.DataFrame | None = None) -> pd.DataFrame:
    """CONTRACTS demand table for all gemeenten of the region, the given variants
    (:func:`woonzorg_lib.groups.demand_all`, as ``woonzorg demand``)."""
    if until < as_of:
        raise InputError(f"horizon {until} ligt vóór het basisjaar {as_of}", file="<opdrachtregel>", column="--until")
    params = params or load_parameters()
    proj = region_forecast(region, as_of=as_of, until=until)
    extra = {k: v for k, v in (("methode", methode), ("realisaties", realisaties)) if v is not None}
    return demand_all(proj, params, variants=tuple(variants), local_figures=local_figures, basisjaar=as_of,
                      tot_jaar=until, **extra, **demand_inputs(region, as_of=as_of))


def region_bands(region, *, until: int = DEFAULT_UNTIL, params: ParameterSet | None = None, as_of: int = BASE_YEAR,
                 local_figures: pd.DataFrame | None = None, methode=None,
                 realisaties: pd.DataFrame | None = None) -> pd.DataFrame:
    """Regional laag/hoog of the region's totals (:func:`woonzorg_lib.groups.region_bands`: the
    percentiles of the regional total per draw, from the same draws as :func:`region_demand`)."""
    params = params or load_parameters()
    proj = region_forecast(region, as_of=as_of, until=until)
    extra = {k: v for k, v in (("methode", methode), ("realisaties", realisaties)) if v is not None}
    return _group_region_bands(proj, params, basisjaar=as_of, tot_jaar=until, local_figures=local_figures,
                               **extra, **demand_inputs(region, as_of=as_of))


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
def _mix_key(key=None):
    """The configured mix key (the last of the standard keys), whose effort settings count."""
    keys = verdeling.standard_keys(key)
    return next(reversed(keys.values()))


def allocation_inputs(region, *, params: ParameterSet | None = None, as_of: int = BASE_YEAR,
                      key=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Indicator table (index gemeentecode) and current effort (``huidige_inspanning``,
    ``regionale_functie`` per gemeente) for the verdeelsleutel
    (:func:`woonzorg_lib.verdeling.region_allocation_inputs`)."""
    params = params or load_parameters()
    return verdeling.region_allocation_inputs(region, params=params, as_of=as_of, key=_mix_key(key))


def region_tasks(demand: pd.DataFrame, periode: str = "2024-2030", variant: str = "midden") -> pd.DataFrame:
    """The region's two tasks per groep × woningtype for a periode, in whole units
    (:func:`woonzorg_lib.verdeling.tasks_from_demand`: opgave for stand groups, toewijzing for
    stroom groups)."""
    return verdeling.tasks_from_demand(demand, periode, variant=variant)


def region_allocation(region, *, key: str | Path | None = None, periode: str = "2024-2030", method: str = "hamilton",
                      params: ParameterSet | None = None, demand: pd.DataFrame | None = None,
                      taken: pd.DataFrame | None = None, floors=None, caps=None, carry_over=None,
                      cap_verhuurcapaciteit: bool = False, bronnen: dict | None = None,
                      variant: str = "midden", inputs=None) -> pd.DataFrame:
    """CONTRACTS allocate table under every key of the sensitivity analysis
    (:func:`woonzorg_lib.verdeling.region_allocation`).

    ``variant`` is the run's variant: the tasks (when not given) and the ``vraag`` key both use the
    demand of that variant. ``floors``, ``caps``, ``carry_over``, ``cap_verhuurcapaciteit`` and
    ``bronnen`` pass through."""
    if variant not in VARIANTS:
        raise InputError(f"onbekende variant '{variant}'; kies uit {', '.join(VARIANTS)}", column="variant")
    params = params or load_parameters()
    end = int(periode.split("-")[1])
    if demand is None:
        demand = region_demand(region, until=end, params=params, variants=(variant,))
    d = demand[(demand["maat"] == "vraag") & (demand["jaar"] == end) & (demand["variant"] == variant)]
    if d.empty:
        raise InputError(f"geen vraag voor {end} in variant {variant} in de vraagtabel", column="variant")
    return verdeling.region_allocation(region, demand, key=key, periode=periode, method=method, params=params,
                                       variant=variant, taken=taken, floors=floors, caps=caps, carry_over=carry_over,
                                       cap_verhuurcapaciteit=cap_verhuurcapaciteit, bronnen=bronnen,
                                       inputs=inputs or allocation_inputs(region, params=params, key=key))


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
    bands: pd.DataFrame            # regional laag/hoog: percentiles of the regional total per draw
    default_demand: pd.DataFrame   # the same with the default parameters (= demand without scenario)
    opgave_basis: pd.DataFrame     # per gemeente × groep × woningtype: netto or bruto opgave
    sensitivity: pd.DataFrame      # tornado data: opgave with one parameter at its low/high end
    indicators: pd.DataFrame       # verdeelsleutel indicators per gemeente (derived ones included)
    effort: pd.DataFrame           # current effort per gemeente: huidige_inspanning, regionale_functie
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
        return int(self.params.until)

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
    until, as_of = int(params.until), int(params.as_of)
    fc = demography.forecast(codes, as_of=as_of, until=until)
    base = int(fc["jaar"].min())
    demand = region_demand(region, until=until, params=pset, as_of=base)
    default_demand = region_demand(region, until=until, params=default, as_of=base) if scenario else demand
    periode = f"{base}-{until}"
    tasks = region_tasks(demand, periode, variant=params.variant)
    ind, effort = allocation_inputs(region, params=pset, as_of=base)
    return RunResult(
        region=region, params=params, parameter_set=pset, default_parameter_set=default,
        gemeenten=region_gemeenten(region), forecast=fc,
        households=demography.households(codes, as_of=as_of, until=until),
        components=demography.components(codes, as_of=as_of, until=until),
        demand=demand, bands=region_bands(region, until=until, params=pset, as_of=base),
        default_demand=default_demand, opgave_basis=region_opgave_basis(demand),
        sensitivity=region_sensitivity(region, params=pset, until=until, as_of=base),
        indicators=ind, effort=effort, tasks=tasks,
        allocation=region_allocation(region, periode=periode, params=pset, demand=demand, taken=tasks,
                                     variant=params.variant, inputs=(ind, effort)))
