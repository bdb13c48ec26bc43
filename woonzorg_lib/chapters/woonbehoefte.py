"""Chapter "Woonbehoefte en opgave": the opgave per gemeente × woningtype to the horizon."""

from __future__ import annotations

import pandas as pd

from .. import cache
from . import bevolking, groepen
from .labels import WONINGTYPE_LABELS


@cache.derived
def need_by_type(run, eenheid: str | None = "woningen", soort: str | None = None) -> pd.DataFrame:
    """Opgave to the horizon per gemeente × woningtype (run's variant), with the bruto flag.
    ``soort`` ``stand`` keeps the extra units (opgave), ``stroom`` the cumulative lettings
    (toewijzing); None keeps both (then a woningtype's figure may join the two: only for tables
    that show them per woonvorm and never total them)."""
    d = run.demand  # the rows first, then the task's name: with_task on the whole table cost more than all else
    d = groepen.with_task(d[d["maat"].isin(groepen.TASK_MEASURES) & (d["jaar"] == run.until)
                            & (d["variant"] == run.params.variant)])
    if eenheid:
        d = d[d["eenheid"] == eenheid]
    if soort:
        d = d[d["soort"] == soort]
    bruto = groepen._bruto_keys(run)
    d = d.assign(bruto=[(c, g, w) in bruto for c, g, w in zip(d["gemeentecode"], d["groep"], d["woningtype"])])
    out = d.groupby(["gemeentecode", "woningtype", "eenheid"], as_index=False).agg(
        waarde=("waarde", "sum"), bruto=("bruto", "any"))
    out["gemeentenaam"] = out["gemeentecode"].map(run.names)
    out["woningtype_naam"] = out["woningtype"].map(lambda w: WONINGTYPE_LABELS.get(w, w))
    return out.sort_values(["gemeentenaam", "woningtype"]).reset_index(drop=True)


@cache.derived
def need_wide(run, eenheid: str = "woningen", soort: str = "stand") -> pd.DataFrame:
    """need_by_type as one row per gemeente, one column per woningtype, plus total and per 1.000
    inwoners. Default: the stand groups only, so the total is extra units in the stock; the lettings
    of the stroom groups are a flow and are never added to it (:func:`lettings_by_gemeente`)."""
    n = need_by_type(run, eenheid, soort)
    wide = n.pivot_table(index=["gemeentecode", "gemeentenaam"], columns="woningtype", values="waarde",
                         aggfunc="sum", fill_value=0.0)
    br = n.pivot_table(index=["gemeentecode", "gemeentenaam"], columns="woningtype", values="bruto", aggfunc="any",
                       fill_value=False)
    wide.columns = [str(c) for c in wide.columns]
    types = list(wide.columns)
    for c in types:
        wide[f"{c}__bruto"] = br[c].astype(bool) if c in br.columns else False
    wide["totaal"] = wide[types].sum(axis=1)
    wide["totaal__bruto"] = wide[[f"{c}__bruto" for c in types]].any(axis=1)
    wide = wide.reset_index()
    inw = bevolking.population_in(run, run.base_year)
    wide["per_1000"] = wide["totaal"] / wide["gemeentecode"].map(inw) * 1000.0
    wide = wide.sort_values("gemeentenaam").reset_index(drop=True)
    wide.attrs["types"] = types
    wide.attrs["per_1000_regio"] = float(wide["totaal"].sum() / inw.reindex(run.codes).sum() * 1000.0)
    return wide


@cache.derived
def lettings_by_gemeente(run, eenheid: str = "woningen") -> pd.DataFrame:
    """The stroom groups' lettings from the existing stock per gemeente (run's variant): cumulative
    from the base year to the horizon (``toewijzing``) and per year (``per_jaar``), with the bruto
    flag; ``attrs['regio']``: the region's totals. A flow: never added to the extra homes."""
    n = need_by_type(run, eenheid, "stroom")
    g = n.groupby(["gemeentecode"], as_index=False).agg(toewijzing=("waarde", "sum"), bruto=("bruto", "any"))
    out = run.gemeenten[["gemeentecode", "gemeentenaam"]].merge(g, on="gemeentecode", how="left")
    out["toewijzing"] = out["toewijzing"].fillna(0.0)
    out["bruto"] = out["bruto"].astype("boolean").fillna(False).astype(bool)
    years = max(1, run.until - run.base_year)
    out["per_jaar"] = out["toewijzing"] / years
    out.attrs["jaren"] = years
    return out.sort_values("gemeentenaam").reset_index(drop=True)


@cache.derived
def need_other_units(run) -> pd.DataFrame:
    """Opgave in plaatsen, eenheden, bedden and standplaatsen: one row per gemeente, one column per
    woonvorm × eenheid (attrs['columns']: column → (label, unit)); bruto flags in ``<col>__bruto``."""
    n = need_by_type(run, None)
    n = n[n["eenheid"] != "woningen"].copy()
    n["kolom"] = n["woningtype"] + "__" + n["eenheid"]
    wide = n.pivot_table(index=["gemeentecode", "gemeentenaam"], columns="kolom", values="waarde", aggfunc="sum")
    br = n.pivot_table(index=["gemeentecode", "gemeentenaam"], columns="kolom", values="bruto", aggfunc="any")
    cols = list(wide.columns)
    flags = pd.DataFrame({f"{c}__bruto": br[c].fillna(False).astype(bool) for c in cols}, index=wide.index)
    wide = pd.concat([wide, flags], axis=1)  # all flag columns at once, not one insert each
    wide.columns.name = "kolom"
    wide = wide.reset_index().sort_values("gemeentenaam").reset_index(drop=True)
    wide.attrs["columns"] = {c: (WONINGTYPE_LABELS.get(c.split("__")[0], c), c.split("__")[1]) for c in cols}
    return wide
