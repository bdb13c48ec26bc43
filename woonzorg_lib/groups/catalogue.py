"""The catalogue of the 14 aandachtsgroepen: what each group is, in which unit it is counted, how
its need is estimated, from which sources, with which parameters and for which woningtype(s).

Codes, units (``eenheid``), ``soort`` and ``woningtype`` values are the fixed lists of
``CONTRACTS.md``; never rename them. The plain-language version of this file is
``docs/aandachtsgroepen.md``. The default figures themselves live in ``config/parameters.yaml``
(one entry per parameter with source, date and range); this module only names them.

Centrumgemeente rule (beschermd wonen, maatschappelijke opvang, vrouwenopvang). Some services are
organised by a centrumgemeente that may lie outside the region being analysed (Midden-Limburg's
centrumgemeente for BW/MO is Venlo, CE0983). woonzorg attributes the *demand* of these groups to
the gemeente of residence: a national or regional rate is applied to each gemeente's own
population, so every gemeente gets its pro-rata share whether or not the service sits inside it.
The *supply side* (opvang- and BW-places) lies with the centrumgemeente and is not counted as
supply of the region; the need for a home after the stay is counted where the person comes from
and will live. There is therefore no ``aanbod`` row for these groups, and their opgave is bruto.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

# ---- CONTRACTS value lists (fixed) -------------------------------------------------------------
EENHEDEN: tuple[str, ...] = ("personen", "huishoudens", "woningen", "plaatsen", "standplaatsen",
                             "bedden", "eenheden")
SOORTEN: tuple[str, ...] = ("stand", "stroom")
WONINGTYPEN: tuple[str, ...] = ("nultreden", "geclusterd", "zorggeschikt", "intramuraal",
                                "zelfstandig_begeleid", "sociale_huur", "standplaats",
                                "studenteneenheid", "flex")
MATEN: tuple[str, ...] = ("vraag", "aanbod", "opgave")
VARIANTEN: tuple[str, ...] = ("laag", "midden", "hoog")
GESLACHTEN: tuple[str, ...] = ("totaal", "man", "vrouw")
# woonzorg's own list of estimation methods.
METHODEN: tuple[str, ...] = ("prevalence", "flow", "policy", "trend", "local")

#: The demand table columns of CONTRACTS ``woonzorg demand``; also the sort order of the keys.
DEMAND_COLUMNS: tuple[str, ...] = ("gemeentecode", "groep", "jaar", "variant", "soort", "eenheid",
                                   "maat", "woningtype", "waarde")
DEMAND_KEYS: tuple[str, ...] = ("gemeentecode", "groep", "jaar", "variant", "soort", "eenheid",
                                "maat", "woningtype")

#: The four largest cities (G4). CBS homelessness is far more concentrated there (rates.md §4),
#: so ``mo_dakloos`` uses a separate G4 rate for these codes.
G4_GEMEENTEN: frozenset[str] = frozenset({"GM0363", "GM0599", "GM0518", "GM0344"})

CENTRUMGEMEENTE_REGEL = (
    "Vraag naar woonplaats: het landelijke of regionale kental wordt op de eigen bevolking van elke "
    "gemeente toegepast (pro rata), ook als de centrumgemeente (beschermd wonen / maatschappelijke "
    "opvang / vrouwenopvang) buiten de regio ligt, zoals Venlo voor Midden-Limburg. Het aanbod aan "
    "opvang- en BW-plaatsen ligt bij de centrumgemeente en telt niet als aanbod van de regio; de "
    "woonvraag na uitstroom telt in de gemeente waar de persoon vandaan komt en gaat wonen. De opgave "
    "is daarom bruto."
)


@dataclass(frozen=True)
class Group:
    """One aandachtsgroep.

    ``woningtypen`` maps each woningtype the group needs to the eenheid its rows carry (ouderen:
    woningen for nultreden/geclusterd/zorggeschikt, plaatsen for intramuraal). ``parameters`` are
    the parameter names of this group in ``config/parameters.yaml`` (key ``<code>.<name>``).
    """

    code: str
    naam: str
    definitie: str
    soort: str
    methode: str
    woningtypen: Mapping[str, str]
    parameters: tuple[str, ...]
    bronnen: tuple[str, ...]
    toelichting: str = ""
    centrumgemeente: str | None = None
    invoer: tuple[str, ...] = field(default=())

    @property
    def eenheid(self) -> str:
        """The group's main unit: the eenheid of its first woningtype."""
        return next(iter(self.woningtypen.values()))

    def eenheid_voor(self, woningtype: str) -> str:
        return self.woningtypen[woningtype]


