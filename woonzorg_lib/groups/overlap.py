"""Count each person in one group only.

Rule. ``overlap_prioriteit`` orders the groups: a group earlier in the list keeps a person who
also belongs to a later group. For a pair (lower B, higher A) the parameter
``overlap.<B>_in_<A>`` is the share ``s`` of B's need that is already counted in A. Per gemeente
and jaar, B loses ``min(s × B, A_net)``: never more than A actually holds (after A's own
deductions), and never more than B itself (shares of several higher groups add up, capped at B).
All of B's rows (every woningtype) are scaled by the same factor. Groups are processed in
priority order, so a higher group's net need is final before a lower group is compared with it.
Need is compared in each group's own units, so pairs are only defined between groups counted at
roughly one household per unit.

Rows marked ``lokaal`` (a researcher's local figure) are taken as given and never reduced (the
researcher is asked to supply them net of overlap); they do count as A for lower groups.
Examples: a homeless ex-gedetineerde is counted under ``mo_dakloos``; an older mantelzorger under
``ouderen``. The mantelzorg urgencies inside the urgentieverklaringen are split off by definition
in ``methods`` (urgenten × (1 − share)), not here.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd

KEYS = ["gemeentecode", "jaar"]


def check_pairs(pairs, priority: Sequence[str]) -> None:
    """Every pair (lower, higher) must have ``higher`` before ``lower`` in ``priority``."""
    rank = {g: i for i, g in enumerate(priority)}
    for lower, higher in pairs:
        if lower not in rank or higher not in rank:
            raise ValueError(f"overlap-paar ({lower}, {higher}) noemt een groep die niet in de prioriteit staat")
        if rank[higher] >= rank[lower]:
            raise ValueError(f"overlap-paar ({lower}, {higher}): '{higher}' moet vóór '{lower}' in de prioriteit staan")


def overlap_core(totals: Mapping[str, np.ndarray], unlocked: Mapping[str, np.ndarray],
                 shares: Mapping[tuple[str, str], float], priority: Sequence[str]
                 ) -> tuple[dict[str, np.ndarray], dict[tuple[str, str], np.ndarray]]:
    """The rule on aligned arrays (one element per gemeente × jaar).

    ``totals[g]``: group g's whole need; ``unlocked[g]``: the part that may be reduced (not local).
    Returns ``factors[g]`` to multiply g's unlocked need by, and ``removed[(lower, higher)]``.
    """
    check_pairs(shares, priority)
    for pair, s in shares.items():  # a share may be drawn values (draws × 1): every one is checked
        ok = (np.asarray(s) >= 0.0) & (np.asarray(s) <= 1.0)
        if not ok.all():
            bad = float(np.asarray(s, float)[~ok][0]) if np.ndim(s) else s
            raise ValueError(f"overlap-aandeel {pair} = {bad} ligt niet tussen 0 en 1")
    net = {g: np.asarray(t, float).copy() for g, t in totals.items()}
    factors: dict[str, np.ndarray] = {}
    removed: dict[tuple[str, str], np.ndarray] = {}
    for lower in priority:
        highers = [h for (lo, h) in shares if lo == lower and h in net]
        if lower not in net or not highers:
            continue
        b = np.asarray(unlocked[lower], float)
        total_removed = np.zeros_like(b)
        for higher in highers:
            rem = np.minimum(shares[(lower, higher)] * b, np.maximum(net[higher], 0.0))
            rem = np.clip(np.minimum(rem, b - total_removed), 0.0, None)
            total_removed += rem
            removed[(lower, higher)] = rem
        with np.errstate(divide="ignore", invalid="ignore"):
            factors[lower] = np.where(b > 0, 1.0 - total_removed / b, 1.0)
        net[lower] = net[lower] - total_removed
    return factors, removed


def apply_overlap(vraag: pd.DataFrame, shares: Mapping[tuple[str, str], float],
                  priority: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Apply the overlap rule to one variant's need (DataFrame form).

    ``vraag``: columns ``gemeentecode, groep, jaar, woningtype, waarde`` and optionally ``lokaal``
    (bool). ``shares``: ``{(lower, higher): s}`` with 0 ≤ s ≤ 1. Returns ``(net, removed)``: the
    same rows with reduced ``waarde``, and ``gemeentecode, jaar, groep, bij_groep, waarde`` with
    the amount moved from ``groep`` to ``bij_groep`` (zero amounts dropped).
    """
    net = vraag.copy()
    if "lokaal" not in net.columns:
        net["lokaal"] = False
    cells = net[KEYS].drop_duplicates().sort_values(KEYS).reset_index(drop=True)
    idx = pd.MultiIndex.from_frame(cells)
    tot = net.pivot_table(index=KEYS, columns="groep", values="waarde", aggfunc="sum", fill_value=0.0)
    unl = net[~net["lokaal"]].pivot_table(index=KEYS, columns="groep", values="waarde", aggfunc="sum",
                                          fill_value=0.0)
    totals = {g: tot[g].reindex(idx, fill_value=0.0).to_numpy() for g in tot.columns}
    unlocked = {g: (unl[g].reindex(idx, fill_value=0.0).to_numpy() if g in unl.columns
                    else np.zeros(len(idx))) for g in totals}
    factors, removed = overlap_core(totals, unlocked, shares, priority)
    pos = pd.Series(np.arange(len(idx)), index=idx)
    row_pos = pos.reindex(pd.MultiIndex.from_frame(net[KEYS])).to_numpy()
    for g, f in factors.items():
        m = ((net["groep"] == g) & ~net["lokaal"]).to_numpy()
        net.loc[m, "waarde"] = net.loc[m, "waarde"].to_numpy() * f[row_pos[m]]
    cols = ["gemeentecode", "jaar", "groep", "bij_groep", "waarde"]
    parts = [cells.assign(groep=lo, bij_groep=hi, waarde=r) for (lo, hi), r in removed.items()]
    out = pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)
    out = out[out["waarde"] > 0].sort_values(cols[:4], kind="mergesort").reset_index(drop=True)
    return net, out
