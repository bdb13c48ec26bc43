"""Chapter "Aandachtsgroepen": the catalogue of groups and the region's vraag, aanbod and opgave
per groep × woningtype (from ``run.demand``, :func:`woonzorg_lib.groups.demand_table`).
"""

from __future__ import annotations

import pandas as pd

from .. import cache
from .labels import METHOD_LABELS, WONINGTYPE_LABELS


TASK_MEASURES = ("opgave", "toewijzing")


def with_task(demand: pd.DataFrame) -> pd.DataFrame:
    """The demand table with each group's task under ``maat == "opgave"``: the opgave (extra units,
    stand groups) or the cumulative toewijzing (lettings, stroom groups) — a group has one of the
    two, so sums per group never mix them; ``soort`` still says which."""
    if not (demand["maat"] == "toewijzing").any():
        return demand
    return demand.assign(maat=demand["maat"].where(demand["maat"] != "toewijzing", "opgave"))


def catalogue() -> pd.DataFrame:
    """The fourteen groups: code, Dutch name, definition, stand/stroom, method, woonvormen, unit, sources."""
    store = cache.memory("catalogue", 1)  # a function of the library's own CATALOGUE only (no data, no config)
    if "table" not in store:
        store.remember("table", _catalogue())
    return store["table"]


def _catalogue() -> pd.DataFrame:
    from ..groups import CATALOGUE
    from ..report import terms

    rows = []
    for code, g in CATALOGUE.items():
        rows.append({"groep": code, "naam": g.naam, "definitie": terms.plain_text(g.definitie), "soort": g.soort,
                     "methode": METHOD_LABELS.get(g.methode, g.methode),
                     "woningtypen": ", ".join(WONINGTYPE_LABELS.get(w, w) for w in g.woningtypen),
                     "eenheid": g.eenheid, "bronnen": "; ".join(g.bronnen),
                     "toelichting": terms.plain_text(g.toelichting)})
    return pd.DataFrame(rows)


def group_names() -> dict[str, str]:
    """groep code → Dutch name."""
    c = catalogue()
    return dict(zip(c["groep"], c["naam"]))


def _bruto_keys(run) -> set:
    b = run.opgave_basis
    return set(map(tuple, b[b["basis"] == "bruto"][["gemeentecode", "groep", "woningtype"]].to_numpy()))


@cache.derived
def demand_overview(run, gemeente: str | None = None) -> pd.DataFrame:
    """Per groep × woningtype, region totals (or one ``gemeente``'s figures): vraag in the base year
    and the horizon, opgave to the horizon (variant of the run, with laag and hoog: for the region the
    range of the regional total, :mod:`.ranges`), unit, stand/stroom and whether bruto."""
    d = with_task(run.demand if gemeente is None else run.demand[run.demand["gemeentecode"] == gemeente])
    codes = run.codes if gemeente is None else [gemeente]
    b, hz = run.base_year, run.until
    bruto = _bruto_keys(run)
    rows = []
    # one grouping for all pairs (each sum adds the same rows in the same order as per pair);
    # the pairs in order of first appearance, with their first row's soort and eenheid
    sums = d.groupby(["groep", "woningtype", "maat", "jaar", "variant"])["waarde"].sum().to_dict()
    names = group_names()
    firsts = d.drop_duplicates(["groep", "woningtype"])
    firsts = firsts[firsts["groep"].notna() & firsts["woningtype"].notna()]  # as groupby drops them
    for g, wt, soort, eenheid in zip(firsts["groep"], firsts["woningtype"], firsts["soort"], firsts["eenheid"]):
        get = lambda m, y, v: float(sums.get((g, wt, m, y, v), float("nan")))  # noqa: E731
        rows.append({"groep": g, "groep_naam": names.get(g, g),
                     "woningtype": wt, "woningtype_naam": WONINGTYPE_LABELS.get(wt, wt),
                     "soort": soort, "eenheid": eenheid,
                     "vraag_basis": get("vraag", b, run.params.variant), "vraag_horizon": get("vraag", hz, run.params.variant),
                     "opgave": get("opgave", hz, run.params.variant), "opgave_laag": get("opgave", hz, "laag"),
                     "opgave_hoog": get("opgave", hz, "hoog"),
                     "aanbod_basis": get("aanbod", b, run.params.variant),
                     "bruto": any((c, g, wt) in bruto for c in codes)})
    out = pd.DataFrame(rows)
    if gemeente is None:  # the region's range is that of the regional total, not a sum of gemeente ranges
        from .ranges import with_region_ranges

        out = with_region_ranges(out, run, niveau="woningtype", jaar=hz)
    order = {c: i for i, c in enumerate(catalogue()["groep"])}
    out["_o"] = out["groep"].map(order)
    return out.sort_values(["_o", "woningtype"]).drop(columns="_o").reset_index(drop=True)


def switched_off(run) -> pd.DataFrame:
    """Groups switched off for a gemeente because an input is missing there (CONTRACTS: data
    coverage), from :func:`woonzorg_lib.groups.coverage`: one row per component with the gemeenten
    it is off for, in Dutch (``groep_naam``, ``gemeenten``, ``aantal``, ``reden``). Empty when every
    component has data for every gemeente of the region."""
    from ..groups import CATALOGUE, coverage
    from ..groups.data_coverage import switched_off as _off

    off = _off(coverage(list(run.region.gemeenten), as_of=run.params.as_of))
    cols = ["groep_naam", "gemeenten", "aantal", "reden"]
    if off.empty:
        return pd.DataFrame(columns=cols)
    names = dict(zip(run.gemeenten["gemeentecode"], run.gemeenten["gemeentenaam"]))
    rows = []
    for comp, g in off.groupby("component", sort=True):
        gem = sorted(names.get(c, c) for c in g["gemeentecode"])
        naam = CATALOGUE[comp].naam if comp in CATALOGUE else comp
        rows.append((naam, ", ".join(gem), len(gem), g["reden"].iloc[0]))
    return pd.DataFrame(rows, columns=cols)
