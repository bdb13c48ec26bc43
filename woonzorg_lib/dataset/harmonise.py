"""Put every year on the 342 gemeenten of 2024 (the boundary harmonisation).

Method (docs/data_quality.md, "Herindelingen"):

1. **PC4 -> 2024 gemeente.** ``pc4_2021/postcodes.csv`` gives each PC4 one gemeente of the 2021
   division. 2021 names become 2024 codes by name (CBS spells some with a suffix, e.g. "Beek (L.)"),
   the whole mergers of 2022-2023 (:data:`MERGERS_2022_2023`) and, for Haaren (split on 1-1-2021
   over four successors, but still named in the 2021 PC4 list), its four PC4s' successors
   (:data:`HAAREN_PC4`). A PC4 that straddles a border is assigned whole to one gemeente.
2. **Year-gemeente -> 2024 gemeente.** For each year's PC4 table, the PC4 rows of every gemeente of
   that year are summed by their 2024 gemeente. A gemeente whose PC4 population lies for at least
   :data:`WHOLE_SHARE` in one 2024 gemeente is a *whole* predecessor: its official "Totaal" row
   (exact bands x sex) goes there unchanged (mergers are summed). Otherwise it was *split*: its
   official row is divided over the successors band by band and sex by sex in proportion to its own
   PC4 rows of the same year (so the year's total is kept exactly).
3. **2014-2024 totals** (85644NED, regions named as on their own boundaries) are summed by the
   same map; a region that was split after 2013 (Maasdonk 2015, Littenseradiel 2018, Haaren 2021)
   is divided with the PC4 shares of its last PC4 table (2013), a stated approximation.

Every change handled is listed in :func:`changes` (processed table ``herindelingen``).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..errors import InputError

WHOLE_SHARE = 0.94

# whole mergers after the 2021 division of the PC4 list (CBS, Gemeentelijke indeling op 1 januari
# 2022 and 2023); Weesp joined Amsterdam on 24-3-2022.
MERGERS_2022_2023 = {
    "Beemster": "Purmerend", "Weesp": "Amsterdam",
    "Boxmeer": "Land van Cuijk", "Cuijk": "Land van Cuijk", "Grave": "Land van Cuijk",
    "Mill en Sint Hubert": "Land van Cuijk", "Sint Anthonis": "Land van Cuijk",
    "Heerhugowaard": "Dijk en Waard", "Langedijk": "Dijk en Waard",
    "Landerd": "Maashorst", "Uden": "Maashorst",
    "Brielle": "Voorne aan Zee", "Hellevoetsluis": "Voorne aan Zee", "Westvoorne": "Voorne aan Zee",
}
# renamed gemeenten whose old name appears in a source (CBS, Gemeentelijke indeling 2015)
RENAMED = {"De Friese Meren": "De Fryske Marren"}
# Haaren was split on 1-1-2021 (Wet herindeling Haaren): Biezenmortel to Tilburg, Haaren to
# Oisterwijk, Helvoirt to Vught, Esch to Boxtel -- one PC4 per kern.
HAAREN_PC4 = {5074: "Tilburg", 5076: "Oisterwijk", 5268: "Vught", 5296: "Boxtel"}

_SUFFIX = re.compile(r"\s*\((gemeente|[A-Z]{1,2}\.)\)$")


def base_name(name: str) -> str:
    return _SUFFIX.sub("", str(name)).strip()


def name_index(gemeenten: pd.DataFrame) -> dict[str, str]:
    """2024 name (with and without CBS suffix, if unambiguous) -> 2024 code."""
    out: dict[str, str] = {}
    bases: dict[str, list[str]] = {}
    for code, name in zip(gemeenten["gemeentecode"], gemeenten["gemeentenaam"]):
        out[name] = code
        bases.setdefault(base_name(name), []).append(code)
    for b, codes in bases.items():
        if len(codes) == 1:
            out.setdefault(b, codes[0])
    return out


def pc4_map(postcodes: pd.DataFrame, gemeenten: pd.DataFrame) -> pd.Series:
    """PC4 -> 2024 gemeentecode (PC4s without a gemeente in the 2021 list are left out)."""
    idx = name_index(gemeenten)
    codes = {}
    for pc4, name in zip(postcodes["pc4"], postcodes["gemeente"]):
        if not isinstance(name, str) or not name:
            continue
        if name == "Haaren":
            target = HAAREN_PC4.get(int(pc4))
            if target is None:
                raise InputError(f"PC4 {pc4} van Haaren zonder bekende opvolger", file="pc4_2021/postcodes.csv.gz")
        else:
            target = MERGERS_2022_2023.get(name, name)
        code = idx.get(target) or idx.get(base_name(target))
        if code is None:
            raise InputError(f"gemeente '{name}' (PC4 {pc4}) niet te koppelen aan de indeling 2024",
                             file="pc4_2021/postcodes.csv.gz", column="gemeente")
        codes[int(pc4)] = code
    return pd.Series(codes, name="gemeentecode")


def year_shares(pc4: pd.DataFrame, pmap: pd.Series) -> pd.DataFrame:
    """Per gemeente of that year: the share of its PC4 population in each 2024 gemeente.

    Columns: gemcode, gemeentecode, personen, aandeel, onbekend (persons in PC4s not in the map).
    """
    d = pc4[["sleutel", "gemcode", "totaal"]].copy()
    d["gemeentecode"] = d["sleutel"].astype(int).map(pmap)
    unk = d[d["gemeentecode"].isna()].groupby("gemcode")["totaal"].sum()
    s = d.dropna(subset=["gemeentecode"]).groupby(["gemcode", "gemeentecode"], as_index=False)["totaal"].sum()
    s = s.rename(columns={"totaal": "personen"})
    s["aandeel"] = s["personen"] / s.groupby("gemcode")["personen"].transform("sum").replace(0, np.nan)
    s["onbekend"] = s["gemcode"].map(unk).fillna(0.0)
    return s


def classify(shares: pd.DataFrame) -> pd.DataFrame:
    """gemcode -> list of (2024 code, weight) and the method ('geheel' or 'pc4-verdeling')."""
    rows = []
    for gemcode, g in shares.groupby("gemcode"):
        g = g.sort_values(["aandeel", "gemeentecode"], ascending=[False, True])
        top = g.iloc[0]
        if top["aandeel"] >= WHOLE_SHARE or len(g) == 1:
            rows.append({"gemcode": gemcode, "gemeentecode": top["gemeentecode"], "aandeel": 1.0,
                         "methode": "geheel", "pc4_aandeel": float(top["aandeel"])})
        else:
            for _, r in g.iterrows():
                rows.append({"gemcode": gemcode, "gemeentecode": r["gemeentecode"], "aandeel": float(r["aandeel"]),
                             "methode": "pc4-verdeling", "pc4_aandeel": float(r["aandeel"])})
    return pd.DataFrame(rows)


def harmonise_year(tables: dict[str, pd.DataFrame], pmap: pd.Series, path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One PC4 table -> (bands on 2024 boundaries, the year's gemeente->2024 map).

    Bands frame: gemeentecode, geslacht (0 man / 1 vrouw), band (0..19), waarde (float).
    """
    tot, pc4 = tables["totaal"], tables["pc4"]
    cls = classify(year_shares(pc4, pmap))
    missing = sorted(set(tot["gemcode"]) - set(cls["gemcode"]))
    if missing:
        raise InputError(f"gemeente(n) {missing[:5]} zonder PC4-rijen: niet op de indeling 2024 te brengen",
                         file=path)
    vcols = [f"v_{s}_{b}" for s in (0, 1) for b in range(20)]
    T = tot.set_index("gemcode")[vcols]
    parts = []
    whole = cls[cls["methode"] == "geheel"]
    w = T.loc[whole["gemcode"]].copy()
    w.index = whole["gemeentecode"].to_numpy()
    parts.append(w.groupby(level=0).sum())
    split = cls[cls["methode"] == "pc4-verdeling"]
    if len(split):
        d = pc4.copy()
        d["gemeentecode"] = d["sleutel"].astype(int).map(pmap)
        d = d.dropna(subset=["gemeentecode"])
        for gemcode, g in split.groupby("gemcode"):
            own = d[d["gemcode"] == gemcode].groupby("gemeentecode")[vcols].sum()
            own = own.reindex(g["gemeentecode"]).fillna(0.0)
            colsum = own.sum(axis=0)
            share_tot = g.set_index("gemeentecode")["aandeel"]
            frac = own.div(colsum.replace(0, np.nan), axis=1)
            frac = frac.apply(lambda col: col.fillna(share_tot))
            parts.append(frac.mul(T.loc[gemcode], axis=1))
    out = pd.concat(parts).groupby(level=0).sum()
    long = out.stack().rename("waarde").reset_index()
    long.columns = ["gemeentecode", "col", "waarde"]
    sb = long["col"].str.extract(r"v_(\d)_(\d+)").astype(int)
    long["geslacht"], long["band"] = sb[0], sb[1]
    return long[["gemeentecode", "geslacht", "band", "waarde"]], cls


def apportion_int(total: int, weights: np.ndarray) -> np.ndarray:
    """Whole persons in proportion to ``weights`` summing exactly to ``total`` (largest remainder)."""
    w = np.asarray(weights, float)
    if total == 0 or w.sum() <= 0:
        return np.zeros(len(w), dtype=np.int64)
    q = total * w / w.sum()
    base = np.floor(q).astype(np.int64)
    rest = int(total - base.sum())
    order = np.lexsort((np.arange(len(w)), -(q - base)))
    base[order[:rest]] += 1
    return base
