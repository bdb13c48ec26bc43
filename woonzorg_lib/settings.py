"""Shared settings: ONE place for the concepts every layer uses.

- :data:`VARIANTS` — the variants of every forecast and demand table (CONTRACTS: laag, midden, hoog).
- :data:`BASE_YEAR` — the base year of the opgave: 1 January 2024 (fixed; not the as-of year).
- :data:`DEFAULT_UNTIL` — the default horizon (``--until``).
- :func:`in_region` — the region filter (rows of a table whose gemeentecode lies in the region).
- :func:`visible` — THE as-of rule (re-exported from :mod:`woonzorg_lib.demography.asof`): which rows
  of a processed table were known on 1 January of the as-of year.

Names follow CONTRACTS: ``as_of`` (data cut-off), ``until`` (last forecast year), ``BASE_YEAR``
(start of the opgave). A statistic's own reference date is its ``peildatum``.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from .demography.asof import visible  # noqa: F401  (the one as-of rule, re-exported)

VARIANTS: tuple[str, ...] = ("laag", "midden", "hoog")
BASE_YEAR: int = 2024
DEFAULT_UNTIL: int = 2030


def region_codes(region) -> tuple[str, ...]:
    """The sorted gemeentecodes of a Region, a region slug/path, or an iterable of codes."""
    from . import regions

    if isinstance(region, regions.Region):
        return tuple(sorted(region.gemeenten))
    if isinstance(region, (str, bytes)) or hasattr(region, "__fspath__"):
        return tuple(sorted(regions.load_region(region).gemeenten))
    return tuple(sorted(region))


def in_region(df: pd.DataFrame, codes: Iterable[str], column: str = "gemeentecode") -> pd.DataFrame:
    """The region filter: the rows of ``df`` whose ``column`` is one of ``codes``."""
    codes = codes if isinstance(codes, (set, frozenset, list, tuple)) else list(codes)
    return df[df[column].isin(list(codes))]
