"""Which CBS tables the pipeline uses and what to select from each (:func:`specs`).

Every dimension name and measure key below was read from the real table (docs/cbs_odata.md, section
"Verification per table", says from which public source; the headers are kept in
tests/fixtures/cbs/dump_excerpts/). The building blocks are in ``selectors``, the reply → raw file
conversion in ``builders``.
"""

from __future__ import annotations

from .builders import (BIRTH_VARS, build_aandachtsgroepen, build_births, build_deaths, build_households_71486,
                       build_households_71488, build_households_86063, build_housing, build_lifetable,
                       build_maatstaven, build_population, build_prognosis)
from .odata import band_label
from .selectors import (BANDS_5Y, BANDS_DEATHS, SEXES, FetchError, Measure, SchemaChanged, TableSpec, ages,
                        all_categories, resolve_measures, single_ages, title_patterns, total)

__all__ = ["FetchError", "SchemaChanged", "TableSpec", "resolve_measures", "specs", "population_spec", "GROUPS",
           "FILE_KEYS", "FILE_TITLES", "FALLBACK", "BANDS_5Y", "BIRTH_VARS"]


# 03747 has only the dimensions RegioS and Perioden: sex × age are measure columns, in three blocks of a total
# and 21 age classes (both sexes _9.._30, men _31.._52, women _53.._74; header of the real TypedDataSet)
AGE_STEMS_03747 = ["k_0Jaar", "k_1Tot5Jaar"] + [f"k_{lo}Tot{lo + 5}Jaar" for lo in range(5, 95, 5)] + ["k_95JaarOfOuder"]
DEATH_BLOCKS_03747 = (("totaal", "TotaalMannenEnVrouwen_9"), ("man", "TotaalOverledenMannen_31"),
                      ("vrouw", "TotaalOverledenVrouwen_53"))

# 37201: births by sex of the child (titled "Levend geboren jongens"/"… meisjes") and age of the mother
BIRTH_KEYS = [("levend_geborenen", "TotaalLevendGeborenKinderen_1"), ("jongens", "LevendGeborenJongens_3"),
              ("meisjes", "LevendGeborenMeisjes_4"), ("gemiddeld_kindertal_per_vrouw", "GemiddeldKindertalPerVrouw_7"),
              ("moeder_jonger_dan_20", "JongerDan20Jaar_9"), ("moeder_20_24", "k_20Tot25Jaar_10"),
              ("moeder_25_29", "k_25Tot30Jaar_11"), ("moeder_30_34", "k_30Tot35Jaar_12"),
              ("moeder_35_39", "k_35Tot40Jaar_13"), ("moeder_40_44", "k_40Tot45Jaar_14"),
              ("moeder_45_plus", "k_45JaarOfOuder_15")]


def deaths_measures() -> tuple[Measure, ...]:
    """03747's measure columns as ``overledenen|<geslacht>|<leeftijd>`` (leeftijd 'totaal', '0', '1-4' … '95+')."""
    out = []
    for sex, total_key in DEATH_BLOCKS_03747:
        first = int(total_key.rsplit("_", 1)[1]) + 1
        out.append(Measure(f"overledenen|{sex}|totaal", key=total_key))
        for i, (stem, band) in enumerate(zip(AGE_STEMS_03747, BANDS_DEATHS)):
            out.append(Measure(f"overledenen|{sex}|{band_label(*band)}", key=f"{stem}_{first + i}"))
    return tuple(out)


FALLBACK = {"03759ned": "85644NED"}   # unreliable over the old API since 2023; 85644NED has the same figures


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
        TableSpec("sterfte", "03747", "Overledenen; geslacht, leeftijd, burgerlijke staat, regio", {},
                  deaths_measures(), build_deaths, national=True, files=("deaths_by_age_sex.csv",),
                  notes=("geslacht en leeftijd zijn kolommen (onderwerpen) van 03747, geen dimensies",)),
        TableSpec("geboorten", "37201", "Geboorte; kerncijfers, regio", {},
                  tuple(Measure(var, key=key) for var, key in BIRTH_KEYS), build_births, national=True,
                  files=("births_by_mother_age.csv",)),
        TableSpec("levenstafel", "37360ned", "Levensverwachting; geslacht, leeftijd (per jaar en periode van vijf jaren)",
                  {"Geslacht": total(("T001038",)), "LeeftijdOp31December": single_ages()},
                  (Measure("qx", key="Sterftekans_1"), Measure("lx", key="LevendenTafelbevolking_2"),
                   Measure("dx", key="OverledenenTafelbevolking_3"), Measure("ex", key="Levensverwachting_4")),
                  build_lifetable, region_dim=None, gemeenten=False, files=("national_life_table.csv",)),
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
