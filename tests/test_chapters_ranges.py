"""region_range reads the regional bands (synthetic tables, named as such)."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pandas as pd

from woonzorg_lib.chapters import ranges


def _synthetic_bands():
    return pd.DataFrame({
        "niveau": ["soort", "soort", "groep", "groep", "groep"],
        "maat": ["opgave", "toewijzing", "opgave", "opgave", "opgave"],
        "jaar": [2030, 2030, 2030, 2030, 2040],
        "soort": ["stand", "stroom", "stand", "stand", "stand"],
        "eenheid": ["woningen", "woningen", "woningen", "plaatsen", "woningen"],
        "groep": ["", "", "ouderen", "ouderen", "ouderen"],
        "woningtype": ["", "", "", "", ""],
        "laag": [10.0, 1.0, 3.0, 4.0, 5.0], "hoog": [20.0, 2.0, 6.0, 8.0, 9.0],
    }).astype({c: "string" for c in ("niveau", "maat", "soort", "eenheid", "groep", "woningtype")})


def test_region_range_picks_the_one_matching_row():
    run = SimpleNamespace(bands=_synthetic_bands())
    assert ranges.region_range(run, niveau="soort", maat="opgave", jaar=2030, soort="stand") == (10.0, 20.0)
    assert ranges.task_range(run, niveau="soort", soort="stroom", jaar=2030, eenheid="woningen") == (1.0, 2.0)
    assert ranges.region_range(run, niveau="groep", maat="opgave", jaar=2040, groep="ouderen") == (5.0, 9.0)
    # two rows match (two units) or none: no range
    assert all(math.isnan(x) for x in ranges.region_range(run, niveau="groep", maat="opgave", jaar=2030,
                                                          groep="ouderen"))
    assert all(math.isnan(x) for x in ranges.region_range(run, niveau="soort", maat="opgave", jaar=2050))


def test_region_range_follows_a_new_bands_table():
    run = SimpleNamespace(bands=_synthetic_bands())
    assert ranges.region_range(run, niveau="soort", maat="opgave", jaar=2030, soort="stand") == (10.0, 20.0)
    other = SimpleNamespace(bands=_synthetic_bands().assign(laag=0.5))
    assert ranges.region_range(other, niveau="soort", maat="opgave", jaar=2030, soort="stand") == (0.5, 20.0)
    assert ranges.region_range(run, niveau="soort", maat="opgave", jaar=2030, soort="stand") == (10.0, 20.0)
