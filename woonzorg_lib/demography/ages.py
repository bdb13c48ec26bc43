"""Age grid of the engine and conversions between single years and 5-year bands.

Internal state: single ages 0..99 plus the open group 100+ (``NA`` = 101 cells) for two sexes
(index 0 = man, 1 = vrouw). Output bands (CONTRACTS.md): 0-4, 5-9, ..., 90-94 and the open 95+.
"""

from __future__ import annotations

import numpy as np

NA = 101                      # single ages 0..99 and 100+
AGES = np.arange(NA)
SEXES = ("man", "vrouw")
BAND_LO = np.arange(0, 96, 5)                       # 0, 5, ..., 95
BAND_HI = np.r_[BAND_LO[:-1] + 4, -1]               # 4, 9, ..., 94, open (-1)
NB = len(BAND_LO)                                   # 20 bands

# single age -> band index
AGE_BAND = np.minimum(AGES // 5, NB - 1)
# (NB, NA) 0/1 aggregation matrix
BAND_MATRIX = (AGE_BAND[None, :] == np.arange(NB)[:, None]).astype(float)


def age_mask(lo: int, hi: float | int | None) -> np.ndarray:
    """Boolean mask over the single-age grid for the inclusive interval lo..hi (hi None/NaN = open)."""
    open_ = hi is None or bool(np.isnan(hi)) or hi >= NA - 1
    hi_i = NA - 1 if open_ else int(hi)
    return (AGES >= int(lo)) & (AGES <= hi_i)


def to_bands(x: np.ndarray) -> np.ndarray:
    """Sum the last axis (single ages) into the 20 output bands."""
    return x @ BAND_MATRIX.T


def graduate(bands: np.ndarray, tail: np.ndarray | None = None) -> np.ndarray:
    """Split 5-year band counts (..., 20) into single ages (..., 101), keeping every band sum.

    Below 95: monotone cubic (PCHIP) interpolation of the cumulative count at the band edges, then
    differences; the cumulative curve is non-decreasing, so no single age is negative and each band
    keeps its sum exactly. Open band 95+: split by ``tail`` (shares over ages 95..100+, e.g. from the
    stationary life-table population); default a geometric decline.
    """
    from scipy.interpolate import PchipInterpolator

    bands = np.asarray(bands, dtype=float)
    lead = bands.shape[:-1]
    flat = bands.reshape(-1, NB)
    out = np.zeros((flat.shape[0], NA))
    edges = np.arange(0, 100, 5)  # 0..95
    if tail is None:
        tail = 0.6 ** np.arange(NA - 95)
    tail = np.asarray(tail, float)
    tail = tail / tail.sum()
    for i, b in enumerate(flat):
        cum = np.r_[0.0, np.cumsum(b[:-1])]           # cumulative at 0, 5, ..., 95
        f = PchipInterpolator(edges, cum)
        c = f(np.arange(0, 96))
        single = np.diff(c)
        single = np.maximum(single, 0.0)
        # restore exact band sums after clipping round-off
        s = single.reshape(19, 5).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            fac = np.where(s > 0, b[:-1] / s, 0.0)
        single = (single.reshape(19, 5) * fac[:, None]).ravel()
        zero = s <= 0
        if zero.any():  # a band with positive count but zero shape: spread evenly
            sr = single.reshape(19, 5)
            sr[zero] = (b[:-1][zero] / 5.0)[:, None]
            single = sr.ravel()
        out[i, :95] = single
        out[i, 95:] = b[-1] * tail
    return out.reshape(*lead, NA)
