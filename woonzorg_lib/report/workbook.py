"""Which sheets the region workbook has, from the run (same data as the report).

Order: "Lees mij" (what is where, how to read it), "Kernboodschap" (the report's key figures),
"Per gemeente" (the kernboodschap's table), then one sheet per chapter table (the ones the core sheets
here do not hold come from :mod:`.workbook_chapters`), "Parameters" and
"Bronnen". Every sheet is one Excel table with its headers in row 1. A code a model uses
(``sociale_huur``) stands in its own column "… (code)" next to its Dutch label from
:mod:`.terms`; every other cell is Dutch text or a number.

Figures fall in two kinds (see :mod:`.xlsx`): observed counts (``count``: CBS figures; suppressed
below the threshold, flagged) and modelled figures (``model``: never suppressed, written unrounded
so sums agree with the report's totals; the report rounds them as stated on "Lees mij").

The run is read through the attributes the report context offers (``ctx.demand``,
``ctx.need_wide(…)``, …): an attribute may be a value or a function of no arguments.
"""

from __future__ import annotations

import pandas as pd

from . import fmt, terms
from .workbook_chapters import Reading, _get, chapter_sheets, labels, national_frame_sheet
from .xlsx import FLAG_SUFFIX, FLAG_TEXT, Sheet, _values

CODE = " (code)"




def title_of(ctx) -> str:
    return str(_get(ctx, "title", default="Woonzorganalyse"))


def threshold_of(ctx) -> int:
    return int(getattr(ctx.p, "threshold", 5))


def _run_info(ctx, status: str | None, rundatum: str | None) -> tuple[str | None, str | None]:
    status = status if status is not None else getattr(ctx.p, "status", None)
    rundatum = rundatum if rundatum is not None else (getattr(ctx.p, "rundatum", None)
                                                     or getattr(ctx.p, "rundatum", None))
    return (status or None), (str(rundatum) if rundatum else None)


def _labelled(df: pd.DataFrame, col: str, kind: str, *, name: str | None = None) -> pd.DataFrame:
    """Add ``<col>_label`` (Dutch) beside the code column ``col``."""
    df[name or f"{col}_label"] = labels(kind, df[col])
    return df


def _groep_label(ctx, codes) -> list[str]:
    names = _get(ctx, "group_names", default={}) or {}
    vals = _values(codes) if isinstance(codes, pd.Series) else list(codes)
    known = {c: terms.GROEP.get(c) or names.get(c) or terms.humanize(c) for c in set(vals) if c.__class__ is str}
    return [known[c] if c.__class__ is str else (terms.GROEP.get(c) or names.get(c) or terms.humanize(c))
            for c in vals]


