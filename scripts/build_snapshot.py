"""Build the embedded snapshot data/raw/ from the reference extracts in ../shared/data.

Run once by a maintainer (``python scripts/build_snapshot.py [SHARED_DATA_DIR]``); the result is
committed. At run time nothing reads ../shared: the project runs from data/raw alone. Files are
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
    "population_totals.csv": dict(
        titel="Bevolking op 1 januari, totaal, per gemeente 2014-2025",
        cbs_tabellen=[("85644NED", "Bevolking; geslacht, leeftijd, nationaliteit en regio, 1 januari"),
                      ("86059NED", "Gebieden in Nederland 2025")],
        peildata=["2014-01-01 t/m 2024-01-01 (85644NED)", "2025-01-01 (86059NED)"]),
    "population_5y.csv": dict(
        titel="Bevolking naar 5-jaarsleeftijdsklasse en geslacht per gemeente (2007-2013 exact; 2021 benadering)",
        cbs_tabellen=[("71491ned", "Bevolking per viercijferige postcode op 1 januari 2007"),
                      ("71899ned", "idem 2008"), ("80280ned", "idem 2009"), ("80667ned", "idem 2010"),
                      ("81310ned", "idem 2011"), ("81922NED", "idem 2012"), ("82245NED", "idem 2013"),
                      ("83502NED", "Bevolking per viercijferige postcode, leeftijd en geslacht, 1 januari 2021")],
        peildata=["2007-01-01 t/m 2013-01-01 (exact)", "2021-01-01 (benadering via PC4, CBS afgerond op 5)"],
        opmerking="2021: PC4-sommen per gemeente (certegis postcodes.rda); schaalfactor naar het officiële totaal in 'opmerking'."),
    "population_age_groups.csv": dict(
        titel="Bevolking naar brede leeftijdsgroep (en geslacht waar beschikbaar) per gemeente 2007-2024",
        cbs_tabellen=[("60039fvw", "Maatstaven gemeentefonds (Financiële-verhoudingswet), Voorlopig"),
                      ("84583NED", "Kerncijfers wijken en buurten 2019"),
                      ("85383NED", "Maatstaven gemeentefonds; diverse indicatoren, Definitief"),
                      ("85984NED", "Kerncijfers wijken en buurten 2024")],
        peildata=["1 januari van 'jaar'"],
        opmerking="Afgeleide rijen (65+, 65-74) staan gemarkeerd in 'opmerking'. Zevenaar 2011-2017 ontbreekt (dump afgekapt)."),
    "population_broad_age_all_gemeenten_2023_2024.csv": dict(
        titel="Bevolking naar brede leeftijdsgroep (zonder geslacht), (bijna) alle gemeenten, 1 januari 2023 en 2024",
        cbs_tabellen=[("85383NED", "Maatstaven gemeentefonds; diverse indicatoren, Definitief")],
        peildata=["2023-01-01", "2024-01-01"],
        opmerking="0-14, 15-17, 45-64, 65-74, 65+ afgeleid (kolom 'afgeleid'); volledige partitie 0-14/15-17/18-44/45-64/65-74/75+."),
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
    "municipality_centroids.csv": dict(
        titel="Centroïden en oppervlakte van de 47 gemeenten",
        cbs_tabellen=[("CBS gebiedsindelingen", "Wijk- en buurtkaart / gebiedsindelingen 2022 v1 (gegeneraliseerd)")],
        peildata=["2022 (geen grenswijzigingen 2022-2025 voor deze gemeenten)"]),
    "municipalities.geojson": dict(
        titel="Vereenvoudigde gemeentegrenzen (WGS84) van de 47 gemeenten, voor kaarten",
        cbs_tabellen=[("CBS gebiedsindelingen", "Gebiedsindelingen 2022 v1, gegeneraliseerde gemeentevlakken")],
        peildata=["2022"],
        opmerking="Douglas-Peucker 100 m; niet topologisch exact: alleen voor kaarten."),
}


def main(src: Path) -> None:
    raw = ROOT / "data" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
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
