"""Back-test of the demography engine against what actually happened.

Protocol (docs/backtest.md):
* tuning runs (origins whose target year is 2019 or earlier) chose and tuned the method;
* held-out runs (as of 2016 -> 2024, as of 2019 -> 2024, as of 2024 -> 2025 totals) are reported
  with the frozen settings of ``config/demografie.yaml`` and were never used to choose anything.
Per run and group (total, 65+, 75+ where the truth exists): MAPE, median APE, bias (mean signed
percentage error), 90th percentile APE and the worst gemeenten, for the model and for the naive
baselines (last value; linear and geometric trend over the 5 years up to the as-of year, both
anchored on the last value, on the group's own visible observations).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import cache
from . import api, margins
from .blocks import block_starts, same_sequences
from .config import Settings, load_settings

TUNING_RUNS = ((2011, 2016), (2011, 2019), (2012, 2017), (2013, 2016), (2013, 2019), (2014, 2019))
HELDOUT_RUNS = ((2016, 2024), (2019, 2024), (2024, 2025))
GROUPS = (("totaal", 0), ("65+", 65), ("75+", 75))
METHODS = ("model", "laatste", "lineair", "geometrisch")


# ------------------------------------------------------------------------------------------------
# truth
# ------------------------------------------------------------------------------------------------

def _chain_positions(struct: tuple[tuple[int, int], ...], start: int) -> list[int] | None:
    """Positions in ``struct`` [(lo, hi)] (hi < 0 = open) of a chain of intervals start..open, or None.

    Depth-first from ``start``: closed intervals first by increasing end, then open ones; ties in row
    order. On positions rather than values, so it is found once per structure and reused."""
    by: dict[int, list[tuple[int, int]]] = {}
    for i, (lo, hi) in enumerate(struct):
        by.setdefault(lo, []).append((hi, i))

    def walk(lo: int, depth: int = 0):
        if depth > 30:
            return None
        for hi, i in sorted(by.get(lo, []), key=lambda t: (t[0] < 0, t[0])):
            if hi < 0:
                return [i]
            rest = walk(hi + 1, depth + 1)
            if rest is not None:
                return [i] + rest
        return None

    return walk(start)


def group_series(tables: dict, codes: list[str], lo: int) -> pd.DataFrame:
    """Observed population aged ``lo``+ (both sexes) by gemeente (rows) and year (columns): the
    totals for lo = 0, else any chain of published broad groups lo..open (e.g. 65-74 + 75-84 + 85+).

    The chain is found once per structure of a (gemeente, year)'s intervals (nearly all share a few)
    and its values summed as a right fold, as the recursive walk did."""
    if lo == 0:
        t = tables["bevolking_totaal"]
        t = t[t["gemeentecode"].isin(codes)]
        return t.pivot_table(index="gemeentecode", columns="jaar", values="waarde", aggfunc="first") \
                .reindex(codes).astype(float)
    m = tables["bevolking_marges"]
    m = m[m["gemeentecode"].isin(codes) & (m["geslacht"] == "totaal")]
    out: dict[tuple[str, int], float] = {}
    # exact 5-year bands (1998-2013 for every gemeente) are observations of lo+ too (lo a multiple of 5)
    b5 = tables.get("bevolking_5j")
    if b5 is not None and len(b5) and lo % 5 == 0:
        sel = ((margins.codes_in(b5["gemeentecode"], codes) >= 0) & (margins.codes_in(b5["geslacht"], ["totaal"]) == 0)
               & (margins.codes_in(b5["kwaliteit"], ["exact"]) == 0) & (b5["leeftijd_van"] >= lo).to_numpy())
        b = b5.iloc[np.flatnonzero(sel)]
        sums = b.groupby(["gemeentecode", "jaar"])["waarde"].sum()
        out.update(zip(zip(sums.index.get_level_values(0).tolist(), sums.index.get_level_values(1).tolist()),
                       sums.to_numpy(float).tolist()))
    if len(m):
        # blocks of one (gemeente, year) in row order; one chain per distinct sequence of intervals
        c_code, c_uniq = pd.factorize(m["gemeentecode"].to_numpy(object))
        jaar = m["jaar"].to_numpy(np.int64)
        order = np.lexsort((jaar, c_code))                     # stable: row order within a block
        lo_a = m["leeftijd_van"].to_numpy(np.int64)[order]
        hi_f = m["leeftijd_tot"].to_numpy(float)[order]
        hi_a = np.where(np.isnan(hi_f), -1, np.nan_to_num(hi_f)).astype(np.int64)
        v_a = m["waarde"].to_numpy(float)[order]
        c_s, j_s = c_code[order], jaar[order]
        starts = block_starts(c_s.astype(np.int64) * 100000 + j_s)
        ends = np.r_[starts[1:], len(order)]
        for members in same_sequences(lo_a * 1000 + (hi_a + 1), starts):
            k0, k1 = starts[members[0]], ends[members[0]]
            ch = _chain_positions(tuple(zip(lo_a[k0:k1].tolist(), hi_a[k0:k1].tolist())), lo)
            if ch is None:
                continue
            vals = v_a[starts[members][:, None] + np.array(ch)[None, :]]     # (blocks, chain)
            acc = vals[:, -1]
            for p in range(len(ch) - 2, -1, -1):                          # right fold: v0 + (v1 + (...))
                acc = vals[:, p] + acc
            st = starts[members]
            out.update(zip(zip(c_uniq[c_s[st]].tolist(), j_s[st].tolist()), acc.tolist()))
    s = pd.Series(out, dtype=float)
    if s.empty:
        return pd.DataFrame(index=codes)
    s.index = pd.MultiIndex.from_tuples(s.index, names=["gemeentecode", "jaar"])
    return s.unstack("jaar").reindex(codes)


def baselines(series: pd.DataFrame, as_of: int, target: int) -> dict[str, np.ndarray]:
    """Naive forecasts from the observations dated on or before 1 January ``as_of``: per gemeente the
    last observed value v1 (year y1) and the earliest observation v0 (year y0) within the 5 years
    before y1; one array operation per method (the power per element in Python floats, as before)."""
    cols = sorted(c for c in series.columns if c <= as_of)
    n = len(series)
    out = {m: np.full(n, np.nan) for m in ("laatste", "lineair", "geometrisch")}
    if not cols or n == 0:
        return out
    V = series[cols].to_numpy(float)                                  # (n, k), years ascending
    yrs = np.array([int(c) for c in cols], dtype=np.int64)
    ok = ~np.isnan(V)
    has = ok.any(axis=1)
    rows = np.arange(n)
    last = len(cols) - 1 - np.argmax(ok[:, ::-1], axis=1)
    y1, v1 = yrs[last], V[rows, last]
    prev = ok & (yrs[None, :] >= (y1 - 5)[:, None]) & (yrs[None, :] < y1[:, None])
    has_prev = has & prev.any(axis=1)
    first = np.argmax(prev, axis=1)
    y0, v0 = yrs[first], V[rows, first]
    out["laatste"][has] = v1[has]
    flat = has & ~has_prev
    out["lineair"][flat] = out["geometrisch"][flat] = v1[flat]
    i = has_prev
    out["lineair"][i] = v1[i] + (v1[i] - v0[i]) / (y1[i] - y0[i]) * (target - y1[i])
    geo = v1.copy()
    for k in np.flatnonzero(i & (v0 > 0)):
        geo[k] = float(v1[k]) * (float(v1[k]) / float(v0[k])) ** ((target - int(y1[k])) / (int(y1[k]) - int(y0[k])))
    out["geometrisch"][i] = geo[i]
    return out


# ------------------------------------------------------------------------------------------------
# metrics
# ------------------------------------------------------------------------------------------------

def metrics(f: np.ndarray, a: np.ndarray, codes: list[str], names: dict[str, str] | None = None) -> dict:
    ok = ~np.isnan(f) & ~np.isnan(a) & (a > 0)
    if not ok.any():
        return {}
    e = (f[ok] - a[ok]) / a[ok] * 100
    ape = np.abs(e)
    cs = np.array(codes)[ok]
    worst = np.argsort(-ape, kind="stable")[:3]
    label = [f"{(names or {}).get(cs[k], cs[k])} {e[k]:+.1f}%" for k in worst]
    return {"n": int(ok.sum()), "mape": float(ape.mean()), "medape": float(np.median(ape)),
            "bias": float(e.mean()), "p90": float(np.percentile(ape, 90)), "slechtste": "; ".join(label)}


def _names() -> dict[str, str]:
    try:
        from ..dataset import load

        g = load.table("gemeenten")
        return dict(zip(g["gemeentecode"], g["gemeentenaam"]))
    except Exception:  # pragma: no cover - names are cosmetic
        return {}


_TRUTH = cache.memory("demography-backtest-truth", 8)


def _truth(tables: dict | None, key_src: str, src: dict, codes: list[str], lo: int) -> pd.DataFrame:
    """:func:`group_series` of the source tables; for the snapshot remembered per data fingerprint
    (the truth does not depend on the as-of year, so the runs of one back-test share it). Read only."""
    if tables is not None:
        return group_series(src, codes, lo)
    key = (key_src, tuple(codes), int(lo))
    hit = _TRUTH.recall(key)
    return hit if hit is not None else _TRUTH.remember(key, group_series(src, codes, lo))


def evaluate(as_of: int, target: int, *, settings: Settings | None = None, tables: dict | None = None,
             fase: str = "", names: dict | None = None, with_errors: bool = False):
    """Rows (one per group x method) for one run; optionally the per-gemeente errors of the model."""
    settings = settings or load_settings()
    key_src, src = api._source(tables)
    # in process only: a back-test run is read back by no other process (the chapter persists its result)
    r = api.run(as_of, target, settings=settings, tables=tables)
    codes = r.codes
    rows, errs = [], []
    k = target - as_of
    vi = {v: i for i, v in enumerate(r.proj.variants)}
    truth = {}
    with margins.shared_factorisation():          # the groups read the same columns
        for _, lo in GROUPS:
            truth[lo] = _truth(tables, key_src, src, codes, lo)
    for gname, lo in GROUPS:
        ser = truth[lo]
        if target not in ser.columns or ser[target].isna().all():
            continue
        actual = ser[target].to_numpy(float)
        model = r.proj.P[vi["midden"], k][:, :, lo:].sum(axis=(1, 2))
        fc = {"model": model, **baselines(ser, as_of, target)}
        for meth in METHODS:
            m = metrics(fc[meth], actual, codes, names)
            if m:
                rows.append({"fase": fase, "as_of": as_of, "doeljaar": target, "horizon": k, "groep": gname,
                             "methode": meth, **m})
        if with_errors:
            lo_f = r.proj.P[vi["laag"], k][:, :, lo:].sum(axis=(1, 2)) if "laag" in vi else model
            hi_f = r.proj.P[vi["hoog"], k][:, :, lo:].sum(axis=(1, 2)) if "hoog" in vi else model
            size = r.proj.P[vi["midden"], 0].sum(axis=(1, 2))
            for i, c in enumerate(codes):
                if not np.isnan(actual[i]) and actual[i] > 0:
                    errs.append({"fase": fase, "as_of": as_of, "doeljaar": target, "horizon": k, "groep": gname,
                                 "gemeentecode": c, "n": size[i], "werkelijk": actual[i], "model": model[i],
                                 "laag": lo_f[i], "hoog": hi_f[i], "fout": (model[i] - actual[i]) / actual[i],
                                 **{b: fc[b][i] for b in METHODS[1:]}})
    return (rows, errs) if with_errors else rows


def _runs(phase: str) -> list[tuple[str, int, int]]:
    """(fase, as_of, doeljaar) of the back-test runs of ``phase``: tuning | heldout | alle."""
    runs = []
    if phase in ("tuning", "alle"):
        runs += [("tuning", a, t) for a, t in TUNING_RUNS]
    if phase in ("heldout", "alle"):
        runs += [("held-out", a, t) for a, t in HELDOUT_RUNS]
    return runs


def run(phase: str = "alle", *, settings: Settings | None = None, tables: dict | None = None) -> pd.DataFrame:
    """The back-test table. ``phase``: tuning | heldout | alle."""
    settings = settings or load_settings()
    names = _names() if tables is None else {}
    runs = _runs(phase)
    rows = []
    for fase, a, t in runs:
        rows += evaluate(a, t, settings=settings, tables=tables, fase=fase, names=names)
    return pd.DataFrame(rows)


CSV_COLUMNS = ["fase", "as_of", "doeljaar", "groep", "gemeentecode", "prognose", "werkelijk", "fout_pct", "laag", "hoog"]


def per_gemeente(phase: str = "alle", *, settings: Settings | None = None, tables: dict | None = None
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(summary table as :func:`run`, one row per run x group x gemeente with the CSV columns of
    ``woonzorg backtest --out``, plus horizon and size ``n`` for the report)."""
    settings = settings or load_settings()
    names = _names() if tables is None else {}
    runs = _runs(phase)
    rows, errs = [], []
    for fase, a, t in runs:
        r, e = evaluate(a, t, settings=settings, tables=tables, fase=fase, names=names, with_errors=True)
        rows += r
        errs += e
    e = pd.DataFrame(errs)
    if not e.empty:
        e = e.rename(columns={"model": "prognose"})
        e["fout_pct"] = e["fout"] * 100
        e = e.sort_values(["fase", "as_of", "doeljaar", "groep", "gemeentecode"], kind="mergesort")
    return pd.DataFrame(rows), e.reset_index(drop=True)


