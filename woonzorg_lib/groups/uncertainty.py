"""Uncertainty of the demand model.

*Band* (variants laag/hoog): a seeded Monte Carlo over the parameters' joint uncertainty and the
demographic interval. Each draw takes every parameter with a range from a triangular distribution
(laag, waarde, hoog), independently, and one standard-normal z for demography: the population is
midden + z/0.9674 × (hoog − midden) for z > 0 (laag for z < 0), so the demographic laag/hoog are
the ends of its 67 % interval (methods.md §3). The need of a draw is blended linearly between the
demographic variants (exact for the age-rate groups, an approximation where the overlap rule or
a trend acts). laag/hoog = the 10th/90th percentile of each cell (vraag, aanbod, opgave,
toewijzing separately) over ``algemeen.mc_trekkingen`` draws with seed ``algemeen.mc_seed``: not
every parameter at its extreme at once. Regional totals need their own percentiles
(:func:`regional_band`), never sums of gemeente percentiles.

*Tornado* (:func:`sensitivity`): the opgave with one parameter at a time at its range ends.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from .catalogue import CATALOGUE
from .grid import _prepare, draw_rows
from .need import _net_vraag
from .params import ParameterSet
from . import fingerprint as _fast
from .supply import _direct_opgave, _opgave, _supply


def sensitivity(projection: pd.DataFrame, params: ParameterSet, *, jaar: int = 2030,
                regio: Mapping[str, str] | None = None, per_groep: bool = False,
                parameters: Sequence[str] | None = None, **inputs) -> pd.DataFrame:
    """Tornado data: the opgave in ``jaar`` per region with each parameter at the low and at the high
    end of its range (its ``laag``/``hoog`` fields, literally), all others at ``waarde``, on the
    midden demography. ``inputs`` are the keyword inputs of :func:`demand_table`. ``regio`` maps
    gemeentecode → region name (default: all gemeenten form one region ``regio``); ``parameters``
    limits the keys (default: all whose laag ≠ hoog).

    Returns ``regio, [groep,] eenheid, maat, parameter, opgave_midden, opgave_laag, opgave_hoog,
    bereik`` (bereik = |opgave_hoog − opgave_laag|) for every parameter that changes that total,
    sorted by regio, (groep,) eenheid, maat, bereik descending, parameter. ``maat`` is ``opgave``
    (stand groups, extra units) or ``toewijzing`` (stroom groups, cumulative lettings): the two are
    separate rows, never summed; the ``opgave_*`` columns hold the value of that maat.
    """
    inputs.setdefault("tot_jaar", jaar)
    prep = _prepare(projection, params, "midden", **inputs)
    if jaar not in prep.years:
        raise ValueError(f"jaar {jaar} valt buiten de projectie ({prep.years[0]}–{prep.years[-1]})")
    mid = params.resolve("midden")
    regio = dict(regio) if regio is not None else {c: "regio" for c in prep.gemeenten}
    by = ["regio"] + (["groep"] if per_groep else []) + ["eenheid", "maat"]

    yi = prep.years.index(jaar)
    G, Y = prep.shape
    of_region = np.array([regio.get(c, "") for c in prep.gemeenten], dtype=object)
    names = sorted({r for r in of_region if r})  # gemeenten without a region are left out

    masks = {r: of_region == r for r in names}

    def total(values: Mapping[str, float]) -> dict[tuple, float]:
        vraag, _ = _net_vraag(prep, values)
        task = _opgave(prep, vraag, _supply(prep, values, vraag, mid)[0], _direct_opgave(prep, values))
        acc: dict[tuple, float] = {}
        for (g, wt), (maat, arr) in task.items():
            col = arr.reshape(G, Y)[:, yi]
            for r in names:
                k = (r,) + ((g,) if per_groep else ()) + (CATALOGUE[g].eenheid_voor(wt), maat)
                acc[k] = acc.get(k, 0.0) + float(col[masks[r]].sum())
        return acc

    base = total(mid)
    order = sorted(base)  # the keys in sorted order (as a sorted index would hold them)
    keys = list(parameters) if parameters is not None else [k for k, e in params.entries.items() if e.laag != e.hoog]
    rows = []
    for key in keys:
        entry = params[key]
        lo = total({**mid, key: entry.laag})
        hi = total({**mid, key: entry.hoog})
        for idx in order:
            b, l, h = base[idx], lo.get(idx, 0.0), hi.get(idx, 0.0)
            if abs(l - b) > 1e-9 or abs(h - b) > 1e-9:
                rec = dict(zip(by, idx))
                rec.update(parameter=key, opgave_midden=b, opgave_laag=l, opgave_hoog=h, bereik=abs(h - l))
                rows.append(rec)
    cols = by + ["parameter", "opgave_midden", "opgave_laag", "opgave_hoog", "bereik"]
    out = pd.DataFrame(rows, columns=cols)
    out["_neg"] = -out["bereik"]
    return (out.sort_values(by + ["_neg", "parameter"], kind="mergesort").drop(columns="_neg")
            .reset_index(drop=True))


Z_DEMOGRAFIE = 0.9674  # z of the ends of a 67 % interval
PERCENTIELEN = {"laag": 10.0, "hoog": 90.0}
_MC_CACHE = _fast.LRU(8)
_STACK_CACHE = _fast.LRU(2)  # draws × cells per measure: the largest object of a run, so only two


def _two_piece_ppf(u: np.ndarray, lo: float, mode: float, hi: float) -> np.ndarray:
    """Two-piece uniform with median ``mode``: half the mass evenly on [lo, mode], half on
    [mode, hi] (so ``waarde`` is the median and midden lies inside the band)."""
    return np.where(u < 0.5, lo + (u / 0.5) * (mode - lo), mode + ((u - 0.5) / 0.5) * (hi - mode))


def parameter_draws(params: ParameterSet, n: int | None = None, seed: int | None = None
                    ) -> tuple[list[dict], np.ndarray]:
    """``n`` parameter sets (every parameter with laag < hoog drawn independently from a two-piece
    uniform with median waarde, the others at waarde) and ``n`` demographic z values;
    deterministic in seed."""
    values, z = _drawn_values(params, n, seed)
    return draw_rows(values), z


def _drawn_values(params: ParameterSet, n: int | None = None, seed: int | None = None) -> tuple[dict, np.ndarray]:
    """:func:`parameter_draws` as one parameter dict whose drawn values are arrays of shape
    (n, 1) (row i = draw i), for evaluating all draws at once; and the ``n`` z values."""
    mid = params.resolve("midden")
    n = int(mid.get("algemeen.mc_trekkingen", 400)) if n is None else int(n)
    seed = int(mid.get("algemeen.mc_seed", 20240101)) if seed is None else int(seed)
    keys = sorted(k for k, e in params.entries.items() if e.laag != e.hoog)
    rng = np.random.Generator(np.random.PCG64(seed))
    u = rng.random((n, len(keys)))
    z = rng.standard_normal(n)
    cols = {k: _two_piece_ppf(u[:, j], float(params[k].laag), float(params[k].waarde), float(params[k].hoog))
            for j, k in enumerate(keys)}
    return {**mid, **{k: np.asarray(cols[k], float).reshape(n, 1) for k in keys}}, z


def _blend(runs: Mapping[str, dict], z: np.ndarray) -> dict:
    """Each draw's need between the demographic variants: midden + |w| × (end − midden), w = z /
    0.9674, end = hoog for w ≥ 0 else laag (vraag clipped at 0); a draw without its end variant
    keeps midden. ``runs``: measures per variant, draws × cells."""
    mid = runs["midden"]
    w = np.asarray(z, float) / Z_DEMOGRAFIE
    ends = [(runs[dv], rows) for dv, rows in (("hoog", w >= 0), ("laag", w < 0)) if dv in runs and rows.any()]
    weight = np.abs(w)[:, None]
    out = {}
    for k, arr in mid.items():
        if k[2] == "aanbod":  # current supply does not depend on the demographic variant
            out[k] = arr
            continue
        b = arr.copy()
        for end, rows in ends:
            a = arr[rows]
            blended = a + weight[rows] * (end[k][rows] - a)
            b[rows] = np.clip(blended, 0.0, None) if k[2] in ("vraag", "aanbod") else blended
        out[k] = b
    return out


def _key(projection: pd.DataFrame, params: ParameterSet, inputs: Mapping) -> tuple | None:
    parts = [_fast.frame_key(projection)]
    for name in sorted(inputs):
        val = inputs[name]
        if isinstance(val, pd.DataFrame):
            parts.append((name, _fast.frame_key(val), repr(sorted(val.attrs.items()))))
        elif isinstance(val, (dict, frozenset, set)):
            parts.append((name, repr(sorted(val.items()) if isinstance(val, dict) else sorted(val))))
        else:
            parts.append((name, repr(val)))
    if any(p is None or (isinstance(p, tuple) and p[1] is None) for p in parts):
        return None
    pk = tuple((k, e.waarde, e.laag, e.hoog) for k, e in sorted(params.entries.items()))
    return (tuple(parts), pk, params.prioriteit)


def monte_carlo_measures(projection: pd.DataFrame, params: ParameterSet, **inputs) -> dict:
    """``{"laag": measures, "hoog": measures}`` with measures ``{(groep, woningtype, maat): array}``
    on the grid: the 10th and 90th percentile per cell (see the module docstring)."""
    key = _key(projection, params, inputs)
    return _MC_CACHE.get_or_make(key, lambda: _monte_carlo(projection, params, inputs))


def draw_stack(projection: pd.DataFrame, params: ParameterSet, **inputs) -> dict:
    """Every draw's measures, ``{(groep, woningtype, maat): array (draws × cells)}``: the draws behind
    :func:`monte_carlo_measures` (computed once per content; read only)."""
    key = _key(projection, params, inputs)
    return _STACK_CACHE.get_or_make(key, lambda: _readonly(_draw_stack(projection, params, inputs)))


def _readonly(stack: dict) -> dict:
    for a in stack.values():
        a.flags.writeable = False
    return stack


def _monte_carlo(projection: pd.DataFrame, params: ParameterSet, inputs: Mapping) -> dict:
    stack = draw_stack(projection, params, **inputs)
    return {v: {k: np.percentile(a, q, axis=0) for k, a in stack.items()} for v, q in PERCENTIELEN.items()}


def _draw_stack(projection: pd.DataFrame, params: ParameterSet, inputs: Mapping,
                n: int | None = None, seed: int | None = None) -> dict:
    """Every draw's measures stacked: ``{(groep, woningtype, maat): array (draws × cells)}``. All
    draws are evaluated at once (drawn values as arrays, see :mod:`.grid`), per demographic variant;
    each row equals the run of that draw alone."""
    from .assembly import _measures

    dvs = [dv for dv in ("laag", "midden", "hoog") if (projection["variant"] == dv).any()]
    if "midden" not in dvs:
        raise ValueError("de Monte Carlo heeft de demografische variant midden nodig")
    preps = {dv: _prepare(projection, params, dv, **inputs) for dv in dvs}
    mid = params.resolve("midden")
    values, z = _drawn_values(params, n, seed)
    if not len(z):
        return {}  # no draws, no rows (as a loop over zero draws)
    need = ["midden"] + [dv for dv, rows in (("hoog", z >= 0), ("laag", z < 0)) if dv in preps and rows.any()]
    runs = {dv: _measures(preps[dv], values, mid)[0] for dv in need}
    return {k: np.ascontiguousarray(a) for k, a in _blend(runs, z).items()}


def regional_band(projection: pd.DataFrame, params: ParameterSet, regio: Mapping[str, str], *,
                  jaar: int, **inputs) -> pd.DataFrame:
    """Regional totals with their own Monte-Carlo band: ``regio, groep, woningtype, maat, midden,
    laag, hoog`` in ``jaar`` (aanbod: at the basisjaar; laag/hoog = 10th/90th percentile of the
    regional sum per draw, not the sum of gemeente percentiles): the ``woningtype`` level of
    :func:`~.region_bands.region_bands` beside the central figure."""
    from .assembly import _measures, mc_inputs
    from .region_bands import region_bands

    inputs.setdefault("tot_jaar", jaar)
    kw = mc_inputs(**inputs)
    prep = _prepare(projection, params, "midden", **kw)
    if jaar not in prep.years:
        raise ValueError(f"jaar {jaar} valt buiten de projectie ({prep.years[0]}–{prep.years[-1]})")
    central = _measures(prep, params.resolve("midden"), params.resolve("midden"))[0]
    G, Y = prep.shape
    names = np.array([regio.get(c, "") for c in prep.gemeenten], dtype=object)
    b = region_bands(projection, params, regio=regio, **inputs)
    b = b[(b["niveau"] == "woningtype")
          & (b["jaar"] == np.where(b["maat"] == "aanbod", prep.years[0], jaar))]  # supply: the basisjaar
    rows = []
    for r in b.sort_values(["groep", "woningtype", "maat", "regio"]).itertuples(index=False):
        col = 0 if r.maat == "aanbod" else prep.years.index(jaar)
        c = float(np.nansum(central[(r.groep, r.woningtype, r.maat)].reshape(G, Y)[names == r.regio, col]))
        rows.append((r.regio, r.groep, r.woningtype, r.maat, c, r.laag, r.hoog))
    return pd.DataFrame(rows, columns=["regio", "groep", "woningtype", "maat", "midden", "laag", "hoog"])
