"""Plain functions that return the demand tables of the report chapters and the CLI.

- :func:`demand_all`: the CONTRACTS demand table for all variants;
- :func:`five_numbers`: per gemeente × groep × woningtype the five numbers of a woonzorganalyse
  (vraag, aanbod with its origin, huidig tekort at the base year, groei, opgave or toewijzing);
- :func:`ouderen_comparison`: the two ouderen methods side by side;
- :func:`intramural_comparison`: intramural vraag against supply where it is known (COROP).
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from .assembly import _measures, demand_table
from .bands import BASISJAAR
from .catalogue import CATALOGUE, DEMAND_KEYS
from .grid import _prepare
from .params import ParameterSet

VARIANTS = ("laag", "midden", "hoog")


def demand_all(projection: pd.DataFrame, params: ParameterSet, *, variants: Sequence[str] = VARIANTS,
               **inputs) -> pd.DataFrame:
    """:func:`~.assembly.demand_table` for each variant, concatenated and sorted by the key."""
    frames = [demand_table(projection, params, v, **inputs) for v in variants]
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(list(DEMAND_KEYS), kind="mergesort").reset_index(drop=True)


def supply_origin(projection: pd.DataFrame, params: ParameterSet, **inputs) -> pd.DataFrame:
    """Where each gemeente's aanbod comes from: ``gemeentecode, groep, woningtype, aanbod_bron``
    (``bron``: sourced data; ``schatting``: national ratio, an estimate; ``lokaal``: the user's
    local figure). Pairs without supply are absent (opgave is then growth only)."""
    prep = _prepare(projection, params, "midden", **inputs)
    mid = params.resolve("midden")
    _, _, bron = _measures(prep, mid, mid)
    rows = [(c, g, wt, lab) for (g, wt), labs in sorted(bron.items()) for c, lab in zip(prep.gemeenten, labs) if lab]
    return (pd.DataFrame(rows, columns=["gemeentecode", "groep", "woningtype", "aanbod_bron"])
            .sort_values(["gemeentecode", "groep", "woningtype"]).reset_index(drop=True))


def local_marks(demand: pd.DataFrame, local_figures: pd.DataFrame | None) -> pd.DataFrame:
    """``gemeentecode, groep, woningtype, maat, lokaal``: which figures come from the user's CSV."""
    key = ["gemeentecode", "groep", "woningtype"]
    base = demand[key].drop_duplicates()
    if local_figures is None or local_figures.empty:
        return base.assign(lokaal_vraag=False, lokaal_aanbod=False)
    lf = local_figures.assign(maat=local_figures.get("maat", "vraag"))
    for m in ("vraag", "aanbod"):
        has = lf[lf["maat"] == m][key].drop_duplicates().assign(**{f"lokaal_{m}": True})
        base = base.merge(has, on=key, how="left")
        base[f"lokaal_{m}"] = base[f"lokaal_{m}"].astype("boolean").fillna(False).astype(bool)
    return base.sort_values(key).reset_index(drop=True)


