"""Chapter "Bevolking en huishoudens": the population and household forecast of the region.

Functions of a :class:`woonzorg_lib.pipeline.RunResult` (``run``); the forecast itself is
``run.forecast`` (:func:`woonzorg_lib.demography.forecast`).
"""

from __future__ import annotations

import pandas as pd

from .. import cache
from ..dataset import load
from ..report import sources
from ..settings import in_region


def pyramid_data(run) -> pd.DataFrame:
    """Region population by sex and band in the base year and the horizon (the run's variant)."""
    f = run.forecast
    f = f[(f["geslacht"] != "totaal") & (f["variant"] == run.params.variant)
          & f["jaar"].isin([run.base_year, run.until])]
    keys = ["jaar", "geslacht", "leeftijd_van"]
    out = f.groupby(keys, as_index=False).agg(waarde=("waarde", "sum"), leeftijd_tot=("leeftijd_tot", "first"))
    return out.sort_values(keys).reset_index(drop=True)


def population_paths(run) -> pd.DataFrame:
    """Region total population per year and variant."""
    f = run.forecast
    f = f[f["geslacht"] == "totaal"]
    return f.groupby(["jaar", "variant"], as_index=False)["waarde"].sum().sort_values(["jaar", "variant"])


def households_paths(run) -> pd.DataFrame:
    """Region private households per year and variant (gemeenten with a household count only)."""
    h = run.households.rename(columns={"huishoudens": "waarde"})
    return h.groupby(["jaar", "variant"], as_index=False)["waarde"].sum().sort_values(["jaar", "variant"])


def households_history(run) -> pd.DataFrame:
    """Observed private households on 1 January, region total (years where every gemeente in the
    projection has a count and that are visible at as_of)."""
    from ..demography.households import observed

    obs = observed(load.table("huishoudens"), run.codes)
    codes = sorted(set(run.households["gemeentecode"]))
    obs = obs.reindex(codes)
    years = [int(y) for y in obs.columns if obs[y].notna().all() and int(y) <= run.params.as_of]
    out = pd.DataFrame({"jaar": years, "waarde": [float(obs[y].sum()) for y in years]})
    out.attrs["n_gemeenten"] = len(codes)
    return out


@cache.derived
def age_groups(run) -> pd.DataFrame:
    """Region population in broad age groups: base year vs horizon (the run's variant and laag/hoog)."""
    f = run.forecast
    f = f[(f["geslacht"] == "totaal") & f["jaar"].isin([run.base_year, run.until])]
    bins = [(0, 19, "0–19 jaar"), (20, 64, "20–64 jaar"), (65, 74, "65–74 jaar"), (75, 84, "75–84 jaar"),
            (85, None, "85 jaar en ouder")]
    rows = []
    for lo, hi, label in bins:
        sel = f[(f["leeftijd_van"] >= lo) & ((f["leeftijd_van"] <= hi) if hi is not None else True)]
        piv = sel.groupby(["jaar", "variant"])["waarde"].sum()
        b = float(piv.loc[(run.base_year, run.params.variant)])
        rows.append({"leeftijd": label, "basis": b,
                     "laag": float(piv.loc[(run.until, "laag")]),
                     "horizon": float(piv.loc[(run.until, run.params.variant)]),
                     "hoog": float(piv.loc[(run.until, "hoog")])})
    out = pd.DataFrame(rows)
    out["groei"] = out["horizon"] / out["basis"] - 1.0
    return out


def forecast_by_gemeente(run) -> pd.DataFrame:
    """Per gemeente: population base year, horizon (laag/variant/hoog), growth; households."""
    f = run.forecast
    f = f[f["geslacht"] == "totaal"].groupby(["gemeentecode", "jaar", "variant"])["waarde"].sum()
    h = run.households.set_index(["gemeentecode", "jaar", "variant"])["huishoudens"]
    b, hz, v = run.base_year, run.until, run.params.variant
    rows = []
    for code in run.codes:
        r = {"gemeentecode": code, "gemeentenaam": run.names[code], "basis": float(f.loc[(code, b, v)]),
             "laag": float(f.loc[(code, hz, "laag")]), "horizon": float(f.loc[(code, hz, v)]),
             "hoog": float(f.loc[(code, hz, "hoog")])}
        r["groei"] = r["horizon"] / r["basis"] - 1.0
        r["hh_basis"] = float(h.get((code, b, v), float("nan")))
        r["hh_horizon"] = float(h.get((code, hz, v), float("nan")))
        rows.append(r)
    out = pd.DataFrame(rows).sort_values("gemeentenaam").reset_index(drop=True)
    tot = {k: float(out[k].sum()) for k in ("basis", "laag", "horizon", "hoog")}
    out.attrs["totaal_groei"] = tot["horizon"] / tot["basis"] - 1.0
    return out


