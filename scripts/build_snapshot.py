"""Build the embedded snapshot data/raw/ from ../shared/sources (CBS files as obtained) and, for what
those lack, the reference extracts in ../shared/data.

Run once by a maintainer (``python scripts/build_snapshot.py [SHARED_DIR]``); the result is
committed. CBS files from ../shared/sources are copied as obtained (gzip as they are) into
data/raw/cbs, pc4_2021, kwb and boundaries_2023; the project's own code (woonzorg_lib/dataset/
national.py, harmonise.py) turns them into the tidy tables. At run time nothing reads ../shared: the project runs from data/raw alone. Files are
copied byte for byte (no figure is changed) and each gets a provenance sidecar ``X.meta.yml``.
The CBS downloader (``woonzorg data fetch``) writes the same sidecars for fetched tables.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from woonzorg_lib import provenance  # noqa: E402

OBTAINED = (
    "Overgenomen (byte voor byte) uit de woonzorg-referentie-extracten (shared/data), "
    "die zijn samengesteld uit gepubliceerde CBS StatLine-cijfers, teruggevonden in openbare "
    "GitHub-repositories met gecachte CBS-downloads (hoofdbron: dertje/cbs_datasets, commit "
    "388b47d2e085d621c290a4d8950942744b0bc0bf, een ;-gescheiden dump van CBS OData v3 TypedDataSets, "
    "max. 10.000 rijen per tabel). Zie docs/provenance_reference_extracts.md voor de controle per bestand."
)
LICENCE = "CC BY 4.0 (CBS open data)"
ATTRIBUTION = "Bron: CBS (Centraal Bureau voor de Statistiek), StatLine; bewerking woonzorg"

FILES: dict[str, dict] = {
    "regions.csv": dict(
        titel="Regio-indeling van de 47 snapshot-gemeenten (regio, subregio, centrumgemeente, inwoners)",
        cbs_tabellen=[("85755NED", "Gebieden in Nederland 2024"), ("86059NED", "Gebieden in Nederland 2025")],
        peildata=["2024-01-01", "2025-01-01"],
        opmerking="Subregio's: jeugdzorgregio (Midden-Limburg), centrumgemeente BW/MO (Twente, U16); "
                  "Regio Amersfoort/Foodvalley volgt de gebruikelijke woningmarktsamenwerking (geen CBS-indeling)."),
    "gemeenten_nl_2024_2025.csv": dict(
        titel="Alle 342 Nederlandse gemeenten (indeling 2024) met provincie, COROP, zorgregio's en inwoners",
        cbs_tabellen=[("85755NED", "Gebieden in Nederland 2024"), ("86059NED", "Gebieden in Nederland 2025")],
        peildata=["2024-01-01", "2025-01-01"],
        opmerking="Som inwoners 2024 = 17.942.942 (CBS-totaal Nederland 1-1-2024)."),
    "population_age_groups.csv": dict(
        titel="Bevolking naar brede leeftijdsgroep (en geslacht waar beschikbaar) per gemeente 2007-2024",
        cbs_tabellen=[("60039fvw", "Maatstaven gemeentefonds (Financiële-verhoudingswet), Voorlopig"),
                      ("84583NED", "Kerncijfers wijken en buurten 2019"),
                      ("85383NED", "Maatstaven gemeentefonds; diverse indicatoren, Definitief"),
                      ("85984NED", "Kerncijfers wijken en buurten 2024")],
        peildata=["1 januari van 'jaar'"],
        opmerking="Afgeleide rijen (65+, 65-74) staan gemarkeerd in 'opmerking'. Zevenaar 2011-2017 ontbreekt (dump afgekapt)."),
    "households_institutions.csv": dict(
        titel="Particuliere huishoudens, huishoudtypen en personen in instellingen per gemeente 2000-2024",
        cbs_tabellen=[("71486ned", "Huishoudens; samenstelling, grootte, regio, 1 januari"),
                      ("71488ned", "Huishoudens; personen naar geslacht, leeftijd en regio, 1 januari"),
                      ("86063NED", "Particuliere huishoudens naar samenstelling en regio, 31 december"),
                      ("60039fvw", "Maatstaven gemeentefonds"), ("85383NED", "Maatstaven gemeentefonds; diverse indicatoren"),
                      ("84590NED", "Maatstaven gemeentefonds 2019"), ("84860NED", "idem 2020"),
                      ("85052NED", "idem 2021"), ("85309NED", "idem 2022"), ("85984NED", "Kerncijfers wijken en buurten 2024")],
        peildata=["1 januari (71486ned/71488ned)", "31 december 2015-2022 (86063NED)", "uitkeringsjaar (maatstaven)"],
        opmerking="71486ned/71488ned alleen voor gemeenten alfabetisch t/m 'Moerdijk' (dump afgekapt); gemeentelijke indeling van het jaar zelf."),
    "housing_stock.csv": dict(
        titel="Woningvoorraad naar eigendom (incl. woningcorporatie), nieuwbouw en sloop per gemeente 2006-2024",
        cbs_tabellen=[("82900NED", "Voorraad woningen; eigendom, type verhuurder, bewoning, regio"),
                      ("71446ned", "Voorraad woningen; eigendom, regio (2006-2011)"),
                      ("84903NED", "Voorraad woningen; standen en mutaties (2012-2019)"),
                      ("86054NED", "Voorraad woningen; standen en mutaties (2020-2023)"),
                      ("60039fvw", "Maatstaven gemeentefonds"), ("85383NED", "Maatstaven gemeentefonds; diverse indicatoren"),
                      ("85984NED", "Kerncijfers wijken en buurten 2024")],
        peildata=["1 januari (voorraad)", "kalenderjaar (mutaties; CBS rondt af op 5)"],
        opmerking="Nultredenwoningen niet gevonden."),
    "groups.csv": dict(
        titel="Aandachtsgroepen en maatstaven: studenten, adreslozen, Wmo-cliënten, AWBZ-indicaties, uitkeringen",
        cbs_tabellen=[("85980NED", "Aandachtsgroepen volkshuisvesting (alleen voltijdstudenten)"),
                      ("60039fvw", "Maatstaven gemeentefonds"), ("85383NED", "Maatstaven gemeentefonds; diverse indicatoren"),
                      ("86050NED", "Wmo-cliënten; type maatwerkvoorziening, regio"),
                      ("81450NED", "AWBZ-zorg; indicaties/gebruik zorgzwaartepakketten, regio"),
                      ("84990NED", "Dakloze personen; schatting (landelijk)")],
        peildata=["per variabele: 'peildatum' (maatstaven: uitkeringsjaar)"],
        opmerking="Peildata verschillen per maatstaf; zie kolommen peildatum en opmerking."),
    "wmo_wlz_gebruik_2017_2023.csv": dict(
        titel="Wmo-cliënten en Wlz-gebruik; persoonskenmerken, regio (proxy voor Wlz-instroom)",
        cbs_tabellen=[("84579NED", "Wmo-cliënten en Wlz-gebruik 2017"), ("84599NED", "idem 2018"),
                      ("84812NED", "idem 2019"), ("85038NED", "idem 2020"), ("85310NED", "idem 2021"),
                      ("85594NED", "idem 2022"), ("85985NED", "idem 2023")],
        peildata=["kalenderjaar 2017-2023 (Wmo: jaar ervoor)"],
        opmerking="Betekenis van variabelen afgeleid uit kolomnamen; GEEN aantal Wlz-indicaties. CBS rondt af op 5."),
    "wmo_uitgaven_verblijf_opvang_2017_2023.csv": dict(
        titel="Wmo-uitgaven incl. beschermd wonen en maatschappelijke opvang (centrumgemeenten)",
        cbs_tabellen=[("84580NED", "Wmo maatwerkvoorzieningen; begrote en gerealiseerde uitgaven, regio")],
        peildata=["kalenderjaar 2017-2023"],
        opmerking="Eenheid vermoedelijk x 1.000 euro (niet uit metadata geverifieerd)."),
    "zorgwoonruimten_regional.csv": dict(
        titel="Zorgwoonruimten naar type, COROP/provincie/Nederland 2017-2024",
        cbs_tabellen=[("85150NED", "Zorgwoonruimten; type zorgwoonruimte, regio")],
        peildata=["2017-2024"],
        opmerking="Alleen tot COROP-niveau; niet per gemeente."),
    "national_life_table.csv": dict(
        titel="Overlevingstafel Nederland, beide geslachten, leeftijd 0-93, 2010-2023",
        cbs_tabellen=[("37360ned", "Levensverwachting; geslacht, leeftijd (per jaar en periode van vijf jaren)")],
        peildata=["kalenderjaar 2010-2023"],
        opmerking="Alleen 'Totaal mannen en vrouwen' (geslachtssplitsing buiten de dump)."),
    "deaths_by_age_sex.csv": dict(
        titel="Overledenen naar leeftijd en geslacht: Nederland en 11 gemeenten, 2010-2023",
        cbs_tabellen=[("03747", "Overledenen; geslacht, leeftijd, burgerlijke staat, regio")],
        peildata=["kalenderjaar 2010-2023"]),
    "births_by_mother_age.csv": dict(
        titel="Levendgeborenen naar geslacht en leeftijd moeder, gemiddeld kindertal: Nederland en 11 gemeenten",
        cbs_tabellen=[("37201", "Geboorte; kerncijfers, regio")],
        peildata=["kalenderjaar 2010-2023"]),
}


DERTJE = ("github.com/dertje/cbs_datasets", "388b47d2e085d621c290a4d8950942744b0bc0bf",
          "output_files/all_datasets/{table}.csv")
PC4_TITLE = "Bevolking per viercijferige postcode op 1 januari {year}"
SOURCES: dict[str, dict] = {
    **{f"cbs/{t}.csv.gz": dict(repo=DERTJE, table=t, titel=PC4_TITLE.format(year=y), peildata=[f"{y}-01-01"],
                               opmerking="PC4-rijen en 'Totaal <gemeente>'-rijen, indeling van dat jaar; volledig.")
       for t, y in {"37602ned": 1998, "37339ned": 1999, "37724ned": 2000, "37680": 2001, "70005ned": 2002,
                    "70654ned": 2003, "70819ned": 2004, "71012ned": 2005, "71273ned": 2006, "71491ned": 2007,
                    "71899ned": 2008, "80280ned": 2009, "80667ned": 2010, "81310ned": 2011, "81922NED": 2012,
                    "82245NED": 2013}.items()},
    "cbs/85644NED.csv.gz": dict(repo=DERTJE, table="85644NED",
                                titel="Bevolking; geslacht, leeftijd, nationaliteit en regio, 1 januari",
                                peildata=["2014-01-01 t/m 2024-01-01"],
                                opmerking="Dump afgekapt op 10.000 rijen: alleen het eerste blok (alle leeftijden), "
                                          "483 regio's incl. alle 342 gemeenten van 2024."),
    "cbs/60039fvw.csv.gz": dict(repo=DERTJE, table="60039fvw",
                                titel="Maatstaven gemeentefonds (Financiële-verhoudingswet), Voorlopig",
                                peildata=["1 januari 2007-2017 (bevolking naar brede leeftijd en geslacht)"],
                                opmerking="Dump afgekapt op 10.000 rijen: gemeenten die alfabetisch na 'Zevenaar' "
                                          "komen ontbreken (332 van de 342 gemeenten van 2024 compleet)."),
    "cbs/85383NED.csv.gz": dict(repo=DERTJE, table="85383NED",
                                titel="Maatstaven gemeentefonds; diverse indicatoren",
                                peildata=["2023-01-01, 2024-01-01 (Definitief)"], opmerking="Volledig (342 gemeenten)."),
    "cbs/82900NED.csv.gz": dict(repo=DERTJE, table="82900NED",
                                titel="Voorraad woningen; eigendom, type verhuurder, bewoning, regio",
                                peildata=["1 januari 2012-2024"], opmerking="Blok StatusVanBewoning=Totaal volledig."),
    "cbs/84903NED.csv.gz": dict(repo=DERTJE, table="84903NED", titel="Voorraad woningen; standen en mutaties, regio",
                                peildata=["kalenderjaar 2012-2022"], opmerking="Volledig; CBS rondt af op 5."),
    "cbs/86054NED.csv.gz": dict(repo=DERTJE, table="86054NED", titel="Voorraad woningen; standen en mutaties, regio",
                                peildata=["kalenderjaar 2020-2023"], opmerking="Volledig; CBS rondt af op 5."),
    "cbs/86063NED.csv.gz": dict(repo=DERTJE, table="86063NED",
                                titel="Particuliere huishoudens; samenstelling, soort woonruimte, regio, 31 december",
                                peildata=["31 december 2015-2022"], opmerking="Blok 'Totaal' volledig."),
    "pc4_2021/postcodes.csv.gz": dict(
        repo=("github.com/certe-medical-epidemiology/certegis", "53de1e113b5516811ff12c68ad33a5c3c51826e3",
              "data/postcodes.rda"), table="83502NED",
        titel="Bevolking per viercijferige postcode, 1 januari 2021 (PC4 -> gemeente, indeling 2021)",
        peildata=["2021-01-01"], opmerking="Omgezet van .rda naar CSV zonder wijziging; CBS rondt af op 5."),
    "pc4_2021/inwoners_per_postcode_leeftijd.csv.gz": dict(
        repo=("github.com/certe-medical-epidemiology/certegis", "53de1e113b5516811ff12c68ad33a5c3c51826e3",
              "data/inwoners_per_postcode_leeftijd.rda"), table="83502NED",
        titel="Bevolking per viercijferige postcode, leeftijd (5 jaar) en geslacht, 1 januari 2021",
        peildata=["2021-01-01"], opmerking="Omgezet van .rda naar CSV zonder wijziging; CBS rondt af op 5."),
    "boundaries_2023/gemeenten_2023_v1.geojson.gz": dict(
        repo=("github.com/elan-dcc/ELANDashboard-RShiny", "f81d1a05", "data/"), table="wijk- en buurtkaart 2023",
        titel="Gemeentegrenzen 2023 (v1), WGS84 (342 gemeenten + water; codes = indeling 2024)",
        peildata=["2023"], opmerking="Alleen voor kaarten en centroïden."),
    "kwb/kwb-2019.csv": dict(
        repo=("github.com/ujjwalx/dsa2022", "6e65c95", "kwb-2019.csv"), table="84583NED",
        titel="Kerncijfers wijken en buurten 2019, gemeenterijen", peildata=["2019-01-01"],
        opmerking="355 gemeenten (indeling 2019); som = Nederland 1-1-2019."),
    "kwb/kwb_2024_gemeenten_wijken.json": dict(
        repo=("github.com/niquedegraaff/Wikipedia-Generator-CBS-Kerncijfers-Wijken-en-Buurten",
              "5598198273babd9816e156b4eeb43626f351a17f", "2024/cbs_data/stripped_filtered_data_2024.json"),
        table="85984NED", titel="Kerncijfers wijken en buurten 2024 (8 variabelen), gemeenten en wijken",
        peildata=["2024-01-01 (bevolking)"], opmerking="342 gemeenten + 3.393 wijken."),
}


def copy_sources(src: Path, raw: Path) -> None:
    """Copy the CBS files as obtained from ../shared/sources with a provenance sidecar each."""
    sub = {"cbs/": "cbs_statline_dump/"}
    for name, info in SOURCES.items():
        rel = name
        for a, b in sub.items():
            rel = rel.replace(a, b, 1) if rel.startswith(a) else rel
        s, d = src / rel, raw / name
        d.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(s, d)
        repo, commit, path = info["repo"]
        meta = {
            "bestand": name, "titel": info["titel"], "bron": "CBS StatLine",
            "cbs_tabellen": [{"id": info["table"], "titel": info["titel"]}],
            "peildata": info["peildata"], "licentie": LICENCE, "attributie": ATTRIBUTION,
            "verkregen": (f"Zoals verkregen (alleen gzip waar het zo werd gevonden) uit ../shared/sources/{rel}: "
                          f"kopie uit {repo} (commit {commit}), pad {path.format(table=info['table'])}. "
                          "Geen cijfer gewijzigd; de tidy tabellen maakt woonzorg_lib/dataset/national.py."),
            "repository": repo, "commit": commit, "pad": path.format(table=info["table"]),
            "opmerking": info.get("opmerking", ""),
            "sha256": provenance.sha256_of(d), "bytes": d.stat().st_size,
        }
        provenance.dump_sidecar(d, meta)
        print(f"{name}: {meta['bytes']} bytes, sha256 {meta['sha256'][:12]}")


def main(src: Path) -> None:
    raw = ROOT / "data" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    copy_sources(src.parent / "sources", raw)
    for name, info in FILES.items():
        s = src / name
        d = raw / name
        shutil.copyfile(s, d)
        meta = {
            "bestand": name,
            "titel": info["titel"],
            "bron": "CBS StatLine",
            "cbs_tabellen": [{"id": t, "titel": ti} for t, ti in info["cbs_tabellen"]],
            "peildata": info["peildata"],
            "licentie": LICENCE,
            "attributie": ATTRIBUTION,
            "verkregen": OBTAINED,
            "opmerking": info.get("opmerking", ""),
            "sha256": provenance.sha256_of(d),
            "bytes": d.stat().st_size,
        }
        provenance.dump_sidecar(d, meta)
        print(f"{name}: {meta['bytes']} bytes, sha256 {meta['sha256'][:12]}")
    shutil.copyfile(src / "PROVENANCE.md", ROOT / "docs" / "provenance_reference_extracts.md")
    shutil.copyfile(src / "CBS_ODATA.md", ROOT / "docs" / "cbs_odata.md")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data")
