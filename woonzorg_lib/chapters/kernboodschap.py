"""Chapter "Kernboodschap": the headline numbers of the run, and a scenario beside the default."""

from __future__ import annotations

import pandas as pd

from .. import cache
from ..report import fmt
from . import bevolking, bronnen, demografie, groepen, prognose, verdeling
from .labels import (SHORT_GROUP_NAMES, WONINGTYPE_LABELS, WONINGTYPE_PLURAL, names_in_sentence,
                     region_in_sentence)
from .ranges import task_range, with_region_ranges


def _model(x) -> str:
    """A modelled number in the report's rounding (the report's policy when fmt has one)."""
    return (getattr(fmt, "model", None) or fmt.n)(x)


def _assumption(label: str) -> str:
    """A tornado label "Groep: parameter" as it reads in a sentence: "parameter (groep)"."""
    groep, sep, what = label.partition(": ")
    if not sep:
        return label
    what = what[:1].lower() + what[1:]
    if groep.lower() in what.lower():  # 'deel van de ouderen … (ouderen)' says the group twice
        return what
    return f"{what} ({groep[:1].lower() + groep[1:]})"


@cache.derived
def key_figures(run) -> dict:
    """The headline numbers of the report. Stocks and flows apart: ``extra_woningen`` (stand groups:
    extra homes to add to the stock from the base year to the horizon, per woonvorm in
    ``extra_per_type``) and ``verhuur_per_jaar`` (stroom groups: lettings from the existing stock per
    year); each with laag and hoog, the range of the regional total (:mod:`.ranges`).
    ``opgave_woningen`` (both together) is kept for older readers of this dict only, without a range,
    and is never printed as one number."""
    k = demografie.population_summary_forecast(run)
    ov = groepen.demand_overview(run)
    w = ov[ov["eenheid"] == "woningen"]
    stand, stroom = w[w["soort"] == "stand"], w[w["soort"] == "stroom"]
    years = max(1, run.until - run.base_year)
    t = prognose.tornado_data(run, "woningen", top=3)
    alloc = verdeling.allocation_by_gemeente(run)
    over = alloc[alloc["druk"] > 1.0]["gemeentenaam"].tolist() if "druk" in alloc.columns else []
    biggest = w.sort_values("opgave", ascending=False).head(3)
    per_type = stand.groupby("woningtype")["opgave"].sum().sort_values(ascending=False, kind="mergesort")
    flows = stroom.groupby("groep")["opgave"].sum().sort_values(ascending=False)
    # ranges of the regional totals (percentiles of the total per draw), never sums of percentiles
    extra_lo, extra_hi = task_range(run, niveau="soort", soort="stand", eenheid="woningen", jaar=run.until)
    let_lo, let_hi = task_range(run, niveau="soort", soort="stroom", eenheid="woningen", jaar=run.until)
    return {**k, "opgave_woningen": float(w["opgave"].sum()), "bruto": bool(w["bruto"].any()),
            "grootste": [f"{r.groep_naam.split(' (')[0]}, {r.woningtype_naam}" for r in biggest.itertuples()],
            "grootste_aandeel": float(biggest["opgave"].sum() / w["opgave"].sum()) if w["opgave"].sum() else float("nan"),
            "gevoeligst": t["label"].tolist(), "boven_capaciteit": over, "n_gemeenten": len(run.codes),
            "per_jaar": float(w["opgave"].sum()) / years,
            "extra_woningen": float(stand["opgave"].sum()), "extra_woningen_laag": extra_lo,
            "extra_woningen_hoog": extra_hi, "extra_bruto": bool(stand["bruto"].any()),
            "extra_per_type": {str(t): float(v) for t, v in per_type.items() if v >= 0.5},
            "verhuur_per_jaar": float(stroom["opgave"].sum()) / years,
            "verhuur_per_jaar_laag": let_lo / years,
            "verhuur_per_jaar_hoog": let_hi / years,
            "verhuur_voor": [SHORT_GROUP_NAMES.get(g, g).lower() for g in flows.index[:3] if flows[g] >= 0.5],
            "jaren": years}


