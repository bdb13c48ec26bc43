"""Chapter "Prognose en onzekerheid": the back-test of the demography, the vraag per groep over
time and the sensitivity (tornado) of the opgave to each parameter.

The back-test covers every gemeente in the snapshot, so it does not depend on the region: it is
computed once per build and shared through :mod:`woonzorg_lib.cache` (on disk).
"""

from __future__ import annotations

import pandas as pd

from .. import cache
from ..settings import in_region
from . import groepen
from .labels import SHORT_GROUP_NAMES, SHORT_TYPE_NAMES, parameter_label


def backtest() -> dict:
    """Held-out back-test runs: summary rows (every gemeente in the snapshot) and per-gemeente errors."""
    from ..demography import backtest as bt
    
    def compute():
        rows, errs = [], []
        for a, t in bt.HELDOUT_RUNS:
            r, e = bt.evaluate(a, t, fase="held-out", with_errors=True)
            rows += r
            errs += e
        return {"rows": pd.DataFrame(rows), "errors": pd.DataFrame(errs)}

    return cache.cached("backtest-heldout", (), compute, persist=True)


def backtest_table() -> pd.DataFrame:
    """One row per held-out run and age group: the model's error next to the naive methods (%)."""
    r = backtest()["rows"]
    if r.empty:
        return r
    piv = r.pivot_table(index=["as_of", "doeljaar", "horizon", "groep", "n"], columns="methode",
                        values="mape").reset_index()
    model = r[r["methode"] == "model"].set_index(["as_of", "doeljaar", "groep"])
    piv["bias"] = [float(model.loc[(a, t, g), "bias"]) for a, t, g in zip(piv["as_of"], piv["doeljaar"], piv["groep"])]
    piv["p90"] = [float(model.loc[(a, t, g), "p90"]) for a, t, g in zip(piv["as_of"], piv["doeljaar"], piv["groep"])]
    piv["run"] = [f"{a} → {t}" for a, t in zip(piv["as_of"], piv["doeljaar"])]
    for c in ("model", "laatste", "lineair", "geometrisch", "bias", "p90"):
        if c in piv.columns:
            piv[c] = piv[c] / 100.0  # percentages → fractions for the table's pct kind
    order = {"totaal": 0, "65+": 1, "75+": 2}
    piv["_o"] = piv["groep"].map(order)
    return piv.sort_values(["horizon", "as_of", "_o"]).drop(columns="_o").reset_index(drop=True)


def backtest_chart_data() -> pd.DataFrame:
    """Back-test errors (all ages) per method and horizon, for the line chart."""
    r = backtest()["rows"]
    r = r[r["groep"] == "totaal"].copy()
    labels = {"model": "woonzorg", "laatste": "laatste cijfer", "lineair": "rechte lijn",
              "geometrisch": "vast groeipercentage"}
    r["methode_label"] = r["methode"].map(labels)
    r["mape_frac"] = r["mape"] / 100.0
    return r.sort_values(["methode", "horizon"]).reset_index(drop=True)


@cache.derived
def backtest_region(run) -> pd.DataFrame:
    """The region's gemeenten in the held-out runs: actual, model (midden), error, inside laag–hoog."""
    e = backtest()["errors"]
    e = in_region(e, run.codes).copy()
    e["gemeentenaam"] = e["gemeentecode"].map(run.names)
    e["binnen"] = ["ja" if lo <= w <= hi else "nee" for w, lo, hi in zip(e["werkelijk"], e["laag"], e["hoog"])]
    e["run"] = [f"{a} → {t}" for a, t in zip(e["as_of"], e["doeljaar"])]
    return e.sort_values(["horizon", "as_of", "gemeentenaam"]).reset_index(drop=True)


def backtest_summary(run) -> dict:
    """Numbers for the back-test sentences: longest and shortest run, the region's hits inside laag–hoog."""
    t = backtest_table()
    tot = t[t["groep"] == "totaal"]
    longest = tot.sort_values("horizon").iloc[-1]
    shortest = tot.sort_values("horizon").iloc[0]
    reg = backtest_region(run)
    return {"lang_run": longest["run"], "lang_horizon": int(longest["horizon"]), "lang_model": float(longest["model"]),
            "lang_lineair": float(longest.get("lineair", float("nan"))),
            "lang_laatste": float(longest.get("laatste", float("nan"))),
            "kort_run": shortest["run"], "kort_model": float(shortest["model"]),
            "regio_binnen": int((reg["binnen"] == "ja").sum()), "regio_n": int(len(reg)),
            "n_gemeenten": int(longest["n"])}


