"""Summaries of the ``woonzorg allocate`` table (:func:`~.allocation.allocate`), for the report.

* :func:`fair_share_summary`: fair share vs today's effort, per gemeente and task;
* :func:`pressure_signal`: the lettings task per year against the lettings capacity (only
  ``taak == "toewijzing"``: a stock task is never compared with lettings);
* :func:`sensitivity_summary` and :func:`key_sensitivity`: how much a gemeente's share depends on
  the key; :func:`key_options`: the keys side by side, each with its meaning in one sentence.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from woonzorg_lib.errors import InputError

from .allocation import _check_allocation, _sorted
from .bounds import capacity_column
from .keys import Verdeelsleutel
from .tasks import ALLOCATION_COLUMNS, GROUP_COLUMNS, KEY_COLUMNS, _check_indicators, periode_jaren

__all__ = ["KEY_MEANINGS", "fair_share_summary", "key_options", "key_sensitivity",
           "pressure_signal", "sensitivity_summary"]

#: |verschil| below this counts as "gelijk" (floating-point noise, not a policy difference)
_EPS = 1e-12

def _positie(verschil: pd.Series) -> pd.Series:
    sign = np.where(verschil > _EPS, "boven", np.where(verschil < -_EPS, "onder", "gelijk"))
    out = np.where(verschil.isna(), "onbekend", sign)
    return pd.Series(out, index=verschil.index, dtype="object")


def fair_share_summary(allocatie: pd.DataFrame, *, sleutel: str | None = None) -> pd.DataFrame:
    """Fair share vs today, per gemeente × groep × woningtype × periode × sleutel.

    Columns: the key columns, ``eenheden_taak`` (the regional task in units), ``toewijzing``,
    ``huidige_inspanning`` (share today), ``eenheden_huidig`` (= huidige_inspanning ×
    eenheden_taak: what today's share of the
    effort would give), ``verschil_eenheden`` (= toewijzing − eenheden_huidig; > 0 = more than
    today), ``verschil`` (fraction points, = aandeel − huidige_inspanning), ``verschil_procentpunt``
    (× 100) and ``positie`` ∈ {boven, onder, gelijk, onbekend} (boven = asked to do more than its
    share today). ``sleutel`` limits the table to one key.
    """
    _check_allocation(allocatie)
    df = allocatie if sleutel is None else allocatie[allocatie["sleutel"] == sleutel]
    df = df.copy()
    df["eenheden_taak"] = df.groupby(GROUP_COLUMNS, sort=False)["toewijzing"].transform("sum")
    df["eenheden_huidig"] = df["huidige_inspanning"] * df["eenheden_taak"]
    df["verschil_eenheden"] = df["toewijzing"] - df["eenheden_huidig"]
    df["verschil"] = df["aandeel"] - df["huidige_inspanning"]
    df["verschil_procentpunt"] = df["verschil"] * 100.0
    df["positie"] = _positie(df["verschil"])
    cols = KEY_COLUMNS + ["eenheden_taak", "toewijzing", "aandeel", "huidige_inspanning", "eenheden_huidig",
                          "verschil_eenheden", "verschil", "verschil_procentpunt", "positie"]
    return _sorted(df[cols])


def pressure_signal(allocatie: pd.DataFrame, indicatoren: pd.DataFrame, *,
                    sleutel: str | None = None, groepen: Sequence[str] | None = None,
                    woningtypes: Sequence[str] | None = None, drempel: float = 1.0,
                    bron: str = "<indicatoren>") -> pd.DataFrame:
    """The fair-share pressure signal: the lettings task per year against verhuurcapaciteit.

    Only rows with ``taak == "toewijzing"`` count (lettings from the existing stock; a stock task
    is new construction and is never compared with lettings). Per gemeente × periode × sleutel:
    the toewijzing summed over the selected ``groepen`` and ``woningtypes`` (default: all),
    divided by the periode's length in years (:func:`periode_jaren`), and ``druk`` = that
    per-year figure / ``verhuurcapaciteit`` (dwellings per year available to aandachtsgroepen;
    derived from ``sociale_huur`` if the column is absent). ``signaal``: ``boven_capaciteit``
    when druk > ``drempel``, ``binnen_capaciteit`` otherwise, ``geen_capaciteit`` for a gemeente
    without corporation lettings and a positive task: its ``druk`` is empty (never ∞) and
    ``toelichting`` says in words why.
    """
    _check_allocation(allocatie)
    ind = _check_indicators(indicatoren, bron)
    cap = capacity_column(ind, bron)
    df = allocatie[allocatie["taak"] == "toewijzing"]
    if sleutel is not None:
        df = df[df["sleutel"] == sleutel]
    if groepen is not None:
        df = df[df["groep"].isin(list(groepen))]
    if woningtypes is not None:
        df = df[df["woningtype"].isin(list(woningtypes))]
    g = (df.groupby(["gemeentecode", "periode", "sleutel"], sort=True)["toewijzing"].sum()
         .reset_index())
    missing = ~g["gemeentecode"].isin(cap.index)
    if missing.any():
        raise InputError("gemeente uit de toewijzing ontbreekt in de indicatortabel", file=bron,
                         column="gemeentecode", row=g.loc[missing, "gemeentecode"].iloc[0])
    g["jaren"] = g["periode"].map(periode_jaren).astype("float64")
    g["toewijzing_per_jaar"] = g["toewijzing"] / g["jaren"]
    g["verhuurcapaciteit"] = g["gemeentecode"].map(cap).astype("float64")
    per_jaar, c = g["toewijzing_per_jaar"].to_numpy(), g["verhuurcapaciteit"].to_numpy()
    zero = c <= 0
    druk = np.divide(per_jaar, c, out=np.zeros_like(per_jaar), where=~zero)
    g["druk"] = np.where(zero & (per_jaar > 0), np.nan, druk)
    g["signaal"] = pd.Series(np.where(zero & (per_jaar > 0), "geen_capaciteit",
                                      np.where(druk > drempel, "boven_capaciteit",
                                               "binnen_capaciteit")), dtype="object")
    g["toelichting"] = [
        ("geen corporatiewoningen die vrijkomen: deze gemeente kan haar deel van de toewijzingen "
         "niet uit de eigen sociale huur halen (nieuwbouw, een andere gemeente of particuliere "
         "huur nodig)") if z and p > 0 else
        ("geen sociale huur, maar ook geen toewijzingen in deze sleutel" if z else "")
        for z, p in zip(zero, per_jaar)]
    cols = ["gemeentecode", "periode", "sleutel", "toewijzing", "jaren", "toewijzing_per_jaar",
            "verhuurcapaciteit", "druk", "signaal", "toelichting"]
    return _sorted(g[cols], ["gemeentecode", "periode", "sleutel"])


def sensitivity_summary(allocatie: pd.DataFrame) -> pd.DataFrame:
    """How much each gemeente's share depends on the key.

    Per gemeente × groep × woningtype × taak × periode: ``sleutels`` (number of keys), ``aandeel_min``,
    ``aandeel_max``, ``spreiding`` (max − min, fraction points), ``toewijzing_min``,
    ``toewijzing_max``, ``toewijzing_spreiding``, ``sleutel_laagst`` / ``sleutel_hoogst`` (the key
    giving the lowest / highest share; first in name order on a tie) and ``positie`` across keys:
    ``altijd_boven`` (above today's share under every key), ``altijd_onder``, ``wisselend``, or
    ``onbekend`` (no current effort known).
    """
    _check_allocation(allocatie)
    df = _sorted(allocatie[ALLOCATION_COLUMNS])
    keys = ["gemeentecode", "groep", "woningtype", "taak", "periode"]
    grp = df.groupby(keys, sort=True)
    out = grp.agg(sleutels=("sleutel", "nunique"), aandeel_min=("aandeel", "min"),
                  aandeel_max=("aandeel", "max"), toewijzing_min=("toewijzing", "min"),
                  toewijzing_max=("toewijzing", "max"))
    out["spreiding"] = out["aandeel_max"] - out["aandeel_min"]
    out["toewijzing_spreiding"] = out["toewijzing_max"] - out["toewijzing_min"]
    out["sleutel_laagst"] = df.loc[grp["aandeel"].idxmin().to_numpy(), "sleutel"].to_numpy()
    out["sleutel_hoogst"] = df.loc[grp["aandeel"].idxmax().to_numpy(), "sleutel"].to_numpy()
    v = df["verschil"]
    flags = pd.DataFrame({k: df[k] for k in keys})
    flags["unknown"] = v.isna()
    flags["above"] = v > _EPS
    flags["below"] = v < -_EPS
    f = flags.groupby(keys, sort=True)[["unknown", "above", "below"]].all()
    pos = np.where(f["unknown"], "onbekend",
                   np.where(f["above"], "altijd_boven",
                            np.where(f["below"], "altijd_onder", "wisselend")))
    out["positie"] = pd.Series(pos, index=f.index, dtype="object").reindex(out.index)
    cols = ["sleutels", "aandeel_min", "aandeel_max", "spreiding", "toewijzing_min",
            "toewijzing_max", "toewijzing_spreiding", "sleutel_laagst", "sleutel_hoogst",
            "positie"]
    return out[cols].reset_index()


#: What each standard key means, in one sentence (report and :func:`key_options`).
KEY_MEANINGS: dict[str, str] = {
    "inwoners": "Naar rato inwoners: elke inwoner telt even zwaar, zoals de COA-taakstelling "
                "voor statushouders.",
    "sociale_huur": "Naar rato corporatiebezit: waar nu sociale huurwoningen staan, komen ook "
                    "de meeste woningen vrij om aandachtsgroepen te huisvesten.",
    "vraag": "Naar de vraag: elke gemeente vangt de aandachtsgroepen op die naar verwachting in "
             "de gemeente zelf wonen.",
    "mix": "Naar draagkracht en huidige inspanning: inwoners, vrijkomende sociale huur en de "
           "afstand tot 30% sociale huur tellen mee, en wie nu al veel doet, krijgt minder.",
}


def key_options(keys: Mapping[str, Verdeelsleutel]) -> pd.DataFrame:
    """The keys side by side: ``sleutel``, ``betekenis`` (one sentence), ``indicatoren`` (name
    and weight, e.g. ``inwoners 40%``) and ``status``: ``voorstel (aanname)`` for a key that
    weighs several indicators (its weights are woonzorg's proposal, no region published its
    own), ``enkelvoudig`` for a single-indicator key."""
    rows = []
    for name, key in keys.items():
        inds = [i for i in key.indicatoren if i.gewicht > 0]
        meaning = KEY_MEANINGS.get(name) or (key.beschrijving or "").strip().split(". ")[0]
        rows.append({
            "sleutel": name, "betekenis": meaning,
            "indicatoren": ", ".join(f"{i.naam} {round(i.gewicht * 100):d}%" for i in inds),
            "status": "voorstel (aanname)" if len(inds) > 1 else "enkelvoudig"})
    return pd.DataFrame(rows, columns=["sleutel", "betekenis", "indicatoren", "status"])


def key_sensitivity(allocatie: pd.DataFrame, *, taak: str | None = None,
                    taken: Sequence[tuple[str, str]] | None = None) -> pd.DataFrame:
    """Each gemeente's share of the region's tasks under each key, side by side.

    Per gemeente × taak: one column per sleutel with the gemeente's share of Σ toewijzing of the
    selected tasks (``taak``: opgave or toewijzing, default both but never added together: one
    row per taak; ``taken``: (groep, woningtype) pairs to include, e.g. those counted in
    woningen), then ``spreiding`` (max − min over the keys, fraction points), ``sleutel_laagst``
    and ``sleutel_hoogst``. A taak with no units at all gives shares of 0.
    """
    _check_allocation(allocatie)
    df = allocatie if taak is None else allocatie[allocatie["taak"] == taak]
    if taken is not None:
        pairs = set(map(tuple, taken))
        df = df[[(g, w) in pairs for g, w in zip(df["groep"], df["woningtype"])]]
    g = df.groupby(["taak", "sleutel", "gemeentecode"], as_index=False)["toewijzing"].sum()
    tot = g.groupby(["taak", "sleutel"])["toewijzing"].transform("sum").astype("float64")
    g["aandeel"] = np.divide(g["toewijzing"].astype("float64"), tot,
                             out=np.zeros(len(g)), where=tot.to_numpy() > 0)
    wide = g.pivot_table(index=["gemeentecode", "taak"], columns="sleutel", values="aandeel",
                         aggfunc="sum", fill_value=0.0)
    keys = list(wide.columns)
    wide.columns.name = None
    if keys:
        wide["spreiding"] = wide[keys].max(axis=1) - wide[keys].min(axis=1)
        wide["sleutel_laagst"] = wide[keys].idxmin(axis=1)
        wide["sleutel_hoogst"] = wide[keys].idxmax(axis=1)
    out = wide.reset_index().sort_values(["taak", "gemeentecode"], kind="mergesort")
    out.attrs["sleutels"] = keys
    return out.reset_index(drop=True)
