"""Chapter "Kernboodschap": the headline numbers of the run, and a scenario beside the default."""

from __future__ import annotations

import pandas as pd

from ..report import fmt
from . import bronnen, demografie, groepen, prognose, verdeling
from .labels import WONINGTYPE_LABELS


def key_figures(run) -> dict:
    """The headline numbers of the report (samenvatting)."""
    k = demografie.population_summary_forecast(run)
    ov = groepen.demand_overview(run)
    w = ov[ov["eenheid"] == "woningen"]
    t = prognose.tornado_data(run, "woningen", top=3)
    alloc = verdeling.allocation_by_gemeente(run)
    over = alloc[alloc["druk"] > 1.0]["gemeentenaam"].tolist() if "druk" in alloc.columns else []
    biggest = w.sort_values("opgave", ascending=False).head(3)
    return {**k, "opgave_woningen": float(w["opgave"].sum()), "opgave_woningen_laag": float(w["opgave_laag"].sum()),
            "opgave_woningen_hoog": float(w["opgave_hoog"].sum()), "bruto": bool(w["bruto"].any()),
            "grootste": [f"{r.groep_naam.split(' (')[0]}, {r.woningtype_naam}" for r in biggest.itertuples()],
            "grootste_aandeel": float(biggest["opgave"].sum() / w["opgave"].sum()) if w["opgave"].sum() else float("nan"),
            "gevoeligst": t["label"].tolist(), "boven_capaciteit": over, "n_gemeenten": len(run.codes),
            "per_jaar": float(w["opgave"].sum()) / max(1, run.until - run.base_year)}


def summary_text(run, kf: dict) -> str:
    """The headline numbers (from :func:`key_figures`) as a short Markdown list."""
    bruto = " (bruto: het bestaande aanbod is voor die woonvormen niet bekend)" if kf["bruto"] else ""
    lines = [
        f"- **Bevolking.** {run.naam} groeit in de variant {run.params.variant} van {fmt.n(kf['inwoners_basis'])} "
        f"naar {fmt.n(kf['inwoners'])} inwoners in {kf['horizon']} ({fmt.pct(kf['groei'], sign=True)}); het aantal "
        f"inwoners van 75 jaar en ouder verandert met {fmt.pct(kf['ouderen75_groei'], sign=True)}.",
        f"- **Opgave.** Van {fmt.peildatum(run.base_year)} tot {fmt.peildatum(run.until)} zijn er voor de "
        f"aandachtsgroepen {fmt.n(kf['opgave_woningen'])} woningen extra nodig{bruto}, ongeveer "
        f"{fmt.n(kf['per_jaar'])} per jaar; de bandbreedte is {fmt.n(kf['opgave_woningen_laag'])} tot "
        f"{fmt.n(kf['opgave_woningen_hoog'])}.",
        f"- **Grootste posten.** {fmt.join(kf['grootste'])}: samen {fmt.pct(kf['grootste_aandeel'], 0)} van de "
        f"opgave in woningen.",
        f"- **Onzekerheid.** De uitkomst hangt het meest af van {fmt.join(kf['gevoeligst'])}. Lokale cijfers voor "
        f"deze parameters maken de analyse het meest nauwkeuriger.",
    ]
    if kf["boven_capaciteit"]:
        lines.append(f"- **Verdeling.** Met de standaardsleutel is de toewijzing per jaar in "
                     f"{fmt.join(kf['boven_capaciteit'])} groter dan het aantal sociale huurwoningen dat per jaar "
                     f"vrijkomt voor aandachtsgroepen.")
    else:
        lines.append("- **Verdeling.** Met de standaardsleutel blijft de toewijzing per jaar in elke gemeente "
                     "binnen de verhuurcapaciteit voor aandachtsgroepen.")
    return "\n".join(lines)


def summary_table(run) -> pd.DataFrame:
    """Opgave to the horizon per groep (all woningtypes of one unit together), laag–hoog, bruto."""
    ov = groepen.demand_overview(run)
    g = ov.groupby(["groep", "groep_naam", "eenheid"], as_index=False, sort=False).agg(
        opgave=("opgave", "sum"), opgave_laag=("opgave_laag", "sum"), opgave_hoog=("opgave_hoog", "sum"),
        bruto=("bruto", "any"))
    return g