def write_csv(errs: pd.DataFrame, path) -> None:
    """The per-gemeente back-test as CSV (contract columns; deterministic: sorted, fixed decimals)."""
    from .. import atomic

    out = errs[CSV_COLUMNS].copy()
    for c in ("prognose", "werkelijk", "laag", "hoog"):
        out[c] = out[c].round(1)
    out["fout_pct"] = out["fout_pct"].round(4)
    atomic.write_text(path, out.to_csv(index=False, lineterminator="\n"))


def score(df: pd.DataFrame) -> float:
    """The pre-declared tuning metric: mean MAPE of the model over all (run, group) cells."""
    d = df[df["methode"] == "model"]
    return float(d["mape"].mean())


def horizon_errors(runs=TUNING_RUNS, *, settings: Settings | None = None, tables: dict | None = None) -> pd.DataFrame:
    """Per-gemeente relative errors of the total for every horizon 1..h of the given runs."""
    settings = settings or load_settings()
    out = []
    for a, t in runs:
        for tt in range(a + 1, t + 1):
            _, errs = evaluate(a, tt, settings=settings, tables=tables, with_errors=True)
            out += [e for e in errs if e["groep"] == "totaal"]
    return pd.DataFrame(out).drop_duplicates(["as_of", "doeljaar", "gemeentecode"])


