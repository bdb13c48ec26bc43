"""Replies → rows of the files in ``data/raw/fetched/`` (same columns as the matching snapshot files).

Each builder gets ``(df, ctx, spec)``: ``df`` has the columns ``regio, jaar, peildatum``, the spec's
dimensions (values = the selector's labels) and one column per measure ``var``.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd

from .odata import band_label, slug
from .selectors import BANDS_5Y, BANDS_DEATHS, FetchError, TableSpec


def _names(ctx, codes: pd.Series) -> pd.Series:
    return codes.map(lambda c: "Nederland" if c == "NL01" else ctx.names.get(c, ""))


def _long(df: pd.DataFrame, ctx, spec: TableSpec, variables: dict[str, str], *, peildatum: Callable,
          opmerking: str | Callable = "", eenheid: str = "aantal") -> pd.DataFrame:
    """Wide measures -> snapshot long format (gemeentecode, gemeentenaam, jaar, peildatum, variabele, waarde,
    eenheid, bron_tabel, opmerking)."""
    parts = []
    for var, out_name in variables.items():
        if var not in df.columns:
            continue
        d = df[df[var].notna()]
        if d.empty:
            continue
        parts.append(pd.DataFrame({
            "gemeentecode": d["regio"].values, "gemeentenaam": _names(ctx, d["regio"]).values,
            "jaar": d["jaar"].astype(int).values, "peildatum": peildatum(d),
            "variabele": out_name, "waarde": d[var].astype(float).values, "eenheid": eenheid,
            "bron_tabel": [ctx.bron(spec.id, c) for c in d["regio"]],
            "opmerking": opmerking(d) if callable(opmerking) else opmerking,
        }))
    cols = ["gemeentecode", "gemeentenaam", "jaar", "peildatum", "variabele", "waarde", "eenheid", "bron_tabel",
            "opmerking"]
    return pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)


def _jan1(d: pd.DataFrame):
    return (d["jaar"].astype(int).astype(str) + "-01-01").values


def _dec31(d: pd.DataFrame):
    return (d["jaar"].astype(int).astype(str) + "-12-31").values


def _uitkeringsjaar(d: pd.DataFrame):
    return ("uitkeringsjaar " + d["jaar"].astype(int).astype(str)).values


def build_population(df: pd.DataFrame, ctx, spec: TableSpec) -> dict[str, pd.DataFrame]:
    """5-year bands × sex + totals, checked: complete, men + women = total, bands sum to the total."""
    df = df.rename(columns={"Geslacht": "geslacht", "Leeftijd": "leeftijd"})
    need = len(BANDS_5Y) + 1
    rows5, rowst = [], []
    for (code, jaar), g in df.groupby(["regio", "jaar"], sort=True):
        if g["waarde"].isna().any() or len(g) != 3 * need or g.duplicated(["geslacht", "leeftijd"]).any():
            have = len(g.dropna(subset=["waarde"]))
            raise FetchError(spec.id, spec.title, f"onvolledig antwoord voor {code} {jaar}: {have} van {3 * need} "
                             "waarden (geslacht × leeftijd); afgekapt of gewijzigd?")
        src = ctx.bron(spec.id, code)
        w = g.pivot(index="leeftijd", columns="geslacht", values="waarde")
        off = (w["man"] + w["vrouw"] - w["totaal"]).abs() > 0
        if off.any():
            raise FetchError(spec.id, spec.title, f"{code} {jaar}: mannen + vrouwen ≠ totaal voor leeftijd "
                             f"{off[off].index[0]}")
        for sex in ("totaal", "man", "vrouw"):
            s = w[sex].drop("totaal").sum()
            if abs(s - w.loc["totaal", sex]) > 0:
                raise FetchError(spec.id, spec.title, f"{code} {jaar} {sex}: klassen tellen op tot {s:.0f}, totaal is "
                                 f"{w.loc['totaal', sex]:.0f}")
        for sex in ("totaal", "man", "vrouw"):
            for lab in ["totaal"] + [band_label(*b) for b in BANDS_5Y]:
                if lab == "totaal":
                    lo, hi = 0, ""
                else:
                    lo = int(lab.rstrip("+").split("-")[0])
                    hi = "" if lab.endswith("+") else int(lab.split("-")[1])
                rows5.append((code, ctx.names.get(code, ""), int(jaar), f"{int(jaar)}-01-01", sex, lab, lo, hi,
                              int(w.loc[lab, sex]), f"exact ({src})", src, spec.notes[0] if spec.notes else ""))
        rowst.append((code, ctx.names.get(code, ""), int(jaar), f"{int(jaar)}-01-01", "totaal", "totaal", 0, "",
                      int(w.loc["totaal", "totaal"]), src, ""))
    cols5 = ["gemeentecode", "gemeentenaam", "jaar", "peildatum", "geslacht", "leeftijd", "leeftijd_van",
             "leeftijd_tot_incl", "waarde", "kwaliteit", "bron", "opmerking"]
    colst = ["gemeentecode", "gemeentenaam", "jaar", "peildatum", "geslacht", "leeftijd", "leeftijd_van",
             "leeftijd_tot_incl", "waarde", "bron", "opmerking"]
    return {"population_5y.csv": pd.DataFrame(rows5, columns=cols5),
            "population_totals.csv": pd.DataFrame(rowst, columns=colst)}


def build_households_71486(df, ctx, spec):
    v = {"particuliere_huishoudens": "particuliere_huishoudens", "eenpersoonshuishoudens": "eenpersoonshuishoudens",
         "zonder_kinderen": "meerpersoonshuishoudens_zonder_kinderen",
         "met_kinderen": "meerpersoonshuishoudens_met_kinderen", "eenouderhuishoudens": "eenouderhuishoudens"}
    return {"households.csv": _long(df, ctx, spec, v, peildatum=_jan1, opmerking="LeeftijdReferentiepersoon=Totaal")}


def build_households_71488(df, ctx, spec):
    v = {"particulier": "personen_in_particuliere_huishoudens", "alleenstaanden": "alleenstaanden",
         "institutioneel": "personen_in_institutionele_huishoudens"}
    return {"households.csv": _long(df, ctx, spec, v, peildatum=_jan1, opmerking="Geslacht en Leeftijd: totaal")}


def build_households_86063(df, ctx, spec):
    return {"households.csv": _long(df, ctx, spec, {"hh31dec": "particuliere_huishoudens_31dec"}, peildatum=_dec31,
                                    opmerking="peildatum 31 december (~ 1 januari jaar+1)")}


def build_housing(df, ctx, spec):
    v = {"totaal": "woningvoorraad_totaal", "koop": "koopwoningen", "huur": "huurwoningen_totaal",
         "corporatie": "huurwoningen_woningcorporatie", "overig": "huurwoningen_overige_verhuurders",
         "onbekend": "eigendom_onbekend"}
    return {"housing_stock.csv": _long(df, ctx, spec, v, peildatum=_jan1, opmerking="StatusVanBewoning=Totaal")}


MARGINS_85383 = {  # var -> (leeftijdsgroep, van, tot)
    "jonger18": ("0-17", 0, 17), "jonger65": ("0-64", 0, 64), "j10_24": ("10-24", 10, 24),
    "j15_64": ("15-64", 15, 64), "j18_44": ("18-44", 18, 44), "plus75": ("75+", 75, ""),
}


def build_maatstaven(df, ctx, spec):
    """Gemeentefonds maatstaven: Definitief where published, else Voorlopig (per gemeente and year)."""
    df = df.copy()
    df["_rank"] = df["StatusCijfer"].map({"definitief": 0, "voorlopig": 1})
    df = df.sort_values(["regio", "jaar", "_rank"]).drop_duplicates(["regio", "jaar"], keep="first")
    status = df["StatusCijfer"].str.capitalize()

    def note(d):
        return ("gemeentefonds " + status.loc[d.index]).values

    groups = _long(df, ctx, spec, {"studenten": "uitwonende_studenten", "adreslozen": "adreslozen",
                                   "overig_adreslozen": "overig_adreslozen", "elders_verzorgden": "elders_verzorgden",
                                   "hoge_zorgkosten": "inwoners_met_hoge_zorgkosten"},
                   peildatum=_uitkeringsjaar, opmerking=note)
    hh = _long(df, ctx, spec, {"zorginstellingen": "inwoners_in_zorginstellingen",
                               "eenpersoons": "eenpersoonshuishoudens_maatstaf_gf",
                               "eenouder": "eenouderhuishoudens_maatstaf_gf"},
               peildatum=_uitkeringsjaar, opmerking=note)
    housing = _long(df, ctx, spec, {"woningen": "woningen_maatstaf_gf"}, peildatum=_uitkeringsjaar, opmerking=note)
    marg = []
    for var, (grp, lo, hi) in MARGINS_85383.items():
        if var not in df.columns:
            continue
        d = df[df["regio"].str.startswith("GM") & df[var].notna()]
        for _, r in d.iterrows():
            marg.append((r["regio"], ctx.names.get(r["regio"], ""), int(r["jaar"]), f"{int(r['jaar'])}-01-01",
                         "totaal", grp, lo, hi, float(r[var]), "personen", ctx.bron(spec.id, r["regio"]) + f" (StatusCijfer="
                         f"{str(r['StatusCijfer']).capitalize()})", "nee",
                         "maatstaf gemeentefonds (uitkeringsjaar = jaar); peildatum 1 januari"))
    mcols = ["gemeentecode", "gemeentenaam", "jaar", "peildatum", "geslacht", "leeftijdsgroep", "leeftijd_van",
             "leeftijd_tot_incl", "waarde", "eenheid", "bron_tabel", "afgeleid", "opmerking"]
    return {"groups.csv": groups, "households.csv": hh, "housing_stock.csv": housing,
            "population_margins.csv": pd.DataFrame(marg, columns=mcols)}


def build_aandachtsgroepen(df, ctx, spec):
    parts = []
    for title, g in df.groupby("AandachtsgroepVolkshuisvesting", sort=True):
        base = "voltijdstudenten" if title.strip().lower() == "voltijdsstudent: totaal" else "ag_" + slug(title)
        parts.append(_long(g, ctx, spec, {"personen": f"{base}_personen", "huishoudens": f"{base}_huishoudens"},
                           peildatum=lambda d: d["peildatum"].values,
                           opmerking=f"Aandachtsgroepen volkshuisvesting: {title} (Kenmerken=Totaal)"))
    return {"groups.csv": pd.concat(parts, ignore_index=True) if parts else _long(df.iloc[:0], ctx, spec, {},
                                                                                    peildatum=_jan1)}


SEX_ORDER = {"totaal": 0, "man": 1, "vrouw": 2}


def build_deaths(df, ctx, spec):
    """03747's measure columns ``overledenen|<geslacht>|<leeftijd>`` → one row per gemeente, year, sex and age;
    checked: the age classes sum to the total and men + women = both sexes."""
    cols = [c for c in df.columns if c.startswith("overledenen|")]
    ages = list(dict.fromkeys(c.split("|")[2] for c in cols))
    long = df.melt(id_vars=["regio", "jaar"], value_vars=cols, var_name="m", value_name="waarde")
    long = long[long["waarde"].notna()]
    parts = long["m"].str.split("|", expand=True)
    long = long.assign(geslacht=parts[1], leeftijd=parts[2])
    for (code, jaar, sex), g in long.groupby(["regio", "jaar", "geslacht"]):
        tot = g.loc[g["leeftijd"] == "totaal", "waarde"]
        s = g.loc[g["leeftijd"] != "totaal", "waarde"].sum()
        if len(tot) == 1 and len(g) == len(BANDS_DEATHS) + 1 and abs(s - float(tot.iloc[0])) > 0:
            raise FetchError(spec.id, spec.title, f"{code} {jaar} {sex}: leeftijdsklassen tellen op tot {s:.0f}, "
                             f"totaal is {float(tot.iloc[0]):.0f}")
    w = long.pivot_table(index=["regio", "jaar", "leeftijd"], columns="geslacht", values="waarde", aggfunc="first")
    if {"totaal", "man", "vrouw"} <= set(w.columns):
        off = (w["man"] + w["vrouw"] - w["totaal"]).abs() > 0
        if off.any():
            code, jaar, age = off[off].index[0]
            raise FetchError(spec.id, spec.title, f"{code} {jaar}: mannen + vrouwen ≠ totaal voor leeftijd {age}")
    long = long.assign(_s=long["geslacht"].map(SEX_ORDER), _a=long["leeftijd"].map(ages.index))
    long = long.sort_values(["regio", "jaar", "_s", "_a"], kind="mergesort")
    out = pd.DataFrame({"gemeentecode": long["regio"], "jaar": long["jaar"].astype(int), "geslacht": long["geslacht"],
                        "leeftijd": long["leeftijd"], "waarde": long["waarde"].astype(float),
                        "bron_tabel": [ctx.bron(spec.id, c) for c in long["regio"]]})
    return {"deaths_by_age_sex.csv": out.reset_index(drop=True)}


BIRTH_VARS = ["levend_geborenen", "jongens", "meisjes", "moeder_jonger_dan_20", "moeder_20_24", "moeder_25_29",
              "moeder_30_34", "moeder_35_39", "moeder_40_44", "moeder_45_plus", "gemiddeld_kindertal_per_vrouw"]


def build_births(df, ctx, spec):
    parts = []
    for v in BIRTH_VARS:
        if v not in df.columns:
            continue
        d = df[df[v].notna()]
        parts.append(pd.DataFrame({"gemeentecode": d["regio"], "jaar": d["jaar"].astype(int), "variabele": v,
                                   "waarde": d[v].astype(float),
                                   "bron_tabel": [ctx.bron(spec.id, c) for c in d["regio"]]}))
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["gemeentecode", "jaar", "variabele", "waarde", "bron_tabel"])
    return {"births_by_mother_age.csv": out}


def build_lifetable(df, ctx, spec):
    df = df.dropna(subset=["qx", "lx", "dx", "ex"], how="any")
    bad = df[(df["qx"] < 0) | (df["qx"] > 1)]
    if len(bad):
        raise FetchError(spec.id, spec.title, f"sterftekans buiten 0..1 ({bad['qx'].iloc[0]}) in {int(bad['jaar'].iloc[0])}")
    out = pd.DataFrame({"gebied": "NL01", "jaar": df["jaar"].astype(int), "geslacht": "totaal",
                        "leeftijd": df["LeeftijdOp31December"].astype(int), "sterftekans_qx": df["qx"].astype(float),
                        "levenden_tafelbevolking": df["lx"].astype(float),
                        "overledenen_tafelbevolking": df["dx"].astype(float),
                        "levensverwachting": df["ex"].astype(float), "bron_tabel": ctx.bron(spec.id, "NL01")})
    return {"national_life_table.csv": out.reset_index(drop=True)}


def build_prognosis(df, ctx, spec):
    d = df[df["bevolking_x1000"].notna()]
    out = pd.DataFrame({
        "gemeentecode": d["regio"].values, "gemeentenaam": _names(ctx, d["regio"]).values,
        "jaar": d["jaar"].astype(int).values, "peildatum": _jan1(d), "interval": d["PrognoseInterval"].values,
        "waarde": np.round(d["bevolking_x1000"].astype(float).values * 1000).astype(int),
        "waarde_x1000": d["bevolking_x1000"].astype(float).values,
        "bron_tabel": [ctx.bron(spec.id, c) for c in d["regio"]],
        "opmerking": "PBL/CBS regionale prognose 2023-2050 (regio-indeling 2021); CBS publiceert x 1 000"})
    return {"prognosis_totals.csv": out}
