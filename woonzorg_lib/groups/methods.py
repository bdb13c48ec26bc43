"""Compatibility module: the estimation methods now live in purpose-named modules of
:mod:`woonzorg_lib.groups` (``bands``, ``estimators``, ``local``, ``grid``, ``need``, ``supply``,
``assembly``, ``uncertainty``, ``ouderen``). Import from :mod:`woonzorg_lib.groups` instead."""

from .assembly import demand_table, opgave_basis
from .bands import BASISJAAR, age_rates, check_projection, map_rates_to_bands, population_by_band, prevalence
from .estimators import flow, flow_units, lettings_capacity, policy_task, trend_forecast
from .local import apply_local_figures
from .uncertainty import sensitivity

__all__ = ["BASISJAAR", "age_rates", "apply_local_figures", "check_projection", "demand_table", "flow",
           "flow_units", "lettings_capacity", "map_rates_to_bands", "opgave_basis", "policy_task",
           "population_by_band", "prevalence", "sensitivity", "trend_forecast"]
