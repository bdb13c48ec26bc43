"""Estimators that are not age prevalence: flows (persons per year × share ÷ persons per unit), the
statushouder policy task pro rata inhabitants, a linear trend with a prediction interval, and the
lettings capacity."""

from __future__ import annotations

import math
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from .catalogue import VARIANTEN


def flow_units(persons_per_year, share: float = 1.0, persons_per_unit: float = 1.0):
    """Units needed per year: persons in/out per year × share needing a home ÷ persons per unit
    (numbers or numpy arrays; ``share`` and ``persons_per_unit`` may be drawn values, each checked)."""
    ok = (np.asarray(share) >= 0.0) & (np.asarray(share) <= 1.0)
    if not ok.all():
        raise ValueError(f"aandeel {float(np.asarray(share, float)[~ok][0]) if np.ndim(share) else share} "
                         "ligt niet tussen 0 en 1")
    if (np.asarray(persons_per_unit) <= 0).any():
        raise ValueError("personen per eenheid moet groter dan 0 zijn")
    return persons_per_year * share / persons_per_unit


def flow(yearly: pd.DataFrame, share: float = 1.0, *, persons_per_unit: float = 1.0) -> pd.DataFrame:
    """:func:`flow_units` on the ``waarde`` column of a DataFrame (e.g. releases per gemeente × jaar)."""
    return yearly.assign(waarde=flow_units(yearly["waarde"], share, persons_per_unit))


def policy_task(inwoners: pd.DataFrame, nl_inwoners: float, task_per_halfyear: float,
                persons_per_dwelling: float, *, halfyears: int = 2) -> pd.DataFrame:
    """The statushouder task per gemeente per year: (inwoners / NL inwoners) × half-year task ×
    ``halfyears``, and in dwellings (÷ persons per dwelling). Unrounded: whole persons by largest
    remainder are done where the task is distributed.

    ``inwoners``: ``gemeentecode, waarde`` (the reference inhabitants). Returns ``gemeentecode,
    aandeel, personen, woningen``.
    """
    if not nl_inwoners or nl_inwoners <= 0 or not math.isfinite(nl_inwoners):
        raise ValueError("nl_inwoners moet een positief getal zijn")
    if inwoners["waarde"].sum() > nl_inwoners:
        raise ValueError("de inwoners van de gemeenten zijn samen meer dan nl_inwoners")
    if persons_per_dwelling <= 0:
        raise ValueError("personen per woning moet groter dan 0 zijn")
    out = inwoners[["gemeentecode", "waarde"]].copy()
    out["aandeel"] = out["waarde"] / nl_inwoners
    out["personen"] = out["aandeel"] * task_per_halfyear * halfyears
    out["woningen"] = out["personen"] / persons_per_dwelling
    return (out.drop(columns="waarde").sort_values("gemeentecode", kind="mergesort").reset_index(drop=True))


def _policy_woningen(base_inw: np.ndarray, nl_inwoners: float, task_per_halfyear: float,
                     persons_per_dwelling: float, *, halfyears: int = 2) -> np.ndarray:
    """``policy_task(...)["woningen"]`` for inhabitants already in sorted gemeente order: the same
    checks and the same arithmetic, without the DataFrame."""
    if not nl_inwoners or nl_inwoners <= 0 or not math.isfinite(nl_inwoners):
        raise ValueError("nl_inwoners moet een positief getal zijn")
    if np.nansum(np.asarray(base_inw, float)) > nl_inwoners:
        raise ValueError("de inwoners van de gemeenten zijn samen meer dan nl_inwoners")
    if (np.asarray(persons_per_dwelling) <= 0).any():  # a number or drawn values
        raise ValueError("personen per woning moet groter dan 0 zijn")
    aandeel = np.asarray(base_inw, float) / nl_inwoners
    personen = aandeel * task_per_halfyear * halfyears
    return personen / persons_per_dwelling


