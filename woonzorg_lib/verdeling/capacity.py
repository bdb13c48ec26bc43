"""Capacity first: the lettings need of the aandachtsgroepen against the sociale huur that comes
free, per region and per year, *before* any split over gemeenten.

Only the lettings task (stroom groups: toewijzingen from the existing stock) is compared with
lettings; the stock task (extra woningen/plaatsen) is new construction and never enters here.

* need (``behoefte``): Σ over the region's gemeenten of the yearly ``vraag`` of the stroom groups
  in dwellings (``eenheid`` woningen or eenheden; woningtype sociale_huur or
  zelfstandig_begeleid), calendar year ``jaar``;
* ``vrijkomend``: corporation stock × ``verhuur.mutatiegraad`` (lettings per year, the stock of
  1 January of the base year held constant);
* ``capaciteit``: vrijkomend × ``verhuur.aandeel_aandachtsgroepen`` (the 30 % of lettings that
  regions usually reserve for aandachtsgroepen; rates.md (e));
* ``verhouding`` = behoefte / capaciteit (> 1: the need exceeds what comes free within the
  norm); ``aandeel_nodig`` = behoefte / vrijkomend (the share of all lettings the need would
  take, to set beside the 30 %).

A gemeente without corporation stock has capacity 0: its ``verhouding`` is empty, never ∞, and
``toelichting`` says in words what that means.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from woonzorg_lib.errors import InputError

from .tasks import _check_indicators, taak_of_groep

__all__ = ["LETTINGS_UNITS", "LETTINGS_WONINGTYPES", "lettings_capacity", "lettings_capacity_by_gemeente", "lettings_need"]

#: the demand units that are dwellings let from the stock
LETTINGS_UNITS = ("woningen", "eenheden")
#: the woningtypes let from the existing (corporation) stock; flex (mantelzorgwoning on the erf)
#: and standplaatsen are not
LETTINGS_WONINGTYPES = ("sociale_huur", "zelfstandig_begeleid")


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%".replace(".", ",")


def _num(x: float) -> str:
    return f"{x:,.0f}".replace(",", ".")


def lettings_need(demand: pd.DataFrame, *, variant: str = "midden", start: int = 2024,
                  end: int = 2030) -> pd.DataFrame:
    """Yearly lettings need per gemeente × jaar (``start`` … ``end − 1``): Σ of the stroom groups'
    ``vraag`` in :data:`LETTINGS_UNITS` and :data:`LETTINGS_WONINGTYPES`. Columns ``gemeentecode, jaar, behoefte``."""
    d = demand[(demand["maat"] == "vraag") & (demand["variant"] == variant)
               & (demand["jaar"] >= start) & (demand["jaar"] < end)
               & demand["eenheid"].isin(LETTINGS_UNITS)
               & demand["woningtype"].isin(LETTINGS_WONINGTYPES)]
    kind = [taak_of_groep(g, s) for g, s in zip(d["groep"], d["soort"])]
    d = d[[k == "toewijzing" for k in kind]]
    out = d.groupby(["gemeentecode", "jaar"], as_index=False)["waarde"].sum()
    return out.rename(columns={"waarde": "behoefte"})


def _free(indicatoren: pd.DataFrame, mutatiegraad: float, aandeel: float, source: str
          ) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    ind = _check_indicators(indicatoren, source)
    for col in ("sociale_huur", "woningvoorraad"):
        if col not in ind.columns:
            raise InputError(f"kolom '{col}' ontbreekt", file=source, column=col, row=1)
    sh = pd.to_numeric(ind["sociale_huur"], errors="coerce").astype("float64")
    bad = ~np.isfinite(sh.to_numpy()) | (sh.to_numpy() < 0)
    if bad.any():
        raise InputError("sociale huur ontbreekt of is negatief", file=source,
                         column="sociale_huur", row=sh.index[bad][0])
    vrij = sh * float(mutatiegraad)
    return ind, vrij, vrij * float(aandeel)


def lettings_capacity(demand: pd.DataFrame, indicatoren: pd.DataFrame, *,
                      periode: str = "2024-2030", variant: str = "midden",
                      mutatiegraad: float = 0.065, aandeel_aandachtsgroepen: float = 0.30,
                      norm: float = 0.30, source: str = "<indicatoren>") -> pd.DataFrame:
    """The region's lettings need against the sociale huur that comes free, per year.

    One row per ``jaar`` of ``periode`` (``2024-2030`` → 2024 … 2029): ``behoefte`` (dwellings
    per year), ``vrijkomend``, ``capaciteit`` (at ``aandeel_aandachtsgroepen`` of lettings),
    ``verhouding``, ``aandeel_nodig``, ``aandeel_sociale_huur`` (corporation share of the
    housing stock, beside the ``norm`` of 30 %) and ``toelichting`` (the headline in Dutch).
    ``indicatoren``: index gemeentecode with ``sociale_huur`` and ``woningvoorraad``.
    """
    start, end = (int(x) for x in str(periode).split("-"))
    ind, vrij, cap = _free(indicatoren, mutatiegraad, aandeel_aandachtsgroepen, source)
    need = lettings_need(demand, variant=variant, start=start, end=end)
    need = need[need["gemeentecode"].isin(ind.index)]
    per_jaar = need.groupby("jaar")["behoefte"].sum()
    v, c = math.fsum(vrij.tolist()), math.fsum(cap.tolist())
    wv = math.fsum(pd.to_numeric(ind["woningvoorraad"], errors="coerce").fillna(0).tolist())
    sh_share = math.fsum(ind["sociale_huur"].astype(float).tolist()) / wv if wv > 0 else 0.0
    rows = []
    for jaar in range(start, end):
        b = float(per_jaar.get(jaar, 0.0))
        ratio = b / c if c > 0 else float("nan")
        nodig = b / v if v > 0 else float("nan")
        if c > 0:
            text = (f"{jaar}: de aandachtsgroepen hebben {_num(b)} toewijzingen nodig; er komen "
                    f"{_num(v)} sociale huurwoningen vrij, waarvan {_pct(aandeel_aandachtsgroepen)}"
                    f" = {_num(c)} voor aandachtsgroepen. De behoefte is "
                    f"{f'{ratio:.2f}'.replace('.', ',')} × die capaciteit en zou {_pct(nodig)} van alle vrijkomende sociale huur "
                    f"vragen (sociale huur is {_pct(sh_share)} van de voorraad; norm "
                    f"{_pct(norm)}).")
        else:
            text = (f"{jaar}: er is geen sociale huur van corporaties in de regio, dus geen "
                    f"capaciteit; de {_num(b)} toewijzingen moeten uit nieuwbouw of particuliere "
                    "huur komen.")
        rows.append({"jaar": jaar, "behoefte": b, "vrijkomend": v, "capaciteit": c,
                     "verhouding": ratio, "aandeel_nodig": nodig,
                     "aandeel_sociale_huur": sh_share, "norm": float(norm),
                     "toelichting": text})
    cols = ["jaar", "behoefte", "vrijkomend", "capaciteit", "verhouding", "aandeel_nodig",
            "aandeel_sociale_huur", "norm", "toelichting"]
    return pd.DataFrame(rows, columns=cols)


def lettings_capacity_by_gemeente(demand: pd.DataFrame, indicatoren: pd.DataFrame, *,
                                  periode: str = "2024-2030", variant: str = "midden",
                                  mutatiegraad: float = 0.065,
                                  aandeel_aandachtsgroepen: float = 0.30,
                                  source: str = "<indicatoren>") -> pd.DataFrame:
    """Per gemeente: its own yearly lettings need (average over ``periode``) against its own
    sociale huur that comes free, before any split. Columns ``gemeentecode, sociale_huur,
    vrijkomend, capaciteit, behoefte_per_jaar, verhouding, toelichting``; ``verhouding`` is empty
    where capacity is 0 and ``toelichting`` explains it."""
    start, end = (int(x) for x in str(periode).split("-"))
    ind, vrij, cap = _free(indicatoren, mutatiegraad, aandeel_aandachtsgroepen, source)
    need = lettings_need(demand, variant=variant, start=start, end=end)
    b = need.groupby("gemeentecode")["behoefte"].sum().reindex(ind.index).fillna(0.0)
    b = b / float(end - start)
    out = pd.DataFrame({"gemeentecode": ind.index, "sociale_huur": ind["sociale_huur"].to_numpy(),
                        "vrijkomend": vrij.to_numpy(), "capaciteit": cap.to_numpy(),
                        "behoefte_per_jaar": b.to_numpy()})
    c = out["capaciteit"].to_numpy()
    out["verhouding"] = np.divide(out["behoefte_per_jaar"].to_numpy(), c,
                                  out=np.full(len(out), np.nan), where=c > 0)
    out["toelichting"] = [
        "" if ci > 0 else
        ("geen corporatiewoningen: er komt geen sociale huur vrij, dus de eigen "
         f"toewijzingsbehoefte ({_num(bi)} per jaar) moet uit nieuwbouw, particuliere huur of "
         "een buurgemeente komen") for ci, bi in zip(c, out["behoefte_per_jaar"])]
    return out.sort_values("gemeentecode", kind="mergesort").reset_index(drop=True)
