"""Aandachtsgroepen: catalogue, parameters, estimation methods, overlap rule and user CSVs.

Plain-language description: ``docs/aandachtsgroepen.md``. Defaults: ``config/parameters.yaml``.
Modules by purpose: ``bands`` (age bands, prevalence), ``estimators`` (flows, policy task, trend),
``ouderen`` (rijksopgave and behoefte), ``grid`` (the gemeente × jaar grid), ``need`` (model need),
``supply`` (aanbod, opgave, toewijzing), ``assembly`` (the demand table), ``uncertainty`` (Monte
Carlo band and tornado), ``inputs`` (data inputs from data/processed), ``tables`` (report tables),
``data_coverage`` (which data-dependent components are off for which gemeenten: :func:`coverage`).
"""

from .assembly import demand_table, opgave_basis
from .catalogue import CATALOGUE, GROUP_CODES, OVERLAP_PRIORITEIT, Group, get_group
from .estimators import flow, flow_units, lettings_capacity, policy_task, trend_forecast
from .data_coverage import coverage
from .inputs import demand_inputs, intramural_supply
from .ouderen import rijksopgave_key
from .tables import demand_all, five_numbers, intramural_comparison, ouderen_comparison, supply_origin
from .uncertainty import monte_carlo_measures, regional_band
from .region_bands import region_bands
from .bands import map_rates_to_bands, prevalence
from .local import apply_local_figures
from .overlap import apply_overlap
from .params import ParameterSet, apply_overrides, apply_scenario, load_parameters
from .uncertainty import sensitivity
from .usercsv import read_local_figures, read_user_csv

__all__ = [
    "CATALOGUE", "GROUP_CODES", "OVERLAP_PRIORITEIT", "Group", "get_group",
    "ParameterSet", "load_parameters", "apply_scenario", "apply_overrides",
    "prevalence", "map_rates_to_bands", "flow", "flow_units", "policy_task", "trend_forecast", "apply_local_figures",
    "apply_overlap", "demand_table", "opgave_basis", "sensitivity", "lettings_capacity",
    "read_local_figures", "read_user_csv",
    "demand_inputs", "intramural_supply", "rijksopgave_key", "demand_all", "five_numbers", "intramural_comparison",
    "ouderen_comparison", "supply_origin", "monte_carlo_measures", "regional_band", "region_bands", "coverage",
]
