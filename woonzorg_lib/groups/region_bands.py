"""Regional laag/hoog: the 10th and 90th percentile of the **regional total per draw** (CONTRACTS
"Variants": a regional band is computed on the regional total, never summed from gemeenten).

Summing the gemeenten's own percentiles (or the groups') overstates the range: their low ends do not
happen in the same draw. The draws are those of the demand table's laag/hoog
(:func:`.uncertainty.draw_stack`, same seed and inputs), so the two agree per gemeente and cell.

Three levels, each per region, ``soort``, ``eenheid``, ``maat`` and ``jaar``:

* ``woningtype``: one groep × woningtype;
* ``groep``: all woningtypes of one groep within one unit;
* ``soort``: all groups of one soort (stand or stroom) within one unit, e.g. the extra woningen of
  every stand group together (the Kernboodschap's range).

opgave and toewijzing are different maten and stay apart; aanbod is the current supply.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from .assembly import _split_local, mc_inputs
from .catalogue import CATALOGUE
from .grid import _prepare
from .params import ParameterSet
from .uncertainty import PERCENTIELEN, draw_stack

COLUMNS = ["regio", "niveau", "groep", "woningtype", "soort", "eenheid", "maat", "jaar", "laag", "hoog"]
LEVELS = ("woningtype", "groep", "soort")


def region_bands(projection: pd.DataFrame, params: ParameterSet, *, regio: Mapping[str, str] | None = None,
                 **inputs) -> pd.DataFrame:
    """Regional laag/hoog (columns :data:`COLUMNS`) from the Monte-Carlo draws of the demand table.

    ``regio``: gemeentecode → region name (default: every gemeente of the projection in one region
    ``regio``; gemeenten without a name are left out). ``inputs``: those of
    :func:`~.assembly.demand_table` (the same inputs give the same cached draws)."""
    # the draws use the local figures that hold for every variant, as the demand table's band does
    inputs["local_figures"] = _split_local(inputs.get("local_figures"), "midden")[0]
    kw = mc_inputs(**inputs)
    stack = draw_stack(projection, params, **kw)
    prep = _prepare(projection, params, "midden", **kw)
    G, Y = prep.shape
    names = np.array([("regio" if regio is None else regio.get(c, "")) for c in prep.gemeenten], dtype=object)
    sums: dict[tuple, np.ndarray] = {}
    for (g, wt, maat), arr in sorted(stack.items()):
        cat = CATALOGUE[g]
        soort, eenheid = cat.soort, cat.eenheid_voor(wt)
        cube = arr.reshape(len(arr), G, Y)
        for r in sorted({x for x in names if x}):
            cells = cube[:, names == r, :]
            if np.isnan(cells).all():
                continue  # no gemeente of the region has this measure (e.g. supply unknown)
            tot = np.nansum(cells, axis=1)  # draws × years
            for key in ((r, "woningtype", g, wt, soort, eenheid, maat), (r, "groep", g, "", soort, eenheid, maat),
                        (r, "soort", "", "", soort, eenheid, maat)):
                sums[key] = sums[key] + tot if key in sums else tot.copy()
    rows = []
    for key in sorted(sums, key=lambda k: (k[0], LEVELS.index(k[1]), *k[2:])):
        tot = sums[key]
        lo, hi = np.percentile(tot, [PERCENTIELEN["laag"], PERCENTIELEN["hoog"]], axis=0)  # one partition
        rows += [(*key, int(y), float(a), float(b)) for y, a, b in zip(prep.years, lo, hi)]
    return pd.DataFrame(rows, columns=COLUMNS)