def _g(**kw) -> Group:
    kw["woningtypen"] = MappingProxyType(dict(kw["woningtypen"]))
    return Group(**kw)


_GROUPS: tuple[Group, ...] = (
    _g(code="ouderen", naam="Ouderen met zorgvraag",
       definitie=("Huishoudens met een 65-plusser met een lichamelijke beperking die een nultredenwoning, "
                  "een geclusterde woning of een zorggeschikte woning nodig hebben, en 65-plussers met "
                  "Wlz verpleging en verzorging met verblijf (intramurale plaats)."),
       soort="stand", methode="prevalence",
       woningtypen={"nultreden": "woningen", "geclusterd": "woningen", "zorggeschikt": "woningen",
                    "intramuraal": "plaatsen"},
       parameters=("intramuraal_per_1000_65_74", "intramuraal_per_1000_75_84", "intramuraal_per_1000_85_plus",
                   "beperkt_aandeel_65_74", "beperkt_aandeel_75_plus", "huishoudens_per_beperkte_persoon",
                   "geschikt_aandeel", "aandeel_nultreden", "aandeel_geclusterd", "aandeel_zorggeschikt"),
       bronnen=("Programma Wonen en zorg voor ouderen, kst-29389-112 (290.000 woningen: 170k nultreden, "
                "80k geclusterd, 40k zorggeschikt)",
                "ABF Monitor Ouderenhuisvesting 2020 (≈10% van de huishoudens met een beperking woont ongeschikt)",
                "Monitor Langdurige Zorg / CBS: Wlz-VV met verblijf 2015-2019 (121.700 in 2017)",
                "CBS 85383NED (65-74, 75+ per gemeente), 37360ned (levenstafel)",
                "CBS 85150NED Zorgwoonruimten (aanbod intramuraal, COROP)"),
       toelichting=("Twee methoden (keuze: --methode ouderen=behoefte|rijksopgave). behoefte (standaard): "
                    "huishoudens 65-74/75+ met een beperking × verdeling over woningtypen; geschatte geschikte "
                    "voorraad = 90% daarvan (lokale telling vervangt); opgave = tekort + groei. rijksopgave: "
                    "290.000 verdeeld naar de groei van het aantal 75-plussers tot 2031. Intramuraal: personen "
                    "in zorg per 1000 naar leeftijd, geijkt op het landelijke Wlz-gebruik; aanbod alleen per "
                    "COROP bekend en daar vergeleken (apart bestand), niet per gemeente."),
       invoer=("projection", "ouderen_sleutel (rijksopgave)", "lokale cijfers (optioneel)")),
    _g(code="beperking", naam="Mensen met een verstandelijke, lichamelijke of zintuiglijke beperking",
       definitie=("Volwassenen (18+) met een Wlz-indicatie gehandicaptenzorg (VG/LG/ZG) die met "
                  "verblijf wonen, meestal in een kleinschalige woonvorm van 6–12 plaatsen."),
       soort="stand", methode="prevalence",
       woningtypen={"intramuraal": "plaatsen"},
       parameters=("ghz_verblijf_per_1000_18_plus",),
       bronnen=("CBS 71568ned (AWBZ gehandicaptenzorg met verblijf naar leeftijd, 31-12-2009)",
                "staatvenz.nl, gebruik bijdrageplichtige Wlz-zorg 2019 (kruiscontrole)"),
       toelichting=("Plaatsen per 1000 inwoners van 18+ × bevolkingsprognose. Het aanbod is "
                    "gedeeld met ouderen-intramuraal (CBS zorgwoonruimten omvatten alle sectoren)."),
       invoer=("projection", "aanbod (optioneel)")),
    _g(code="ggz_bw", naam="Uitstroom beschermd wonen (GGZ)",
       definitie=("Cliënten van beschermd wonen (Wmo, GGZ-problematiek) die per jaar uitstromen naar "
                  "een zelfstandige woning, vaak met begeleiding."),
       soort="stroom", methode="flow",
       woningtypen={"zelfstandig_begeleid": "woningen"},
       parameters=("bw_per_1000_inwoners", "uitstroom_aandeel_per_jaar", "personen_per_woning"),
       bronnen=("CBS 86050NED Wmo-cliënten (verblijf en opvang ≈1,4 per 1000 inwoners, 2024)",
                "CBS maatwerk cliënten beschermd wonen per centrumgemeente (2024)"),
       toelichting="BW-bestand per 1000 inwoners × uitstroomaandeel per jaar ÷ personen per woning.",
       centrumgemeente=CENTRUMGEMEENTE_REGEL, invoer=("projection",)),
    _g(code="mo_dakloos", naam="Dak- en thuisloze mensen (maatschappelijke opvang)",
       definitie=("Dakloze mensen van 18 tot en met 64 jaar (CBS-definitie: slapen buiten, in de "
                  "opvang of onvrijwillig bij anderen) die een eigen woonruimte nodig hebben om uit "
                  "de opvang te stromen (Housing First / begeleid zelfstandig)."),
       soort="stroom", methode="flow",
       woningtypen={"zelfstandig_begeleid": "woningen"},
       parameters=("woningen_per_1000_inwoners", "woningen_per_1000_inwoners_g4"),
       bronnen=("CBS dakloosheidsschatting 1-1-2024 (33.000 personen 18–64, ≈39% in de G4)",
                "CBS Monitor Dakloosheid 2023 (opvanggebruik per 1000 inwoners)",
                "Traverse jaarbeeld 2019 (141 vertrekkers uit de opvang, 24 naar een woning)"),
       toelichting=("Woningen per 1000 inwoners per jaar: 40–60% van de opvanggebruikers heeft binnen "
                    "het jaar een eigen eenheid nodig; G4 apart. Centrumgemeenten buiten de G4 krijgen "
                    "het gewone kental (vraag naar woonplaats)."),
       centrumgemeente=CENTRUMGEMEENTE_REGEL, invoer=("projection",)),
    _g(code="jeugdzorg", naam="Jongeren uit jeugdzorg met verblijf",
       definitie=("Jongeren die bij 18 jaar de jeugdhulp met verblijf (groep, gezinshuis, pleegzorg, "
                  "begeleid wonen) verlaten en een eigen (vaak kleine of gedeelde) eenheid nodig hebben."),
       soort="stroom", methode="flow",
       woningtypen={"zelfstandig_begeleid": "eenheden"},
       parameters=("uitstroom_18_per_100000_inwoners", "aandeel_eigen_eenheid",
                   "personen_per_eenheid"),
       bronnen=("Trouw / Zembla: ≈3.300 uit huis geplaatste jongeren worden per jaar 18",
                "NJi, jeugdhulp met verblijf 2019"),
       toelichting="Uitstromers bij 18 per 100.000 inwoners × aandeel met eigen eenheid.",
       invoer=("projection",)),
    _g(code="huiselijk_geweld", naam="Slachtoffers van huiselijk geweld (vrouwenopvang)",
       definitie=("Volwassen slachtoffers (met kinderen) die na verblijf in de vrouwenopvang een nieuwe "
                  "woning nodig hebben, meestal een gezinswoning in de sociale huur."),
       soort="stroom", methode="flow",
       woningtypen={"sociale_huur": "woningen"},
       parameters=("uitstroom_per_100000_inwoners", "aandeel_nieuwe_woning"),
       bronnen=("Metro / Valente 2025: 1.024 opvangplaatsen, gemiddeld 259 dagen vervolgopvang",
                "Istanbul-norm 1 plaats per 10.000 inwoners"),
       toelichting="Residentiële uitstroom per 100.000 inwoners × aandeel dat een nieuwe woning nodig heeft.",
       centrumgemeente=CENTRUMGEMEENTE_REGEL, invoer=("projection",)),
    _g(code="ex_gedetineerden", naam="Ex-gedetineerden",
       definitie=("Mensen die uit detentie komen (DJI-nazorgkandidaten) en geen woning hebben om naar "
                  "terug te keren."),
       soort="stroom", methode="flow",
       woningtypen={"sociale_huur": "woningen"},
       parameters=("uitstroom_per_1000_inwoners", "aandeel_woningbehoefte", "personen_per_woning"),
       bronnen=("DJI via dagblad070: 20.391 uitstromers in 2020",
                "Universiteit Leiden 2020: 1 op 3 ex-gedetineerden krijgt te maken met dakloosheid"),
       toelichting="Uitstromers per 1000 inwoners × aandeel zonder woning ÷ personen per woning.",
       invoer=("projection",)),
    _g(code="statushouders", naam="Statushouders (vergunninghouders)",
       definitie=("Vergunninghouders die een gemeente volgens de halfjaarlijkse taakstelling van het "
                  "Rijk (BZK/COA) moet huisvesten."),
       soort="stroom", methode="policy",
       woningtypen={"sociale_huur": "woningen"},
       parameters=("taakstelling_per_halfjaar", "personen_per_woning"),
       bronnen=("BZK-circulaire taakstelling huisvesting vergunninghouders (pro rata inwoners)",
                "gemeente.nu: H1-2025 17.700 → 15.000; H2-2025 13.000",
                "CBS: 2023 ≈8% van vrijgekomen corporatiewoningen naar statushouders, twee derde alleenstaand"),
       toelichting=("Landelijke taakstelling per halfjaar × 2 × (inwoners gemeente / inwoners NL), "
                    "omgerekend naar woningen met personen per woning. Afronding op hele personen "
                    "(grootste overschot) gebeurt bij de verdeling, niet hier."),
       invoer=("projection", "nl_inwoners")),
    _g(code="arbeidsmigranten", naam="Arbeidsmigranten",
       definitie=("Arbeidsmigranten (vooral uit de EU) die in de gemeente werken en tijdelijk of "
                  "middellang wonen; de eenheid is een bed/woonplek, geen woning."),
       soort="stand", methode="prevalence",
       woningtypen={"flex": "bedden"},
       parameters=("per_1000_inwoners_agrarisch_logistiek", "per_1000_inwoners_gemengd",
                   "per_1000_inwoners_stedelijk", "groei_per_jaar", "tekort_aandeel"),
       bronnen=("Adviesraad Migratie 2023 (schattingen 220k–800k)",
                "NH Nieuws: Limburg ≈64.200 werkend (2018)",
                "versnellingwoningbouw.nl: provincie Utrecht, groei 3,6–4,6% per jaar"),
       toelichting=("Arbeidsmigranten per 1000 inwoners (naar regiotype uit config/regionale_waarden.csv) × "
                    "inwoners basisjaar × groei per jaar; één bed per arbeidsmigrant. Aanbod geschat: "
                    "vraag(2024) × (1 − 19% zonder passende woonplek, Expertisecentrum Flexwonen)."),
       invoer=("projection", "arbeidsmigranten_regiotype (optioneel)")),
    _g(code="studenten", naam="Studenten",
       definitie=("Uitwonende studenten (hbo/wo, voltijd) die een studenteneenheid (kamer of studio) "
                  "nodig hebben."),
       soort="stand", methode="trend",
       woningtypen={"studenteneenheid": "eenheden"},
       parameters=("studenten_per_eenheid", "tekort_aandeel"),
       bronnen=("CBS 60039fvw / 85383NED uitwonende studenten (gemeentefonds) 2017–2024",
                "CBS 85980NED Aandachtsgroepen volkshuisvesting (Apeldoorn: 1,19 student per woonruimte)",
                "Kences Landelijke Monitor Studentenhuisvesting"),
       toelichting=("Vraag: lineaire trend (OLS op jaar) van het eigen aantal uitwonende studenten, vanaf de "
                    "laatste waarneming. Aanbod geschat: vraag(2024) × (1 − landelijk tekortaandeel, LMS "
                    "2023: 23.700 = 5,8%); opgave(2024) = het tekort, daarna + groei."),
       invoer=("studenten_historie",)),
    _g(code="woonwagenbewoners", naam="Woonwagenbewoners",
       definitie=("Huishoudens die in een woonwagen willen wonen (wachtlijst, vooral kinderen van bewoners die "
                  "een eigen huishouden vormen); eenheid is de standplaats."),
       soort="stand", methode="prevalence",
       woningtypen={"standplaats": "standplaatsen"},
       parameters=("standplaatsen_per_1000_woningen", "nieuwe_vraag_aandeel_per_jaar", "wachtlijst_aandeel"),
       bronnen=("hetwiel.info: standplaatsen per provincie 1-1-2018",
                "Platform31: tekort ≈3.000 (2009); vraag vooral van kinderen van bewoners"),
       toelichting=("Aanbod: voorraad standplaatsen (lokaal bekend, anders geschat per 1000 woningen). Vraag = "
                    "voorraad × (1 + wachtlijstaandeel + nieuwe vraag per jaar × jaren sinds 2024): opgave(2024) "
                    "= de wachtlijst (inhaalvraag)."),
       invoer=("projection", "woningvoorraad", "lokale cijfers (optioneel)")),
    _g(code="urgenten", naam="Sociaal en medisch urgenten",
       definitie=("Huishoudens met een urgentieverklaring (sociaal of medisch) die met voorrang een "
                  "sociale huurwoning nodig hebben, exclusief de mantelzorgurgenties (zie mantelzorg)."),
       soort="stroom", methode="flow",
       woningtypen={"sociale_huur": "woningen"},
       parameters=("urgentieverklaringen_per_1000_huishoudens",),
       bronnen=("Urgentiecommissie Stedendriehoek jaarverslag 2018 (202 toekenningen)",),
       toelichting=("Urgentieverklaringen per 1000 huishoudens per jaar × (1 − aandeel mantelzorg); "
                    "één woning per urgent huishouden."),
       invoer=("projection", "huishoudens")),
    _g(code="mantelzorg", naam="Mantelzorgers en mantelzorgontvangers",
       definitie=("Huishoudens die voor het geven of ontvangen van mantelzorg met voorrang moeten "
                  "verhuizen (mantelzorgurgentie), plus mantelzorgwoningen op het erf."),
       soort="stroom", methode="flow",
       woningtypen={"sociale_huur": "woningen", "flex": "woningen"},
       parameters=("aandeel_urgenties", "mantelzorgwoningen_per_1000_huishoudens"),
       bronnen=("Geen landelijke reeks (gap); NH Nieuws: ≥42 gemeenten staan pré-mantelzorgwoningen toe",),
       toelichting=("Sociale huur: aandeel mantelzorg × urgentieverklaringen (deze tellen niet ook bij "
                    "urgenten). Flex: mantelzorgwoningen (erf) per 1000 huishoudens per jaar."),
       invoer=("projection", "huishoudens", "landelijke_gemeenten (optioneel)")),
    _g(code="intramuraal_overig", naam="Uitstroom uit overige intramurale zorg",
       definitie=("Mensen die uit klinische GGZ of andere Wlz-/zorginstellingen (niet beschermd wonen) "
                  "uitstromen naar een zelfstandige woning met begeleiding."),
       soort="stroom", methode="flow",
       woningtypen={"zelfstandig_begeleid": "woningen"},
       parameters=("uitstroom_woningen_per_1000_inwoners",),
       bronnen=("Gap: geen landelijke uitstroomcijfers; Prewonen Venlo 'Pact van Uitstroom' 27 van 578 "
                "toewijzingen (2023) als ijkpunt",),
       toelichting="Woningen per 1000 inwoners per jaar (aanname).",
       invoer=("projection",)),
)