def scenario_changes(run) -> pd.DataFrame:
    """Which parameters the scenario changes: default vs scenario value."""
    if not run.params.scenario:
        return pd.DataFrame(columns=["parameter", "standaard", "scenario", "verschil"])
    a, b = run.default_parameter_set, run.parameter_set
    rows = []
    for key in b.keys():
        ea, eb = a[key], b[key]
        for field, label in (("waarde", ""), ("laag", " (laag)"), ("hoog", " (hoog)")):
            va, vb = getattr(ea, field), getattr(eb, field)
            if va != vb:
                rows.append({"parameter": key + label, "standaard": float(va), "scenario": float(vb),
                             "verschil": float(vb) - float(va)})
    return pd.DataFrame(rows, columns=["parameter", "standaard", "scenario", "verschil"])


def _opgave_by(run, demand: pd.DataFrame, keys: list[str]) -> pd.Series:
    d = demand[(demand["maat"] == "opgave") & (demand["jaar"] == run.until) & (demand["variant"] == run.params.variant)]
    return d.groupby(keys)["waarde"].sum()


def scenario_by_group(run) -> pd.DataFrame:
    """Opgave to the horizon per groep × woningtype: default beside scenario, difference."""
    keys = ["groep", "woningtype", "eenheid"]
    a, b = _opgave_by(run, run.default_demand, keys), _opgave_by(run, run.demand, keys)
    df = pd.DataFrame({"standaard": a, "scenario": b}).fillna(0.0).reset_index()
    df["verschil"] = df["scenario"] - df["standaard"]
    df["verschil_pct"] = [d / s if s else float("nan") for d, s in zip(df["verschil"], df["standaard"])]
    df["groep_naam"] = [f"{groepen.group_names().get(g, g)}: {WONINGTYPE_LABELS.get(w, w)}"
                        for g, w in zip(df["groep"], df["woningtype"])]
    order = {c: i for i, c in enumerate(groepen.catalogue()["groep"])}
    df["_o"] = df["groep"].map(order)
    return df.sort_values(["_o", "woningtype"]).drop(columns="_o").reset_index(drop=True)


def scenario_by_gemeente(run, eenheid: str = "woningen") -> pd.DataFrame:
    """Opgave to the horizon per gemeente in one unit: default beside scenario, difference."""
    keys = ["gemeentecode", "eenheid"]
    a, b = _opgave_by(run, run.default_demand, keys), _opgave_by(run, run.demand, keys)
    df = pd.DataFrame({"standaard": a, "scenario": b}).fillna(0.0).reset_index()
    df = df[df["eenheid"] == eenheid].copy()
    df["verschil"] = df["scenario"] - df["standaard"]
    df["verschil_pct"] = [d / s if s else float("nan") for d, s in zip(df["verschil"], df["standaard"])]
    df["gemeentenaam"] = df["gemeentecode"].map(run.names)
    return df.sort_values("gemeentenaam").reset_index(drop=True)


def scenario_by_gemeente_group(run) -> pd.DataFrame:
    """Only the (gemeente, groep) cells the scenario changes, largest change first."""
    keys = ["gemeentecode", "groep", "woningtype", "eenheid"]
    a, b = _opgave_by(run, run.default_demand, keys), _opgave_by(run, run.demand, keys)
    df = pd.DataFrame({"standaard": a, "scenario": b}).fillna(0.0).reset_index()
    df["verschil"] = df["scenario"] - df["standaard"]
    df = df[df["verschil"].abs() > 0.5].copy()
    df["gemeentenaam"] = df["gemeentecode"].map(run.names)
    df["groep_naam"] = [f"{groepen.group_names().get(g, g)}: {WONINGTYPE_LABELS.get(w, w)}"
                        for g, w in zip(df["groep"], df["woningtype"])]
    df["_abs"] = -df["verschil"].abs()
    return df.sort_values(["_abs", "gemeentenaam", "groep"]).drop(columns="_abs").reset_index(drop=True)


def scenario_text(run) -> str:
    """One sentence on what the scenario changes (or that the run uses the default parameters)."""
    if not run.params.scenario:
        return ("Dit rapport rekent met de standaardparameters (config/parameters.yaml); er is geen scenario "
                "opgegeven.")
    ch = scenario_changes(run)
    tot = scenario_by_gemeente(run, "woningen")
    a, b = float(tot["standaard"].sum()), float(tot["scenario"].sum())
    return (f"Scenario **{bronnen.scenario_name(run)}** wijzigt {len(ch)} parameterwaarde(n). De opgave in woningen tot "
            f"{run.until} wordt daardoor {fmt.n(b)} in plaats van {fmt.n(a)} "
            f"({fmt.n(b - a, sign=True)}; {fmt.pct((b - a) / a if a else float('nan'), sign=True)}).")
