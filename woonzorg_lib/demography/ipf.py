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
    the largest relative deviation from a margin after fitting."""
    G = P.shape[0]
    X = P.reshape(G, -1).astype(float) + 1e-9
    if not types:
        return X.reshape(P.shape), np.zeros(G)
    Ls = layers(types)
    T = np.asarray(targets, float)
    dev = np.zeros(G)
    for _ in range(max_iter):
        for idx, M in Ls:
            cur = X @ M.T
            tgt = T[:, idx]
            ok = ~np.isnan(tgt) & (cur > 0)
            f = np.where(ok, np.divide(tgt, cur, out=np.ones_like(cur), where=ok), 1.0)
            X *= 1.0 + (f - 1.0) @ M
        dev = deviation(X, Ls, T)
        if dev.max(initial=0.0) < tol:
            break
    return X.reshape(P.shape), dev


def deviation(X: np.ndarray, Ls, T: np.ndarray) -> np.ndarray:
    G = X.shape[0]
    dev = np.zeros(G)
    for idx, M in Ls:
        cur = X @ M.T
        tgt = T[:, idx]
        ok = ~np.isnan(tgt)
        rel = np.where(ok, np.abs(cur - np.nan_to_num(tgt)) / np.maximum(np.nan_to_num(tgt), 1.0), 0.0)
        dev = np.maximum(dev, rel.max(axis=1))
    return dev