CATALOGUE: Mapping[str, Group] = MappingProxyType({g.code: g for g in _GROUPS})
GROUP_CODES: tuple[str, ...] = tuple(CATALOGUE)

#: Who keeps a person counted in two groups: earlier in this list = higher priority. The most
#: specific care or support need keeps the person; generic housing urgency comes last.
#: Overridable in ``config/parameters.yaml`` (``overlap_prioriteit``).
OVERLAP_PRIORITEIT: tuple[str, ...] = (
    "ouderen", "beperking", "ggz_bw", "mo_dakloos", "huiselijk_geweld", "jeugdzorg",
    "ex_gedetineerden", "intramuraal_overig", "statushouders", "studenten", "arbeidsmigranten",
    "woonwagenbewoners", "urgenten", "mantelzorg",
)

#: Non-group sections of the parameter file and their parameter names.
EXTRA_SECTIONS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "overlap": ("ex_gedetineerden_in_mo_dakloos", "jeugdzorg_in_mo_dakloos",
                "intramuraal_overig_in_ggz_bw", "mantelzorg_in_ouderen"),
    "verhuur": ("mutatiegraad", "aandeel_aandachtsgroepen"),
    "algemeen": ("onderdrukkingsdrempel", "trend_interval", "mc_trekkingen", "mc_seed"),
})