# ----------------------------------------------------------------------------------------------
def _readme(ctx, sheets: list[Sheet], status, rundatum) -> Sheet:
    thr = threshold_of(ctx)
    p = ctx.p
    cv = _get(ctx, "code_version", default={}) or {}
    rows = [("Rapport", title_of(ctx)),
            ("Regio", str(_get(ctx, "naam", default=""))),
            ("Gemeenten", fmt.join(ctx.names[c] for c in ctx.codes)),
            ("Status", terms.label("status", status) if status else "niet opgegeven"),
            ("Rundatum", rundatum or "niet opgegeven"),
            ("Variant", terms.label("variant", p.variant)),
            ("Basisjaar", str(_get(ctx, "base_year", default=""))),
            ("Horizonjaar", str(p.until)),
            ("Zo leest u deze werkmap",
             "Elk blad is één tabel met de kolomkoppen in rij 1 en filterknoppen. Getallen zijn getallen: u kunt "
             "ze optellen, filteren en sorteren. Een lege cel betekent: geen cijfer (niet bekend of niet van "
             "toepassing)."),
            ("Codes", "Kolommen met ‘(code)’ in de kop bevatten de code die het model gebruikt; de kolom ervoor "
                      "of erna geeft de Nederlandse omschrijving. Filter op de code als u cijfers koppelt."),
            ("Eenheden", "Elke kolom noemt zijn eenheid. Tel nooit verschillende eenheden op (woningen, plaatsen, "
                         "bedden, standplaatsen), en nooit een stand (aantal op 1 januari) bij een stroom (aantal "
                         "per jaar)."),
            ("Afronding", "Modeluitkomsten (vraag, aanbod, opgave, toewijzing) zijn schattingen. Deze werkmap geeft "
                          "ze onafgerond, zodat totalen kloppen met het rapport; het rapport rondt ze af: onder de "
                          "10.000 op tientallen, vanaf 10.000 op honderdtallen."),
            ("Afscherming",
             (f"Waargenomen aantallen (CBS) kleiner dan {thr} zijn afgeschermd: de cel is leeg en de kolom "
              f"‘…{FLAG_SUFFIX}’ ernaast zegt ‘{FLAG_TEXT}’. Totalen in het rapport zijn berekend uit de "
              "volledige cijfers. Modeluitkomsten worden nooit afgeschermd.") if thr else
             "Er is niets afgeschermd (drempel 0)."),
            ("Bruto en netto", "Opgave ‘netto’: vraag min bestaand aanbod. ‘Bruto’: het aanbod is niet bekend; de "
                               "opgave is dan de groei van de vraag sinds het basisjaar."),
            ("Licentie", "Cijfers: CBS StatLine, CC BY 4.0. Bij hergebruik: ‘Bron: CBS; bewerking woonzorg’."),
            ("Programma", f"woonzorg {cv.get('woonzorg', '')}, versie {cv.get('git_commit', '')}".strip(", ")),
            ("Vingerafdruk gegevens", str(_get(ctx, "data_fingerprint", default="")))]
    for sh in sheets:
        rows.append((f"Blad ‘{sh.name}’", sh.description or sh.name))
    df = pd.DataFrame(rows, columns=["onderwerp", "toelichting"])
    return Sheet("Lees mij", df, {"onderwerp": ("Onderwerp", "text"), "toelichting": ("Toelichting", "text")},
                 widths={"onderwerp": 30, "toelichting": 120}, suppress=False)


def _key_sheets(ctx) -> list[Sheet]:
    kf = _get(ctx, "key_figures", default=None)
    out = []
    if kf:
        hz, by = ctx.p.until, _get(ctx, "base_year", default="")
        # the two headline numbers of the Kernboodschap, a stock and a flow: never added together
        rows = [("extra_woningen", "Extra woningen nodig voor aandachtsgroepen", kf.get("extra_woningen"),
                 kf.get("extra_woningen_laag"), kf.get("extra_woningen_hoog"), "woningen",
                 f"Extra woningen in de voorraad van 1-1-{by} tot 1-1-{hz} (groepen met een woonbehoefte op een moment)"
                 + ("; deels bruto: aanbod onbekend" if kf.get("extra_bruto") else "")
                 + ". Laag en hoog: de bandbreedte van het regiototaal."),
                ("verhuur_per_jaar", "Vrijkomende woningen per jaar voor aandachtsgroepen", kf.get("verhuur_per_jaar"),
                 kf.get("verhuur_per_jaar_laag"), kf.get("verhuur_per_jaar_hoog"), "woningen per jaar",
                 "Verhuringen uit de bestaande voorraad per jaar (groepen die elk jaar opnieuw instromen); "
                 "geen extra woningen, dus niet op te tellen bij de regel hierboven.")]
        for code, lab, unit in (("inwoners", "Inwoners in het basisjaar", "personen"),
                                ("inwoners_horizon", f"Inwoners in {hz}", "personen"),
                                ("n_gemeenten", "Aantal gemeenten", "gemeenten")):
            if kf.get(code) is not None and not isinstance(kf.get(code), (str, list, dict)):
                rows.append((code, lab, kf.get(code), None, None, unit, ""))
        df = pd.DataFrame(rows, columns=["code", "kerncijfer", "waarde", "laag", "hoog", "eenheid", "toelichting"])
        out.append(Sheet("Kernboodschap", df, {
            "kerncijfer": ("Kerncijfer", "text"), "waarde": ("Waarde", "model"), "laag": ("Laag", "model"),
            "hoog": ("Hoog", "model"), "eenheid": ("Eenheid", "text"), "toelichting": ("Toelichting", "text"),
            "code": ("Kerncijfer" + CODE, "code")},
            description="De kerncijfers van het rapport: de opgave in woningen met de waarschijnlijke bandbreedte "
                        "(variant laag tot hoog).", suppress=False, widths={"kerncijfer": 44, "toelichting": 70}))
    ov = _get(ctx, "demand_overview", default=None)
    if ov is not None and len(ov):
        ov = ov.copy()
        ov["groep_label"] = _groep_label(ctx, ov["groep"])
        _labelled(ov, "woningtype", "woningtype")
        _labelled(ov, "eenheid", "eenheid")
        _labelled(ov, "soort", "soort")
        ov["basis"] = ["bruto" if b else "netto" for b in ov["bruto"]]
        _labelled(ov, "basis", "basis")
        out.append(Sheet("Opgave per groep", ov, {
            "groep_label": ("Groep", "text"), "woningtype_label": ("Woningtype", "text"),
            "eenheid_label": ("Eenheid", "text"), "soort_label": ("Stand of stroom", "text"),
            "vraag_basis": ("Vraag in het basisjaar", "model"), "vraag_horizon": ("Vraag in het horizonjaar", "model"),
            "aanbod_basis": ("Aanbod in het basisjaar", "model"), "opgave": ("Opgave", "model"),
            "opgave_laag": ("Opgave variant laag", "model"), "opgave_hoog": ("Opgave variant hoog", "model"),
            "basis_label": ("Netto of bruto", "text"),
            "groep": ("Groep" + CODE, "code"), "woningtype": ("Woningtype" + CODE, "code"),
            "eenheid": ("Eenheid" + CODE, "code")},
            description="Vraag, aanbod en opgave van de regio per groep en woningtype, elk in zijn eigen eenheid.",
            suppress=False, widths={"groep_label": 36, "woningtype_label": 28}))
    return out


