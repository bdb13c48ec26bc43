"""Chapter "Verdeling": the region's tasks over its gemeenten under the standard keys
(``run.allocation``, :func:`woonzorg_lib.pipeline.region_allocation`), fair share against current
effort and lettings capacity, and the sensitivity of the shares to the key.
"""

from __future__ import annotations

import pandas as pd

from .. import cache
from ..report import fmt
from . import groepen
from .labels import KEY_LABELS, WONINGTYPE_LABELS


@cache.derived
def _woning_groups(run) -> pd.DataFrame:
    """(groep, woningtype) pairs counted in woningen."""
    d = run.demand
    return d[d["eenheid"] == "woningen"][["groep", "woningtype"]].drop_duplicates()


@cache.derived
def allocation_by_gemeente(run, sleutel: str = "mix") -> pd.DataFrame:
    """Per gemeente, the two tasks in woningen under ``sleutel``, kept apart (a stock and a flow):

    * ``extra_woningen``: its part of the extra homes (taak opgave, stand groups), ``aandeel`` its share;
    * ``verhuringen``: its part of the lettings from the existing stock (taak toewijzing, stroom
      groups), cumulative to the horizon, ``aandeel_verhuur`` its share, ``per_jaar`` per year;
    * ``druk``: lettings per year ÷ its lettings capacity (only the lettings task meets it);
    * ``huidige_inspanning`` (current effort share) and ``verschil`` = aandeel − huidige_inspanning.

    ``toewijzing`` is the extra-homes part under its older name. ``attrs``: totals, years, components."""
    a = run.allocation
    a = a[a["sleutel"] == sleutel].merge(_woning_groups(run), on=["groep", "woningtype"])
    taak = a.groupby(["gemeentecode", "taak"])["toewijzing"].sum().unstack(fill_value=0.0)
    tot = pd.DataFrame({"gemeentecode": list(run.codes)})
    tot["extra_woningen"] = tot["gemeentecode"].map(taak["opgave"] if "opgave" in taak else {}).fillna(0.0)
    tot["verhuringen"] = tot["gemeentecode"].map(taak["toewijzing"] if "toewijzing" in taak else {}).fillna(0.0)
    extra, lets = float(tot["extra_woningen"].sum()), float(tot["verhuringen"].sum())
    ind, effort = (run.indicators, run.effort)
    tot["gemeentenaam"] = tot["gemeentecode"].map(run.names)
    tot["toewijzing"] = tot["extra_woningen"]
    tot["aandeel"] = tot["extra_woningen"] / extra if extra else float("nan")
    tot["aandeel_verhuur"] = tot["verhuringen"] / lets if lets else float("nan")
    share = effort["huidige_inspanning"] if isinstance(effort, pd.DataFrame) else effort
    tot["huidige_inspanning"] = tot["gemeentecode"].map(share)
    cap = ind["verhuurcapaciteit"] if "verhuurcapaciteit" in ind.columns else None
    if cap is not None:
        tot["verhuurcapaciteit"] = tot["gemeentecode"].map(cap)
        tot["aandeel_capaciteit"] = tot["verhuurcapaciteit"] / float(cap.reindex(run.codes).sum())
    years = max(1, run.until - run.base_year)
    tot["per_jaar"] = tot["verhuringen"] / years
    if cap is not None:
        tot["druk"] = tot["per_jaar"] / tot["verhuurcapaciteit"]
    tot["verschil"] = tot["aandeel"] - tot["huidige_inspanning"]
    tot.attrs.update(totaal=extra, totaal_verhuur=lets, jaren=years,
                     componenten=list(effort.attrs.get("componenten", effort.attrs.get("components", []))))
    tot.attrs["totaal_waarden"] = {
        "aandeel": 1.0 if extra else float("nan"), "aandeel_verhuur": 1.0 if lets else float("nan"),
        "huidige_inspanning": 1.0 if tot["huidige_inspanning"].notna().all() else float("nan"),
        "per_jaar": float(tot["per_jaar"].sum()),
        "verhuurcapaciteit": float(tot["verhuurcapaciteit"].sum()) if "verhuurcapaciteit" in tot else float("nan"),
        "druk": float(tot["per_jaar"].sum() / tot["verhuurcapaciteit"].sum()) if "verhuurcapaciteit" in tot else float("nan")}
    return tot.sort_values("gemeentenaam").reset_index(drop=True)


