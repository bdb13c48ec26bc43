"""Tidy tables for all 342 gemeenten (indeling 2024), built from the CBS files as obtained.

snapshot (data/raw/cbs, pc4_2021, kwb, boundaries_2023) -> tidy (data/processed):

* ``population(raw, gemeenten)`` -> bevolking_totaal, bevolking_5j and the boundary map
  (PC4 tables 1998-2013, 83502NED 2021, 85644NED 2014-2024; harmonised by :mod:`.harmonise`);
* ``margins(raw, gemeenten)`` -> broad age margins (85383NED 2023-2024, KWB 2019 and 2024);
* ``housing(raw, gemeenten, regions)`` -> dwelling stock (82900NED) and mutations (84903NED, 86054NED);
* ``households(raw, regions)`` -> private households 31 December (86063NED);
* ``boundaries(raw)`` -> gemeente polygons (WGS84) and centroids for maps.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from . import harmonise as H
from . import statline

# PC4 tables: table id -> 1 January of
PC4_TABLES = {"37602ned": 1998, "37339ned": 1999, "37724ned": 2000, "37680": 2001, "70005ned": 2002,
              "70654ned": 2003, "70819ned": 2004, "71012ned": 2005, "71273ned": 2006, "71491ned": 2007,
              "71899ned": 2008, "80280ned": 2009, "80667ned": 2010, "81310ned": 2011, "81922NED": 2012,
              "82245NED": 2013}
MERGERS_2021 = {"Appingedam": "Eemsdelta", "Delfzijl": "Eemsdelta", "Loppersum": "Eemsdelta"}
_AGG_SUFFIXES = ("(CR)", "(PV)", "(LD)")


def _gm(code: int) -> str:
    return f"GM{int(code):04d}"


class RegionMap:
    """Region name or code of any year -> [(2024 code, share)], from the PC4 tables and the 2024 list."""

    def __init__(self, gemeenten: pd.DataFrame, pmap: pd.Series):
        self.idx = H.name_index(gemeenten)
        self.codes = set(gemeenten["gemeentecode"])
        self.pmap = pmap
        self.by_name: dict[str, list[tuple[str, float]]] = {}
        self.by_code: dict[str, list[tuple[str, float]]] = {}
        self.rows: list[dict] = []          # every year-gemeente that is not itself a 2024 gemeente

    def learn(self, year: int, table: str, totaal: pd.DataFrame, cls: pd.DataFrame) -> None:
        names = totaal.set_index("gemcode")["sleutel"]
        for gemcode, g in cls.groupby("gemcode"):
            m = [(c, float(a)) for c, a in zip(g["gemeentecode"], g["aandeel"])]
            name = names.get(gemcode, "")
            self.by_name[H.base_name(name)] = m      # later years overwrite: the last shares are kept
            self.by_name[name] = m
            self.by_code[_gm(gemcode)] = m
            own = _gm(gemcode)
            if own in self.codes and len(m) == 1 and m[0][0] == own:
                continue
            for c, a in m:
                self.rows.append({"oude_code": own, "oude_naam": name, "jaar": year, "gemeentecode": c,
                                  "aandeel": round(a, 6), "methode": g["methode"].iloc[0], "bron": table})

    def lookup(self, name: str) -> list[tuple[str, float]] | None:
        name = str(name).strip()
        if name.endswith(_AGG_SUFFIXES) or name == "Nederland" or "niet in te delen" in name:
            return None
        for cand in (name, H.base_name(name)):
            if cand in self.idx:
                return [(self.idx[cand], 1.0)]
        for merg in (H.MERGERS_2022_2023, MERGERS_2021, H.RENAMED):
            for cand in (name, H.base_name(name)):
                if cand in merg:
                    return [(self.idx[merg[cand]], 1.0)]
        for cand in (name, H.base_name(name)):
            if cand in self.by_name:
                return self.by_name[cand]
        return None

    def to_2024(self, df: pd.DataFrame, region_col: str, value_cols: list[str], group_cols: list[str],
                path, integer: bool = False) -> pd.DataFrame:
        """Sum rows of regions (any year's gemeenten) into 2024 gemeenten; NL kept as NL01.

        A region split over several successors is divided by its shares; with ``integer`` whole
        units are apportioned (largest remainder), so totals stay exact."""
        out = []
        unknown = []
        for name, g in df.groupby(region_col, sort=False):
            if str(name).strip() == "Nederland":
                out.append(g.assign(gemeentecode="NL01"))
                continue
            m = self.lookup(name)
            if m is None:
                if not str(name).endswith(_AGG_SUFFIXES) and "niet in te delen" not in str(name):
                    unknown.append(name)
                continue
            if integer and len(m) > 1:
                w = np.array([a for _, a in m])
                alloc = {c: [] for c, _ in m}
                for v in g[value_cols[0]].to_numpy(float):
                    ints = H.apportion_int(int(round(v)), w) if np.isfinite(v) else [np.nan] * len(m)
                    for (c, _), n in zip(m, ints):
                        alloc[c].append(n)
                for c, _ in m:
                    out.append(g.assign(gemeentecode=c, **{value_cols[0]: alloc[c]}))
                continue
            for code, share in m:
                part = g.copy()
                part[value_cols] = part[value_cols] * share
                out.append(part.assign(gemeentecode=code))
        if unknown:
            first = df.loc[df[region_col].isin(unknown), "_regel"].min() if "_regel" in df else None
            raise InputError(f"regio('s) niet op de indeling 2024 te brengen: {', '.join(map(str, unknown[:8]))}",
                             file=path, column=region_col, row=None if first is None else int(first))
        d = pd.concat(out, ignore_index=True)
        return d.groupby(["gemeentecode", *group_cols], as_index=False)[value_cols].sum(min_count=1)


def population(raw: Path, gemeenten: pd.DataFrame) -> tuple[dict[str, pd.DataFrame], RegionMap]:
    pc, pcb = statline.read_pc4_2021(raw / "pc4_2021" / "postcodes.csv.gz",
                                     raw / "pc4_2021" / "inwoners_per_postcode_leeftijd.csv.gz")
    pmap = H.pc4_map(pc, gemeenten)
    rmap = RegionMap(gemeenten, pmap)
    bands, totals = [], []
    for table, year in sorted(PC4_TABLES.items(), key=lambda kv: kv[1]):
        path = raw / "cbs" / f"{table}.csv.gz"
        t = statline.read_pc4_table(path)
        long, cls = H.harmonise_year(t, pmap, path)
        rmap.learn(year, table, t["totaal"], cls)
        split_to = set(cls.loc[cls["methode"] != "geheel", "gemeentecode"])
        long["jaar"] = year
        long["bron"] = np.where(long["gemeentecode"].isin(split_to), f"CBS {table} (deels herverdeeld via PC4)",
                                f"CBS {table}")
        bands.append(long)
        # integer totals: whole predecessors exact, split ones apportioned by their allocated bands
        tot = t["totaal"].set_index("gemcode")["totaal"]
        alloc = long.groupby("gemeentecode")["waarde"].sum()
        per = {}
        for gemcode, g in cls.groupby("gemcode"):
            if g["methode"].iloc[0] == "geheel":
                c = g["gemeentecode"].iloc[0]
                per[c] = per.get(c, 0) + int(tot[gemcode])
            else:
                w = g["aandeel"].to_numpy(float)
                for c, v in zip(g["gemeentecode"], H.apportion_int(int(tot[gemcode]), w)):
                    per[c] = per.get(c, 0) + int(v)
        # re-apportion so integer totals agree with the band sums (split parts are fractional)
        ints = pd.Series(per).reindex(alloc.index).fillna(0).astype(np.int64)
        totals.append(pd.DataFrame({"gemeentecode": ints.index, "jaar": year, "waarde": ints.to_numpy(),
                                    "bron": f"CBS {table}"}))
    b = pd.concat(bands, ignore_index=True)
    # scale split-affected gemeenten's bands to their integer totals (tiny: < 1 person)
    t_all = pd.concat(totals, ignore_index=True)
    s = b.groupby(["gemeentecode", "jaar"])["waarde"].transform("sum")
    tgt = b.set_index(["gemeentecode", "jaar"]).index.map(t_all.set_index(["gemeentecode", "jaar"])["waarde"])
    b["waarde"] = b["waarde"] * (np.asarray(tgt, float) / s.to_numpy())

    # --- 85644NED: totals 2014-2024 by region name ---
    f = raw / "cbs" / "85644NED.csv.gz"
    d = statline.read_dump(f, ["Geslacht", "Leeftijd", "Nationaliteit", "RegioS", "Perioden", "Bevolking_1"])
    d = d[(d["Geslacht"] == "Totaal mannen en vrouwen") & (d["Leeftijd"] == "Totaal") & (d["Nationaliteit"] == "Totaal")]
    statline.numeric(d, f, ["Bevolking_1"])
    d = d.dropna(subset=["Bevolking_1"])
    d["jaar"] = d["Perioden"].astype(int)
    h = rmap.to_2024(d, "RegioS", ["Bevolking_1"], ["jaar"], f, integer=True)
    later = pd.DataFrame({"gemeentecode": h["gemeentecode"], "jaar": h["jaar"],
                          "waarde": h["Bevolking_1"].round().astype(np.int64), "bron": "CBS 85644NED"})
    nl_early = t_all.groupby("jaar", as_index=False)["waarde"].sum().assign(gemeentecode="NL01",
                                                                          bron="som gemeenten (PC4-tabel)")
    y2025 = pd.DataFrame({"gemeentecode": gemeenten["gemeentecode"], "jaar": 2025,
                          "waarde": gemeenten["inwoners_2025_01_01"].astype(np.int64), "bron": "CBS 86059NED"})
    y2025 = pd.concat([y2025, pd.DataFrame({"gemeentecode": ["NL01"], "jaar": [2025],
                                            "waarde": [int(y2025["waarde"].sum())], "bron": ["CBS 86059NED (som)"]})])
    totaal = pd.concat([t_all, nl_early, later, y2025], ignore_index=True)
    totaal["kwaliteit"] = "exact"

    # --- bevolking_5j: exact 1998-2013 (+ NL01 sums) and the 2021 PC4 approximation ---
    b5 = _bands_long(b, kwaliteit="exact")
    pcb = pcb.assign(gemeentecode=pcb["pc4"].map(pmap)).dropna(subset=["gemeentecode"])
    a21 = pcb.groupby(["gemeentecode", "band"], as_index=False)[["inwoners_man", "inwoners_vrouw"]].sum()
    a21 = pd.concat([a21.assign(geslacht=0, waarde=a21["inwoners_man"]),
                     a21.assign(geslacht=1, waarde=a21["inwoners_vrouw"])], ignore_index=True)
    a21 = a21[["gemeentecode", "geslacht", "band", "waarde"]].assign(jaar=2021, bron="CBS 83502NED (PC4-som)")
    b21 = _bands_long(a21, kwaliteit="benadering")
    off = totaal[totaal["jaar"] == 2021].set_index("gemeentecode")["waarde"]
    s21 = b21[b21["geslacht"] == "totaal"].groupby("gemeentecode")["waarde"].sum()
    fac = (off.reindex(s21.index) / s21).fillna(1.0)
    b21["schaalfactor"] = b21["gemeentecode"].map(fac).astype(float)
    bevolking_5j = pd.concat([b5, b21], ignore_index=True)
    return {"bevolking_totaal": totaal, "bevolking_5j": bevolking_5j}, rmap


def _bands_long(b: pd.DataFrame, kwaliteit: str) -> pd.DataFrame:
    """(gemeentecode, jaar, geslacht 0/1, band, waarde) -> bevolking_5j rows incl. totaal and NL01."""
    nl = b.groupby(["jaar", "geslacht", "band"], as_index=False)["waarde"].sum().assign(gemeentecode="NL01")
    nl["bron"] = b.groupby(["jaar"])["bron"].first().str.replace(r" \(.*\)$", "", regex=True).reindex(nl["jaar"]).to_numpy()
    b = pd.concat([b, nl], ignore_index=True)
    tot = b.groupby(["gemeentecode", "jaar", "band"], as_index=False).agg(waarde=("waarde", "sum"), bron=("bron", "first"))
    tot["geslacht"] = "totaal"
    b = b.assign(geslacht=b["geslacht"].map({0: "man", 1: "vrouw"}))
    out = pd.concat([b, tot], ignore_index=True)
    out["leeftijd_van"] = (out["band"] * 5).astype(np.int64)
    out["leeftijd_tot"] = np.where(out["band"] == 19, np.nan, out["band"] * 5 + 4.0)
    out["kwaliteit"] = kwaliteit
    out["schaalfactor"] = 1.0
    return out[["gemeentecode", "jaar", "geslacht", "leeftijd_van", "leeftijd_tot", "waarde", "kwaliteit",
                "schaalfactor", "bron"]]


def margins(raw: Path, gemeenten: pd.DataFrame, rmap: "RegionMap | None" = None) -> pd.DataFrame:
    """Broad age margins for all 342: 85383NED (2023, 2024, definitief), KWB 2019, KWB 2024 sex totals."""
    f = raw / "cbs" / "85383NED.csv.gz"
    cols = {"InwonersTotaal_1": "totaal", "InwonersJongerDan18_2": (0, 17), "InwonersJongerDan65_3": (0, 64),
            "Inwoners10TotEnMet24Jaar_4": (10, 24), "Inwoners15TotEnMet64Jaar_5": (15, 64),
            "Inwoners18TotEnMet44Jaar_6": (18, 44), "Inwoners75Plus_7": (75, np.nan)}
    d = statline.read_dump(f, ["StatusCijfer", "Perioden", "Regiocode_73", *cols])
    d = d[(d["StatusCijfer"] == "Definitief") & (d["Regiocode_73"].str.startswith("GM") | (d["Regiocode_73"] == "NL01"))
          & d["Perioden"].isin(["2023", "2024"])]
    statline.numeric(d, f, list(cols))
    unknown = sorted(set(d["Regiocode_73"]) - set(gemeenten["gemeentecode"]) - {"NL01"})
    if unknown:
        raise InputError(f"onbekende gemeentecode(s) {unknown[:5]}", file=f, column="Regiocode_73",
                         row=int(d.loc[d["Regiocode_73"].isin(unknown), "_regel"].min()))
    rows = []
    for _, r in d.iterrows():
        code, jaar = r["Regiocode_73"], int(r["Perioden"])
        v = {k: r[k] for k in cols}
        if any(pd.isna(x) for x in v.values()):
            continue
        pub = [(lo_hi, v[k]) for k, lo_hi in cols.items() if k != "InwonersTotaal_1"]
        der = [((0, 14), v["InwonersJongerDan65_3"] - v["Inwoners15TotEnMet64Jaar_5"]),
               ((15, 17), v["InwonersJongerDan18_2"] - (v["InwonersJongerDan65_3"] - v["Inwoners15TotEnMet64Jaar_5"])),
               ((45, 64), v["InwonersJongerDan65_3"] - v["InwonersJongerDan18_2"] - v["Inwoners18TotEnMet44Jaar_6"]),
               ((65, 74), v["InwonersTotaal_1"] - v["InwonersJongerDan65_3"] - v["Inwoners75Plus_7"]),
               ((65, np.nan), v["InwonersTotaal_1"] - v["InwonersJongerDan65_3"])]
        for (lo, hi), val in pub:
            rows.append((code, jaar, "totaal", lo, hi, val, "CBS 85383NED", False, "definitief"))
        for (lo, hi), val in der:
            rows.append((code, jaar, "totaal", lo, hi, val, "CBS 85383NED", True, "definitief"))
    out = [pd.DataFrame(rows, columns=["gemeentecode", "jaar", "geslacht", "leeftijd_van", "leeftijd_tot",
                                       "waarde", "bron", "afgeleid", "status"])]
    out.append(_kwb_2019(raw, gemeenten, rmap))
    k24 = statline.read_kwb_2024(raw / "kwb" / "kwb_2024_gemeenten_wijken.json")
    k24 = k24[k24["gemeentecode"].isin(set(gemeenten["gemeentecode"]))]
    for sex in ("man", "vrouw"):
        out.append(pd.DataFrame({"gemeentecode": k24["gemeentecode"], "jaar": 2024, "geslacht": sex,
                                 "leeftijd_van": 0, "leeftijd_tot": np.nan, "waarde": k24[sex].astype(float),
                                 "bron": "CBS 85984NED (KWB 2024)", "afgeleid": False, "status": "kwb"}))
    return pd.concat(out, ignore_index=True)


GF_BANDS = (("JongerDan20Jaar", 0, 19.0), ("k_20Tot65Jaar", 20, 64.0), ("k_65Tot75Jaar", 65, 74.0),
            ("k_75Tot85Jaar", 75, 84.0), ("k_85JaarOfOuder", 85, np.nan))


def gemeentefonds_60039(raw: Path, rmap: RegionMap, totals: pd.DataFrame, tolerance: float = 0.005) -> pd.DataFrame:
    """Broad groups x sex 2007-2017 from 60039fvw (Maatstaven gemeentefonds, voorlopig), on 2024 boundaries.

    The dump is cut after "Zevenaar" (alphabetical): a 2024 gemeente-year is kept only when its summed
    60039fvw total is within ``tolerance`` of the harmonised CBS total of that year (so a gemeente
    whose predecessors are partly missing is left out, not under-counted)."""
    f = raw / "cbs" / "60039fvw.csv.gz"
    d = statline.read_dump(f, ["RegioS", "Perioden", "TotaalMannenEnVrouwen_1"])
    cols = [c for c in d.columns if c != "_regel" and c.rsplit("_", 1)[0] in
            {"TotaalMannenEnVrouwen", "TotaalMannen", "TotaalVrouwen", *(b for b, _, _ in GF_BANDS)}][:18]
    statline.numeric(d, f, cols)
    d = d.dropna(subset=["TotaalMannenEnVrouwen_1"])
    d["jaar"] = d["Perioden"].str[:4].astype(int)
    d = d[d["jaar"].between(2007, 2017)]
    parts = []
    for name, g in d.groupby("RegioS", sort=False):
        if str(name).endswith(("(GA)", "(SG)")):
            continue
        m = [("NL01", 1.0)] if str(name).strip() == "Nederland" else rmap.lookup(name)
        if not m:
            continue
        for code, share in m:
            parts.append(g[["jaar", *cols]].assign(gemeentecode=code, **{c: g[c] * share for c in cols}))
    s = pd.concat(parts, ignore_index=True).groupby(["gemeentecode", "jaar"], as_index=False)[cols].sum(min_count=1)
    tot = totals.set_index(["gemeentecode", "jaar"])["waarde"]
    ref = tot.reindex(pd.MultiIndex.from_frame(s[["gemeentecode", "jaar"]])).to_numpy(float)
    s = s[np.abs(s["TotaalMannenEnVrouwen_1"].to_numpy() / ref - 1) <= tolerance]
    rows = []
    for k, sex in ((0, "totaal"), (6, "man"), (12, "vrouw")):
        block = cols[k: k + 6]
        if sex != "totaal":
            rows.append(pd.DataFrame({"gemeentecode": s["gemeentecode"], "jaar": s["jaar"], "geslacht": sex,
                                      "leeftijd_van": 0, "leeftijd_tot": np.nan, "waarde": s[block[0]]}))
        for c, (_, lo, hi) in zip(block[1:], GF_BANDS):
            rows.append(pd.DataFrame({"gemeentecode": s["gemeentecode"], "jaar": s["jaar"], "geslacht": sex,
                                      "leeftijd_van": lo, "leeftijd_tot": hi, "waarde": s[c]}))
    out = pd.concat(rows, ignore_index=True).dropna(subset=["waarde"])
    out["bron"], out["afgeleid"], out["status"] = "CBS 60039fvw", False, "voorlopig"
    return out


def _kwb_2019(raw: Path, gemeenten: pd.DataFrame, rmap: "RegionMap | None" = None) -> pd.DataFrame:
    """KWB 2019 (84583NED) on 2019 boundaries -> 2024 gemeenten (whole mergers; Haaren by its 2013 PC4 shares)."""
    f = raw / "kwb" / "kwb-2019.csv"
    k = pd.read_csv(f, dtype=str)
    need = ["region", "unique_id", "population", "men", "women", "b_00_14", "b_15_24", "b_25_44", "b_45_64", "b_65_oo"]
    miss = [c for c in need if c not in k.columns]
    if miss:
        raise InputError("verplichte kolom ontbreekt", file=f, column=miss[0], row=1)
    vcols = need[2:]
    k["_regel"] = np.arange(len(k)) + 2
    statline.numeric(k, f, vcols)                     # numbers, not negative (file, column, line)
    empty = k[vcols].isna().any(axis=1)
    if empty.any():
        i = int(np.flatnonzero(empty.to_numpy())[0])
        col = next(c for c in vcols if pd.isna(k[c].iloc[i]))
        raise InputError("waarde ontbreekt", file=f, column=col, row=int(k["_regel"].iloc[i]))
    dup = k["unique_id"].duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise InputError(f"gemeente {k['unique_id'].iloc[i]} staat dubbel", file=f, column="unique_id",
                         row=int(k["_regel"].iloc[i]))
    idx = H.name_index(gemeenten)
    parts = []
    for _, r in k.iterrows():
        name = r["region"]
        if r["unique_id"] in idx.values():
            m = [(r["unique_id"], 1.0)]
        elif name == "Haaren" and rmap is not None and rmap.lookup("Haaren"):
            m = rmap.lookup("Haaren")     # its 2013 PC4 shares (nothing dated after 2019 is used)
        else:
            tgt = H.MERGERS_2022_2023.get(name) or MERGERS_2021.get(name)
            if tgt is None:
                raise InputError(f"gemeente '{name}' ({r['unique_id']}) niet op de indeling 2024 te brengen",
                                 file=f, column="region", row=int(r["_regel"]))
            m = [(idx[tgt], 1.0)]
        for c, a in m:
            parts.append({"gemeentecode": c, **{v: float(r[v]) * a for v in vcols}})
    s = pd.DataFrame(parts).groupby("gemeentecode", as_index=False).sum()
    spec = [("men", "man", 0, np.nan), ("women", "vrouw", 0, np.nan), ("b_00_14", "totaal", 0, 14),
            ("b_15_24", "totaal", 15, 24), ("b_25_44", "totaal", 25, 44), ("b_45_64", "totaal", 45, 64),
            ("b_65_oo", "totaal", 65, np.nan)]
    return pd.concat([pd.DataFrame({"gemeentecode": s["gemeentecode"], "jaar": 2019, "geslacht": sex,
                                    "leeftijd_van": lo, "leeftijd_tot": hi, "waarde": s[col],
                                    "bron": "CBS 84583NED (KWB 2019)", "afgeleid": False, "status": "kwb"})
                      for col, sex, lo, hi in spec], ignore_index=True)


def housing(raw: Path, rmap: RegionMap) -> pd.DataFrame:
    """Dwelling stock by ownership (82900NED, 1 January) and stock mutations (84903NED, 86054NED)."""
    f = raw / "cbs" / "82900NED.csv.gz"
    own = {"TotaleWoningvoorraad_1": "woningvoorraad_totaal", "Koopwoningen_2": "koopwoningen",
           "TotaalHuurwoningen_3": "huurwoningen_totaal", "EigendomWoningcorporatie_4": "huurwoningen_woningcorporatie",
           "EigendomOverigeVerhuurders_5": "huurwoningen_overige_verhuurders", "EigendomOnbekend_6": "eigendom_onbekend"}
    d = statline.read_dump(f, ["StatusVanBewoning", "RegioS", "Perioden", *own])
    d = d[d["StatusVanBewoning"] == "Totaal"]
    statline.numeric(d, f, list(own))
    d["jaar"] = d["Perioden"].str[:4].astype(int)
    s = rmap.to_2024(d, "RegioS", list(own), ["jaar"], f)
    out = [_melt(s, own, "82900NED", lambda y: f"{y}-01-01")]
    mut = {"BeginstandVoorraad_1": "voorraad_beginstand", "Nieuwbouw_2": "nieuwbouw", "Sloop_17": "sloop",
           "SaldoVoorraad_30": "saldo_voorraad", "EindstandVoorraad_31": "voorraad_eindstand"}
    mut2 = {"BeginstandVoorraad_1": "voorraad_beginstand", "Nieuwbouw_2": "nieuwbouw", "Sloop_15": "sloop",
            "SaldoVoorraad_26": "saldo_voorraad", "EindstandVoorraad_27": "voorraad_eindstand"}
    for table, cols, years in (("84903NED", mut, range(2012, 2020)), ("86054NED", mut2, range(2020, 2024))):
        f = raw / "cbs" / f"{table}.csv.gz"
        d = statline.read_dump(f, ["RegioS", "Perioden", *cols])
        statline.numeric(d, f, list(cols), signed=[c for c in cols if c.startswith("Saldo")])
        d["jaar"] = d["Perioden"].str[:4].astype(int)
        d = d[d["jaar"].isin(list(years))]
        s = rmap.to_2024(d, "RegioS", list(cols), ["jaar"], f)
        out.append(_melt(s, cols, table, lambda y: f"{y}-01-01/{y}-12-31"))
    return pd.concat(out, ignore_index=True)


def households(raw: Path, rmap: RegionMap) -> pd.DataFrame:
    """Private households on 31 December 2015-2022 (86063NED)."""
    f = raw / "cbs" / "86063NED.csv.gz"
    d = statline.read_dump(f, ["SamenstellingVanHetHuishouden", "SoortWoonruimte", "RegioS", "Perioden",
                               "ParticuliereHuishoudens_1"])
    d = d[(d["SamenstellingVanHetHuishouden"] == "Totaal particulier huishouden") & (d["SoortWoonruimte"] == "Totaal")]
    statline.numeric(d, f, ["ParticuliereHuishoudens_1"])
    d["jaar"] = d["Perioden"].str[:4].astype(int)
    s = rmap.to_2024(d, "RegioS", ["ParticuliereHuishoudens_1"], ["jaar"], f)
    return _melt(s, {"ParticuliereHuishoudens_1": "particuliere_huishoudens_31dec"}, "86063NED",
                 lambda y: f"{y}-12-31")


def _melt(s: pd.DataFrame, cols: dict, table: str, peil) -> pd.DataFrame:
    m = s.melt(id_vars=["gemeentecode", "jaar"], value_vars=list(cols), var_name="variabele", value_name="waarde")
    m = m.dropna(subset=["waarde"])
    m["variabele"] = m["variabele"].map(cols)
    m["peildatum"] = m["jaar"].map(peil)
    m["bron"] = table
    m["waarde"] = m["waarde"].round(2)
    return m[["gemeentecode", "jaar", "peildatum", "variabele", "waarde", "bron"]]


def boundaries(raw: Path, known: set[str]) -> tuple[bytes, pd.DataFrame]:
    """(GeoJSON bytes with gemeentecode/gemeentenaam properties, centroid table) for the 342 gemeenten."""
    f = raw / "boundaries_2023" / "gemeenten_2023_v1.geojson.gz"
    try:
        geo = json.loads(gzip.decompress(f.read_bytes()).decode("utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"geen geldige (gzip-)GeoJSON: {exc}", file=f) from exc
    feats, rows = [], []
    for ft in geo.get("features", []):
        p = ft.get("properties", {})
        code = p.get("GM_CODE")
        if p.get("H2O") != "NEE" or code not in known:
            continue
        geom = _round_geom(ft["geometry"])
        feats.append({"type": "Feature", "properties": {"gemeentecode": code, "gemeentenaam": p.get("GM_NAAM")},
                      "geometry": geom})
        lat, lon, area = _centroid(geom)
        rows.append({"gemeentecode": code, "gemeentenaam": p.get("GM_NAAM"), "centroid_lat": lat,
                     "centroid_lon": lon, "area_km2": area})
    missing = sorted(known - {r["gemeentecode"] for r in rows})
    if missing:
        raise InputError(f"geen grens voor {', '.join(missing[:5])}", file=f)
    feats.sort(key=lambda x: x["properties"]["gemeentecode"])
    out = {"type": "FeatureCollection", "name": "gemeenten_2024_cbs_wijkenbuurtkaart_2023_v1", "features": feats}
    return json.dumps(out, separators=(",", ":")).encode("utf-8"), pd.DataFrame(rows)


def _round_geom(geom: dict) -> dict:
    def r(c):
        return [round(c[0], 5), round(c[1], 5)] if isinstance(c[0], (int, float)) else [r(x) for x in c]
    return {"type": geom["type"], "coordinates": r(geom["coordinates"])}


def _centroid(geom: dict) -> tuple[float, float, float]:
    """Area-weighted centroid (WGS84) and area (km², local equirectangular projection) of the outer rings."""
    polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
    A = cx = cy = 0.0
    lat0 = np.mean([np.mean(np.asarray(p[0])[:, 1]) for p in polys])
    kx, ky = 111.32 * np.cos(np.radians(lat0)), 110.57
    for p in polys:
        for j, ring in enumerate(p):
            a = np.asarray(ring, float)
            x, y = a[:, 0] * kx, a[:, 1] * ky
            cross = x[:-1] * y[1:] - x[1:] * y[:-1]
            ar = cross.sum() / 2
            if ar == 0:
                continue
            sgn = 1.0 if j == 0 else -1.0
            ar_abs = abs(ar) * sgn
            A += ar_abs
            cx += ((x[:-1] + x[1:]) * cross).sum() / (6 * ar) * ar_abs
            cy += ((y[:-1] + y[1:]) * cross).sum() / (6 * ar) * ar_abs
    return round(cy / A / ky, 6), round(cx / A / kx, 6), round(A, 3)


def students(raw: Path, gemeenten: pd.DataFrame) -> pd.DataFrame:
    """Uitwonende studenten (gemeentefonds maatstaf) for all 342 gemeenten from 85383NED, in the
    ``groepen`` layout: uitkeringsjaar 2023 (definitief) and 2024 (voorlopig, the only status
    published). For the 47 gemeenten of the earlier reference extract these equal its rows exactly
    (same table); the extract additionally holds 2017–2022 from 60039fvw for those 47 only."""
    f = raw / "cbs" / "85383NED.csv.gz"
    d = statline.read_dump(f, ["StatusCijfer", "Perioden", "Regiocode_73", "UitwonendeStudenten_9"])
    pick = ((d["Perioden"] == "2023") & (d["StatusCijfer"] == "Definitief")) | \
           ((d["Perioden"] == "2024") & (d["StatusCijfer"] == "Voorlopig"))
    d = d[pick & (d["Regiocode_73"].str.startswith("GM") | (d["Regiocode_73"] == "NL01"))].copy()
    statline.numeric(d, f, ["UitwonendeStudenten_9"])
    d = d[d["UitwonendeStudenten_9"].notna()]
    unknown = sorted(set(d["Regiocode_73"]) - set(gemeenten["gemeentecode"]) - {"NL01"})
    if unknown:
        raise InputError(f"onbekende gemeentecode(s) {unknown[:5]}", file=f, column="Regiocode_73",
                         row=int(d.loc[d["Regiocode_73"].isin(unknown), "_regel"].min()))
    jaar = d["Perioden"].astype(int)
    return pd.DataFrame({
        "gemeentecode": d["Regiocode_73"].to_numpy(), "jaar": jaar.to_numpy(),
        "peildatum": ("uitkeringsjaar " + d["Perioden"]).to_numpy(), "variabele": "uitwonende_studenten",
        "waarde": d["UitwonendeStudenten_9"].astype(float).to_numpy(), "eenheid": "aantal", "bron": "85383NED"})