@cache.derived
def tornado_data(run, eenheid: str = "woningen", top: int = 12) -> pd.DataFrame:
    """The ``top`` parameters with the largest effect on the region's opgave in ``eenheid``, largest first."""
    s = run.sensitivity
    s = s[s["eenheid"] == eenheid].sort_values(["bereik", "parameter"], ascending=[False, True]).head(top)
    names = groepen.group_names()
    s = s.assign(label=[parameter_label(k, names) for k in s["parameter"]])
    return s.reset_index(drop=True)


def sensitivity_units(run) -> list[str]:
    """The units that have a sensitivity result, in report order."""
    order = ["woningen", "plaatsen", "eenheden", "bedden", "standplaatsen", "personen", "huishoudens"]
    have = set(run.sensitivity["eenheid"])
    return [u for u in order if u in have]


def sensitivity_overview(run, top: int = 3) -> pd.DataFrame:
    """The ``top`` heaviest parameters per unit, one table."""
    frames = [tornado_data(run, u, top=top) for u in sensitivity_units(run)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["eenheid", "label", "opgave_laag", "opgave_midden", "opgave_hoog"])


@cache.derived
def demand_paths(run) -> pd.DataFrame:
    """Region vraag per groep (main woningtype summed within one unit) per year: laag/midden/hoog
    columns (laag/hoog: the range of the regional total, ``run.bands``), for the small-multiples chart."""
    d = run.demand[run.demand["maat"] == "vraag"]
    multi = set(d.drop_duplicates(["groep", "woningtype"]).groupby("groep").size().loc[lambda x: x > 1].index)
    d = d.assign(label=[f"{SHORT_GROUP_NAMES.get(g, g)}"
                        + (f": {SHORT_TYPE_NAMES.get(w, w)}" if g in multi else "") + f" ({e})"
                        for g, w, e in zip(d["groep"], d["woningtype"], d["eenheid"])])
    piv = d.pivot_table(index=["groep", "label", "jaar"], columns="variant", values="waarde", aggfunc="sum")
    piv = piv.reset_index()
    # laag/hoog of the region: the range of the regional total per draw (run.bands), not a sum of
    # the gemeenten's ranges; a label that joins several woningtypes takes the group's range
    b = run.bands[(run.bands["maat"] == "vraag") & run.bands["niveau"].isin(["woningtype", "groep"])]
    wt_of = d.drop_duplicates(["groep", "label"]).set_index(["groep", "label"])["woningtype"]
    eh_of = d.drop_duplicates(["groep", "label"]).set_index(["groep", "label"])["eenheid"]
    many = d.groupby(["groep", "label"])["woningtype"].nunique()
    # the band row of each (groep, woningtype or eenheid, jaar), looked up once; a key that is not
    # exactly one row gives no range
    found: dict = {}
    for r in b.itertuples(index=False):
        k = (r.niveau, r.groep, r.woningtype if r.niveau == "woningtype" else r.eenheid, r.jaar)
        found[k] = None if k in found else (float(r.laag), float(r.hoog))
    lo, hi = [], []
    for g, lab, y in zip(piv["groep"], piv["label"], piv["jaar"]):
        k = ("woningtype", g, wt_of[(g, lab)], y) if many[(g, lab)] == 1 else ("groep", g, eh_of[(g, lab)], y)
        pair = found.get(k) or (float("nan"), float("nan"))
        lo.append(pair[0])
        hi.append(pair[1])
    piv["laag"], piv["hoog"] = lo, hi
    order = {c: i for i, c in enumerate(groepen.catalogue()["groep"])}
    piv["_o"] = piv["groep"].map(order)
    return piv.sort_values(["_o", "label", "jaar"]).drop(columns="_o").reset_index(drop=True)
