"""Chapter "Per gemeente": one page per gemeente for lokale prestatieafspraken — its population
trend, its vraag and opgave per groep and woonvorm, and its share of the regional tasks under each
verdeelsleutel. Every number is the region's run (``run``) restricted to the gemeente; nothing is
recomputed, so the pages agree with the regional chapters.
"""

from __future__ import annotations

import pandas as pd

from .. import cache
from . import bevolking, groepen, verdeling
from .labels import WONINGTYPE_LABELS


def gemeenten(run) -> list[tuple[str, str]]:
    """(gemeentecode, CBS name) of the region's gemeenten, by name: the order of the pages."""
    g = run.gemeenten.sort_values("gemeentenaam")
    return list(zip(g["gemeentecode"], g["gemeentenaam"]))


def population_trends(run) -> pd.DataFrame:
    """Inhabitants on 1 January per gemeente: observed ten years before the base year and in the
    base year, and the forecast at the horizon (laag, the run's variant, hoog).
    Columns gemeentecode, jaar, soort, waarde."""
    h = bevolking.population_history(run)
    h = h[~h["na_peiljaar"]]
    years = set(h["jaar"])
    base = run.base_year
    earlier = base - 10 if (base - 10) in years else min(years)
    obs = h[h["jaar"].isin([earlier, base])][["gemeentecode", "jaar", "waarde"]].assign(soort="waargenomen")
    f = run.forecast
    f = f[(f["geslacht"] == "totaal") & (f["jaar"] == run.until)]
    f = f.groupby(["gemeentecode", "variant"], as_index=False)["waarde"].sum()
    labels = {"laag": "prognose laag", run.variant: f"prognose {run.variant}", "hoog": "prognose hoog"}
    order = {v: i for i, v in enumerate(labels)}
    f = f[f["variant"].isin(list(labels))].assign(jaar=run.until, soort=lambda x: x["variant"].map(labels),
                                                   _o=lambda x: x["variant"].map(order))
    out = pd.concat([obs.assign(_o=-1), f[["gemeentecode", "jaar", "waarde", "soort", "_o"]]], ignore_index=True)
    out = out.sort_values(["gemeentecode", "jaar", "_o"], kind="mergesort").drop(columns="_o")
    return out[["gemeentecode", "jaar", "soort", "waarde"]].reset_index(drop=True)


@cache.derived
def needs(run) -> pd.DataFrame:
    """Per gemeente × groep × woonvorm: vraag, aanbod and tekort in the base year (tekort = vraag −
    aanbod, stand groups with a supply figure only) and opgave to the horizon (laag, the run's
    variant, hoog), unit and whether bruto — :func:`groepen.demand_overview` for every gemeente."""
    keys = ["gemeentecode", "groep", "woningtype"]
    b, hz, v = run.base_year, run.until, run.variant
    d = run.demand
    first = d.drop_duplicates(keys).set_index(keys)[["soort", "eenheid"]]  # with_task changes maat only
    d = groepen.with_task(d[d["jaar"].isin([b, hz])])  # the two years picked below, in their order

    def pick(maat, jaar, variant, name):
        x = d[(d["maat"] == maat) & (d["jaar"] == jaar) & (d["variant"] == variant)]
        return x.groupby(keys)["waarde"].sum().rename(name)

    out = pd.concat([first, pick("vraag", b, v, "vraag_basis"), pick("vraag", hz, v, "vraag_horizon"),
                     pick("aanbod", b, v, "aanbod_basis"), pick("opgave", b, v, "tekort_basis"),
                     pick("opgave", hz, v, "opgave"), pick("opgave", hz, "laag", "opgave_laag"),
                     pick("opgave", hz, "hoog", "opgave_hoog")], axis=1).reset_index()
    # tekort (inhaalvraag) on 1 January of the base year: the opgave then, for stand groups with a
    # known or estimated supply only (a stroom group has lettings, no stock to fall short of)
    out.loc[(out["soort"] != "stand") | out["aanbod_basis"].isna(), "tekort_basis"] = float("nan")
    ob = run.opgave_basis
    bruto = set(map(tuple, ob[ob["basis"] == "bruto"][keys].to_numpy()))
    out["bruto"] = [k in bruto for k in map(tuple, out[keys].to_numpy())]
    names = groepen.group_names()
    out["groep_naam"] = out["groep"].map(lambda g: names.get(g, g))
    out["woningtype_naam"] = out["woningtype"].map(lambda w: WONINGTYPE_LABELS.get(w, w))
    order = {c: i for i, c in enumerate(groepen.catalogue()["groep"])}
    out["_o"] = out["groep"].map(order)
    return out.sort_values(["gemeentecode", "_o", "woningtype"]).drop(columns="_o").reset_index(drop=True)