def band_error(errs: pd.DataFrame) -> np.ndarray:
    """|1 - werkelijk / model|: the truth lies in [model (1 - a), model (1 + a)] iff this is <= a."""
    return np.abs(1.0 - errs["werkelijk"].to_numpy(float) / errs["model"].to_numpy(float))


def calibrate_variants(errs: pd.DataFrame, level: float = 0.67, n_ref: float = 25000.0,
                       size_classes: int = 4) -> dict:
    """Calibrate a(h, N) = c h^b (N / n_ref)^-gamma on the tuning errors so that [laag, hoog] covers
    the truth at ``level``.

    b and gamma: least squares of the log ``level``-quantile of the band error per (horizon, size
    class) on log h and log N (size = population on the as-of date, ``errs['n']``); then c is set so
    that exactly ``level`` of all tuning errors lie inside the band (coverage by construction on the
    tuning runs; the held-out coverage is the honest check)."""
    e = errs.assign(x=band_error(errs))
    e["klasse"] = pd.qcut(e["n"].rank(method="first"), size_classes, labels=False)
    q = e.groupby(["horizon", "klasse"]).agg(x=("x", lambda v: np.quantile(v, level)), n=("n", "median"),
                                              cnt=("x", "size")).reset_index()
    q = q[q["x"] > 0]
    X = np.column_stack([np.ones(len(q)), np.log(q["horizon"].to_numpy(float)),
                         -np.log(q["n"].to_numpy(float) / n_ref)])
    w = np.sqrt(q["cnt"].to_numpy(float))
    coef, *_ = np.linalg.lstsq(X * w[:, None], np.log(q["x"].to_numpy(float)) * w, rcond=None)
    b, gamma = float(coef[1]), float(coef[2])
    scale = np.power(e["horizon"].to_numpy(float), b) * np.power(e["n"].to_numpy(float) / n_ref, -gamma)
    c = float(np.quantile(e["x"].to_numpy(float) / scale, level))
    by_h = e.groupby("horizon")["x"].quantile(level).rename("kwantiel").reset_index()
    return {"c": c, "b": b, "gamma": gamma, "n_ref": n_ref, "kwantielen": by_h}


