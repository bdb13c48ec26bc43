"""Independent totals by trend extrapolation of the visible 1-January totals, and the naive
baselines of the back-test.

Methods (``h`` = years after the as-of year, window = the ``venster`` years up to the as-of year):
* ``last``  the last value;
* ``lin``   ordinary least-squares line through the window;
* ``geo``   constant growth rate (last / first)^(1/n) over the window;
* ``share`` the gemeente's share of the sum of all gemeenten in the run, share extrapolated by a
  least-squares line; the sum itself extrapolated by ``lin``;
* ``gemiddeld`` the mean of the methods listed in ``gemiddeld_van``.
``demping`` < 1 damps the yearly increment (increment at step h multiplied by demping^(h-1)).
"""

from __future__ import annotations

import numpy as np


def _window(Y: np.ndarray, years: np.ndarray, as_of: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    sel = (years <= as_of) & (years >= as_of - n)
    return Y[:, sel], years[sel]


def _damp_steps(h: np.ndarray, damp: float) -> np.ndarray:
    """Effective number of trend steps after h years with damping."""
    if damp >= 1.0:
        return h.astype(float)
    return np.array([sum(damp ** k for k in range(int(x))) for x in h])


def trend(method: str, Y: np.ndarray, years: np.ndarray, as_of: int, horizon: np.ndarray, *,
          window: int = 5, damp: float = 1.0, combo: tuple[str, ...] = ("lin", "share")) -> np.ndarray:
    """(G, len(horizon)) totals for the years ``as_of + horizon``. ``Y`` (G, len(years)) may hold NaN."""
    horizon = np.asarray(horizon)
    if method == "gemiddeld":
        return np.mean([trend(m, Y, years, as_of, horizon, window=window, damp=damp) for m in combo], axis=0)
    W, wy = _window(Y, years, as_of, window)
    last = W[:, -1]
    steps = _damp_steps(horizon, damp)
    if method == "last":
        return np.repeat(last[:, None], len(horizon), axis=1)
    if method == "lin":
        x = wy - as_of
        out = np.empty((W.shape[0], len(horizon)))
        for i in range(W.shape[0]):
            ok = ~np.isnan(W[i])
            if ok.sum() >= 2:
                b, a = np.polyfit(x[ok], W[i, ok], 1)
                # anchor on the fitted value at the as-of year (OLS), add slope per step
                out[i] = a + b * steps
            else:
                out[i] = last[i]
        return np.maximum(out, 0.0)
    if method == "geo":
        first = W[:, 0]
        n = wy[-1] - wy[0]
        with np.errstate(divide="ignore", invalid="ignore"):
            g = np.where((first > 0) & (n > 0), (last / first) ** (1.0 / max(n, 1)), 1.0)
        return last[:, None] * g[:, None] ** steps[None, :]
    if method == "share":
        S = np.nansum(W, axis=0)
        sh = W / S
        x = wy - as_of
        Sf = np.polyfit(x, S, 1) if len(x) >= 2 else np.array([0.0, S[-1]])
        Sh = Sf[1] + Sf[0] * steps
        out = np.empty((W.shape[0], len(horizon)))
        for i in range(W.shape[0]):
            ok = ~np.isnan(sh[i])
            if ok.sum() >= 2:
                b, a = np.polyfit(x[ok], sh[i, ok], 1)
                out[i] = (a + b * steps) * Sh
            else:
                out[i] = last[i]
        return np.maximum(out, 0.0)
    raise ValueError(f"onbekende trendmethode '{method}'")