def summary_text(run, kf: dict) -> str:
    """The kernboodschap in a few written sentences: extra homes by woonvorm to the horizon and the
    lettings need per year — never added together — with their likely range, then population,
    uncertainty and the allocation (numbers from :func:`key_figures`)."""
    tot = fmt.peildatum(run.until)
    types = fmt.join([f"{_model(v)} {WONINGTYPE_PLURAL.get(t, t)}" for t, v in kf["extra_per_type"].items()])
    parts = [f"Tot {tot} zijn in {region_in_sentence(run.naam)} voor de aandachtsgroepen naar schatting "
             f"**{_model(kf['extra_woningen'])} woningen extra** nodig"
             + (f" ({types})" if types else "") + ". "
             f"Waarschijnlijk ligt dat aantal tussen {_model(kf['extra_woningen_laag'])} en "
             f"{_model(kf['extra_woningen_hoog'])}."]
    if kf["extra_bruto"]:
        parts.append("Voor een deel van de woonvormen is het huidige aanbod niet bekend; daar is de groei van de vraag "
                     "geteld zonder wat er al staat af te trekken.")
    if kf["verhuur_per_jaar"] >= 0.5:
        voor = f", vooral voor {fmt.join(kf['verhuur_voor'])}" if kf["verhuur_voor"] else ""
        parts.append(f"Daarnaast moeten elk jaar ongeveer **{_model(kf['verhuur_per_jaar'])} vrijkomende woningen** uit de "
                     f"bestaande voorraad naar aandachtsgroepen gaan{voor} (tussen "
                     f"{_model(kf['verhuur_per_jaar_laag'])} en {_model(kf['verhuur_per_jaar_hoog'])} per jaar). Dat "
                     "zijn verhuringen, geen extra woningen: de twee getallen tellen we niet bij elkaar op.")
    parts.append(f"\n\nDe regio groeit in de variant {run.variant} van {fmt.n(kf['inwoners_basis'])} naar "
                 f"{_model(kf['inwoners'])} inwoners ({fmt.pct(kf['groei'], sign=True)}); het aantal inwoners van 75 jaar "
                 f"en ouder verandert met {fmt.pct(kf['ouderen75_groei'], sign=True)}. Hoe groot de opgave precies is, "
                 f"hangt het meest af van {fmt.join([_assumption(x) for x in kf['gevoeligst']])}; met lokale cijfers daarvoor wordt de schatting "
                 "nauwkeuriger.")
    if kf["boven_capaciteit"]:
        hoeveel = (f"alle {kf['n_gemeenten']}" if len(kf["boven_capaciteit"]) == kf["n_gemeenten"]
                   else f"{len(kf['boven_capaciteit'])} van de {kf['n_gemeenten']}")
        parts.append(f"Met de standaardsleutel krijgen {hoeveel} "
                     f"gemeenten per jaar meer verhuringen toegewezen dan er sociale huurwoningen voor aandachtsgroepen "
                     f"vrijkomen: "
                     f"{names_in_sentence(kf['boven_capaciteit'], sorted(run.names.values()))}. Daar is naast verhuur "
                     "ook nieuwbouw of transformatie nodig.")
    else:
        parts.append("Met de standaardsleutel passen de toegewezen verhuringen per jaar in elke gemeente binnen het "
                     "aantal sociale huurwoningen dat vrijkomt voor aandachtsgroepen.")
    return " ".join(parts).replace(" \n\n", "\n\n")


@cache.derived
def per_gemeente(run) -> pd.DataFrame:
    """One row per gemeente: extra woningen to the horizon (stand groups; per 1.000 inwoners too) and
    vrijkomende woningen per year for aandachtsgroepen (stroom groups) — kept apart — plus its share
    of the region's extra homes under the standard key. ``attrs``: the region's totals of each column."""
    d = run.demand  # the rows first, then the task's name (with_task on the whole table cost the most)
    d = groepen.with_task(d[d["maat"].isin(groepen.TASK_MEASURES) & (d["jaar"] == run.until)
                            & (d["variant"] == run.variant) & (d["eenheid"] == "woningen")])
    years = max(1, run.until - run.base_year)
    extra = d[d["soort"] == "stand"].groupby("gemeentecode")["waarde"].sum()
    verhuur = d[d["soort"] == "stroom"].groupby("gemeentecode")["waarde"].sum() / years
    inw = bevolking.population_in(run, run.base_year)
    ab = verdeling.allocation_by_gemeente(run).set_index("gemeentecode")
    g = run.gemeenten[["gemeentecode", "gemeentenaam"]].copy()
    g["extra_woningen"] = g["gemeentecode"].map(extra).fillna(0.0)
    g["extra_per_1000"] = g["extra_woningen"] / g["gemeentecode"].map(inw) * 1000.0
    g["verhuur_per_jaar"] = g["gemeentecode"].map(verhuur).fillna(0.0)
    g["aandeel"] = g["gemeentecode"].map(ab["aandeel"])
    tot_inw = float(inw.reindex(run.codes).sum())
    g.attrs["totaal_waarden"] = {"extra_per_1000": float(g["extra_woningen"].sum()) / tot_inw * 1000.0,
                                 "aandeel": 1.0}
    return g.sort_values("gemeentenaam").reset_index(drop=True)