SIZE_CLASSES = ((0, 20000, "< 20.000"), (20000, 50000, "20.000-50.000"), (50000, 100000, "50.000-100.000"),
                (100000, np.inf, "≥ 100.000"))


def size_class(n: pd.Series) -> pd.Categorical:
    """Gemeente size class from the population on the as-of date."""
    labels = [lab for _, _, lab in SIZE_CLASSES]
    edges = [lo for lo, _, _ in SIZE_CLASSES] + [np.inf]
    return pd.cut(n, edges, right=False, labels=labels)


def by_size(errs: pd.DataFrame) -> pd.DataFrame:
    """MAPE and bias of the model and MAPE of the baselines per run, group and size class."""
    e = errs.assign(grootte=size_class(errs["n"]))
    rows = []
    for (fase, a, t, g, k), d in e.groupby(["fase", "as_of", "doeljaar", "groep", "grootte"], observed=True,
                                           sort=True):
        w = d["werkelijk"].to_numpy(float)
        row = {"fase": fase, "as_of": a, "doeljaar": t, "groep": g, "grootte": k, "n": len(d),
               "model": float(np.mean(np.abs(d["prognose"] - w) / w) * 100),
               "bias": float(np.mean((d["prognose"] - w) / w) * 100)}
        for b in METHODS[1:]:
            row[b] = float(np.nanmean(np.abs(d[b] - w) / w) * 100)
        rows.append(row)
    return pd.DataFrame(rows)


