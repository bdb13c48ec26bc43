"""Iterative proportional fitting (Deming & Stephan 1940) of single-age x sex states to margins.

Vectorised over gemeenten. A constraint is (sex, lo, hi): sex 0 = man, 1 = vrouw, 2 = both; ages
lo..hi inclusive (hi < 0 = open). Targets are a (G, K) array with NaN where a gemeente has no
such margin in that year. Constraints are grouped into layers of pairwise disjoint cell sets, so
one layer is one matrix product per iteration; IPF keeps the seed's interactions wherever the
margins say nothing.
"""

from __future__ import annotations

import numpy as np

from .ages import NA, age_mask

Constraint = tuple[int, int, int]


def mask(c: Constraint) -> np.ndarray:
    sex, lo, hi = c
    m = np.zeros((2, NA), dtype=bool)
    am = age_mask(lo, None if hi < 0 else hi)
    if sex == 2:
        m[:, am] = True
    else:
        m[sex, am] = True
    return m.reshape(-1)


def layers(types: list[Constraint]) -> list[tuple[np.ndarray, np.ndarray]]:
    """[(indices into types, (K_l, 2*NA) 0/1 matrix)] with disjoint constraints per layer."""
    out: list[tuple[list[int], list[np.ndarray], np.ndarray]] = []
    for k, c in enumerate(types):
        m = mask(c)
        for idx, ms, used in out:
            if not (used & m).any():
                idx.append(k)
                ms.append(m)
                used |= m
                break
        else:
            out.append(([k], [m], m.copy()))
    return [(np.array(idx), np.vstack(ms).astype(float)) for idx, ms, _ in out]


def rake(P: np.ndarray, types: list[Constraint], targets: np.ndarray, *, max_iter: int = 200,
         tol: float = 1e-9) -> tuple[np.ndarray, np.ndarray]:
    """Fit ``P`` (G, 2, NA) to ``targets`` (G, K). Returns the fitted states and, per gemeente,
    the largest relative deviation from a margin after fitting.

    Stops when every margin holds within ``tol`` (relative), after ``max_iter`` sweeps, or when a
    sweep no longer improves the fit (margins that contradict each other by rounding: IPF then
    ends on the last layer, the totals, which therefore always hold)."""
    G = P.shape[0]
    X = P.reshape(G, -1).astype(float) + 1e-9
    if not types:
        return X.reshape(P.shape), np.zeros(G)
    T = np.asarray(targets, float)
    prepared = []
    for idx, M in layers(types):
        tgt = T[:, idx]
        ok = ~np.isnan(tgt)
        tgt0 = np.where(ok, tgt, 0.0)
        prepared.append((M, tgt0, ok, np.maximum(tgt0, 1.0)))
    prev = np.inf
    for it in range(max_iter):
        worst = 0.0
        for M, tgt0, ok, _ in prepared:
            cur = X @ M.T
            good = ok & (cur > 0)
            f = np.where(good, tgt0 / np.where(good, cur, 1.0), 1.0)
            worst = max(worst, float(np.abs(f - 1.0).max(initial=0.0)))
            X *= 1.0 + (f - 1.0) @ M
        # worst = largest relative correction in this sweep (0 when every margin already held)
        if worst < tol or (it >= 3 and prev - worst <= 1e-4 * max(worst, 1e-12)):
            break
        prev = worst
    return X.reshape(P.shape), _deviation(X, prepared)


def _deviation(X: np.ndarray, prepared) -> np.ndarray:
    dev = np.zeros(X.shape[0])
    for M, tgt0, ok, denom in prepared:
        rel = np.where(ok, np.abs(X @ M.T - tgt0) / denom, 0.0)
        dev = np.maximum(dev, rel.max(axis=1))
    return dev
