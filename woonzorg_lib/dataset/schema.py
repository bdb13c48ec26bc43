"""Schemas of the processed tables: columns, dtypes, keys, checks, and their documentation."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str  # "str", "int", "float", "bool"
    doc: str
    nullable: bool = False
    nonneg: bool = False


@dataclass(frozen=True)
class Table:
    name: str
    doc: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    sources: tuple[str, ...]
    code_column: str | None = "gemeentecode"
    code_prefixes: tuple[str, ...] = ("GM", "NL")
    year_column: str | None = "jaar"
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


C = Column
# the 16 PC4 tables (1998-2013) in data/raw/cbs, as obtained
PC4_FILES = tuple(f"cbs/{t}.csv.gz" for t in (
    "37602ned", "37339ned", "37724ned", "37680", "70005ned", "70654ned", "70819ned", "71012ned", "71273ned",
    "71491ned", "71899ned", "80280ned", "80667ned", "81310ned", "81922NED", "82245NED"))
GM = C("gemeentecode", "str", "CBS gemeentecode (GM0000, indeling 2024) of NL01 voor Nederland")
JAAR = C("jaar", "int", "jaar; bij standen: peildatum 1 januari van dit jaar")
BRON = C("bron", "str", "CBS-tabel(len) waar de waarde vandaan komt")

TABLES: dict[str, Table] = {}


def _add(t: Table) -> None:
    TABLES[t.name] = t


_add(Table(
    "gemeenten", "Alle Nederlandse gemeenten (indeling 2024) met regio-indelingen en inwoners 1-1-2024/2025.",
    (C("gemeentecode", "str", "CBS gemeentecode"), C("gemeentenaam", "str", "naam"),
     C("provincie", "str", "provincie"), C("corop", "str", "COROP-gebied"),
     C("centrumgemeente_bw_mo", "str", "centrumgemeente beschermd wonen / maatschappelijke opvang (2024)", nullable=True),
     C("inwoners_2024", "int", "inwoners 1-1-2024 (85755NED)", nonneg=True),
     C("inwoners_2025", "int", "inwoners 1-1-2025 (86059NED)", nonneg=True),
     C("in_snapshot", "bool", "gemeente heeft bevolkingsreeksen in data/raw")),
    ("gemeentecode",), ("gemeenten_nl_2024_2025.csv", "cbs/85644NED.csv.gz"), code_prefixes=("GM",), year_column=None))

_add(Table(
    "bevolking_totaal", "Totale bevolking op 1 januari per gemeente (en Nederland).",
    (GM, JAAR, C("waarde", "int", "personen", nonneg=True), BRON,
     C("kwaliteit", "str", "exact (CBS-publicatie)")),
    ("gemeentecode", "jaar"), (*PC4_FILES, "cbs/85644NED.csv.gz", "gemeenten_nl_2024_2025.csv"),
    notes=("Alle 342 gemeenten op de indeling 2024 (zie herindelingen). 1998-2013: officiële gemeentetotalen van "
           "de PC4-tabellen; 2014-2024: 85644NED; 2025: 86059NED (Gebieden in Nederland 2025). NL01 = CBS-totaal.",)))

_add(Table(
    "bevolking_5j", "Bevolking naar 5-jaarsleeftijdsklasse en geslacht op 1 januari (alleen waar de data het heeft).",
    (GM, JAAR, C("geslacht", "str", "totaal / man / vrouw"),
     C("leeftijd_van", "int", "ondergrens klasse (inclusief)", nonneg=True),
     C("leeftijd_tot", "float", "bovengrens klasse (inclusief); leeg = open klasse 95+", nullable=True),
     C("waarde", "float", "personen", nonneg=True),
     C("kwaliteit", "str", "exact | benadering (2021: PC4-som, afgerond op 5)"),
     C("schaalfactor", "float", "officieel totaal / som van de klassen (2021), anders 1"),
     BRON),
    ("gemeentecode", "jaar", "geslacht", "leeftijd_van"), (*PC4_FILES,
                                                          "pc4_2021/inwoners_per_postcode_leeftijd.csv.gz"),
    notes=("Exacte klassen 1998-2013 (op de indeling 2024 gebracht); 2021 is een benadering (PC4-som). Na 2013 schat de demografiemodule de klassen "
           "(gemarkeerd als 'geschat'); opgehaalde exacte klassen (woonzorg data fetch) vervangen die schatting.",)))

_add(Table(
    "bevolking_marges", "Bekende leeftijdsmarges (brede groepen) per gemeente op 1 januari: randtotalen voor het schatten "
    "van de 5-jaarsklassen na 2013.",
    (GM, JAAR, C("geslacht", "str", "totaal / man / vrouw"),
     C("leeftijd_van", "int", "ondergrens (inclusief)", nonneg=True),
     C("leeftijd_tot", "float", "bovengrens (inclusief); leeg = open", nullable=True),
     C("waarde", "float", "personen", nonneg=True), BRON,
     C("afgeleid", "bool", "waarde afgeleid uit andere gepubliceerde waarden (bijv. 65+ = totaal − 0-64)"),
     C("status", "str", "definitief | voorlopig | kwb")),
    ("gemeentecode", "jaar", "geslacht", "leeftijd_van", "leeftijd_tot", "bron"),
    ("cbs/60039fvw.csv.gz", "cbs/85383NED.csv.gz", "kwb/kwb-2019.csv", "kwb/kwb_2024_gemeenten_wijken.json"),
    notes=("Verschillende indelingen per jaar (2007-2017: 0-19/20-64/65-74/75-84/85+ naar geslacht, 60039fvw voorlopig, "
           "332 gemeenten (dump afgekapt na 'Zevenaar'); 2019: KWB, alle gemeenten, mannen/vrouwen als leeftijd_van 0 en open leeftijd_tot; "
           "2023-2024: 85383NED definitief, zonder geslacht; 2024: KWB mannen/vrouwen). Rijen 'totaal' x 'totaal' "
           "zijn niet opgenomen: zie bevolking_totaal.",)))

_add(Table(
    "huishoudens", "Huishoudens en personen in instellingen (lang formaat).",
    (GM, JAAR, C("peildatum", "str", "peildatum zoals gepubliceerd"), C("variabele", "str", "naam van de variabele"),
     C("waarde", "float", "aantal", nonneg=True), BRON),
    ("gemeentecode", "jaar", "variabele"), ("households_institutions.csv", "cbs/86063NED.csv.gz"),
    notes=("71486ned/71488ned alleen voor 22 van de 47 gemeenten; particuliere_huishoudens_31dec (86063NED) "
           "compleet 2015-2022 voor alle 342 gemeenten.",)))

_add(Table(
    "woningvoorraad", "Woningvoorraad naar eigendom, nieuwbouw en sloop (lang formaat).",
    (GM, JAAR, C("peildatum", "str", "peildatum"), C("variabele", "str", "variabele"),
     C("waarde", "float", "aantal woningen (mutaties: CBS afgerond op 5)", nonneg=False), BRON),
    ("gemeentecode", "jaar", "variabele"), ("housing_stock.csv", "cbs/82900NED.csv.gz", "cbs/84903NED.csv.gz",
                                            "cbs/86054NED.csv.gz"),
    notes=("82900NED (eigendom, 2012-2024) en 84903NED/86054NED (mutaties 2012-2023) voor alle 342 gemeenten; "
           "overige variabelen uit het referentie-extract (47 gemeenten). saldo_voorraad kan negatief zijn; alle andere variabelen zijn ≥ 0 (gecontroleerd).",)))

_add(Table(
    "groepen", "Aandachtsgroepen en maatstaven per gemeente (lang formaat).",
    (GM, JAAR, C("peildatum", "str", "peildatum"), C("variabele", "str", "variabele"),
     C("waarde", "float", "aantal", nonneg=True), C("eenheid", "str", "eenheid"), BRON),
    ("gemeentecode", "jaar", "peildatum", "variabele"), ("groups.csv",)))

_add(Table(
    "wmo_wlz", "Wmo-cliënten met Wlz-gebruik (proxy voor Wlz-instroom), 18+ en naar leeftijd.",
    (GM, JAAR, C("variabele", "str", "variabele"), C("persoonskenmerk", "str", "leeftijdsgroep of inkomensklasse"),
     C("waarde", "float", "personen (CBS afgerond op 5); leeg = geheim of niet geleverd", nullable=True, nonneg=True), BRON),
    ("gemeentecode", "jaar", "variabele", "persoonskenmerk"), ("wmo_wlz_gebruik_2017_2023.csv",)))

_add(Table(
    "wmo_uitgaven", "Wmo-uitgaven, incl. verblijf en opvang (beschermd wonen + maatschappelijke opvang).",
    (GM, JAAR, C("variabele", "str", "variabele"),
     C("waarde", "float", "x 1.000 euro (vermoedelijk)", nullable=True), BRON),
    ("gemeentecode", "jaar", "variabele"), ("wmo_uitgaven_verblijf_opvang_2017_2023.csv",)))

_add(Table(
    "zorgwoonruimten", "Zorgwoonruimten naar type (alleen COROP/provincie/Nederland).",
    (C("regiocode", "str", "CBS regiocode (NL01, CR.., PV..)"), C("regionaam", "str", "naam"), JAAR,
     C("type_zorgwoonruimte", "str", "type"), C("waarde", "float", "zorgwoonruimten", nonneg=True), BRON),
    ("regiocode", "jaar", "type_zorgwoonruimte"), ("zorgwoonruimten_regional.csv",), code_column="regiocode",
    code_prefixes=("NL", "CR", "PV")))

_add(Table(
    "levenstafel", "Overlevingstafel Nederland, mannen en vrouwen samen, per leeftijd (0-93).",
    (JAAR, C("leeftijd", "int", "leeftijd in jaren", nonneg=True), C("qx", "float", "sterftekans", nonneg=True),
     C("lx", "float", "levenden tafelbevolking", nonneg=True), C("dx", "float", "overledenen tafelbevolking", nonneg=True),
     C("ex", "float", "levensverwachting", nonneg=True), BRON),
    ("jaar", "leeftijd"), ("national_life_table.csv",), code_column=None))

_add(Table(
    "sterfte", "Overledenen naar leeftijdsklasse en geslacht: Nederland en 11 gemeenten.",
    (GM, JAAR, C("geslacht", "str", "totaal / man / vrouw"),
     C("leeftijd_van", "int", "ondergrens", nonneg=True, nullable=True),
     C("leeftijd_tot", "float", "bovengrens; leeg = open", nullable=True),
     C("waarde", "float", "overledenen", nonneg=True), BRON),
    ("gemeentecode", "jaar", "geslacht", "leeftijd_van"), ("deaths_by_age_sex.csv",),
    notes=("leeftijd_van leeg = totaal over alle leeftijden.",)))

_add(Table(
    "geboorten", "Levendgeborenen, naar leeftijd moeder, en gemiddeld kindertal: Nederland en 11 gemeenten.",
    (GM, JAAR, C("variabele", "str", "variabele"), C("waarde", "float", "aantal of kindertal", nonneg=True), BRON),
    ("gemeentecode", "jaar", "variabele"), ("births_by_mother_age.csv",)))

_add(Table(
    "centroiden", "Centroïde, punt-op-oppervlak en oppervlakte per gemeente (kaarten).",
    (C("gemeentecode", "str", "gemeentecode"), C("gemeentenaam", "str", "naam"),
     C("centroid_lat", "float", "WGS84"), C("centroid_lon", "float", "WGS84"),
     C("area_km2", "float", "oppervlakte km² (uit vereenvoudigde geometrie)", nonneg=True)),
    ("gemeentecode",), ("boundaries_2023/gemeenten_2023_v1.geojson.gz",), code_prefixes=("GM",), year_column=None))

_add(Table(
    "herindelingen", "Elke gemeentelijke herindeling die de harmonisatie naar de indeling 2024 afhandelt: per gemeente "
    "van een bronjaar (die geen ongewijzigde gemeente van 2024 is) de opvolger(s) in 2024 en het aandeel.",
    (C("oude_code", "str", "CBS-gemeentecode in het bronjaar"), C("oude_naam", "str", "naam in het bronjaar"),
     JAAR, C("gemeentecode", "str", "opvolger (indeling 2024)"),
     C("aandeel", "float", "deel van de oude gemeente dat naar de opvolger gaat (1 = geheel)", nonneg=True),
     C("methode", "str", "geheel (samenvoeging: officieel totaal) | pc4-verdeling (splitsing: naar PC4-rijen)"),
     BRON),
    ("oude_code", "jaar", "gemeentecode"), (*PC4_FILES, "pc4_2021/postcodes.csv.gz"),
    code_column="gemeentecode", code_prefixes=("GM",),
    notes=("Alleen jaren met PC4-tabel (1998-2013); herindelingen 2014-2024 staan in de regio's van 85644NED en "
           "volgen dezelfde kaart (zie docs/data_quality.md).",)))

_add(Table(
    "prognose_pbl", "Officiële PBL/CBS regionale bevolkingsprognose (totalen, met 67%-interval), alleen na "
    "`woonzorg data fetch` (85173NED); leeg in de meegeleverde snapshot.",
    (GM, JAAR, C("interval", "str", "prognose | ondergrens_67 | bovengrens_67"),
     C("waarde", "int", "personen", nonneg=True), BRON),
    ("gemeentecode", "jaar", "interval"), ("fetched/85173NED (na ophalen)",),
    code_prefixes=("GM", "NL"), year_column="jaar"))
