"""A read-only view of a run for the workbook writer (``excel.write_workbook(ctx, path)``).

The run's state is :class:`woonzorg_lib.pipeline.RunResult`; its tables and figures come from the
chapter functions in :mod:`woonzorg_lib.chapters`. This view only lets code written against the
former report context (``ctx.demand``, ``ctx.need_wide("woningen")``, ``ctx.gemeenten_overview`` …)
read the same values: an attribute is the run's field, else a chapter function applied to the run.
New code calls the chapter functions directly.
"""

from __future__ import annotations

import functools

from ..dataset import load  # noqa: F401  (tests patch load.table through this module)
from ..chapters import (bevolking, bronnen, demografie, groepen, kernboodschap, labels, methoden, prognose,
                        verdeling, woonbehoefte)

_MODULES = (bevolking, demografie, prognose, groepen, woonbehoefte, verdeling, kernboodschap, bronnen, methoden,
            labels)
# former properties: read as values (computed from the run), not called
_VALUES = {"population_history", "region_population_history", "gemeenten_overview", "households_history",
           "catalogue", "group_names", "backtest", "manifest", "data_fingerprint", "code_version", "scenario_name",
           "title"}
# functions that do not take the run
_NO_RUN = {"catalogue", "group_names", "backtest", "manifest", "data_fingerprint", "code_version", "bron",
           "demography_source", "backtest_table", "backtest_chart_data", "demography_facts", "key_description",
           "method_settings", "woningtype_label", "key_label", "parameter_label"}


class Context:
    """``Context(run)``: attribute access to a run's fields and its chapter functions (``run`` is a
    :class:`~woonzorg_lib.pipeline.RunResult`, or run parameters from which one is computed)."""

    def __init__(self, run):
        from .. import pipeline

        self.run = run if isinstance(run, pipeline.RunResult) else pipeline.run(run)

    @property
    def p(self):
        return self.run.params

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        run = self.__dict__["run"]
        if hasattr(type(run), name) or name in getattr(run, "__dataclass_fields__", {}):
            return getattr(run, name)
        for mod in _MODULES:
            fn = getattr(mod, name, None)
            if callable(fn) and getattr(fn, "__module__", "") == mod.__name__:
                if name in _VALUES:
                    return fn() if name in _NO_RUN else fn(run)
                return fn if name in _NO_RUN else functools.partial(fn, run)
        raise AttributeError(f"{name!r}: not a field of the run nor a chapter function")