def _per_gemeente(ctx) -> Sheet | None:
    nw = _get(ctx, "need_wide", "woningen", default=None)
    if nw is None or not len(nw):
        return None
    df = nw.copy()
    cols = {"gemeentenaam": ("Gemeente", "text")}
    for t in nw.attrs.get("types", []):
        cols[t] = (f"{terms.label('woningtype_mv', t).capitalize()} (extra woningen)", "model")
    cols["totaal"] = ("Totaal extra woningen", "model")
    cols["per_1000"] = ("Extra woningen per 1.000 inwoners", "dec1")
    pg = _get(ctx, "per_gemeente", default=None)  # the Kernboodschap table: its lettings and share columns too
    if pg is not None and len(pg):
        df = df.merge(pg[["gemeentecode", "verhuur_per_jaar", "aandeel"]], on="gemeentecode", how="left")
        cols["verhuur_per_jaar"] = ("Vrijkomende woningen per jaar (verhuringen, geen extra woningen)", "model")
        cols["aandeel"] = ("Aandeel in de extra woningen, gemengde sleutel", "pct")
    ab = _get(ctx, "allocation_by_gemeente", default=None)
    if ab is not None and len(ab):
        keep = [c for c in ("extra_woningen", "per_jaar", "verhuurcapaciteit", "druk") if c in ab.columns]
        df = df.merge(ab[["gemeentecode", *keep]].rename(columns={"extra_woningen": "toegewezen_extra"}),
                      on="gemeentecode", how="left")
        cols.update({"toegewezen_extra": ("Toegewezen extra woningen, gemengde sleutel", "model"),
                     "per_jaar": ("Toegewezen verhuringen per jaar, gemengde sleutel", "model"),
                     "verhuurcapaciteit": ("Verhuurcapaciteit (woningen per jaar)", "model"),
                     "druk": ("Verhuringen per jaar ÷ verhuurcapaciteit", "dec2")})
    cols["gemeentecode"] = ("Gemeentecode", "code")
    return Sheet("Per gemeente", df, cols, suppress=False, widths={"gemeentenaam": 24},
                 description="De tabel van de kernboodschap: per gemeente de extra woningen per woningtype tot "
                             "het horizonjaar (groepen met een woonbehoefte op een moment; verhuringen staan er niet "
                             "in) en de toewijzing onder de gemengde sleutel.")


