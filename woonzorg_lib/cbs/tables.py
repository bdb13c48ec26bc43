"""Which CBS tables the pipeline uses, what to select from each, and how replies become raw files.

Each :class:`TableSpec` names the table, its dimensions with a *selection rule* (categories are picked
at run time from the dimension endpoint, by verified key or by title, see docs/cbs_odata.md §1.4), its
measures, and a ``build`` function that turns the parsed reply into rows of the files in
``data/raw/fetched/`` (same columns as the matching snapshot files, so the data layer reads them the
same way).

Measure keys marked ``verified`` were read from real CBS extracts (docs/cbs_odata.md). They are matched
exactly; when only the position suffix changed (``Inwoners75Plus_7`` → ``Inwoners75Plus_8``) the
stem still matches. Anything else is a changed table, reported as :class:`SchemaChanged` naming the
table and the column. Measures whose keys were not verified are matched by their DataProperties
``Title`` instead (``title_re``), optionally inside a topic group (``group_re``).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd

from ..errors import WoonzorgError
from .odata import Dimension, age_band, band_label, slug


class FetchError(WoonzorgError):
    """A CBS table could not be fetched or did not validate; the message names the table."""

    def __init__(self, table: str, title: str, detail: str):
        self.table = table
        self.detail = detail
        name = f"CBS-tabel {table}" + (f" ({title})" if title else "")
        super().__init__(f"{name}: {detail}. Niets gewijzigd in data/raw.")


class SchemaChanged(FetchError):
    """CBS renamed or dropped a column, dimension or category the pipeline relies on."""


# ------------------------------------------------------------------------------------------------
# selection rules for dimensions


Selector = Callable[[Dimension, "TableSpec"], dict[str, str]]   # stripped key -> label


def _changed(spec: "TableSpec", dim: Dimension, what: str) -> SchemaChanged:
    titles = [dim.title(k) for k in list(dim.by_key)[:12]]
    return SchemaChanged(spec.id, spec.title, f"dimensie {dim.name}: {what} niet gevonden — heeft CBS de tabel "
                         f"gewijzigd? Categorieën (eerste 12): {', '.join(repr(t) for t in titles)}")


def total(keys: tuple[str, ...] = (), title_re: str = r"^totaal") -> Selector:
    """Exactly one category: the verified key if present, else the one title matching ``title_re``."""

    def sel(dim: Dimension, spec: "TableSpec") -> dict[str, str]:
        for k in keys:
            if dim.has(k):
                return {k: "totaal"}
        hits = [k for k in dim.by_key if re.search(title_re, dim.title(k), re.I)]
        if len(hits) >= 1:
            # several 'Totaal …' titles: take the first in CBS order (the overall total comes first)
            return {hits[0]: "totaal"}
        raise _changed(spec, dim, f"totaal (titel /{title_re}/)")

    return sel


def titles(mapping: dict[str, str], *, with_total: tuple[str, ...] | None = None) -> Selector:
    """Categories by exact title (case-insensitive) -> label; all must be present."""

    def sel(dim: Dimension, spec: "TableSpec") -> dict[str, str]:
        out: dict[str, str] = {}
        if with_total is not None:
            out.update(total(with_total)(dim, spec))
        by_title = {dim.title(k).lower(): k for k in dim.by_key}
        for t, label in mapping.items():
            if t.lower() not in by_title:
                raise _changed(spec, dim, f"categorie '{t}'")
            out[by_title[t.lower()]] = label
        return out

    return sel


def title_patterns(patterns: dict[str, str], *, required: bool = True) -> Selector:
    """Categories whose title matches a regex -> label (first match per pattern)."""

    def sel(dim: Dimension, spec: "TableSpec") -> dict[str, str]:
        out: dict[str, str] = {}
        for pat, label in patterns.items():
            hits = [k for k in dim.by_key if re.search(pat, dim.title(k), re.I)]
            if hits:
                out[hits[0]] = label
            elif required:
                raise _changed(spec, dim, f"categorie /{pat}/")
        if not out:
            raise _changed(spec, dim, "geen enkele gevraagde categorie")
        return out

    return sel


def all_categories() -> Selector:
    def sel(dim: Dimension, spec: "TableSpec") -> dict[str, str]:
        if not dim.by_key:
            raise _changed(spec, dim, "categorieën")
        return {k: dim.title(k) for k in dim.by_key}

    return sel


def ages(bands: list[tuple[int, int | None]], *, with_total: bool = True,
         total_keys: tuple[str, ...] = ("10000",)) -> Selector:
    """Age categories by parsed title ('0 tot 5 jaar' -> 0-4 …); every band in ``bands`` must exist."""

    def sel(dim: Dimension, spec: "TableSpec") -> dict[str, str]:
        found: dict[tuple, str] = {}
        tot = None
        for k in dim.by_key:
            b = age_band(dim.title(k))
            if b == "totaal":
                if tot is None:
                    tot = k
            elif b is not None and b not in found:
                found[b] = k
        for k in total_keys:
            if dim.has(k):
                tot = k
        out = {}
        missing = [band_label(*b) for b in bands if b not in found]
        if missing:
            raise _changed(spec, dim, f"leeftijdsklasse(n) {', '.join(missing)}")
        for b in bands:
            out[found[b]] = band_label(*b)
        if with_total:
            if tot is None:
                raise _changed(spec, dim, "totaal over alle leeftijden")
            out[tot] = "totaal"
        return out

    return sel


def single_ages(lo: int = 0, min_hi: int = 90) -> Selector:
    def sel(dim: Dimension, spec: "TableSpec") -> dict[str, str]:
        out = {}
        for k in dim.by_key:
            b = age_band(dim.title(k))
            if isinstance(b, tuple) and b[1] is not None and b[0] == b[1] and b[0] >= lo:
                out[k] = str(b[0])
        got = sorted(int(v) for v in out.values())
        if not got or got[0] != lo or got[-1] < min_hi or got != list(range(lo, got[-1] + 1)):
            raise _changed(spec, dim, f"losse leeftijden {lo}..{min_hi}")
        return out

    return sel


BANDS_5Y = [(lo, lo + 4) for lo in range(0, 95, 5)] + [(95, None)]
BANDS_DEATHS = [(0, 0), (1, 4)] + [(lo, lo + 4) for lo in range(5, 95, 5)] + [(95, None)]
SEXES = titles({"Mannen": "man", "Vrouwen": "vrouw"}, with_total=("T001038",))


# ------------------------------------------------------------------------------------------------
# measures


@dataclass(frozen=True)
class Measure:
    var: str
    key: str | None = None          # verified CBS key (exact, else same stem)
    title_re: str | None = None     # for unverified keys: regex on the DataProperties title
    group_re: str | None = None     # ... inside a topic group whose title matches this
    required: bool = True


def _stem(key: str) -> str:
    return re.sub(r"_\d+$", "", key)


def resolve_measures(spec: "TableSpec", props: list[dict]) -> tuple[dict[str, str], list[str]]:
    """Map each measure's ``var`` to the table's actual column key; raise SchemaChanged when missing."""
    topics = [p for p in props if str(p.get("Type", "")) == "Topic"]
    by_id = {p.get("ID"): p for p in props}
    keys = [str(p["Key"]) for p in topics]
    out: dict[str, str] = {}
    notes: list[str] = []

    def ancestors(p: dict) -> list[str]:
        titles_, seen = [], set()
        pid = p.get("ParentID")
        while pid is not None and pid in by_id and pid not in seen:
            seen.add(pid)
            q = by_id[pid]
            titles_.append(str(q.get("Title", "")))
            pid = q.get("ParentID")
        return titles_

    for m in spec.measures:
        hit = None
        if m.key:
            if m.key in keys:
                hit = m.key
            else:
                same = [k for k in keys if _stem(k) == _stem(m.key)]
                if len(same) == 1:
                    hit = same[0]
                    notes.append(f"{spec.id}: kolom {m.key} heet nu {hit} (zelfde naam, andere positie)")
        if hit is None and m.title_re:
            cands = [p for p in topics if re.search(m.title_re, str(p.get("Title", "")), re.I)]
            if m.group_re:
                cands = [p for p in cands if any(re.search(m.group_re, t, re.I) for t in ancestors(p))]
            if cands:
                hit = str(cands[0]["Key"])
        if hit is None:
            if not m.required:
                notes.append(f"{spec.id}: kolom voor '{m.var}' ontbreekt; overgeslagen")
                continue
            want = m.key or f"titel /{m.title_re}/"
            close = difflib.get_close_matches(m.key or "", keys, n=3, cutoff=0.5) if m.key else []
            hint = f" Lijkt op: {', '.join(repr(c) for c in close)}." if close else ""
            raise SchemaChanged(spec.id, spec.title, f"kolom '{want}' ontbreekt in DataProperties — heeft CBS de "
                                f"tabel gewijzigd?{hint} Kolommen: {', '.join(keys[:15])}"
                                f"{' …' if len(keys) > 15 else ''}")
        out[m.var] = hit
    return out, notes


# ------------------------------------------------------------------------------------------------
# table specs


@dataclass(frozen=True)
class TableSpec:
    group: str                    # --tables name
    id: str
    title: str                    # title as documented (TableInfos gives the current one)
    dims: dict[str, Selector]
    measures: tuple[Measure, ...]
    build: Callable
    region_dim: str | None = "RegioS"
    period_dim: str = "Perioden"
    gemeenten: bool = True        # fetch the region's gemeenten
    national: bool = False        # fetch Nederland (NL01) too
    periods: str = "years"        # years | jan_dec | all
    required: bool = True         # every gemeente must be in the table (else: warning)
    files: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)


# builders get (df, ctx, spec) where df has columns: regio, jaar, peildatum, <dim names>, <measure vars>

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


def build_deaths(df, ctx, spec):
    df = df[df["overledenen"].notna()].rename(columns={"Geslacht": "geslacht", "Leeftijd": "leeftijd"})
    for (code, jaar, sex), g in df.groupby(["regio", "jaar", "geslacht"]):
        tot = g.loc[g["leeftijd"] == "totaal", "overledenen"]
        s = g.loc[g["leeftijd"] != "totaal", "overledenen"].sum()
        if len(tot) == 1 and len(g) == len(BANDS_DEATHS) + 1 and abs(s - float(tot.iloc[0])) > 0:
            raise FetchError(spec.id, spec.title, f"{code} {jaar} {sex}: leeftijdsklassen tellen op tot {s:.0f}, "
                             f"totaal is {float(tot.iloc[0]):.0f}")
    out = pd.DataFrame({"gemeentecode": df["regio"], "jaar": df["jaar"].astype(int), "geslacht": df["geslacht"],
                        "leeftijd": df["leeftijd"], "waarde": df["overledenen"].astype(float),
                        "bron_tabel": [ctx.bron(spec.id, c) for c in df["regio"]]})
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
                        "leeftijd": df["Leeftijd"].astype(int), "sterftekans_qx": df["qx"].astype(float),
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


def population_spec(table: str = "03759ned") -> TableSpec:
    if table.lower() == "85644ned":
        return TableSpec(
            "bevolking", "85644NED", "Bevolking; geslacht, leeftijd, nationaliteit en regio, 1 januari",
            {"Geslacht": SEXES, "Leeftijd": ages(BANDS_5Y), "Nationaliteit": total()},
            (Measure("waarde", key="Bevolking_1"),), build_population,
            files=("population_5y.csv", "population_totals.csv"), notes=("Nationaliteit=Totaal",))
    return TableSpec(
        "bevolking", "03759ned", "Bevolking op 1 januari en gemiddeld; geslacht, leeftijd en regio",
        {"Geslacht": SEXES, "Leeftijd": ages(BANDS_5Y), "BurgerlijkeStaat": total(("T001019",))},
        (Measure("waarde", key="BevolkingOp1Januari_1"),), build_population,
        files=("population_5y.csv", "population_totals.csv"), notes=("BurgerlijkeStaat=Totaal",))


def specs(population_table: str = "03759ned") -> list[TableSpec]:
    return [
        population_spec(population_table),
        TableSpec("huishoudens", "71486ned", "Huishoudens; samenstelling, grootte, regio, 1 januari",
                  {"LeeftijdReferentiepersoon": total()},
                  (Measure("particuliere_huishoudens", key="TotaalParticuliereHuishoudens_1"),
                   Measure("eenpersoonshuishoudens", key="Eenpersoonshuishouden_2"),
                   Measure("zonder_kinderen", key="MeerpersoonshuishoudensZonderKinderen_4"),
                   Measure("met_kinderen", key="MeerpersoonshuishoudensMetKinderen_5"),
                   Measure("eenouderhuishoudens", key="TotaalEenouderhuishoudens_16")),
                  build_households_71486, national=True, files=("households.csv",)),
        TableSpec("huishoudens", "71488ned", "Huishoudens; personen naar geslacht, leeftijd en regio, 1 januari",
                  {"Geslacht": total(("T001038",), r"^(totaal|mannen en vrouwen)"), "Leeftijd": total(("10000",))},
                  (Measure("particulier", key="TotaalInParticuliereHuishoudens_2"),
                   Measure("alleenstaanden", key="Alleenstaand_4"),
                   Measure("institutioneel", key="PersonenInInstitutioneleHuishoudens_12")),
                  build_households_71488, national=True, files=("households.csv",)),
        TableSpec("huishoudens", "86063NED", "Particuliere huishoudens; soort woonruimte, regio, 31 december",
                  {"SamenstellingVanHetHuishouden": total(), "SoortWoonruimte": total()},
                  (Measure("hh31dec", key="ParticuliereHuishoudens_1"),),
                  build_households_86063, national=True, files=("households.csv",)),
        TableSpec("woningvoorraad", "82900NED", "Voorraad woningen; eigendom, type verhuurder, bewoning, regio",
                  {"StatusVanBewoning": total()},
                  (Measure("totaal", key="TotaleWoningvoorraad_1"), Measure("koop", key="Koopwoningen_2"),
                   Measure("huur", key="TotaalHuurwoningen_3"), Measure("corporatie", key="EigendomWoningcorporatie_4"),
                   Measure("overig", key="EigendomOverigeVerhuurders_5"), Measure("onbekend", key="EigendomOnbekend_6")),
                  build_housing, national=True, files=("housing_stock.csv",)),
        TableSpec("maatstaven", "85383NED", "Maatstaven gemeentefonds; diverse indicatoren",
                  {"StatusCijfer": title_patterns({r"^definitief": "definitief", r"^voorlopig": "voorlopig"},
                                                  required=False)},
                  (Measure("totaal", key="InwonersTotaal_1"), Measure("jonger18", key="InwonersJongerDan18_2"),
                   Measure("jonger65", key="InwonersJongerDan65_3"), Measure("j10_24", key="Inwoners10TotEnMet24Jaar_4"),
                   Measure("j15_64", key="Inwoners15TotEnMet64Jaar_5"), Measure("j18_44", key="Inwoners18TotEnMet44Jaar_6"),
                   Measure("plus75", key="Inwoners75Plus_7"), Measure("zorginstellingen", key="InwonersInZorginstellingen_8"),
                   Measure("studenten", key="UitwonendeStudenten_9"), Measure("eenpersoons", key="Eenpersoonshuishoudens_19"),
                   Measure("eenouder", key="Eenouderhuishoudens_20"), Measure("adreslozen", key="Adreslozen_27"),
                   Measure("overig_adreslozen", key="OverigAdreslozen_28"),
                   Measure("elders_verzorgden", key="EldersVerzorgden_29"), Measure("woningen", key="WoningTotaal_36"),
                   Measure("hoge_zorgkosten", key="InwonersMetHogeZorgkosten_70")),
                  build_maatstaven, national=True,
                  files=("groups.csv", "households.csv", "housing_stock.csv", "population_margins.csv")),
        TableSpec("aandachtsgroepen", "85980NED", "Aandachtsgroepen volkshuisvesting; regio, 1 januari en 31 december",
                  {"AandachtsgroepVolkshuisvesting": all_categories(), "Kenmerken": total(title_re=r"^totaal$")},
                  (Measure("personen", key="TotaalPersonen_1"), Measure("huishoudens", key="TotaalHuishoudens_4")),
                  build_aandachtsgroepen, national=True, periods="jan_dec", files=("groups.csv",)),
        TableSpec("sterfte", "03747", "Overledenen; geslacht, leeftijd, burgerlijke staat, regio",
                  {"Geslacht": SEXES, "Leeftijd": ages(BANDS_DEATHS), "BurgerlijkeStaat": total(("T001019",))},
                  (Measure("overledenen", key="Overledenen_1", title_re=r"^overledenen"),),
                  build_deaths, national=True, files=("deaths_by_age_sex.csv",),
                  notes=("kolomsleutel niet geverifieerd: gekozen op titel 'Overledenen'",)),
        TableSpec("geboorten", "37201", "Geboorte; kerncijfers, regio", {},
                  (Measure("levend_geborenen", title_re=r"^(totaal )?levend geboren"),
                   Measure("jongens", title_re=r"^jongens$"), Measure("meisjes", title_re=r"^meisjes$"),
                   Measure("moeder_jonger_dan_20", title_re=r"jonger dan 20 jaar", group_re=r"moeder", required=False),
                   Measure("moeder_20_24", title_re=r"^20 tot 25 jaar$", group_re=r"moeder", required=False),
                   Measure("moeder_25_29", title_re=r"^25 tot 30 jaar$", group_re=r"moeder", required=False),
                   Measure("moeder_30_34", title_re=r"^30 tot 35 jaar$", group_re=r"moeder", required=False),
                   Measure("moeder_35_39", title_re=r"^35 tot 40 jaar$", group_re=r"moeder", required=False),
                   Measure("moeder_40_44", title_re=r"^40 tot 45 jaar$", group_re=r"moeder", required=False),
                   Measure("moeder_45_plus", title_re=r"^45 jaar of ouder$", group_re=r"moeder", required=False),
                   Measure("gemiddeld_kindertal_per_vrouw", title_re=r"gemiddeld kindertal", required=False)),
                  build_births, national=True, files=("births_by_mother_age.csv",),
                  notes=("kolomsleutels niet geverifieerd: gekozen op titel",)),
        TableSpec("levenstafel", "37360ned", "Levensverwachting; geslacht, leeftijd (per jaar en periode van vijf jaren)",
                  {"Geslacht": total(("T001038",)), "Leeftijd": single_ages()},
                  (Measure("ex", title_re=r"^levensverwachting"), Measure("qx", title_re=r"^sterftekans"),
                   Measure("lx", title_re=r"^levenden"), Measure("dx", title_re=r"^overledenen")),
                  build_lifetable, region_dim=None, gemeenten=False, files=("national_life_table.csv",),
                  notes=("kolomsleutels niet geverifieerd: gekozen op titel",)),
        TableSpec("prognose", "85173NED", "Regionale prognose 2023-2050; bevolking, intervallen, regio-indeling 2021",
                  {"PrognoseInterval": title_patterns({r"^prognose$": "prognose", r"^ondergrens": "ondergrens_67",
                                                       r"^bovengrens": "bovengrens_67"}),
                   "Leeftijd": total(("10000",))},
                  (Measure("bevolking_x1000", key="TotaleBevolking_1"),),
                  build_prognosis, region_dim="RegioIndeling2021", periods="all", required=False,
                  files=("prognosis_totals.csv",)),
    ]


GROUPS = ("bevolking", "huishoudens", "woningvoorraad", "maatstaven", "aandachtsgroepen", "sterfte", "geboorten",
          "levenstafel", "prognose")

# key columns per fetched file (new rows replace old rows with the same key)
FILE_KEYS: dict[str, list[str]] = {
    "population_5y.csv": ["gemeentecode", "jaar", "geslacht", "leeftijd"],
    "population_totals.csv": ["gemeentecode", "jaar"],
    "population_margins.csv": ["gemeentecode", "jaar", "geslacht", "leeftijdsgroep"],
    "households.csv": ["gemeentecode", "jaar", "variabele"],
    "housing_stock.csv": ["gemeentecode", "jaar", "variabele"],
    "groups.csv": ["gemeentecode", "jaar", "peildatum", "variabele"],
    "deaths_by_age_sex.csv": ["gemeentecode", "jaar", "geslacht", "leeftijd"],
    "births_by_mother_age.csv": ["gemeentecode", "jaar", "variabele"],
    "national_life_table.csv": ["gebied", "jaar", "geslacht", "leeftijd"],
    "prognosis_totals.csv": ["gemeentecode", "jaar", "interval"],
}

FILE_TITLES: dict[str, str] = {
    "population_5y.csv": "Bevolking naar 5-jaarsleeftijdsklasse en geslacht op 1 januari (exact), opgehaald",
    "population_totals.csv": "Totale bevolking op 1 januari per gemeente, opgehaald",
    "population_margins.csv": "Brede leeftijdsgroepen (maatstaven gemeentefonds), opgehaald",
    "households.csv": "Huishoudens, huishoudtypen en personen in instellingen, opgehaald",
    "housing_stock.csv": "Woningvoorraad naar eigendom, opgehaald",
    "groups.csv": "Aandachtsgroepen en maatstaven, opgehaald",
    "deaths_by_age_sex.csv": "Overledenen naar leeftijd en geslacht, opgehaald",
    "births_by_mother_age.csv": "Levendgeborenen naar geslacht en leeftijd moeder, opgehaald",
    "national_life_table.csv": "Overlevingstafel Nederland (mannen en vrouwen), opgehaald",
    "prognosis_totals.csv": "PBL/CBS regionale bevolkingsprognose (totaal, met 67%-interval), opgehaald",
}