@cache.derived
def shares(run) -> pd.DataFrame:
    """Each gemeente's share of the two regional tasks in woningen under each standard key, kept
    apart (:func:`verdeling.key_sensitivity`): ``aandeel``/``toewijzing`` for the extra homes to the
    horizon, ``aandeel_verhuur``/``verhuur_per_jaar`` for the lettings from the existing stock."""
    k = verdeling.key_sensitivity(run, "opgave")[["gemeentecode", "sleutel", "sleutel_naam", "aandeel", "toewijzing"]]
    v = verdeling.key_sensitivity(run, "toewijzing")[["gemeentecode", "sleutel", "aandeel", "toewijzing"]]
    years = max(1, run.until - run.base_year)
    v = v.rename(columns={"aandeel": "aandeel_verhuur", "toewijzing": "verhuringen"})
    out = k.merge(v, on=["gemeentecode", "sleutel"], how="outer", sort=False)
    out["sleutel_naam"] = out["sleutel_naam"].fillna(out["sleutel"])
    out["verhuur_per_jaar"] = out["verhuringen"] / years
    order = {key: i for i, key in enumerate(["inwoners", "sociale_huur", "vraag", "mix"])}
    out["_o"] = out["sleutel"].map(lambda x: order.get(x, 99))
    return out.sort_values(["gemeentecode", "_o"]).drop(columns="_o").reset_index(drop=True)


@cache.derived
def summaries(run) -> pd.DataFrame:
    """The numbers of every page's opening sentences, one row per gemeente (index gemeentecode):
    inhabitants, extra woningen to the horizon (stand) and vrijkomende woningen per year (stroom) —
    kept apart — and its allocation under the standard key."""
    from . import kernboodschap

    pg = kernboodschap.per_gemeente(run).set_index("gemeentecode")
    bruto = needs(run)
    bruto = bruto[(bruto["eenheid"] == "woningen") & (bruto["soort"] == "stand")].groupby("gemeentecode")["bruto"].any()
    ab = verdeling.allocation_by_gemeente(run).set_index("gemeentecode")
    f = run.forecast
    f = f[(f["geslacht"] == "totaal") & (f["jaar"] == run.until)].groupby(["gemeentecode", "variant"])["waarde"].sum()
    base = bevolking.population_in(run, run.base_year)
    rows = []
    for code, naam in gemeenten(run):
        rows.append({"gemeentecode": code, "naam": naam, "inwoners": float(base.get(code, float("nan"))),
                     "inwoners_horizon": float(f.get((code, run.variant), float("nan"))),
                     "inwoners_laag": float(f.get((code, "laag"), float("nan"))),
                     "inwoners_hoog": float(f.get((code, "hoog"), float("nan"))),
                     "extra_woningen": float(pg["extra_woningen"].get(code, 0.0)),
                     "extra_per_1000": float(pg["extra_per_1000"].get(code, float("nan"))),
                     "verhuur_per_jaar": float(pg["verhuur_per_jaar"].get(code, 0.0)),
                     "bruto": bool(bruto.get(code, False)),
                     "toewijzing": float(ab["toewijzing"].get(code, 0.0)),
                     "per_jaar": float(ab["per_jaar"].get(code, 0.0)),
                     "aandeel": float(ab["aandeel"].get(code, float("nan"))),
                     "druk": float(ab["druk"].get(code, float("nan"))) if "druk" in ab.columns else float("nan")})
    return pd.DataFrame(rows).set_index("gemeentecode")


def summary_text(run, gemeente: str, table: pd.DataFrame | None = None) -> str:
    """The page's opening sentences in plain Dutch (numbers from :func:`summaries`; pass its result
    as ``table`` when writing every page)."""
    from ..report import fmt

    s = (summaries(run) if table is None else table).loc[gemeente]
    s = {**s.to_dict(), "basisjaar": run.base_year, "horizon": run.until, "variant": run.variant}
    bruto = (" Voor een deel van de woonvormen is het huidige aanbod niet bekend; daar is de groei van de vraag "
             "geteld zonder wat er al staat af te trekken.") if s["bruto"] else ""
    druk = ""
    if s["druk"] == s["druk"]:
        druk = (" Dat is meer dan het aantal sociale huurwoningen dat er per jaar vrijkomt voor aandachtsgroepen."
                if s["druk"] > 1 else
                " Dat past binnen het aantal sociale huurwoningen dat er per jaar vrijkomt voor aandachtsgroepen.")
    m = getattr(fmt, "model", None) or fmt.n
    return (f"{s['naam']} telde op {fmt.peildatum(s['basisjaar'])} {fmt.n(s['inwoners'])} inwoners. Op "
            f"{fmt.peildatum(s['horizon'])} zijn dat er naar verwachting {m(s['inwoners_horizon'])} (variant "
            f"{s['variant']}; tussen {m(s['inwoners_laag'])} en {m(s['inwoners_hoog'])}). Voor de "
            f"aandachtsgroepen zijn in {s['naam']} tot {fmt.peildatum(s['horizon'])} naar schatting "
            f"{m(s['extra_woningen'])} woningen extra nodig ({fmt.dec(s['extra_per_1000'], 1)} per 1.000 inwoners)."
            f"{bruto} Daarnaast moeten er elk jaar ongeveer {m(s['verhuur_per_jaar'])} vrijkomende woningen naar "
            f"aandachtsgroepen gaan. Met de standaardsleutel krijgt {s['naam']} {fmt.pct(s['aandeel'])} van de "
            f"extra woningen van de regio toegewezen en ongeveer {m(s['per_jaar'])} verhuringen per jaar.{druk}")