def coverage_table(errs: pd.DataFrame, by: str = "horizon") -> pd.DataFrame:
    """Share of gemeenten with the truth inside [laag, hoog], per ``by`` (horizon, grootte, run)."""
    e = errs.assign(binnen=(errs["werkelijk"] >= errs["laag"]) & (errs["werkelijk"] <= errs["hoog"]))
    return e.groupby(by, observed=True).agg(n=("binnen", "size"), dekking=("binnen", "mean")).reset_index()


def coverage(as_of: int, target: int, *, settings: Settings | None = None, tables: dict | None = None) -> float:
    """Share of gemeenten whose actual total lies within [laag, hoog]."""
    _, errs = evaluate(as_of, target, settings=settings, tables=tables, with_errors=True)
    e = pd.DataFrame([x for x in errs if x["groep"] == "totaal"])
    if e.empty:
        return float("nan")
    inside = (e["werkelijk"] >= e["laag"]) & (e["werkelijk"] <= e["hoog"])
    return float(inside.mean())


# ------------------------------------------------------------------------------------------------
# checks of the base and of natural change
# ------------------------------------------------------------------------------------------------

def base_validation(*, settings: Settings | None = None, tables: dict | None = None) -> pd.DataFrame:
    """(a) bands of 2009-2013 hidden: 2008 aged to 2013 and raked to the 2013 total and broad
    groups x sex, compared with the true 2013 bands; (b) as of 2021 without the 2021 set: the
    estimate for 2021 compared with the 2021 postcode approximation (itself rounded to 5)."""
    from . import asof as asof_mod
    from . import ages as A
    from . import reconstruct

    settings = settings or load_settings()
    _, src = api._source(tables)
    out = []
    cases = [("2008 -> 2013 (exacte klassen 2013)", 2013, 2008, settings, "exact"),
             ("2013 -> 2021 (benadering 2021)", 2021, 2013,
              settings.with_overrides({"basis": {"banden_2021": False}}), "benadering")]
    for label, year, maxb, st, kw in cases:
        inp = asof_mod.load_inputs(year, src)
        hist, _, _ = reconstruct.reconstruct(inp, year, st, fallback=api._fallback(src), band_years_max=maxb)
        est = A.to_bands(hist.P[-1])                                        # (G, 2, 20)
        b5 = src["bevolking_5j"]
        gi = {c: i for i, c in enumerate(hist.codes)}
        b5 = b5[(b5["jaar"] == year) & b5["geslacht"].isin(["man", "vrouw"]) & (b5["kwaliteit"] == kw)
                & b5["gemeentecode"].isin(list(gi))]
        tru = np.full_like(est, np.nan)
        tru[b5["gemeentecode"].map(gi).to_numpy(int), (b5["geslacht"] == "vrouw").to_numpy(int),
            np.searchsorted(A.BAND_LO, b5["leeftijd_van"].to_numpy(int))] = \
            b5["waarde"].to_numpy(float) * b5["schaalfactor"].to_numpy(float)
        ok = ~np.isnan(tru).any(axis=(1, 2))
        e, t = est[ok], tru[ok]
        ape = np.abs(e - t) / np.maximum(t, 1) * 100
        di = 0.5 * np.abs(e / e.sum(axis=(1, 2), keepdims=True) - t / t.sum(axis=(1, 2), keepdims=True)).sum(axis=(1, 2)) * 100
        b65 = (e[:, :, 13:].sum(axis=(1, 2)) - t[:, :, 13:].sum(axis=(1, 2))) / t[:, :, 13:].sum(axis=(1, 2)) * 100
        b75 = (e[:, :, 15:].sum(axis=(1, 2)) - t[:, :, 15:].sum(axis=(1, 2))) / t[:, :, 15:].sum(axis=(1, 2)) * 100
        worst_band = np.unravel_index(np.argmax(ape.mean(axis=0)), ape.shape[1:])
        out.append({"toets": label, "gemeenten": int(ok.sum()),
                    "mape_klasse_geslacht": float(ape.mean()), "mediaan_ape": float(np.median(ape)),
                    "dissimilariteit_gem": float(di.mean()), "dissimilariteit_max": float(di.max()),
                    "ape_65plus": float(np.abs(b65).mean()), "ape_75plus": float(np.abs(b75).mean()),
                    "slechtste_klasse": f"{['man', 'vrouw'][worst_band[0]]} {A.BAND_LO[worst_band[1]]}"
                                        f"{'+' if worst_band[1] == A.NB - 1 else '-' + str(A.BAND_HI[worst_band[1]])}"
                                        f" ({ape.mean(axis=0)[worst_band]:.1f}%)"})
    return pd.DataFrame(out)