def _demography_sheets(ctx) -> list[Sheet]:
    f = ctx.forecast
    tot = f[f["geslacht"] == "totaal"]
    keys = ["gemeentecode", "jaar", "variant"]
    wide = tot.groupby(keys, as_index=False)["waarde"].sum().rename(columns={"waarde": "inwoners"})
    for lo, name in ((65, "inwoners_65plus"), (75, "inwoners_75plus"), (85, "inwoners_85plus")):
        part = tot[tot["leeftijd_van"] >= lo].groupby(keys, as_index=False)["waarde"].sum()
        wide = wide.merge(part.rename(columns={"waarde": name}), on=keys, how="left")
    hh = _get(ctx, "households", default=None)
    if hh is not None:
        wide = wide.merge(hh, on=keys, how="left")
    wide["gemeentenaam"] = wide["gemeentecode"].map(ctx.names)
    wide = wide.sort_values(keys).reset_index(drop=True)
    by = _get(ctx, "base_year", default="")
    demo = Sheet("Bevolkingsprognose", wide, {
        "gemeentenaam": ("Gemeente", "text"), "jaar": ("Jaar (1 januari)", "year"), "variant": ("Variant", "text"),
        "inwoners": ("Inwoners (personen)", "model"), "inwoners_65plus": ("65 jaar en ouder (personen)", "model"),
        "inwoners_75plus": ("75 jaar en ouder (personen)", "model"),
        "inwoners_85plus": ("85 jaar en ouder (personen)", "model"),
        "huishoudens": ("Particuliere huishoudens", "model"), "gemeentecode": ("Gemeentecode", "code")},
        description=f"Prognose van inwoners en huishoudens per gemeente, basisjaar {by}; standen op 1 januari.",
        suppress=False)
    bands = f[f["jaar"].isin([by, ctx.p.until])]
    bands = bands.groupby(["jaar", "variant", "geslacht", "leeftijd_van"], as_index=False).agg(
        leeftijd_tot=("leeftijd_tot", "first"), waarde=("waarde", "sum"))
    bands["leeftijd"] = [f"{int(a)} jaar en ouder" if pd.isna(b) else f"{int(a)}–{int(b)} jaar"
                         for a, b in zip(bands["leeftijd_van"], bands["leeftijd_tot"])]
    bands["geslacht_label"] = terms.labels("geslacht", bands["geslacht"])
    bands = bands.sort_values(["jaar", "variant", "geslacht", "leeftijd_van"]).reset_index(drop=True)
    leeftijd = Sheet("Leeftijdsopbouw", bands, {
        "jaar": ("Jaar (1 januari)", "year"), "variant": ("Variant", "text"), "geslacht_label": ("Geslacht", "text"),
        "leeftijd": ("Leeftijd", "text"), "leeftijd_van": ("Leeftijd vanaf (jaren)", "int"),
        "waarde": ("Inwoners regio (personen)", "model")},
        description="Inwoners van de regio naar leeftijdsklasse van vijf jaar en geslacht, in het basisjaar en het "
                    "horizonjaar.", suppress=False)
    comp = _get(ctx, "components", default=None)
    out = [demo, leeftijd]
    if comp is not None and len(comp):
        comp = comp.copy()
        comp["gemeentenaam"] = comp["gemeentecode"].map(ctx.names)
        out.append(Sheet("Geboorte, sterfte, migratie", comp, {
            "gemeentenaam": ("Gemeente", "text"), "jaar": ("Kalenderjaar", "year"), "variant": ("Variant", "text"),
            "geboorten": ("Geboorten (personen)", "model"), "sterfte": ("Sterfte (personen)", "model"),
            "migratiesaldo": ("Migratiesaldo (personen)", "model"), "gemeentecode": ("Gemeentecode", "code")},
            description="Geboorten, sterfte en migratiesaldo in de prognose, per kalenderjaar.", suppress=False))
    return out


def _opgave_basis(d: pd.DataFrame, basis: pd.DataFrame) -> list:
    """Per row of the demand table the basis (netto/bruto) of its opgave; None for the other maten."""
    keys = ["gemeentecode", "groep", "woningtype"]
    b = basis.set_index(keys)["basis"]
    rows = zip(*(_values(d[k]) for k in keys), _values(d["maat"]))
    if not b.index.is_unique:  # a repeated key: keep what Series.get gives for it
        return [b.get((c, g, w), None) if m == "opgave" else None for c, g, w, m in rows]
    look = dict(zip(zip(*(_values(basis[k]) for k in keys)), _values(basis["basis"])))
    return [look.get((c, g, w)) if m == "opgave" else None for c, g, w, m in rows]


