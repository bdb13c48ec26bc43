"""Which sheets the region workbook has, from the report context (same data as the report)."""

from __future__ import annotations

import pandas as pd

from .excel import Sheet


def _meta_sheet(ctx) -> Sheet:
    cv = ctx.code_version
    rows = [("Rapport", ctx.title), ("Regio", f"{ctx.naam} ({ctx.slug})"),
            ("Gemeenten", ", ".join(ctx.names[c] for c in ctx.codes))]
    for _, r in ctx.run_parameters().iterrows():
        rows.append((f"Parameter {r['parameter']}", r["waarde"]))
    rows += [("Code", f"woonzorg {cv['woonzorg']}, commit {cv['git_commit']}, broncode {cv['bron_hash']}"),
             ("Data-vingerafdruk", ctx.data_fingerprint),
             ("Afscherming", f"aantallen kleiner dan {ctx.p.threshold} staan als '<{ctx.p.threshold}'; "
                             "totalen zijn berekend uit de volledige cijfers" if ctx.p.threshold else "geen"),
             ("Licentie", "Cijfers: CBS StatLine, CC BY 4.0; bewerking woonzorg")]
    df = pd.DataFrame(rows, columns=["onderdeel", "waarde"])
    return Sheet("Toelichting", df, {"onderdeel": ("Onderdeel", "text"), "waarde": ("Waarde", "text")},
                 widths={"onderdeel": 28, "waarde": 110})


def _sources_sheet(ctx) -> Sheet:
    rows = []
    for m in ctx.manifest:
        rows.append({"bestand": m["pad"], "titel": m.get("titel", ""),
                     "cbs_tabellen": ", ".join(str(t["id"]) for t in m.get("cbs_tabellen") or []),
                     "peildata": "; ".join(str(x) for x in m.get("peildata") or []),
                     "licentie": m.get("licentie", ""), "sha256": m.get("sha256", "")})
    df = pd.DataFrame(rows)
    return Sheet("Bronnen", df, {"bestand": ("Bestand", "text"), "titel": ("Titel", "text"),
                                 "cbs_tabellen": ("CBS-tabellen", "text"), "peildata": ("Peildata", "text"),
                                 "licentie": ("Licentie", "text"), "sha256": ("SHA-256", "text")},
                 widths={"titel": 60, "peildata": 50, "sha256": 66, "bestand": 44}, suppress=False)


def _demography_sheets(ctx) -> list[Sheet]:
    f = ctx.forecast
    tot = f[f["geslacht"] == "totaal"]
    keys = ["gemeentecode", "jaar", "variant"]
    wide = tot.groupby(keys, as_index=False)["waarde"].sum().rename(columns={"waarde": "inwoners"})
    for lo, name in ((65, "inwoners_65plus"), (75, "inwoners_75plus"), (85, "inwoners_85plus")):
        part = tot[tot["leeftijd_van"] >= lo].groupby(keys, as_index=False)["waarde"].sum()
        wide = wide.merge(part.rename(columns={"waarde": name}), on=keys, how="left")
    wide = wide.merge(ctx.households, on=keys, how="left")
    wide.insert(1, "gemeentenaam", wide["gemeentecode"].map(ctx.names))
    wide = wide.sort_values(keys).reset_index(drop=True)
    demo = Sheet("Demografie", wide, {
        "gemeentecode": ("Gemeentecode", "text"), "gemeentenaam": ("Gemeente", "text"),
        "jaar": ("Jaar (1 januari)", "year"), "variant": ("Variant", "text"),
        "inwoners": ("Inwoners (personen)", "int"), "inwoners_65plus": ("65 jaar en ouder (personen)", "int"),
        "inwoners_75plus": ("75 jaar en ouder (personen)", "int"),
        "inwoners_85plus": ("85 jaar en ouder (personen)", "int"),
        "huishoudens": ("Particuliere huishoudens", "int")},
        note=f"Prognose woonzorg, basisjaar {ctx.base_year}; standen op 1 januari. {ctx.demography_source()}.",
        suppress=False)
    bands = f[f["jaar"].isin([ctx.base_year, ctx.p.horizon])]
    bands = bands.groupby(["jaar", "variant", "geslacht", "leeftijd_van"], as_index=False).agg(
        leeftijd_tot=("leeftijd_tot", "first"), waarde=("waarde", "sum"))
    bands["leeftijd"] = [f"{int(a)}+" if pd.isna(b) else f"{int(a)}-{int(b)}"
                         for a, b in zip(bands["leeftijd_van"], bands["leeftijd_tot"])]
    bands = bands.sort_values(["jaar", "variant", "geslacht", "leeftijd_van"]).reset_index(drop=True)
    leeftijd = Sheet("Leeftijdsopbouw", bands, {
        "jaar": ("Jaar (1 januari)", "year"), "variant": ("Variant", "text"), "geslacht": ("Geslacht", "text"),
        "leeftijd": ("Leeftijd (jaren)", "text"), "waarde": (f"Inwoners {ctx.naam} (personen)", "int")},
        note="Regio totaal naar leeftijdsklasse van vijf jaar en geslacht, basisjaar en horizonjaar.", suppress=False)
    comp = ctx.components.copy()
    comp.insert(1, "gemeentenaam", comp["gemeentecode"].map(ctx.names))
    componenten = Sheet("Componenten", comp, {
        "gemeentecode": ("Gemeentecode", "text"), "gemeentenaam": ("Gemeente", "text"),
        "jaar": ("Kalenderjaar", "year"), "variant": ("Variant", "text"), "geboorten": ("Geboorten (personen)", "int"),
        "sterfte": ("Sterfte (personen)", "int"), "migratiesaldo": ("Migratiesaldo (personen)", "int")},
        note="Geboorten, sterfte en migratiesaldo in het kalenderjaar dat op 1 januari van 'jaar' begint.",
        suppress=False)
    return [demo, leeftijd, componenten]


