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


def _pchip_slopes(d: np.ndarray) -> np.ndarray:
    """Fritsch-Carlson slopes (as in scipy's PchipInterpolator) for equally spaced knots, given the
    secants ``d`` (..., n-1); returns (..., n)."""
    n = d.shape[-1] + 1
    m = np.zeros(d.shape[:-1] + (n,))
    d0, d1 = d[..., :-1], d[..., 1:]
    same = (d0 * d1) > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        hm = np.where(same, 2.0 / (1.0 / np.where(same, d0, 1.0) + 1.0 / np.where(same, d1, 1.0)), 0.0)
    m[..., 1:-1] = hm

    def end(a, b):
        e = (3.0 * a - b) / 2.0
        e = np.where(np.sign(e) != np.sign(a), 0.0, e)
        e = np.where((np.sign(a) != np.sign(b)) & (np.abs(e) > np.abs(3.0 * a)), 3.0 * a, e)
        return e

    if n > 2:
        m[..., 0] = end(d[..., 0], d[..., 1])
        m[..., -1] = end(d[..., -1], d[..., -2])
    else:
        m[..., 0] = m[..., -1] = d[..., 0]
    return m


def graduate(bands: np.ndarray, tail: np.ndarray | None = None) -> np.ndarray:
    """Split 5-year band counts (..., 20) into single ages (..., 101), keeping every band sum.

    Below 95: monotone cubic Hermite (PCHIP, Fritsch-Carlson) interpolation of the cumulative count
    at the band edges 0, 5, ..., 95, then differences. The cumulative curve is non-decreasing, so
    no single age is negative, and each band keeps its sum exactly. Open band 95+: split by
    ``tail`` (shares over ages 95..100+, e.g. the stationary life-table population); default a
    geometric decline.
    """
    bands = np.asarray(bands, dtype=float)
    lead = bands.shape[:-1]
    b = np.maximum(bands.reshape(-1, NB), 0.0)
    cum = np.concatenate([np.zeros((b.shape[0], 1)), np.cumsum(b[:, :-1], axis=1)], axis=1)  # (n, 20) at 0..95
    h = 5.0
    d = b[:, :-1] / h                                        # secants (n, 19)
    m = _pchip_slopes(d)                                     # (n, 20)
    t = np.arange(6) / 5.0                                   # positions 0, .2, ..., 1 inside an interval
    h00 = 2 * t**3 - 3 * t**2 + 1
    h10 = t**3 - 2 * t**2 + t
    h01 = -2 * t**3 + 3 * t**2
    h11 = t**3 - t**2
    y0, y1 = cum[:, :-1, None], cum[:, 1:, None]
    m0, m1 = m[:, :-1, None], m[:, 1:, None]
    val = h00 * y0 + h10 * h * m0 + h01 * y1 + h11 * h * m1  # (n, 19, 6)
    single = np.maximum(np.diff(val, axis=2), 0.0)           # (n, 19, 5)
    s = single.sum(axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        fac = np.where(s > 0, b[:, :-1] / s, 0.0)
    single = single * fac[:, :, None]
    flat_fill = (s <= 0) & (b[:, :-1] > 0)
    single = np.where(flat_fill[:, :, None], (b[:, :-1] / 5.0)[:, :, None], single)
    if tail is None:
        tail = 0.6 ** np.arange(NA - 95)
    tail = np.asarray(tail, float)
    tail = tail / tail.sum()
    out = np.empty((b.shape[0], NA))
    out[:, :95] = single.reshape(b.shape[0], 95)
    out[:, 95:] = b[:, -1:] * tail[None, :]
    return out.reshape(*lead, NA)
