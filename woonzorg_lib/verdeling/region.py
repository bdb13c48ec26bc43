"""One region end to end: indicators and current effort from ``data/processed``, the two tasks
from a demand table, and the allocation under every standard key (used by ``woonzorg allocate``;
``pipeline.region_allocation`` can delegate here).

The demand table is an input (computed by the caller, e.g. ``pipeline.region_demand``), so this
module never imports the pipeline.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from .allocation import allocate
from .bounds import caps_from_lettings_capacity
from .capacity import lettings_capacity
from .effort import current_effort
from .keys import Verdeelsleutel, standard_keys
from .shares import derive_indicators
from .tasks import tasks_from_demand

__all__ = ["region_allocation", "region_allocation_inputs", "region_capacity"]

BASE_YEAR = 2024


def _codes(region: Any) -> list[str]:
    from woonzorg_lib import regions

    r = region if isinstance(region, regions.Region) else regions.load_region(region)
    return sorted(r.gemeenten)


def _rate(params: Any, key: str, default: float) -> float:
    return float(params.value(key)) if params is not None else default


def region_allocation_inputs(region: Any, *, params: Any = None, as_of: int = BASE_YEAR,
                             key: Verdeelsleutel | None = None,
                             extra_effort: pd.DataFrame | None = None
                             ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The indicator table (index gemeentecode; inwoners, woningvoorraad, sociale_huur and the
    derived columns) and the current effort (:func:`~.effort.current_effort`, with the
    components switched in ``key``'s ``huidige_inspanning`` block) of the region's gemeenten."""
    from woonzorg_lib import indicators

    codes = _codes(region)
    mg = _rate(params, "verhuur.mutatiegraad", 0.065)
    aa = _rate(params, "verhuur.aandeel_aandachtsgroepen", 0.30)
    raw = indicators.gemeente_indicators(codes, jaar=as_of)
    ind = derive_indicators(raw[["inwoners", "woningvoorraad", "sociale_huur"]].copy(),
                            mutatiegraad=mg, aandeel_aandachtsgroepen=aa,
                            norm=indicators.NORM_SOCIALE_HUUR)
    effort = current_effort(codes, key.huidige_inspanning if key is not None else None,
                            as_of=as_of, extra=extra_effort, mutatiegraad=mg,
                            aandeel_aandachtsgroepen=aa)
    return ind, effort


def region_allocation(region: Any, demand: pd.DataFrame, *, key: str | Path | None = None,
                      periode: str = "2024-2030", method: str = "hamilton", params: Any = None,
                      variant: str = "midden", taken: pd.DataFrame | None = None,
                      floors: Any = None, caps: Any = None, carry_over: Any = None,
                      cap_verhuurcapaciteit: bool = False, bronnen: dict | None = None,
                      extra_effort: pd.DataFrame | None = None,
                      inputs: tuple[pd.DataFrame, pd.DataFrame] | None = None) -> pd.DataFrame:
    """The CONTRACTS allocate table of a region under every standard key.

    ``demand``: the CONTRACTS demand table of the region (any variants; ``variant`` picks the
    one for the tasks *and* for the ``vraag`` key). Tasks: :func:`~.tasks.tasks_from_demand`
    unless ``taken`` is given. ``cap_verhuurcapaciteit`` caps every gemeente's share of each
    lettings task at ⌊verhuurcapaciteit × years⌋ (never the stock task). ``inputs``: the
    result of :func:`region_allocation_inputs` when the caller already has it.
    """
    keys = standard_keys(key)
    mix = next(reversed(keys.values()))
    ind, effort = inputs or region_allocation_inputs(region, params=params, key=mix,
                                                     extra_effort=extra_effort)
    if taken is None:
        taken = tasks_from_demand(demand, periode, variant=variant)
    end = int(periode.split("-")[1])
    d = demand[(demand["maat"] == "vraag") & (demand["jaar"] == end)
               & (demand["variant"] == variant)]
    vraag = d.groupby(["gemeentecode", "groep", "woningtype"], as_index=False)["waarde"].sum()
    bronnen = dict(bronnen or {})
    if cap_verhuurcapaciteit:
        cap_vh = caps_from_lettings_capacity(ind, periode, taken=taken)
        bronnen["caps"] = " + ".join(x for x in (bronnen.get("caps", "<caps>")
                                                 if caps is not None else None,
                                                 "verhuurcapaciteit") if x)
        caps = cap_vh if caps is None else [caps, cap_vh]
    return allocate(taken, ind, keys, effort["huidige_inspanning"], method=method, vraag=vraag,
                    floors=floors, caps=caps, carry_over=carry_over, bronnen=bronnen,
                    regionale_functie=effort["regionale_functie"])


def region_capacity(region: Any, demand: pd.DataFrame, *, periode: str = "2024-2030",
                    variant: str = "midden", params: Any = None,
                    inputs: tuple[pd.DataFrame, pd.DataFrame] | None = None) -> pd.DataFrame:
    """:func:`~.capacity.lettings_capacity` of the region (per year), with the rates from
    ``params`` (``verhuur.mutatiegraad``, ``verhuur.aandeel_aandachtsgroepen``)."""
    ind = (inputs or region_allocation_inputs(region, params=params))[0]
    return lettings_capacity(
        demand, ind, periode=periode, variant=variant,
        mutatiegraad=_rate(params, "verhuur.mutatiegraad", 0.065),
        aandeel_aandachtsgroepen=_rate(params, "verhuur.aandeel_aandachtsgroepen", 0.30))