def _basis_labels(vals: list) -> list[str]:
    known = {x: (terms.label("basis", x) if x else "") for x in {v for v in vals if v.__class__ is str}}
    return [known[x] if x.__class__ is str else (terms.label("basis", x) if x else "") for x in vals]


def _demand_sheets(ctx) -> list[Sheet]:
    d = ctx.demand.copy()
    basis = _get(ctx, "opgave_basis", default=None)
    if basis is not None and len(basis):
        d["basis"] = _opgave_basis(d, basis)
        d["basis_label"] = _basis_labels(_values(d["basis"]))
    d["gemeentenaam"] = d["gemeentecode"].map(ctx.names)
    d["groep_label"] = _groep_label(ctx, d["groep"])
    for col, kind in (("woningtype", "woningtype"), ("maat", "maat"), ("eenheid", "eenheid"), ("soort", "soort")):
        _labelled(d, col, kind)
    vraag = Sheet("Vraag en opgave", d, {
        "gemeentenaam": ("Gemeente", "text"), "groep_label": ("Groep", "text"),
        "woningtype_label": ("Woningtype", "text"), "maat_label": ("Maat", "text"), "jaar": ("Jaar", "year"),
        "variant": ("Variant", "text"), "soort_label": ("Stand of stroom", "text"),
        "waarde": ("Waarde", "model"), "eenheid_label": ("Eenheid", "text"), "basis_label": ("Netto of bruto", "text"),
        "gemeentecode": ("Gemeentecode", "code"), "groep": ("Groep" + CODE, "code"),
        "woningtype": ("Woningtype" + CODE, "code"), "maat": ("Maat" + CODE, "code"),
        "eenheid": ("Eenheid" + CODE, "code")},
        description="Vraag, aanbod en opgave per gemeente, groep, woningtype, jaar en variant (lang formaat: filter "
                    "op maat, jaar en variant). Stand: op 1 januari; stroom: in het kalenderjaar. Opgave: cumulatief "
                    "vanaf het basisjaar.", suppress=False, widths={"groep_label": 34, "woningtype_label": 26})
    t = _get(ctx, "sensitivity", default=None)
    out = [vraag]
    if t is not None and len(t):
        t = t.copy()
        t["parameter_label"] = [terms.parameter(k) for k in t["parameter"]]
        _labelled(t, "eenheid", "eenheid")
        out.append(Sheet("Gevoeligheid", t, {
            "parameter_label": ("Parameter", "text"), "eenheid_label": ("Eenheid", "text"),
            "opgave_laag": ("Opgave bij lage waarde", "model"), "opgave_midden": ("Opgave midden", "model"),
            "opgave_hoog": ("Opgave bij hoge waarde", "model"), "bereik": ("Bereik", "model"),
            "parameter": ("Parameter" + CODE, "code")},
            description=f"Opgave van de regio tot {ctx.p.until} met één parameter aan de onder- of bovenkant van "
                        "zijn bandbreedte (de andere parameters midden).", suppress=False,
            widths={"parameter_label": 60}))
    return out