def trend_forecast(history: pd.DataFrame, years: Sequence[int], *, level: float = 0.67,
                   min_points: int = 3) -> pd.DataFrame:
    """Linear trend (OLS on year, :func:`ols_prediction`) per gemeente with a prediction interval.

    ``history``: ``gemeentecode, jaar, waarde``. For each requested year: an observed value is
    used as is (all variants); later years follow the fitted slope from the last observation
    (jump-off at the last observed value), with ``laag``/``hoog`` = the ``level`` prediction
    interval of an OLS forecast (``obs_ci``) shifted the same way; values are clipped at 0.
    With fewer than ``min_points`` observations the last value is held constant (no interval).
    Returns ``gemeentecode, jaar, variant, waarde, methode`` (waarneming / trend / constant).
    """
    rows = _trend_rows(history, years, level, min_points)
    out = pd.DataFrame(rows, columns=["gemeentecode", "jaar", "variant", "waarde", "methode"])
    out["jaar"] = out["jaar"].astype("int64")
    return out.sort_values(["gemeentecode", "jaar", "variant"], kind="mergesort").reset_index(drop=True)


def _history_groups(hist: pd.DataFrame):
    """``(code, jaar, waarde)`` per gemeente in code order, jaar ascending, as numpy arrays (what
    ``groupby("gemeentecode", sort=True)`` + ``sort_values("jaar")`` give), or None when the columns
    are not plain (text codes, integer years, numeric values): then the pandas way is used."""
    gem, jaar, waarde = hist["gemeentecode"], hist["jaar"], hist["waarde"]
    if not (isinstance(jaar.dtype, np.dtype) and jaar.dtype.kind in "iu"
            and isinstance(waarde.dtype, np.dtype) and waarde.dtype.kind in "iuf"):
        return None
    g = gem.to_numpy(dtype=object)
    if len(g) and pd.api.types.infer_dtype(g, skipna=False) != "string":
        return None
    codes, uniques = pd.factorize(g, sort=True)
    j = jaar.to_numpy()
    order = np.lexsort((j, codes))
    codes, j, w = codes[order], j[order], waarde.to_numpy()[order]
    bounds = np.flatnonzero(np.diff(codes)) + 1
    starts = np.concatenate(([0], bounds)).tolist()
    ends = np.concatenate((bounds, [len(codes)])).tolist()
    return [(uniques[codes[a]], j[a:b], w[a:b]) for a, b in zip(starts, ends) if b > a]


def _trend_rows(history: pd.DataFrame, years: Sequence[int], level: float, min_points: int) -> list[tuple]:
    """The rows of :func:`trend_forecast` (unsorted), one OLS fit per gemeente."""
    if not 0 < level < 1:
        raise ValueError("level moet tussen 0 en 1 liggen")
    hist = history.dropna(subset=["waarde"])
    groups = _history_groups(hist)
    if groups is None:  # columns that are not plain (e.g. fractional years): group with pandas
        groups = []
        for code, h in hist.groupby("gemeentecode", sort=True):
            h = h.sort_values("jaar")
            if h["jaar"].duplicated().any():
                raise ValueError(f"historie van {code} heeft dubbele jaren")
            groups.append((code, h["jaar"].to_numpy(float), h["waarde"].to_numpy(float)))
    rows: list[tuple] = []
    for code, jaar, waarde in groups:
        if (jaar[1:] == jaar[:-1]).any():
            raise ValueError(f"historie van {code} heeft dubbele jaren")
        rows.extend(_trend_rows_one(code, jaar, waarde, years, level, min_points))
    return rows