@cache.derived
def key_sensitivity(run, taak: str = "opgave") -> pd.DataFrame:
    """Each gemeente's share of one task in woningen under each standard key: ``taak`` ``opgave``
    (the extra homes, default) or ``toewijzing`` (the lettings); the two are never added up."""
    a = run.allocation
    a = a[a["taak"] == taak].merge(_woning_groups(run), on=["groep", "woningtype"])
    g = a.groupby(["sleutel", "gemeentecode"], as_index=False)["toewijzing"].sum()
    g["aandeel"] = g["toewijzing"] / g.groupby("sleutel")["toewijzing"].transform("sum")
    g["gemeentenaam"] = g["gemeentecode"].map(run.names)
    g["sleutel_naam"] = g["sleutel"].map(lambda k: KEY_LABELS.get(k, k))
    order = {k: i for i, k in enumerate(["inwoners", "sociale_huur", "vraag", "mix"])}
    g["_o"] = g["sleutel"].map(lambda k: order.get(k, 99))
    return g.sort_values(["_o", "gemeentenaam"]).drop(columns="_o").reset_index(drop=True)


@cache.derived
def key_sensitivity_wide(run) -> pd.DataFrame:
    """Each gemeente's share per key as columns, with the spread (max − min) over the keys."""
    k = key_sensitivity(run)
    w = k.pivot_table(index=["gemeentecode", "gemeentenaam"], columns="sleutel", values="aandeel").reset_index()
    keys = [c for c in ["inwoners", "sociale_huur", "vraag", "mix"] if c in w.columns]
    w["spreiding"] = w[keys].max(axis=1) - w[keys].min(axis=1)
    w.attrs["keys"] = keys
    return w.sort_values("gemeentenaam").reset_index(drop=True)


@cache.derived
def allocation_table(run, sleutel: str = "mix") -> pd.DataFrame:
    """Toewijzing per groep × woningtype × gemeente (one key), wide by gemeente, with its unit and
    ``taak_naam`` (extra homes or lettings). Rows in different units or tasks are never totalled."""
    a = run.allocation[run.allocation["sleutel"] == sleutel]
    t = a.pivot_table(index=["groep", "woningtype"], columns="gemeentecode", values="toewijzing", aggfunc="sum")
    t = t.reset_index()
    eenheid = run.demand.drop_duplicates(["groep", "woningtype"]).set_index(["groep", "woningtype"])["eenheid"]
    t["eenheid"] = [eenheid.get((g, w), "") for g, w in zip(t["groep"], t["woningtype"])]
    soort = run.demand.drop_duplicates(["groep", "woningtype"]).set_index(["groep", "woningtype"])["soort"]
    t["soort"] = [soort.get((g, w), "") for g, w in zip(t["groep"], t["woningtype"])]
    t["taak_naam"] = t["soort"].map({"stand": "extra (voorraad)", "stroom": "verhuringen"}).fillna("")
    t["groep_naam"] = [f"{groepen.group_names().get(g, g)}: {WONINGTYPE_LABELS.get(w, w)}" for g, w in zip(t["groep"], t["woningtype"])]
    t["taak"] = t[[c for c in run.codes if c in t.columns]].sum(axis=1)
    order = {c: i for i, c in enumerate(groepen.catalogue()["groep"])}
    t["_o"] = t["groep"].map(order)
    return t.sort_values(["_o", "woningtype"]).drop(columns="_o").reset_index(drop=True)


