"""Count each person in one group only.

Rule. ``overlap_prioriteit`` orders the groups: a group earlier in the list keeps a person who
also belongs to a later group. For a pair (lower B, higher A) the parameter
``overlap.<B>_in_<A>`` is the share ``s`` of B's need that is already counted in A. Per gemeente
and jaar, B loses ``min(s × B, A_net)``: never more than A actually holds (after A's own
deductions), and never more than B itself (shares of several higher groups add up, capped at B).
B's rows (all its woningtypen) are scaled by the same factor. Groups are processed in priority
order, so a higher group's net need is final before a lower group is compared with it.

Rows marked ``lokaal`` (a researcher's local figure) are taken as given and never reduced; the
researcher is asked to supply them net of overlap. Examples: a homeless ex-gedetineerde is counted
under ``mo_dakloos``; an older mantelzorger under ``ouderen``. The mantelzorg urgencies inside the
urgentieverklaringen are split off definitionally in ``methods`` (urgenten × (1 − share)), not here.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import pandas as pd

KEYS = ["gemeentecode", "jaar"]


def check_pairs(pairs: Mapping[tuple[str, str], float], priority: Sequence[str]) -> None:
    """Every pair (lower, higher) must have ``higher`` before ``lower`` in ``priority``."""
    rank = {g: i for i, g in enumerate(priority)}
    for lower, higher in pairs:
        if lower not in rank or higher not in rank:
            raise ValueError(f"overlap-paar ({lower}, {higher}) noemt een groep die niet in de prioriteit staat")
        if rank[higher] >= rank[lower]:
            raise ValueError(f"overlap-paar ({lower}, {higher}): '{higher}' moet vóór '{lower}' in de prioriteit staan")


def apply_overlap(vraag: pd.DataFrame, shares: Mapping[tuple[str, str], float],
                  priority: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Apply the overlap rule to one variant's need.

    ``vraag``: columns ``gemeentecode, groep, jaar, woningtype, waarde`` and optionally ``lokaal``
    (bool). ``shares``: ``{(lower, higher): s}`` with 0 ≤ s ≤ 1. Returns ``(net, removed)``: the
    same rows with reduced ``waarde``, and ``gemeentecode, jaar, groep, bij_groep, waarde`` with
    the amount moved from ``groep`` to ``bij_groep`` (zero rows dropped).
    """
    check_pairs(shares, priority)
    for pair, s in shares.items():
        if not 0.0 <= s <= 1.0:
            raise ValueError(f"overlap-aandeel {pair} = {s} ligt niet tussen 0 en 1")
    net = vraag.copy()
    if "lokaal" not in net.columns:
        net["lokaal"] = False
    removed_parts = []
    for lower in priority:
        highers = [h for (lo, h) in shares if lo == lower]
        if not highers:
            continue
        is_b = (net["groep"] == lower) & ~net["lokaal"]
        if not is_b.any():
            continue
        b_total = net[is_b].groupby(KEYS)["waarde"].sum()
        total_removed = pd.Series(0.0, index=b_total.index)
        for higher in highers:
            s = shares[(lower, higher)]
            a_total = net[net["groep"] == higher].groupby(KEYS)["waarde"].sum()
            a_total = a_total.reindex(b_total.index, fill_value=0.0)
            rem = (s * b_total).clip(upper=a_total).clip(lower=0.0)
            # Cap the sum over several higher groups at B itself.
            rem = rem.clip(upper=b_total - total_removed)
            total_removed = total_removed + rem
            part = rem.rename("waarde").reset_index()
            part["groep"], part["bij_groep"] = lower, higher
            removed_parts.append(part)
        factor = (1.0 - total_removed / b_total.where(b_total > 0)).fillna(1.0).rename("_factor")
        idx = pd.MultiIndex.from_frame(net.loc[is_b, KEYS])
        net.loc[is_b, "waarde"] = net.loc[is_b, "waarde"].to_numpy() * factor.reindex(idx).to_numpy()
    cols = ["gemeentecode", "jaar", "groep", "bij_groep", "waarde"]
    removed = (pd.concat(removed_parts, ignore_index=True)[cols] if removed_parts
               else pd.DataFrame(columns=cols))
    removed = removed[removed["waarde"] > 0].sort_values(cols[:4], kind="mergesort").reset_index(drop=True)
    return net, removed
