"""Data inputs of the demand model from data/processed (dated on or before ``as_of``).

:func:`demand_inputs` returns the keyword inputs of :func:`~.assembly.demand_table` besides the
projection, for a tuple of gemeentecodes. Results are cached per (codes, as_of) in the process.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable

import pandas as pd

from ..dataset import load
from .bands import BASISJAAR
from .regional import regional_defaults


def _codes(codes: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(codes)))


def _corop_codes(codes: tuple[str, ...]) -> pd.DataFrame:
    """gemeente → COROP code of the zorgwoonruimten table (matched on the COROP name)."""
    g = load.table("gemeenten").set_index("gemeentecode").loc[list(codes)]
    z = load.table("zorgwoonruimten")
    cr = z[z["regiocode"].str.startswith("CR")][["regiocode", "regionaam"]].drop_duplicates()
    name_to_code = {n.replace(" (CR)", ""): c for c, n in zip(cr["regiocode"], cr["regionaam"])}
    rows = [(code, name_to_code.get(corop)) for code, corop in g["corop"].items()]
    return pd.DataFrame(rows, columns=["gemeentecode", "gebiedscode"]).dropna()


@lru_cache(maxsize=1)
def corop_all() -> pd.DataFrame:
    """``gemeentecode, gebiedscode`` (COROP) for every gemeente of the snapshot."""
    return _corop_codes(tuple(sorted(load.table("gemeenten")["gemeentecode"])))


def intramural_supply(codes: Iterable[str], *, as_of: int = BASISJAAR) -> pd.DataFrame:
    """Known intramural supply (CBS 85150NED zorgwoonruimten, all care sectors) per COROP area that
    lies wholly inside ``codes``: ``gebiedscode, gebiedsnaam, jaar, waarde`` (years ≤ as_of)."""
    codes = _codes(codes)
    gebieden = _corop_codes(codes)
    allc = corop_all()
    whole = [c for c in sorted(gebieden["gebiedscode"].unique())
             if set(allc[allc["gebiedscode"] == c]["gemeentecode"]) <= set(codes)]
    z = load.table("zorgwoonruimten")
    z = z[(z["type_zorgwoonruimte"] == "Totaal") & z["regiocode"].isin(whole) & (z["jaar"] <= as_of)]
    return (pd.DataFrame({"gebiedscode": z["regiocode"], "gebiedsnaam": z["regionaam"].str.replace(" (CR)", "",
                                                                                                  regex=False),
                          "jaar": z["jaar"].astype("int64"), "waarde": z["waarde"].astype(float)})
            .sort_values(["gebiedscode", "jaar"]).reset_index(drop=True))


def demand_inputs(codes: Iterable[str], *, as_of: int = BASISJAAR) -> dict:
    """Everything :func:`~.assembly.demand_table` needs besides the projection and the parameters.

    Intramural supply is known per COROP only: it is *not* passed as gemeente supply (the
    comparison is made at COROP level, :func:`~.tables.intramural_comparison`)."""
    return dict(_demand_inputs(_codes(codes), as_of))


@lru_cache(maxsize=32)
def _demand_inputs(codes: tuple[str, ...], as_of: int) -> dict:
    from .. import demography, indicators  # heavy imports, only when data is read

    g = load.table("gemeenten")
    tot = load.table("bevolking_totaal")
    nl = tot[(tot["gemeentecode"] == "NL01") & (tot["jaar"] == as_of)]["waarde"]
    nl_inwoners = float(nl.iloc[0]) if len(nl) else float(g["inwoners_2024"].sum())
    hh = demography.households(list(codes), as_of=as_of, until=as_of, variants=("midden",))
    hh = hh[(hh["jaar"] == as_of) & (hh["variant"] == "midden")]
    huishoudens = hh.rename(columns={"huishoudens": "waarde"})[["gemeentecode", "waarde"]]
    ind = indicators.gemeente_indicators(codes, jaar=as_of)
    woningvoorraad = ind["woningvoorraad"].rename("waarde").reset_index()
    grp = load.table("groepen")
    st = grp[(grp["variabele"] == "uitwonende_studenten") & grp["gemeentecode"].isin(codes) & (grp["jaar"] <= as_of)]
    studenten = st.groupby(["gemeentecode", "jaar"], as_index=False)["waarde"].sum()
    regio = regional_defaults(codes)
    from .ouderen import rijksopgave_key  # national key over all gemeenten of the snapshot

    return dict(nl_inwoners=nl_inwoners, huishoudens=huishoudens, woningvoorraad=woningvoorraad,
                studenten_historie=studenten,
                arbeidsmigranten_regiotype=dict(zip(regio["gemeentecode"], regio["arbeidsmigranten_regiotype"])),
                landelijke_gemeenten=frozenset(regio.loc[regio["landelijk"], "gemeentecode"]),
                g4_gemeenten=frozenset(regio.loc[regio["dakloos_g4"], "gemeentecode"]),
                ouderen_sleutel=rijksopgave_key(codes))
