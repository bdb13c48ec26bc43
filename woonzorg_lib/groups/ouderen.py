"""Ouderen: the two methods for the homes (nultreden, geclusterd, zorggeschikt) and intramural care.

*rijksopgave* — the national programme (Programma Wonen en zorg voor ouderen, kst-29389-112,
23-11-2022: 290.000 = 170.000 nultreden + 80.000 geclusterd + 40.000 geclusterd zorggeschikt,
1-1-2022 to the end of 2030) split top-down over gemeenten in proportion to each gemeente's
increase of the 75+ population, as the Rijk split it over regions. The increase 1-1-2024 →
1-1-2031 is projected for *every* gemeente of the snapshot in the same way (cohort ageing of the
CBS 85383NED bands 65–74 and 75+ with the national life table, no migration), so the shares over all
gemeenten sum to 1 and the opgave to 290.000. Programme years are spread evenly: opgave(2024) =
the share for 2022–2023 (2/9; homes realised since 1-1-2022 are not yet subtracted: flagged),
opgave(jaar) adds 1/9 per year up to 2031; after 2030 the same number of homes per extra 75+
person continues on the gemeente's projected 75+ growth.

*behoefte* — ABF/RIGO style tekort + groei: persons 65–74 and 75+ with a physical limitation
(age rates) → households with need → split over the woningtypen; the suitable stock is that
need × the share that lives suitably (ABF Monitor Ouderenhuisvesting 2020: ~10 % does not), or a
local count; opgave(jaar) = vraag(jaar) − aanbod(2024), so opgave(2024) is the current tekort.

Intramural (Wlz verpleging en verzorging met verblijf): persons in care per 1000 by age, fitted
to the national number of users (see config/parameters.yaml), × the projection.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable

import numpy as np
import pandas as pd



@lru_cache(maxsize=1)
def programme_spec() -> dict:
    """The national programme as published (``config/landelijke_doelen.yaml``, with its source):
    homes per woningtype, period and source. Checked: positive whole numbers, a period of years."""
    import yaml

    from ..errors import InputError
    from ..paths import config_dir

    path = config_dir() / "landelijke_doelen.yaml"
    spec = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("ouderenprogramma")
    if not isinstance(spec, dict):
        raise InputError("sectie 'ouderenprogramma' ontbreekt", file=str(path))
    homes = spec.get("woningen")
    if not isinstance(homes, dict) or set(homes) != {"nultreden", "geclusterd", "zorggeschikt"}:
        raise InputError("'woningen' moet nultreden, geclusterd en zorggeschikt noemen", file=str(path),
                         column="ouderenprogramma.woningen")
    for wt, n in homes.items():
        if isinstance(n, bool) or not isinstance(n, int) or n <= 0:
            raise InputError(f"'{n}' is geen positief aantal woningen", file=str(path),
                             column=f"ouderenprogramma.woningen.{wt}")
    van, tot = spec.get("periode_van"), spec.get("periode_tot")
    if not (isinstance(van, int) and isinstance(tot, int) and van < tot):
        raise InputError("periode_van en periode_tot moeten jaartallen zijn met van < tot", file=str(path),
                         column="ouderenprogramma.periode_van")
    return {"woningen": {wt: float(homes[wt]) for wt in ("nultreden", "geclusterd", "zorggeschikt")},
            "van": van, "tot": tot, "bron": str(spec.get("bron", "")), "datum": str(spec.get("datum", "")),
            "naam": str(spec.get("naam", ""))}


PROGRAMMA = programme_spec()["woningen"]     # homes per woningtype, 1-1-2022 up to 1-1-2031
PROGRAMMA_START, PROGRAMMA_EIND = programme_spec()["van"], programme_spec()["tot"]  # 1-1-2031 = end of 2030
METHODES = ("behoefte", "rijksopgave")
STANDAARD_METHODE = "behoefte"
WONINGTYPEN = tuple(PROGRAMMA)


def ageing_factors(lx: pd.Series, years: int = 7) -> tuple[float, float]:
    """(a, b) of the cohort-ageing step over ``years`` with a stationary life-table population:
    75+ after ``years`` = a × (65–74 now) + b × (75+ now). ``lx``: survivors by single age (index);
    the open end uses the last lx × its remaining life expectancy if given as ``lx.attrs['e_last']``."""
    top = int(lx.index.max())
    T = {x: float(lx.loc[x:top - 1].sum()) + float(lx.loc[top]) * float(lx.attrs.get("e_last", 1.0))
         for x in range(60, top + 1)}
    lx_sum = lambda a, b: float(lx.loc[a:b].sum())  # noqa: E731 (inclusive ages)
    a = lx_sum(75, 74 + years) / lx_sum(65, 74) if years <= 10 else float("nan")
    b = T[75 + years] / T[75]
    return a, b


@lru_cache(maxsize=4)
def _national_key_inputs(as_of: int) -> tuple[pd.DataFrame, float, float, float, float]:
    """Bands 65–74 and 75+ per gemeente and for Nederland at ``as_of`` and the ageing factors."""
    from ..dataset import load
    from ..paths import raw_dir

    m = load.table("bevolking_marges")
    m = m[(m["jaar"] == as_of) & (m["geslacht"] == "totaal") & m["gemeentecode"].str.startswith("GM")]
    p6574 = m[(m["leeftijd_van"] == 65) & (m["leeftijd_tot"] == 74)].set_index("gemeentecode")["waarde"]
    p75 = m[(m["leeftijd_van"] == 75) & m["leeftijd_tot"].isna()].set_index("gemeentecode")["waarde"]
    bands = pd.DataFrame({"p65_74": p6574, "p75": p75}).dropna().sort_index()
    raw = pd.read_csv(raw_dir() / "population_age_groups.csv", dtype={"gemeentecode": str})
    nl = raw[(raw["gemeentecode"] == "NL01") & (raw["jaar"] == as_of) & (raw["geslacht"] == "totaal")]
    nl65 = float(nl.loc[nl["leeftijd"] == "65-74", "waarde"].iloc[0])
    nl75 = float(nl.loc[nl["leeftijd"] == "75+", "waarde"].iloc[0])
    lt = load.table("levenstafel")
    lt = lt[lt["jaar"] == lt.loc[lt["jaar"] <= as_of, "jaar"].max()].set_index("leeftijd")
    lx = lt["lx"].astype(float)
    lx.attrs["e_last"] = float(lt["ex"].iloc[-1])
    n = PROGRAMMA_EIND - as_of
    a, _ = ageing_factors(lx, n)
    # Survival of today's 75+ from the observed national death rate of 75+ (its real, young-heavy
    # age structure; the stationary life table would overstate deaths): (1 − m)^n.
    st = load.table("sterfte")
    y = int(st.loc[(st["gemeentecode"] == "NL01") & (st["jaar"] < as_of), "jaar"].max())
    d75 = float(st[(st["gemeentecode"] == "NL01") & (st["jaar"] == y) & (st["geslacht"] == "totaal")
                   & (st["leeftijd_van"].fillna(-1) >= 75)]["waarde"].sum())
    p_prev = raw[(raw["gemeentecode"] == "NL01") & (raw["jaar"] == y) & (raw["geslacht"] == "totaal")]
    p75_prev = p_prev.loc[p_prev["leeftijd"] == "75+", "waarde"]
    p75_mid = (float(p75_prev.iloc[0]) + nl75) / 2 if len(p75_prev) and y == as_of - 1 else nl75
    b = (1.0 - d75 / p75_mid) ** n
    return bands, nl65, nl75, a, b


def rijksopgave_key(codes: Iterable[str] | None = None, *, as_of: int = 2024) -> pd.DataFrame:
    """Each gemeente's share of the national increase of 75+ from 1-1-``as_of`` to 1-1-2031 and
    the programme homes per extra 75+ person: ``gemeentecode, groei_75plus, aandeel`` plus
    ``attrs`` ``groei_nl`` and ``woningen_per_extra_75plus``. Shares are of the national increase
    (CBS national bands), so they sum to 1 over all gemeenten; gemeenten without age data in the
    snapshot are absent. A negative increase counts as 0 (the national total is not rescaled)."""
    bands, nl65, nl75, a, b = _national_key_inputs(as_of)
    groei = (a * bands["p65_74"] + (b - 1.0) * bands["p75"]).clip(lower=0.0)
    groei_nl = a * nl65 + (b - 1.0) * nl75
    out = pd.DataFrame({"gemeentecode": groei.index, "groei_75plus": groei.to_numpy(),
                        "aandeel": (groei / groei_nl).to_numpy()})
    if codes is not None:
        out = out[out["gemeentecode"].isin(set(codes))]
    out = out.reset_index(drop=True)
    out.attrs.update(groei_nl=groei_nl, woningen_per_extra_75plus=sum(PROGRAMMA.values()) / groei_nl,
                     ageing=(a, b), jaren=(as_of, PROGRAMMA_EIND))
    return out


def programme_fraction(years: Iterable[int]) -> np.ndarray:
    """Cumulative share of the programme reached on 1 January of each year (0 on 1-1-2022, 1 on
    1-1-2031, linear; capped at 1)."""
    y = np.asarray(list(years), float)
    return np.clip((y - PROGRAMMA_START) / (PROGRAMMA_EIND - PROGRAMMA_START), 0.0, 1.0)


def rijksopgave_opgave(aandeel: np.ndarray, years: list[int], p75: np.ndarray, per_extra: float,
                       woningtype: str) -> np.ndarray:
    """Opgave per gemeente × jaar (gemeente-major) of one woningtype under *rijksopgave*.

    ``aandeel``: share of the national programme per gemeente; ``p75``: projected 75+ per cell
    (for years after 2031); ``per_extra``: programme homes per extra 75+ person."""
    G, Y = len(aandeel), len(years)
    total = PROGRAMMA[woningtype]
    frac = programme_fraction(years)
    opg = np.asarray(aandeel, float)[:, None] * total * frac[None, :]
    later = np.asarray(years) > PROGRAMMA_EIND
    if later.any():
        p = np.asarray(p75, float).reshape(G, Y)
        if PROGRAMMA_EIND in years:
            ref = p[:, years.index(PROGRAMMA_EIND)]
            extra = np.clip(p[:, later] - ref[:, None], 0.0, None)
            opg[:, later] += extra * per_extra * total / sum(PROGRAMMA.values())
    return opg.ravel()


def national_behoefte(values: dict, *, as_of: int = 2024) -> dict:
    """The *behoefte* method on national figures (CBS bands of all gemeenten): tekort at ``as_of``
    and opgave on 1-1-2031 per woningtype (for the reconciliation against the 290.000 programme,
    which the method does not use). 65–74 in 2031 is aged on from the 2024 bands assuming even
    ages within 45–64 and 65–74 (no migration)."""
    bands, nl65, nl75, a, b = _national_key_inputs(as_of)
    from ..dataset import load
    from ..paths import raw_dir
    raw = pd.read_csv(raw_dir() / "population_age_groups.csv", dtype={"gemeentecode": str})
    nl = raw[(raw["gemeentecode"] == "NL01") & (raw["jaar"] == as_of) & (raw["geslacht"] == "totaal")]
    lt = load.table("levenstafel")
    lt = lt[lt["jaar"] == lt.loc[lt["jaar"] <= as_of, "jaar"].max()].set_index("leeftijd")["lx"].astype(float)
    n = PROGRAMMA_EIND - as_of
    p0_64 = float(nl.loc[nl["leeftijd"] == "0-64", "waarde"].iloc[0])
    p0_17 = float(nl.loc[nl["leeftijd"] == "0-17", "waarde"].iloc[0])
    p18_44 = float(nl.loc[nl["leeftijd"] == "18-44", "waarde"].iloc[0])
    p45_64 = p0_64 - p0_17 - p18_44
    # 65–74 in 2031 = survivors of ages 58–64 (n = 7 of the 20 years of 45–64) and 65–67 (3 of 10)
    s = lambda x0, x1: float(lt.loc[x0 + n:x1 + n].sum() / lt.loc[x0:x1].sum())  # noqa: E731
    p65_end = p45_64 * (65 - (65 - n)) / 20 * s(65 - n, 64) + nl65 * (75 - n - 65) / 10 * s(65, 74 - n)
    p75_end = a * nl65 + b * nl75
    def need(p65: float, p75: float) -> float:
        return ((p65 * values["ouderen.beperkt_aandeel_65_74"] + p75 * values["ouderen.beperkt_aandeel_75_plus"])
                * values["ouderen.huishoudens_per_beperkte_persoon"])

    v0, v1 = need(nl65, nl75), need(p65_end, p75_end)
    geschikt = values["ouderen.geschikt_aandeel"]
    out = {}
    for wt in WONINGTYPEN:
        sh = values[f"ouderen.aandeel_{wt}"]
        out[wt] = {"tekort": v0 * sh * (1 - geschikt), "opgave_2031": v1 * sh - v0 * sh * geschikt}
    return out