#: Regiotypes for arbeidsmigranten (rates.md §9) → parameter name.
ARBEIDSMIGRANTEN_REGIOTYPEN: Mapping[str, str] = MappingProxyType({
    "agrarisch_logistiek": "per_1000_inwoners_agrarisch_logistiek",
    "gemengd": "per_1000_inwoners_gemengd",
    "stedelijk": "per_1000_inwoners_stedelijk",
})
ARBEIDSMIGRANTEN_STANDAARD_REGIOTYPE = "gemengd"


def get_group(code: str) -> Group:
    """The group with this code; a clear error naming the closest code otherwise."""
    try:
        return CATALOGUE[code]
    except KeyError:
        import difflib
        close = difflib.get_close_matches(code, GROUP_CODES, n=1)
        hint = f" Bedoelt u '{close[0]}'?" if close else ""
        raise KeyError(f"onbekende groep '{code}'.{hint}") from None


def all_parameter_keys() -> tuple[str, ...]:
    """Every parameter key (``section.name``) the parameter file must contain, in catalogue order."""
    keys = [f"{g.code}.{p}" for g in _GROUPS for p in g.parameters]
    keys += [f"{s}.{p}" for s, names in EXTRA_SECTIONS.items() for p in names]
    return tuple(keys)


def catalogue_table():
    """The catalogue as a DataFrame (one row per group × woningtype), for reports and docs."""
    import pandas as pd
    rows = []
    for g in _GROUPS:
        for wt, eenheid in g.woningtypen.items():
            rows.append({"groep": g.code, "naam": g.naam, "soort": g.soort, "methode": g.methode,
                         "woningtype": wt, "eenheid": eenheid,
                         "parameters": ", ".join(g.parameters),
                         "bronnen": "; ".join(g.bronnen),
                         "centrumgemeente_regel": g.centrumgemeente or ""})
    return pd.DataFrame(rows)