@cache.derived
def summary_table(run) -> pd.DataFrame:
    """Opgave to the horizon per groep (all woningtypes of one unit together), laag–hoog, bruto;
    ``soort_naam`` says whether the figure is extra stock (stand) or lettings added up (stroom)."""
    ov = groepen.demand_overview(run)
    g = ov.groupby(["groep", "groep_naam", "eenheid", "soort"], as_index=False, sort=False).agg(
        opgave=("opgave", "sum"), bruto=("bruto", "any"))
    g = with_region_ranges(g, run, niveau="groep", jaar=run.until)  # the group's own regional range
    g["soort_naam"] = g["soort"].map({"stand": "extra in de voorraad", "stroom": "verhuringen, opgeteld"})
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
    demand = groepen.with_task(demand)
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
        return ("Dit rapport rekent met de standaardparameters (zie Bronnen en aannames); er is geen scenario "
                "opgegeven.")
    ch = scenario_changes(run)
    tot = scenario_by_gemeente(run, "woningen")
    a, b = float(tot["standaard"].sum()), float(tot["scenario"].sum())
    return (f"Scenario **{bronnen.scenario_name(run)}** wijzigt {len(ch)} parameterwaarde(n). De opgave in woningen tot "
            f"{run.until} wordt daardoor {_model(b)} in plaats van {_model(a)} "
            f"({fmt.model(b - a, sign=True)}; {fmt.pct((b - a) / a if a else float('nan'), sign=True)}).")


_PROGRAMMA_BRON = "Programma Wonen en Zorg voor Ouderen, ministerie van BZK, 2022 (kst-29389-112)"
FRAME_COLUMNS = ["onderdeel", "landelijk_doel", "aandeel_regio", "regionaal_deel", "model_regio", "eenheid",
                 "toelichting"]


@cache.derived
def national_frame(run) -> pd.DataFrame:
    """The region against the national frame, one row per part (columns :data:`FRAME_COLUMNS`).

    Ouderenhuisvesting: the national programme (290.000 homes 1-1-2022 to the end of 2030 =
    170.000 nultreden + 80.000 geclusterd + 40.000 geclusterd zorggeschikt) × the region's share
    (sum over its gemeenten of :func:`woonzorg_lib.groups.rijksopgave_key`, their share of the
    national increase of 75+) beside the modelled ouderen opgave of the run (maat opgave, variant
    midden, base year → ``run.until``) per woningtype, and all three together.

    Statushouders (only if ``run.demand`` holds the group): the yearly taakstelling — a policy
    flow, in woningen per year — national (2 × the half-year task ÷ personen per woning, from the
    parameter set) × the region's share of the inhabitants beside the modelled yearly figure. It is
    a flow and is never added to the stock rows above."""
    from ..groups import rijksopgave_key
    from ..groups.ouderen import PROGRAMMA

    d = groepen.with_task(run.demand)
    aandeel = float(rijksopgave_key(run.codes)["aandeel"].sum())
    o = d[(d["groep"] == "ouderen") & (d["maat"] == "opgave") & (d["variant"] == "midden")
          & (d["jaar"] == run.until) & d["woningtype"].isin(list(PROGRAMMA))]
    model = o.groupby("woningtype")["waarde"].sum()
    periode = f"1-1-{run.base_year} tot 1-1-{run.until}"
    rows = []
    for wt, doel in [*PROGRAMMA.items(), ("totaal", sum(PROGRAMMA.values()))]:
        m = float(model.sum()) if wt == "totaal" else float(model.get(wt, float("nan")))
        naam = "alle drie samen" if wt == "totaal" else WONINGTYPE_PLURAL.get(wt, wt)
        rows.append({"onderdeel": f"Ouderenhuisvesting: {naam}", "landelijk_doel": float(doel),
                     "aandeel_regio": aandeel, "regionaal_deel": aandeel * float(doel), "model_regio": m,
                     "eenheid": "woningen",
                     "toelichting": (f"Landelijk doel 1-1-2022 tot eind 2030 ({_PROGRAMMA_BRON}); aandeel regio = "
                                     f"aandeel in de landelijke groei van 75-plussers; model: opgave ouderen, variant "
                                     f"midden, {periode}.")})
    s = d[(d["groep"] == "statushouders") & (d["variant"] == "midden") & (d["jaar"] == run.until)
          & (d["eenheid"] == "woningen")]
    if len(s):
        years = max(1, run.until - run.base_year)
        ps = run.parameter_set
        half = float(ps["statushouders.taakstelling_per_halfjaar"].waarde)
        ppw = float(ps["statushouders.personen_per_woning"].waarde)
        inw = bevolking.population_in(run, run.base_year)
        from ..groups.inputs import demand_inputs
        nl = float(demand_inputs(run.codes, as_of=run.base_year)["nl_inwoners"])
        sh = float(inw.reindex(run.codes).sum()) / nl
        doel = 2.0 * half / ppw
        rows.append({"onderdeel": "Statushouders: taakstelling per jaar", "landelijk_doel": doel,
                     "aandeel_regio": sh, "regionaal_deel": sh * doel,
                     "model_regio": float(s[s["maat"] == "opgave"]["waarde"].sum()) / years,
                     "eenheid": "woningen per jaar",
                     "toelichting": (f"Taakstelling van het Rijk (BZK/COA): 2 × {fmt.n(half)} personen per halfjaar "
                                     f"÷ {fmt.dec(ppw)} personen per woning, "
                                     "verdeeld naar inwoners. Een stroom (verhuringen per jaar): niet opgeteld bij "
                                     "de extra woningen hierboven.")})
    return pd.DataFrame(rows, columns=FRAME_COLUMNS)