def _allocation_sheets(ctx) -> list[Sheet]:
    out = []
    a = _get(ctx, "allocation", default=None)
    if a is not None and len(a):
        a = a.copy()
        a["gemeentenaam"] = a["gemeentecode"].map(ctx.names)
        a["groep_label"] = _groep_label(ctx, a["groep"])
        _labelled(a, "woningtype", "woningtype")
        _labelled(a, "sleutel", "sleutel")
        out.append(Sheet("Verdeling", a, {
            "gemeentenaam": ("Gemeente", "text"), "groep_label": ("Groep", "text"),
            "woningtype_label": ("Woningtype", "text"), "periode": ("Periode", "text"),
            "sleutel_label": ("Verdeelsleutel", "text"), "aandeel": ("Aandeel", "pct"),
            "toewijzing": ("Toewijzing (hele eenheden)", "model"), "huidige_inspanning": ("Huidige inspanning", "pct"),
            "verschil": ("Verschil met huidige inspanning (procentpunt)", "pp"),
            "gemeentecode": ("Gemeentecode", "code"), "groep": ("Groep" + CODE, "code"),
            "woningtype": ("Woningtype" + CODE, "code"), "sleutel": ("Verdeelsleutel" + CODE, "code")},
            description="Toewijzing van elke regionale taak aan de gemeenten, per verdeelsleutel; per groep, "
                        "woningtype, periode en sleutel tellen de toewijzingen op tot de taak.", suppress=False,
            widths={"groep_label": 34, "sleutel_label": 30}))
    ab = _get(ctx, "allocation_by_gemeente", default=None)
    if ab is not None and len(ab):
        out.append(Sheet("Verdeling per gemeente", ab, {
            "gemeentenaam": ("Gemeente", "text"), "extra_woningen": ("Toegewezen extra woningen", "model"),
            "aandeel": ("Aandeel extra woningen", "pct"), "verhuringen": ("Toegewezen verhuringen", "model"),
            "aandeel_verhuur": ("Aandeel verhuringen", "pct"), "huidige_inspanning": ("Huidige inspanning", "pct"),
            "verschil": ("Verschil aandeel extra woningen − huidige inspanning (procentpunt)", "pp"),
            "per_jaar": ("Verhuringen per jaar", "model"),
            "verhuurcapaciteit": ("Verhuurcapaciteit (woningen per jaar)", "model"),
            "druk": ("Verhuringen per jaar ÷ verhuurcapaciteit", "dec2"), "gemeentecode": ("Gemeentecode", "code")},
            description="De twee taken in woningen onder de gemengde sleutel, apart: extra woningen (voorraad) en "
                        "verhuringen uit de bestaande voorraad, met de druk van de verhuringen op de verhuurcapaciteit.",
            suppress=False))
    return out


def _observed_sheets(ctx) -> list[Sheet]:
    out = []
    g = _get(ctx, "gemeenten_overview", default=None)
    if g is not None and len(g):
        at = g.attrs
        out.append(Sheet("Gemeenten", g, {
            "gemeentenaam": ("Gemeente", "text"), "subregio": ("Subregio", "text"),
            "centrumgemeente_bw_mo": ("Centrumgemeente beschermd wonen en opvang", "text"),
            "inwoners_eerder": (f"Inwoners 1-1-{at.get('eerder', '')} (personen)", "count"),
            "inwoners_basis": (f"Inwoners 1-1-{at.get('basisjaar', '')} (personen)", "count"),
            "groei": (f"Groei {at.get('eerder', '')}–{at.get('basisjaar', '')}", "pct"),
            "inwoners_laatst": (f"Inwoners 1-1-{at.get('laatst', '')} (personen)", "count"),
            "gemeentecode": ("Gemeentecode", "code")},
            description="De gemeenten van de regio met hun waargenomen inwonertal (CBS).", suppress=False))
    h = _get(ctx, "population_history", default=None)
    if h is not None and len(h):
        h = h.copy()
        h["gemeentenaam"] = h["gemeentecode"].map(ctx.names)
        out.append(Sheet("Bevolking waargenomen", h, {
            "gemeentenaam": ("Gemeente", "text"), "jaar": ("Jaar (1 januari)", "year"),
            "waarde": ("Inwoners (personen)", "count"), "bron": ("CBS-tabel", "text"),
            "gemeentecode": ("Gemeentecode", "code")},
            description="Waargenomen inwoners per gemeente op 1 januari (CBS).", suppress=False))
    b = _get(ctx, "backtest_table", default=None)
    if b is not None and len(b):
        out.append(Sheet("Terugtoets", b, {
            "run": ("Peiljaar → doeljaar", "text"), "horizon": ("Jaren vooruit", "int"), "groep": ("Leeftijd", "text"),
            "n": ("Gemeenten", "int"), "model": ("Gemiddelde afwijking woonzorg", "pct"),
            "laatste": ("Gemiddelde afwijking laatste cijfer", "pct"),
            "lineair": ("Gemiddelde afwijking rechte lijn", "pct"),
            "geometrisch": ("Gemiddelde afwijking vast groeipercentage", "pct"),
            "bias": ("Richting afwijking woonzorg", "pct"), "p90": ("Afwijking 90e percentiel", "pct")},
            description="Hoe goed de bevolkingsprognose eerdere jaren voorspelde (afwijking van de werkelijkheid).",
            suppress=False))
    return out