def five_numbers(demand: pd.DataFrame, *, jaar: int = 2030, variant: str = "midden", basisjaar: int = BASISJAAR,
                 origin: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per gemeente × groep × woningtype: ``soort, eenheid, vraag_basis, vraag, aanbod_basis,
    aanbod_bron, tekort_basis, groei, opgave, toewijzing`` for ``jaar`` (stand groups: opgave =
    tekort_basis + groei; stroom groups: toewijzing = the cumulative lettings, vraag per year;
    never added). ``aanbod_bron`` is ``onbekend`` where there is no supply figure (then
    tekort_basis is empty and opgave = groei)."""
    d = demand[demand["variant"] == variant]
    key = ["gemeentecode", "groep", "woningtype"]

    def pick(maat: str, y: int, name: str) -> pd.DataFrame:
        x = d[(d["maat"] == maat) & (d["jaar"] == y)]
        return x[key + ["waarde"]].rename(columns={"waarde": name})

    base = d[key + ["soort", "eenheid"]].drop_duplicates(key)
    out = base
    for maat, y, name in (("vraag", basisjaar, "vraag_basis"), ("vraag", jaar, "vraag"),
                          ("aanbod", basisjaar, "aanbod_basis"), ("opgave", basisjaar, "tekort_basis"),
                          ("opgave", jaar, "opgave"), ("toewijzing", jaar, "toewijzing")):
        out = out.merge(pick(maat, y, name), on=key, how="left")
    out.loc[out["aanbod_basis"].isna(), "tekort_basis"] = np.nan
    out["groei"] = out["vraag"] - out["vraag_basis"]
    if origin is not None and len(origin):
        out = out.merge(origin, on=key, how="left")
    else:
        out["aanbod_bron"] = np.where(out["aanbod_basis"].notna(), "bron", None)
    out["aanbod_bron"] = out["aanbod_bron"].fillna("onbekend")
    if "opgave" in out:  # rijksopgave: no vraag/aanbod, the programme share itself
        prog = out["vraag"].isna() & out["opgave"].notna()
        out.loc[prog, "aanbod_bron"] = "programma"
    cols = key + ["soort", "eenheid", "vraag_basis", "vraag", "aanbod_basis", "aanbod_bron", "tekort_basis",
                  "groei", "opgave", "toewijzing"]
    return out[cols].sort_values(key).reset_index(drop=True)


def ouderen_comparison(projection: pd.DataFrame, params: ParameterSet, *, jaren: Sequence[int] = (2024, 2030),
                       **inputs) -> pd.DataFrame:
    """The two ouderen methods side by side (variant midden): ``gemeentecode, woningtype, jaar,
    behoefte_vraag, behoefte_aanbod, behoefte_opgave, rijksopgave_opgave``."""
    inputs = {k: v for k, v in inputs.items() if k not in ("methode", "groepen")}
    rows = {}
    for m in ("behoefte", "rijksopgave"):
        t = demand_table(projection, params, "midden", groepen=["ouderen"], methode={"ouderen": m}, **inputs)
        t = t[(t["woningtype"] != "intramuraal") & t["jaar"].isin(list(jaren))]
        for rec in t.to_dict("records"):
            rows.setdefault((rec["gemeentecode"], rec["woningtype"], rec["jaar"]), {})[f"{m}_{rec['maat']}"] = rec["waarde"]
    cols = ["behoefte_vraag", "behoefte_aanbod", "behoefte_opgave", "rijksopgave_opgave"]
    out = pd.DataFrame([{"gemeentecode": g, "woningtype": wt, "jaar": y, **{c: r.get(c, np.nan) for c in cols}}
                        for (g, wt, y), r in sorted(rows.items())])
    return out


def intramural_comparison(demand: pd.DataFrame, gebieden: pd.DataFrame, supply: pd.DataFrame, *,
                          jaar: int = BASISJAAR, variant: str = "midden",
                          nl_ratio: float | None = None) -> pd.DataFrame:
    """Intramural vraag (ouderen + beperking, plaatsen) per COROP area against the known supply
    (CBS zorgwoonruimten, all care sectors, units — not the same unit as places): ``gebiedscode,
    gebiedsnaam, jaar, vraag_plaatsen, zorgwoonruimten, dekking, dekking_nl, tekort_indicatie``.

    ``dekking`` = zorgwoonruimten / vraag; ``dekking_nl`` = the national ratio (default: CBS
    zorgwoonruimten 2017 / Wlz users with verblijf VV + GHZ 2017); ``tekort_indicatie`` = places short
    if the area had the national coverage: max(0, vraag − zorgwoonruimten / dekking_nl). Never a
    surplus: where supply exceeds the national coverage that is reported as 0, not as spare places.
    Only areas wholly inside the region (``supply``) appear."""
    if nl_ratio is None:
        nl_ratio = NL_ZORGWOONRUIMTEN_2017 / (WLZ_VERBLIJF_VV_2017 + WLZ_VERBLIJF_GHZ_2017)
    d = demand[(demand["variant"] == variant) & (demand["maat"] == "vraag") & (demand["woningtype"] == "intramuraal")
               & (demand["jaar"] == jaar)]
    v = d.merge(gebieden, on="gemeentecode").groupby("gebiedscode", as_index=False)["waarde"].sum()
    s = supply[supply["jaar"] == min(jaar, int(supply["jaar"].max()))] if len(supply) else supply
    out = v.rename(columns={"waarde": "vraag_plaatsen"}).merge(
        s[["gebiedscode", "gebiedsnaam", "waarde"]].rename(columns={"waarde": "zorgwoonruimten"}), on="gebiedscode")
    out.insert(2, "jaar", jaar)
    out["dekking"] = out["zorgwoonruimten"] / out["vraag_plaatsen"]
    out["dekking_nl"] = nl_ratio
    out["tekort_indicatie"] = (out["vraag_plaatsen"] - out["zorgwoonruimten"] / nl_ratio).clip(lower=0.0)
    return out[["gebiedscode", "gebiedsnaam", "jaar", "vraag_plaatsen", "zorgwoonruimten", "dekking", "dekking_nl",
                "tekort_indicatie"]].sort_values("gebiedscode").reset_index(drop=True)


# Monitor Langdurige Zorg, "Gebruik Wlz-zorg in natura met verblijf naar sector", peildatum 2017
# (CBS, dataleverancier Vektis): VV 121.700, GHZ 72.960; CBS 85150NED zorgwoonruimten NL 2017: 115.945.
WLZ_VERBLIJF_VV_2017 = 121_700.0
WLZ_VERBLIJF_GHZ_2017 = 72_960.0
NL_ZORGWOONRUIMTEN_2017 = 115_945.0


def intramural_national_check(params: ParameterSet | Mapping[str, float], bands: Mapping[str, float]) -> float:
    """Σ intramural rate × national population by band (``{"65-74": n, "75-84": n, "85+": n}``)."""
    v = params.resolve("midden") if isinstance(params, ParameterSet) else params
    return (bands["65-74"] * v["ouderen.intramuraal_per_1000_65_74"] + bands["75-84"]
            * v["ouderen.intramuraal_per_1000_75_84"] + bands["85+"] * v["ouderen.intramuraal_per_1000_85_plus"]) / 1000


__all__ = ["demand_all", "supply_origin", "local_marks", "five_numbers", "ouderen_comparison",
           "intramural_comparison", "intramural_national_check", "CATALOGUE"]