def variant_band(run) -> dict:
    """How wide the demographic laag–hoog band is (from the demography settings)."""
    from ..demography.config import load_settings

    v = load_settings()["varianten"]
    h = run.until - run.base_year
    return {"c": float(v["c"]), "b": float(v["b"]), "niveau": float(v["niveau"]), "jaren": h,
            "marge_horizon": float(v["c"]) * h ** float(v["b"])}


@cache.derived
def population_summary_forecast(run) -> dict:
    """Numbers for the chapter's opening sentences: population and households in the base year and the horizon, growth, 75+."""
    pp = population_paths(run).set_index(["jaar", "variant"])["waarde"]
    hp = households_paths(run).set_index(["jaar", "variant"])["waarde"]
    b, hz, v = run.base_year, run.until, run.params.variant
    ag = age_groups(run).set_index("leeftijd")
    old = ag.loc[["75–84 jaar", "85 jaar en ouder"]]
    return {"basis": b, "horizon": hz, "inwoners_basis": float(pp[(b, v)]), "inwoners": float(pp[(hz, v)]),
            "inwoners_laag": float(pp[(hz, "laag")]), "inwoners_hoog": float(pp[(hz, "hoog")]),
            "groei": float(pp[(hz, v)] / pp[(b, v)] - 1), "hh_basis": float(hp[(b, v)]),
            "hh": float(hp[(hz, v)]), "hh_groei": float(hp[(hz, v)] / hp[(b, v)] - 1),
            "hh_gemeenten": int(run.households["gemeentecode"].nunique()),
            "ouderen75_basis": float(old["basis"].sum()), "ouderen75": float(old["horizon"].sum()),
            "ouderen75_groei": float(old["horizon"].sum() / old["basis"].sum() - 1)}


def demography_source() -> str:
    """Source line of every forecast table and chart."""
    return sources.bron(tables=["bevolking_totaal", "bevolking_marges", "levenstafel", "geboorten", "sterfte"],
                        extra="prognose woonzorg")


def population_chart_source(run) -> str:
    """Source line of the population chart: our inputs, plus the official prognosis when shown."""
    off = official_forecast(run)
    base = demography_source()
    if off is None:
        return base
    return base + "; officiële prognose: " + off.attrs["bron"].removeprefix("Bron: ")


def official_forecast_note(run) -> str:
    """A remark when the official PBL/CBS prognosis is not in the snapshot ('' when it is shown)."""
    if official_forecast(run) is not None:
        return ""
    return ("De officiële regionale prognose van PBL en CBS zit niet in de meegeleverde gegevens. Worden die "
            "gegevens toegevoegd, dan staat zij in deze grafiek naast de prognose van woonzorg.")


def official_forecast(run) -> pd.DataFrame | None:
    """The official PBL/CBS regional prognosis (CBS 85173NED) for the region, when it has been
    fetched (`woonzorg data fetch`) into the processed table ``prognose_pbl``: region totals per
    year with columns jaar, waarde (the prognosis) and, where published, ondergrens/bovengrens
    (the 67% interval). None when the table is absent or does not cover every gemeente."""
    return _official_forecast(run)


def _official_forecast(run) -> pd.DataFrame | None:
    from ..dataset.schema import TABLES

    if "prognose_pbl" not in TABLES:
        return None
    try:
        t = load.table("prognose_pbl")
    except Exception:  # noqa: BLE001 - not fetched
        return None
    t = in_region(t, run.codes)
    if t.empty:
        return None
    piv = t.pivot_table(index=["gemeentecode", "jaar"], columns="interval", values="waarde", aggfunc="sum")
    if "prognose" not in piv.columns:
        return None
    full = piv["prognose"].notna().groupby(level="jaar").sum()
    years = [int(y) for y, n in full.items() if n == len(run.codes) and y <= run.until]
    if not years:
        return None
    piv = piv[piv.index.get_level_values("jaar").isin(years)]
    out = piv.groupby(level="jaar").sum(min_count=1).reset_index().rename(columns={"prognose": "waarde"})
    keep = ["jaar", "waarde"] + [c for c in ("ondergrens_67", "bovengrens_67") if c in out.columns]
    out = out[keep].rename(columns={"ondergrens_67": "ondergrens", "bovengrens_67": "bovengrens"})
    out.attrs["bron"] = sources.bron(ids=t["bron"].unique() if "bron" in t.columns else ("85173NED",))
    return out