def _parameter_sheet(ctx) -> Sheet | None:
    t = _get(ctx, "parameter_table", default=None)
    if t is None or not len(t):
        return None
    t = t.copy()
    t["parameter_label"] = [terms.parameter(k) for k in t["parameter"]]
    if "eenheid" in t.columns:
        t["eenheid_label"] = [terms.label("parameter_eenheid", str(e).replace(" ", "_")) for e in t["eenheid"]]
    if "richting" in t.columns:
        t["richting_label"] = [terms.label("parameter_richting", r) if r else "" for r in t["richting"].fillna("")]
    if "aanname" in t.columns:
        t["aanname_label"] = ["ja" if bool(a) else "nee" for a in t["aanname"]]
    for c in ("bron", "toelichting"):
        if c in t.columns:
            t[c] = [terms.plain_text(x) for x in t[c].fillna("")]
    scen = _get(ctx, "scenario_name", default="")
    return Sheet("Parameters", t, {
        "parameter_label": ("Parameter", "text"), "waarde": ("Midden", "num"), "laag": ("Laag", "num"),
        "hoog": ("Hoog", "num"), "eenheid_label": ("Eenheid", "text"), "richting_label": ("Richting", "text"),
        "aanname_label": ("Aanname zonder bron", "text"), "bron": ("Bron", "text"), "datum": ("Peildatum", "text"),
        "toelichting": ("Toelichting", "text"), "parameter": ("Parameter" + CODE, "code")},
        description="Alle aannames en kentallen van het model met bandbreedte, bron en peildatum"
                    + (f" (scenario {scen})" if scen else "") + ".",
        suppress=False, widths={"parameter_label": 50, "bron": 60, "toelichting": 80})


def _sources_sheet(ctx) -> Sheet | None:
    manifest = _get(ctx, "manifest", default=None)
    if not manifest:
        return None
    rows = [{"titel": m.get("titel", ""), "cbs_tabellen": ", ".join(str(t["id"]) for t in m.get("cbs_tabellen") or []),
             "peildata": "; ".join(str(x) for x in m.get("peildata") or []), "licentie": m.get("licentie", ""),
             "bestand": m.get("pad", ""), "sha256": m.get("sha256", "")} for m in manifest]
    return Sheet("Bronnen", pd.DataFrame(rows), {
        "titel": ("Titel", "text"), "cbs_tabellen": ("CBS-tabellen", "text"), "peildata": ("Peildata", "text"),
        "licentie": ("Licentie", "text"), "bestand": ("Bestand" + CODE, "code"),
        "sha256": ("Controlegetal" + CODE, "code")},
        description="De gegevensbestanden achter de cijfers, met CBS-tabel, peildatum, licentie en controlegetal.",
        suppress=False, widths={"titel": 60, "peildata": 50, "sha256": 66, "bestand": 44})


def sheets_for(ctx, *, status: str | None = None, rundatum: str | None = None) -> list[Sheet]:
    """The region workbook's sheets, "Lees mij" first."""
    ctx = ctx if isinstance(ctx, Reading) else Reading(ctx)
    status, rundatum = _run_info(ctx, status, rundatum)
    body: list[Sheet] = []
    body += _key_sheets(ctx)
    pg = _per_gemeente(ctx)
    if pg is not None:
        body.append(pg)
    nf = national_frame_sheet(ctx)
    if nf is not None:
        body.append(nf)
    body += _observed_sheets(ctx)
    body += _demography_sheets(ctx)
    body += _demand_sheets(ctx)
    body += _allocation_sheets(ctx)
    body += chapter_sheets(ctx)
    for sh in (_parameter_sheet(ctx), _sources_sheet(ctx)):
        if sh is not None:
            body.append(sh)
    for extra in _get(ctx, "extra_sheets", default=[]) or []:
        body.append(extra)
    return [_readme(ctx, body, status, rundatum), *body]
