"""Aandachtsgroepen: catalogue, parameters, estimation methods, overlap rule and user CSVs.

Plain-language description: ``docs/aandachtsgroepen.md``. Defaults: ``config/parameters.yaml``.
"""

from .catalogue import CATALOGUE, GROUP_CODES, OVERLAP_PRIORITEIT, Group, get_group
from .methods import (apply_local_figures, demand_table, flow, flow_units, lettings_capacity, map_rates_to_bands,
                      opgave_basis, policy_task, prevalence, sensitivity, trend_forecast)
from .overlap import apply_overlap
from .params import ParameterSet, apply_overrides, apply_scenario, load_parameters
from .usercsv import read_local_figures, read_user_csv

__all__ = [
    "CATALOGUE", "GROUP_CODES", "OVERLAP_PRIORITEIT", "Group", "get_group",
    "ParameterSet", "load_parameters", "apply_scenario", "apply_overrides",
    "prevalence", "map_rates_to_bands", "flow", "flow_units", "policy_task", "trend_forecast", "apply_local_figures",
    "apply_overlap", "demand_table", "opgave_basis", "sensitivity", "lettings_capacity",
    "read_local_figures", "read_user_csv",
]
