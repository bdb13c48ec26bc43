"""Demography engine: base population by 5-year band x sex and projections per gemeente.

Public API (see docs/demografie.md)::

    forecast(region_or_codes, *, as_of=2024, until=2030, variants=("laag", "midden", "hoog"),
             housing_programme=None) -> DataFrame   # CONTRACTS columns
    components(...) -> DataFrame     # gemeentecode, jaar, variant, geboorten, sterfte, migratiesaldo
    households(...) -> DataFrame     # gemeentecode, jaar, variant, huishoudens
    base_population(codes, year, as_of) -> DataFrame   # with kwaliteit exact | benadering | geschat
    base_fit(codes, year, as_of) -> DataFrame          # margins vs estimate
    aggregate(df, region, level="regio"|"subregio") -> DataFrame
    backtest.run() -> DataFrame; backtest.report_table(df) -> str (markdown)

``as_of`` follows one rule for every table (``asof.visible``): the engine sees only what was
known on 1 January of that year.
"""

from . import backtest
from .api import aggregate, base_fit, base_population, components, forecast, households, run
from .engine import VARIANTS

__all__ = ["forecast", "components", "households", "base_population", "base_fit", "aggregate", "run",
           "VARIANTS", "backtest"]