def _trend_rows_one(code: str, jaar: np.ndarray, waarde: np.ndarray, years: Sequence[int], level: float,
                    min_points: int) -> list[tuple]:
    """Trend rows of one gemeente: OLS on years since its last observation, prediction interval
    (:func:`ols_prediction`, statsmodels' obs_ci) for laag/hoog, anchored on the last observation."""
    rows = []
    obs = dict(zip(jaar.astype(int).tolist(), waarde.astype(float).tolist()))
    last_year = int(jaar.max())
    last = obs[last_year]
    future = [y for y in years if y not in obs]
    if len(jaar) >= min_points and future:
        x = (jaar.astype(float) - last_year)
        xn = np.asarray(future, float) - last_year
        params, predicted, ci = ols_prediction(x, waarde.astype(float), xn, alpha=1 - level)
        fit_last = float(params[0])
        for y, mean, lo, hi in zip(future, predicted, ci[:, 0], ci[:, 1]):
            point = last + (mean - fit_last)
            vals = {"laag": point - (mean - lo), "midden": point, "hoog": point + (hi - mean)}
            for v, w in vals.items():
                rows.append((code, y, v, max(0.0, float(w)), "trend"))
    else:
        for y in future:
            for v in VARIANTEN:
                rows.append((code, y, v, last, "constant"))
    for y in years:
        if y in obs:
            for v in VARIANTEN:
                rows.append((code, y, v, obs[y], "waarneming"))
    return rows


def ols_prediction(x: np.ndarray, y: np.ndarray, xn: np.ndarray, *, alpha: float
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(params, predicted, interval)`` of a straight line fitted by least squares to ``(x, y)`` and
    predicted at ``xn``, with the prediction interval for a new observation at ``1 - alpha``.

    This is statsmodels' ``OLS(y, add_constant(x)).fit()`` → ``get_prediction(add_constant(xn))`` →
    ``conf_int(obs=True, alpha=alpha)`` done with the same numpy operations in the same order
    (pseudo-inverse by SVD with ``rcond`` 1e-15, scale = SSR / residual degrees of freedom, Student-t
    quantile), so the numbers are the same to the bit (``tests/test_group_methods.py`` compares it
    with statsmodels on every gemeente's studenten history). Importing statsmodels' regression
    module (and scipy.stats with it) costs about 1,5 s in each report kernel for one small fit per
    gemeente; ``scipy.special.stdtrit`` is the quantile function ``scipy.stats.t.ppf`` uses."""
    from scipy.special import stdtrit

    X = np.column_stack((np.ones(x.shape[0]), x))
    u, s, vt = np.linalg.svd(X, False)
    singular = np.copy(s)
    cutoff = 1e-15 * np.maximum.reduce(s)
    for i in range(min(vt.shape[1], u.shape[0])):
        s[i] = 1.0 / s[i] if s[i] > cutoff else 0.0
    pinv = np.dot(np.transpose(vt), np.multiply(s[:, np.newaxis], np.transpose(u)))
    normalized_cov = np.dot(pinv, np.transpose(pinv))
    rank = np.linalg.matrix_rank(np.diag(singular))
    params = np.dot(pinv, y)
    df_resid = float(X.shape[0]) - rank
    resid = y - np.dot(X, params)
    scale = np.dot(resid, resid) / df_resid
    Xn = np.column_stack((np.ones(xn.shape[0]), xn))
    predicted = np.dot(Xn, params)
    covb = normalized_cov * scale
    var_pred = (Xn * np.dot(covb, Xn.T).T).sum(1)
    se = np.sqrt(var_pred + scale)
    q = stdtrit(df_resid, 1 - alpha / 2.)
    return params, predicted, np.column_stack((predicted - q * se, predicted + q * se))


def lettings_capacity(sociale_voorraad: pd.DataFrame, values: Mapping[str, float]) -> pd.DataFrame:
    """Yearly lettings and the capacity for aandachtsgroepen (rates.md (e)).

    ``sociale_voorraad``: ``gemeentecode, waarde`` (corporation stock). Returns ``gemeentecode,
    verhuringen`` (= stock × verhuur.mutatiegraad) and ``capaciteit_aandachtsgroepen``
    (× verhuur.aandeel_aandachtsgroepen), per year.
    """
    out = sociale_voorraad[["gemeentecode", "waarde"]].copy()
    out["verhuringen"] = out["waarde"] * values["verhuur.mutatiegraad"]
    out["capaciteit_aandachtsgroepen"] = out["verhuringen"] * values["verhuur.aandeel_aandachtsgroepen"]
    return out.drop(columns="waarde").sort_values("gemeentecode", kind="mergesort").reset_index(drop=True)
