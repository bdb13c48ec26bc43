"""Consecutive row blocks with identical key sequences, found with array operations.

The margins of a (gemeente, year[, source]) form a block of rows; nearly all blocks share one of a
few structures (the same intervals in the same order). Finding each structure once and treating all
its blocks as one array replaces a Python loop over thousands of groups.
"""

from __future__ import annotations

import numpy as np


def block_starts(group: np.ndarray) -> np.ndarray:
    """First row of each block of equal consecutive values of ``group`` (sorted by block)."""
    if not len(group):
        return np.zeros(0, np.int64)
    return np.r_[0, np.flatnonzero(np.diff(group)) + 1].astype(np.int64)


def same_sequences(keys: np.ndarray, starts: np.ndarray) -> list[np.ndarray]:
    """Blocks [starts[i], starts[i+1]) of ``keys`` (the last to the end) grouped by their exact key
    sequence: a list of arrays of block numbers (ascending), one per distinct sequence. Exact: blocks
    of one length are sorted row-wise and compared element by element (no hashing)."""
    keys = np.asarray(keys, np.int64)
    starts = np.asarray(starts, np.int64)
    if not len(starts):
        return []
    sizes = np.diff(np.r_[starts, len(keys)])
    out: list[np.ndarray] = []
    for n in np.unique(sizes).tolist():
        blocks = np.flatnonzero(sizes == n)
        mat = keys[starts[blocks][:, None] + np.arange(n)[None, :]]          # (m, n)
        order = np.lexsort(mat.T[::-1]) if n else np.arange(len(blocks))
        srt = mat[order]
        new = np.r_[True, (srt[1:] != srt[:-1]).any(axis=1)] if len(srt) else np.zeros(0, bool)
        for part in np.split(order, np.flatnonzero(new)[1:]):
            out.append(np.sort(blocks[part]))
    return out