def _demand_sheets(ctx) -> list[Sheet]:
    d = ctx.demand.copy()
    basis = ctx.opgave_basis.set_index(["gemeentecode", "groep", "woningtype"])["basis"]
    d["basis_opgave"] = [basis.get((c, g, w), "") if m == "opgave" else ""
                         for c, g, w, m in zip(d["gemeentecode"], d["groep"], d["woningtype"], d["maat"])]
    d.insert(1, "gemeentenaam", d["gemeentecode"].map(ctx.names))
    vraag = Sheet("Vraag", d, {
        "gemeentecode": ("Gemeentecode", "text"), "gemeentenaam": ("Gemeente", "text"), "groep": ("Groep", "text"),
        "jaar": ("Jaar", "year"), "variant": ("Variant", "text"), "soort": ("Stand/stroom", "text"),
        "eenheid": ("Eenheid", "text"), "maat": ("Maat (vraag/aanbod/opgave)", "text"),
        "woningtype": ("Woningtype", "text"), "waarde": ("Waarde (in de eenheid)", "count"),
        "basis_opgave": ("Opgave netto of bruto", "text")},
        note="Kolommen als 'woonzorg demand' (CONTRACTS). Stand: 1 januari van 'jaar'; stroom: in kalenderjaar 'jaar'. "
             "Opgave: cumulatief vanaf 1 januari van het basisjaar; bruto waar het aanbod onbekend is.")
    nw = ctx.need_wide("woningen")
    cols = {"gemeentecode": ("Gemeentecode", "text"), "gemeentenaam": ("Gemeente", "text")}
    for t in nw.attrs["types"]:
        cols[t] = (f"{ctx.woningtype_label(t)} (woningen)", "count")
    cols["totaal"] = ("Totaal (woningen)", "count")
    cols["per_1000"] = (f"Per 1.000 inwoners ({ctx.base_year})", "dec1")
    woon = Sheet("Woonbehoefte", nw, cols,
                 note=f"Opgave in woningen {ctx.periode}, variant {ctx.p.variant}, per gemeente en woonvorm. "
                      "Bruto waar het aanbod onbekend is (zie blad Vraag).")
    t = ctx.sensitivity.copy()
    tornado = Sheet("Gevoeligheid", t, {
        "eenheid": ("Eenheid", "text"), "parameter": ("Parameter", "text"),
        "opgave_laag": ("Opgave bij lage waarde", "dec1"), "opgave_midden": ("Opgave midden", "dec1"),
        "opgave_hoog": ("Opgave bij hoge waarde", "dec1"), "bereik": ("Bereik", "dec1")},
        note=f"Opgave van de regio tot {ctx.p.horizon} met één parameter aan de onder- of bovenkant van zijn "
             "bandbreedte (overige parameters midden).", suppress=False)
    return [vraag, woon, tornado]


