"""Chapter "Data en bronnen": the region's gemeenten and their observed population.

Functions of a :class:`woonzorg_lib.pipeline.RunResult` (``run``); each returns a tidy DataFrame or
a dict of numbers for one table, figure or sentence of the chapter.
"""

from __future__ import annotations

import pandas as pd

from .. import cache
from ..dataset import load
from ..report import fmt, sources
from ..settings import in_region
from . import bronnen


@cache.derived
def population_history(run) -> pd.DataFrame:
    """Total population on 1 January per gemeente, every year in the snapshot up to as_of
    (plus later published years, marked ``na_peiljaar``)."""
    t = load.table("bevolking_totaal")
    t = in_region(t, run.codes).copy()
    t["na_peiljaar"] = t["jaar"] > run.params.as_of
    return t.sort_values(["gemeentecode", "jaar"]).reset_index(drop=True)


def region_population_history(run) -> pd.DataFrame:
    """Region total per year (only years where every gemeente has a figure)."""
    t = population_history(run)
    counts = t.groupby("jaar")["gemeentecode"].nunique()
    full = counts[counts == len(run.codes)].index
    s = t[t["jaar"].isin(full)].groupby("jaar", as_index=False).agg(waarde=("waarde", "sum"),
                                                                     na_peiljaar=("na_peiljaar", "max"))
    s = s.sort_values("jaar").reset_index(drop=True)
    s.attrs["bron"] = sources.bron(ids=t[t["jaar"].isin(full)]["bron"].unique())
    return s


def population_ids(run, years) -> list[str]:
    """The CBS table ids behind the observed population in ``years``."""
    t = population_history(run)
    return sorted(set(t[t["jaar"].isin(list(years))]["bron"].dropna().astype(str)))


def population_in(run, year: int) -> pd.Series:
    """Observed population per gemeente (index gemeentecode) on 1 January of ``year``."""
    t = population_history(run)
    return t[t["jaar"] == year].set_index("gemeentecode")["waarde"]


@cache.derived
def gemeenten_overview(run) -> pd.DataFrame:
    """Per gemeente: inwoners on 1 January of the base year, ten years earlier, growth, latest."""
    base = run.params.base_year
    h = population_history(run)
    years = sorted(h["jaar"].unique())
    earlier = base - 10 if (base - 10) in years else min(years)
    latest = max(years)
    g = run.gemeenten[["gemeentecode", "gemeentenaam", "subregio", "centrumgemeente_bw_mo"]].copy()
    g["inwoners_basis"] = g["gemeentecode"].map(population_in(run, base))
    g["inwoners_eerder"] = g["gemeentecode"].map(population_in(run, earlier))
    g["groei"] = g["inwoners_basis"] / g["inwoners_eerder"] - 1.0
    g["inwoners_laatst"] = g["gemeentecode"].map(population_in(run, latest))
    g.attrs.update(basisjaar=base, eerder=earlier, laatst=latest,
                   bron=sources.bron(ids=population_ids(run, [base, earlier, latest]) + ["85755NED"]),
                   bron_kaart=sources.bron(ids=population_ids(run, [base, earlier]), tables=["centroiden"]),
                   groei_totaal=float(g["inwoners_basis"].sum()) / float(g["inwoners_eerder"].sum()) - 1.0)
    return g


def population_summary(run) -> dict:
    """Numbers for the opening sentences: gemeenten, inwoners in the base year, growth, latest count."""
    g = gemeenten_overview(run)
    basis, eerder, laatst = g.attrs["basisjaar"], g.attrs["eerder"], g.attrs["laatst"]
    tot_b, tot_e = float(g["inwoners_basis"].sum()), float(g["inwoners_eerder"].sum())
    big = g.sort_values("inwoners_basis", ascending=False).iloc[0]
    fastest = g.sort_values("groei", ascending=False).iloc[0]
    slowest = g.sort_values("groei").iloc[0]
    return {"n_gemeenten": len(g), "basisjaar": basis, "eerder": eerder, "laatst": laatst,
            "inwoners": tot_b, "inwoners_eerder": tot_e, "groei": tot_b / tot_e - 1.0,
            "inwoners_laatst": float(g["inwoners_laatst"].sum()),
            "grootste": big["gemeentenaam"], "grootste_aandeel": float(big["inwoners_basis"]) / tot_b,
            "snelst": fastest["gemeentenaam"], "snelst_groei": float(fastest["groei"]),
            "traagst": slowest["gemeentenaam"], "traagst_groei": float(slowest["groei"]),
            "gemeenten_lijst": fmt.join(g["gemeentenaam"].tolist())}


def sources_overview(run) -> pd.DataFrame:
    """One row per raw file: what it is, which CBS tables, which reference dates."""
    rows = []
    for m in bronnen.manifest():
        rows.append({"titel": m.get("titel", m["pad"]),
                     "tabellen": ", ".join(str(t["id"]) for t in m.get("cbs_tabellen") or []),
                     "peildata": "; ".join(str(x) for x in m.get("peildata") or []),
                     "bestand": m["pad"], "sha256": str(m.get("sha256", "")),
                     "licentie": m.get("licentie", ""), "bytes": m.get("bytes")})
    return pd.DataFrame(rows)
