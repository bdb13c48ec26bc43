"""Local figures: a researcher's number per gemeente × groep × woningtype replaces the model's
level and keeps the model's change over the years."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, Sequence

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # annotations only (no import cycle)
    from .grid import Series, _Prepared


def _local_series(model: np.ndarray, years: Sequence[int], given: Mapping[int, float]) -> np.ndarray:
    """One key's values over ``years``: local where given, else nearest given year's local value
    plus the model's change since then (ties: earlier year), clipped at 0. ``model`` may be
    draws × years (the years on the last axis)."""
    pos = {y: i for i, y in enumerate(years)}
    gy = sorted(y for y in given if y in pos)
    out = np.asarray(model, float).copy()
    if not gy:
        return out
    for i, y in enumerate(years):
        if y in given:
            out[..., i] = given[y]
        else:
            y0 = min(gy, key=lambda g: (abs(g - y), g))
            x = given[y0] + model[..., i] - model[..., pos[y0]]
            out[..., i] = np.where(x > 0.0, x, 0.0)  # = max(0.0, x), also for -0.0 and NaN
    return out


def _local_for_variant(local: pd.DataFrame, variant: str) -> pd.DataFrame:
    loc = local[local["variant"].isna() | (local["variant"] == variant)]
    # A variant-specific row wins over an all-variants row for the same key and year.
    key = ["gemeentecode", "groep", "woningtype", "jaar"]
    return (loc.assign(_spec=loc["variant"].notna()).sort_values(key + ["_spec"], kind="mergesort")
            .drop_duplicates(key, keep="last").drop(columns="_spec"))


def apply_local_figures(vraag: pd.DataFrame, local: pd.DataFrame, variant: str) -> pd.DataFrame:
    """Replace model need by a researcher's local figures for one variant.

    ``vraag``: ``gemeentecode, groep, woningtype, jaar, waarde``; ``local``: as returned by
    :func:`~woonzorg_lib.groups.usercsv.read_local_figures` (``variant`` missing = all variants;
    a variant-specific row wins). For each (gemeente, groep, woningtype) with a local figure,
    given years take the local value; other years take the nearest given year's local value plus
    the model's change since that year (ties: the earlier year), clipped at 0: the model's trend
    is kept, the level is the researcher's. Local years outside the model's years and rows for
    gemeenten/groups not in ``vraag`` are ignored. Adds a bool column ``lokaal``.
    """
    out = vraag.sort_values(["gemeentecode", "groep", "woningtype", "jaar"], kind="mergesort").copy()
    out["lokaal"] = False
    if local is None or local.empty:
        return out
    key = ["gemeentecode", "groep", "woningtype"]
    loc = _local_for_variant(local, variant)
    for k, grp in loc.groupby(key, sort=True):
        mask = (out[key] == pd.Series(k, index=key)).all(axis=1).to_numpy()
        if not mask.any():
            continue
        years = out.loc[mask, "jaar"].astype(int).tolist()
        given = dict(zip(grp["jaar"].astype(int), grp["waarde"].astype(float)))
        if not any(y in given for y in years):
            continue
        out.loc[mask, "waarde"] = _local_series(out.loc[mask, "waarde"].to_numpy(float), years, given)
        out.loc[mask, "lokaal"] = True
    return out


def _apply_local(prep: _Prepared, vraag: Series) -> dict[tuple[str, str], np.ndarray]:
    """Put local figures into ``vraag`` (replacing its arrays); returns the lock masks per (groep,
    woningtype): cells whose value is the researcher's and is not reduced by the overlap rule."""
    locks = {k: np.zeros(len(prep.inw), bool) for k in vraag}
    if prep.local is None or prep.local.empty:
        return locks
    if ("local", prep.variant) not in prep.cache:
        prep.cache[("local", prep.variant)] = _local_for_variant(prep.local, prep.variant)
    loc = prep.cache[("local", prep.variant)]
    n_years = len(prep.years)
    gpos = {c: i for i, c in enumerate(prep.gemeenten)}
    for (code, groep, wt), grp in loc.groupby(["gemeentecode", "groep", "woningtype"], sort=True):
        if (groep, wt) not in vraag or code not in gpos:
            continue
        given = dict(zip(grp["jaar"].astype(int), grp["waarde"].astype(float)))
        if not any(y in given for y in prep.years):
            continue
        sl = slice(gpos[code] * n_years, (gpos[code] + 1) * n_years)
        arr = vraag[(groep, wt)].copy()
        arr[..., sl] = _local_series(arr[..., sl], prep.years, given)
        vraag[(groep, wt)] = arr
        locks[(groep, wt)][sl] = True
    return locks