def natural_change_check(as_of: int = 2016, last_year: int = 2023, *, settings: Settings | None = None,
                         tables: dict | None = None) -> pd.DataFrame:
    """Projected births and deaths (midden) as of ``as_of`` against the local vital statistics of
    the gemeenten that have them, per gemeente summed over as_of .. last_year."""
    settings = settings or load_settings()
    _, src = api._source(tables)
    c = api.components(None, as_of=as_of, until=last_year + 1, variants=("midden",), settings=settings,
                       tables=tables)
    gb, st = src["geboorten"], src["sterfte"]
    local = sorted((set(gb["gemeentecode"]) | set(st["gemeentecode"])) - {"NL01"})
    local = [x for x in local if x in set(c["gemeentecode"])]
    rows = []
    for code in local:
        yrs = range(as_of, last_year + 1)
        b = gb[(gb["gemeentecode"] == code) & (gb["variabele"] == "levend_geborenen") & gb["jaar"].isin(yrs)]
        d = st[(st["gemeentecode"] == code) & (st["geslacht"] == "totaal") & st["leeftijd_van"].isna()
               & st["jaar"].isin(yrs)]
        m = c[(c["gemeentecode"] == code) & c["jaar"].isin(yrs)]
        ob, od = float(b["waarde"].sum()), float(d["waarde"].sum())
        mb, md = float(m["geboorten"].sum()), float(m["sterfte"].sum())
        pop = float(api.run(as_of, last_year + 1, variants=("midden",), settings=settings, tables=tables)
                    .hist.totals[api.run(as_of, last_year + 1, variants=("midden",), settings=settings,
                                         tables=tables).codes.index(code), -1])
        n = len(list(yrs))
        rows.append({"gemeentecode": code, "jaren": f"{as_of}-{last_year}", "geboorten_cbs": ob, "geboorten_model": mb,
                     "sterfte_cbs": od, "sterfte_model": md, "natuurlijke_aanwas_cbs": ob - od,
                     "natuurlijke_aanwas_model": mb - md,
                     "verschil_per_jaar_promille": ((mb - md) - (ob - od)) / n / pop * 1000})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------------------------
# report
# ------------------------------------------------------------------------------------------------

def _fmt(x: float) -> str:
    return f"{x:.2f}".replace(".", ",")


def report_table(df: pd.DataFrame) -> str:
    """Markdown: one row per run and group; MAPE / median APE / bias of the model and MAPE of each
    baseline side by side, plus the model's worst gemeenten."""
    lines = ["| fase | as of → doel | groep | n | model MAPE | model MdAPE | model bias | model P90 | "
             "laatste | lineair | geometrisch | slechtste gemeenten (model) |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for (fase, a, t, g), d in df.groupby(["fase", "as_of", "doeljaar", "groep"], sort=False):
        m = d.set_index("methode")
        if "model" not in m.index:
            continue
        mo = m.loc["model"]
        base = {k: (_fmt(m.loc[k, "mape"]) if k in m.index else "–") for k in ("laatste", "lineair", "geometrisch")}
        best = min((m.loc[k, "mape"] for k in base if k in m.index), default=np.inf)
        flag = " ✓" if mo["mape"] < best else ""
        lines.append(f"| {fase} | {a} → {t} | {g} | {int(mo['n'])} | **{_fmt(mo['mape'])}**{flag} | "
                     f"{_fmt(mo['medape'])} | {_fmt(mo['bias'])} | {_fmt(mo['p90'])} | {base['laatste']} | "
                     f"{base['lineair']} | {base['geometrisch']} | {mo['slechtste']} |")
    return "\n".join(lines)