def _allocation_sheets(ctx) -> list[Sheet]:
    a = ctx.allocation.copy()
    a.insert(1, "gemeentenaam", a["gemeentecode"].map(ctx.names))
    alloc = Sheet("Verdeling", a, {
        "gemeentecode": ("Gemeentecode", "text"), "gemeentenaam": ("Gemeente", "text"), "groep": ("Groep", "text"),
        "woningtype": ("Woningtype", "text"), "periode": ("Periode", "text"), "sleutel": ("Sleutel", "text"),
        "aandeel": ("Aandeel (%)", "pct"), "toewijzing": ("Toewijzing (hele eenheden)", "count"),
        "huidige_inspanning": ("Huidige inspanning (%)", "pct"), "verschil": ("Verschil (procentpunt)", "pp")},
        note="Kolommen als 'woonzorg allocate' (CONTRACTS); per groep, woningtype, periode en sleutel tellen de "
             "toewijzingen op tot de regionale taak.")
    ab = ctx.allocation_by_gemeente()
    summ = Sheet("Verdeling_gemeenten", ab, {
        "gemeentecode": ("Gemeentecode", "text"), "gemeentenaam": ("Gemeente", "text"),
        "toewijzing": ("Toewijzing woningen (mix)", "count"), "aandeel": ("Aandeel (%)", "pct"),
        "huidige_inspanning": ("Huidige inspanning (%)", "pct"), "verschil": ("Verschil (procentpunt)", "pp"),
        "per_jaar": ("Toewijzing per jaar (woningen)", "dec1"),
        "verhuurcapaciteit": ("Verhuurcapaciteit (woningen per jaar)", "dec1"),
        "druk": ("Druk (toewijzing ÷ capaciteit)", "dec2")},
        note="Alle taken in woningen samen, standaardsleutel (mix).")
    return [alloc, summ]


def _parameter_sheet(ctx) -> Sheet:
    t = ctx.parameter_table()
    return Sheet("Parameters", t, {
        "parameter": ("Parameter", "text"), "waarde": ("Midden", "num"), "laag": ("Laag", "num"),
        "hoog": ("Hoog", "num"), "eenheid": ("Eenheid", "text"), "richting": ("Richting", "text"),
        "aanname_tekst": ("Aanname?", "text"), "bron": ("Bron", "text"), "datum": ("Peildatum", "text"),
        "toelichting": ("Toelichting", "text")},
        note="config/parameters.yaml" + (f" met scenario {ctx.scenario_name}" if ctx.scenario_name else ""),
        suppress=False, widths={"parameter": 44, "bron": 60, "toelichting": 80})


def _backtest_sheet(ctx) -> Sheet:
    b = ctx.backtest_table()
    return Sheet("Terugtoets", b, {
        "run": ("Peiljaar → doeljaar", "text"), "horizon": ("Jaren vooruit", "int"), "groep": ("Leeftijd", "text"),
        "n": ("Gemeenten", "int"), "model": ("woonzorg (gem. afwijking %)", "pct"),
        "laatste": ("Laatste cijfer (%)", "pct"), "lineair": ("Rechte lijn (%)", "pct"),
        "geometrisch": ("Vast groeipercentage (%)", "pct"), "bias": ("Richting woonzorg (%)", "pct"),
        "p90": ("90e percentiel afwijking (%)", "pct")}, suppress=False)


def sheets_for(ctx) -> list[Sheet]:
    sheets = [_meta_sheet(ctx)]
    g = ctx.gemeenten_overview
    sheets.append(Sheet("Gemeenten", g, {
        "gemeentecode": ("Gemeentecode", "text"), "gemeentenaam": ("Gemeente", "text"),
        "subregio": ("Subregio", "text"), "centrumgemeente_bw_mo": ("Centrumgemeente BW/MO", "text"),
        "inwoners_eerder": (f"Inwoners 1-1-{g.attrs['eerder']} (personen)", "int"),
        "inwoners_basis": (f"Inwoners 1-1-{g.attrs['basisjaar']} (personen)", "int"),
        "groei": (f"Groei {g.attrs['eerder']}-{g.attrs['basisjaar']} (%)", "pct"),
        "inwoners_laatst": (f"Inwoners 1-1-{g.attrs['laatst']} (personen)", "int")}, suppress=False))
    h = ctx.population_history
    sheets.append(Sheet("Bevolking_waargenomen", h, {
        "gemeentecode": ("Gemeentecode", "text"), "jaar": ("Jaar (1 januari)", "year"),
        "waarde": ("Inwoners (personen)", "int"), "bron": ("CBS-tabel", "text")}, suppress=False))
    sheets += _demography_sheets(ctx)
    sheets.append(_backtest_sheet(ctx))
    sheets += _demand_sheets(ctx)
    sheets += _allocation_sheets(ctx)
    sheets.append(_parameter_sheet(ctx))
    for extra in getattr(ctx, "extra_sheets", lambda: [])():
        sheets.append(extra)
    sheets.append(_sources_sheet(ctx))
    return sheets