def indicator_sentence(ind) -> str:
    """One plain Dutch sentence for a wethouder: what a higher value of indicator ``ind`` (a
    :class:`~woonzorg_lib.verdeling.keys.Indicator`) means for a gemeente's share. The key file's own
    ``beschrijving`` wins; else the standard sentence when the indicator is used as standard (its
    default direction, no scale); else a sentence from its direction and scale."""
    from ..report import terms
    from ..verdeling import keys as vk

    if ind.beschrijving:
        return terms.plain_text(" ".join(str(ind.beschrijving).split()))
    richting = ind.richting or vk.DEFAULT_RICHTING.get(ind.naam, "meer_is_meer")
    if richting == vk.DEFAULT_RICHTING.get(ind.naam) and not ind.schaal and ind.naam in vk.INDICATOREN:
        return vk.INDICATOREN[ind.naam]
    naam = terms.label("indicator", ind.naam)
    effect = "groter" if richting == "meer_is_meer" else "kleiner"
    scaled = f", naar verhouding van haar {terms.label('indicator', ind.schaal)}" if ind.schaal else ""
    return f"Hoe hoger de {naam} van een gemeente{scaled}, hoe {effect} haar aandeel."


def key_description() -> list[dict]:
    """The configured mix key as a small table (for wz.show_tables): per indicator a plain sentence
    for a wethouder; how each is computed is in the methods chapter (:func:`.methoden.indicator_formulas`)."""
    from ..report import terms
    from ..verdeling import keys as vk

    key = vk.load_key(vk.default_key_path())
    rows = [{"indicator": indicator_sentence(i), "naam": terms.label("indicator", i.naam).capitalize(),
             "code": i.naam, "gewicht": fmt.pct(i.gewicht, 0),
             "richting": terms.label("richting", i.richting or vk.DEFAULT_RICHTING.get(i.naam, "meer_is_meer"))}
            for i in key.indicatoren_voor(None)]
    return [{"df": pd.DataFrame(rows), "columns": {"naam": "Indicator", "indicator": "Wat betekent het voor het aandeel?",
                                                   "gewicht": "Gewicht"},
             "caption": f"Standaardsleutel ‘{terms.humanize(key.naam)}’",
             "note": terms.plain_text(" ".join(str(key.beschrijving or "").split())) + " Voor statushouders geldt de "
                     "landelijke regel: naar rato van het aantal inwoners. Hoe elke indicator berekend is, staat in "
                     "het hoofdstuk Methoden."}]


def allocation_text(run, ab: pd.DataFrame) -> str:
    """The allocation in a few sentences: total, per year, largest shift against current effort, pressure on lettings."""
    over = ab[ab["druk"] > 1.0]["gemeentenaam"].tolist() if "druk" in ab.columns else []
    up = ab.sort_values("verschil", ascending=False).iloc[0]
    down = ab.sort_values("verschil").iloc[0]
    comp = ab.attrs.get("componenten") or []
    comp_txt = {"inwoners_in_zorginstellingen": "inwoners in zorginstellingen", "zorginstellingen":
                "inwoners in zorginstellingen", "adreslozen": "adreslozen", "uitwonende_studenten": "uitwonende studenten",
                "sociale_huur": "sociale huurwoningen", "verhuringen": "verhuringen aan aandachtsgroepen",
                "statushouders": "gehuisveste statushouders", "bw_mo_uitgaven": "uitgaven aan beschermd wonen en opvang"}
    parts = [f"De regio verdeelt twee taken over {len(ab)} gemeenten, elk apart: {fmt.model(ab.attrs['totaal'])} extra "
             f"woningen tot het horizonjaar en {fmt.model(ab.attrs['totaal_verhuur'])} verhuringen uit de bestaande "
             f"voorraad ({fmt.model(ab.attrs['totaal_verhuur'] / ab.attrs['jaren'])} per jaar)."]
    if ab["huidige_inspanning"].notna().all():
        parts.append(f"Ten opzichte van wat gemeenten nu doen, vraagt de sleutel het meest extra van "
                     f"{up['gemeentenaam']} ({fmt.pp(up['verschil'])}) en het minst van {down['gemeentenaam']} "
                     f"({fmt.pp(down['verschil'])}). De huidige inspanning is gemeten als "
                     f"{fmt.join([comp_txt.get(c, c.replace('_', ' ')) for c in comp])} (CBS), als deel van de regio.")
    if over:
        parts.append(f"In {fmt.join(over)} zijn de toegewezen verhuringen per jaar meer dan de verhuurcapaciteit: daar is "
                     "naast vrijkomende sociale huurwoningen ook nieuwbouw of transformatie nodig.")
    return " ".join(parts)
