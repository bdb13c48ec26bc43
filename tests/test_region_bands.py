"""Regional laag/hoog = percentiles of the regional total per draw (CONTRACTS "Variants"), from the
same draws as the demand table (real data: Midden-Limburg)."""

from __future__ import annotations

import numpy as np
import pytest

from woonzorg_lib import pipeline
from woonzorg_lib.groups import region_bands

REGION = "midden-limburg"
ROERMOND = "GM0957"


@pytest.fixture(scope="module")
def parts():
    params = pipeline.parameters()
    demand = pipeline.region_demand(REGION, params=params)
    bands = pipeline.region_bands(REGION, params=params)
    return params, demand, bands


def test_one_gemeente_region_has_the_gemeente_band_of_the_demand_table(parts):
    params, demand, _ = parts
    proj = pipeline.region_forecast(REGION)
    b = region_bands(proj, params, regio={ROERMOND: "Roermond"}, basisjaar=2024, tot_jaar=2030,
                     **pipeline.demand_inputs(REGION))
    assert set(b["regio"]) == {"Roermond"}
    w = b[b["niveau"] == "woningtype"].set_index(["groep", "woningtype", "maat", "jaar"])
    d = demand[demand["gemeentecode"] == ROERMOND].pivot_table(index=["groep", "woningtype", "maat", "jaar"],
                                                                columns="variant", values="waarde")
    both = w[["laag", "hoog"]].merge(d[["laag", "hoog"]], left_index=True, right_index=True,
                                   suffixes=("", "_tabel")).dropna()
    assert len(both) > 100
    np.testing.assert_allclose(both["laag"], both["laag_tabel"], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(both["hoog"], both["hoog_tabel"], rtol=1e-9, atol=1e-9)


def test_bands_hold_the_central_figure_and_are_narrower_than_summed_ranges(parts):
    _, demand, bands = parts
    d = demand[(demand["jaar"] == 2030) & (demand["eenheid"] == "woningen")]
    for soort, maat in (("stand", "opgave"), ("stroom", "toewijzing")):
        part = d[(d["soort"] == soort) & (d["maat"] == maat)]
        mid, lo_sum, hi_sum = (part[part["variant"] == v]["waarde"].sum() for v in ("midden", "laag", "hoog"))
        r = bands[(bands["niveau"] == "soort") & (bands["soort"] == soort) & (bands["eenheid"] == "woningen")
                  & (bands["maat"] == maat) & (bands["jaar"] == 2030)]
        assert len(r) == 1
        lo, hi = float(r["laag"].iloc[0]), float(r["hoog"].iloc[0])
        assert lo_sum <= lo <= mid <= hi <= hi_sum, (soort, lo_sum, lo, mid, hi, hi_sum)
    # the lettings of five independent groups: the regional range is clearly narrower
    r = bands[(bands["niveau"] == "soort") & (bands["soort"] == "stroom") & (bands["eenheid"] == "woningen")
              & (bands["maat"] == "toewijzing") & (bands["jaar"] == 2030)]
    part = d[(d["soort"] == "stroom") & (d["maat"] == "toewijzing")]
    summed = part[part["variant"] == "hoog"]["waarde"].sum() - part[part["variant"] == "laag"]["waarde"].sum()
    assert float(r["hoog"].iloc[0] - r["laag"].iloc[0]) < 0.8 * summed


def test_levels_and_columns(parts):
    _, _, bands = parts
    assert list(bands.columns) == ["regio", "niveau", "groep", "woningtype", "soort", "eenheid", "maat", "jaar",
                                   "laag", "hoog"]
    assert set(bands["niveau"]) == {"woningtype", "groep", "soort"}
    assert not bands[["laag", "hoog"]].isna().any().any()
    assert (bands["laag"] <= bands["hoog"] + 1e-9).all()
    # opgave (stand) and toewijzing (stroom) are never joined in one total
    assert not ((bands["soort"] == "stand") & (bands["maat"] == "toewijzing")).any()
    assert not ((bands["soort"] == "stroom") & (bands["maat"] == "opgave")).any()
