"""The Dutch term list: every code the model uses → the words a reader sees.

One place for the labels of groepen, woningtypes, maat, eenheid, soort, sleutel and its indicators,
richting, variant, methode and parameter names. The report and the workbook take every label from
here; codes (``sociale_huur``, ``meer_is_minder``, ``ouderen.intramuraal_per_1000_75_84``) appear
only in the workbook's code columns.

:func:`label` looks a code up in one of the lists; an unknown code never reaches a reader as
snake_case: :func:`humanize` turns it into words (``per_1000`` → "per 1.000", ``75_84`` →
"75–84 jaar", ``_`` → space). :func:`parameter` labels a parameter key ``groep.naam``.
"""

from __future__ import annotations

import re

# -- groepen (woonzorg_lib.groups catalogue codes) -------------------------------------------------
GROEP = {
    "ouderen": "Ouderen met zorgvraag",
    "beperking": "Mensen met een beperking",
    "ggz_bw": "Uitstroom beschermd wonen (ggz)",
    "mo_dakloos": "Dak- en thuisloze mensen",
    "jeugdzorg": "Jongeren uit jeugdzorg",
    "huiselijk_geweld": "Slachtoffers van huiselijk geweld",
    "ex_gedetineerden": "Ex-gedetineerden",
    "statushouders": "Statushouders",
    "arbeidsmigranten": "Arbeidsmigranten",
    "studenten": "Studenten",
    "woonwagenbewoners": "Woonwagenbewoners",
    "urgenten": "Sociaal en medisch urgenten",
    "mantelzorg": "Mantelzorgers en hun naasten",
    "intramuraal_overig": "Uitstroom overige intramurale zorg",
}
GROEP_KORT = {
    "ouderen": "Ouderen", "beperking": "Beperking", "ggz_bw": "Beschermd wonen", "mo_dakloos": "Dak- en thuislozen",
    "jeugdzorg": "Jeugdzorg", "huiselijk_geweld": "Huiselijk geweld", "ex_gedetineerden": "Ex-gedetineerden",
    "statushouders": "Statushouders", "arbeidsmigranten": "Arbeidsmigranten", "studenten": "Studenten",
    "woonwagenbewoners": "Woonwagenbewoners", "urgenten": "Urgenten", "mantelzorg": "Mantelzorg",
    "intramuraal_overig": "Overig intramuraal",
}

# -- woningtypes ----------------------------------------------------------------------------------
WONINGTYPE = {
    "nultreden": "nultredenwoning", "geclusterd": "geclusterde woning", "zorggeschikt": "zorggeschikte woning",
    "intramuraal": "intramurale plaats", "zelfstandig_begeleid": "zelfstandig met begeleiding",
    "sociale_huur": "sociale huurwoning", "standplaats": "standplaats", "studenteneenheid": "studenteneenheid",
    "flex": "flexwoning", "regulier": "reguliere woning", "onzelfstandig": "onzelfstandige eenheid",
}
WONINGTYPE_MEERVOUD = {
    "nultreden": "nultredenwoningen", "geclusterd": "geclusterde woningen", "zorggeschikt": "zorggeschikte woningen",
    "intramuraal": "intramurale plaatsen", "zelfstandig_begeleid": "woningen met begeleiding",
    "sociale_huur": "sociale huurwoningen", "standplaats": "standplaatsen", "studenteneenheid": "studenteneenheden",
    "flex": "flexwoningen", "regulier": "reguliere woningen", "onzelfstandig": "onzelfstandige eenheden",
}

# -- the columns of the demand table (CONTRACTS) ----------------------------------------------------
MAAT = {"vraag": "vraag", "aanbod": "aanbod", "opgave": "opgave", "tekort": "tekort", "verhuringen": "verhuringen"}
SOORT = {"stand": "stand (op 1 januari)", "stroom": "stroom (per jaar)"}
EENHEID = {
    "woningen": "woningen", "plaatsen": "plaatsen", "bedden": "bedden", "eenheden": "eenheden",
    "standplaatsen": "standplaatsen", "personen": "personen", "huishoudens": "huishoudens",
    "woningen_per_jaar": "woningen per jaar", "verhuringen_per_jaar": "verhuringen per jaar",
}
VARIANT = {"laag": "laag", "midden": "midden", "hoog": "hoog"}
BASIS = {"netto": "netto (aanbod afgetrokken)", "bruto": "bruto (aanbod onbekend)"}
GESLACHT = {"man": "mannen", "vrouw": "vrouwen", "totaal": "totaal"}
STATUS = {"concept": "concept", "definitief": "definitief"}

# -- verdeling ------------------------------------------------------------------------------------
SLEUTEL = {"inwoners": "naar inwoners", "sociale_huur": "naar sociale huurvoorraad", "vraag": "naar eigen vraag",
           "mix": "gemengde sleutel (standaard)", "woningvoorraad": "naar woningvoorraad",
           "verhuurcapaciteit": "naar verhuurcapaciteit", "afstand_30pct_norm": "naar afstand tot 30%-norm",
           "huidige_inspanning": "naar huidige inspanning"}
INDICATOR = {"inwoners": "inwoners", "woningvoorraad": "woningvoorraad", "sociale_huur": "sociale huurvoorraad",
             "vraag": "eigen vraag", "afstand_30pct_norm": "afstand tot de norm van 30% sociale huur",
             "verhuurcapaciteit": "verhuurcapaciteit (vrijkomende sociale huurwoningen per jaar)",
             "huidige_inspanning": "huidige inspanning (aandeel in huisvesting aandachtsgroepen)"}
RICHTING = {"meer_is_meer": "hoger cijfer, groter aandeel", "meer_is_minder": "hoger cijfer, kleiner aandeel"}
PARAMETER_RICHTING = {"meer_is_meer": "hogere waarde, meer behoefte", "meer_is_minder": "hogere waarde, minder behoefte"}

# -- methods --------------------------------------------------------------------------------------
METHODE = {"prevalence": "kental × bevolking", "flow": "instroom per jaar", "policy": "taakstelling",
           "trend": "trend", "local": "lokale cijfers", "behoefte": "behoeftemethode"}

# -- units of parameters (config/parameters.yaml ``eenheid``) ---------------------------------------
PARAMETER_EENHEID = {
    "per_1000_leeftijdsgroep": "per 1.000 inwoners van de leeftijdsgroep", "per_1000_inwoners": "per 1.000 inwoners",
    "per_100000_inwoners": "per 100.000 inwoners", "per_1000_huishoudens": "per 1.000 huishoudens",
    "per_1000_woningen": "per 1.000 woningen", "aandeel": "aandeel", "aandeel_per_jaar": "aandeel per jaar",
    "groei_per_jaar": "groei per jaar", "personen_per_woning": "personen per woning",
    "personen_per_eenheid": "personen per eenheid", "personen": "personen", "aantal": "aantal",
}

# -- run parameters ---------------------------------------------------------------------------------
RUNPARAMETER = {"region": "regio", "variant": "variant", "until": "horizonjaar", "horizon": "horizonjaar", "as_of": "peiljaar",
                "threshold": "afschermdrempel", "scenario": "scenario", "rundatum": "rapportdatum", "run_date": "rapportdatum",
                "rundatum": "rundatum", "status": "status", "until": "horizonjaar", "peiljaar": "peiljaar",
                "basisjaar": "basisjaar", "tot_jaar": "horizonjaar"}

# -- parameter names (config/parameters.yaml, ``groep.naam``) ---------------------------------------
PARAMETER_GROEP = {**GROEP_KORT, "algemeen": "Algemeen", "overlap": "Overlap tussen groepen", "verhuur": "Verhuur"}
PARAMETER = {
    "algemeen.onderdrukkingsdrempel": "afschermdrempel voor kleine aantallen",
    "algemeen.trend_interval": "betrouwbaarheid van de trendband",
    "arbeidsmigranten.groei_per_jaar": "groei per jaar",
    "arbeidsmigranten.per_1000_inwoners_agrarisch_logistiek": "per 1.000 inwoners, agrarische en logistieke gemeente",
    "arbeidsmigranten.per_1000_inwoners_gemengd": "per 1.000 inwoners, gemengde gemeente",
    "arbeidsmigranten.per_1000_inwoners_stedelijk": "per 1.000 inwoners, stedelijke gemeente",
    "beperking.ghz_verblijf_per_1000_18_plus": "gehandicaptenzorg met verblijf per 1.000 inwoners van 18 jaar en ouder",
    "ex_gedetineerden.aandeel_woningbehoefte": "aandeel met woningbehoefte",
    "ex_gedetineerden.personen_per_woning": "personen per woning",
    "ex_gedetineerden.uitstroom_per_1000_inwoners": "uitstroom per 1.000 inwoners",
    "ggz_bw.bw_per_1000_inwoners": "cliënten beschermd wonen per 1.000 inwoners",
    "ggz_bw.personen_per_woning": "personen per woning",
    "ggz_bw.uitstroom_aandeel_per_jaar": "aandeel dat per jaar uitstroomt",
    "huiselijk_geweld.aandeel_nieuwe_woning": "aandeel dat een nieuwe woning nodig heeft",
    "huiselijk_geweld.uitstroom_per_100000_inwoners": "uitstroom per 100.000 inwoners",
    "intramuraal_overig.uitstroom_woningen_per_1000_inwoners": "uitstroom in woningen per 1.000 inwoners",
    "jeugdzorg.aandeel_eigen_eenheid": "aandeel met een eigen wooneenheid",
    "jeugdzorg.personen_per_eenheid": "personen per eenheid",
    "jeugdzorg.uitstroom_18_per_100000_inwoners": "uitstroom op 18 jaar per 100.000 inwoners",
    "mantelzorg.aandeel_urgenties": "aandeel van de urgentieverklaringen",
    "mantelzorg.mantelzorgwoningen_per_1000_huishoudens": "mantelzorgwoningen per 1.000 huishoudens",
    "mo_dakloos.woningen_per_1000_inwoners": "woningen per 1.000 inwoners",
    "mo_dakloos.woningen_per_1000_inwoners_g4": "woningen per 1.000 inwoners, vier grote steden",
    "ouderen.geclusterd_per_1000_75_plus": "geclusterde woningen per 1.000 inwoners van 75 jaar en ouder",
    "ouderen.intramuraal_per_1000_65_74": "intramurale plaatsen per 1.000 inwoners van 65–74 jaar",
    "ouderen.intramuraal_per_1000_75_84": "intramurale plaatsen per 1.000 inwoners van 75–84 jaar",
    "ouderen.intramuraal_per_1000_85_89": "intramurale plaatsen per 1.000 inwoners van 85–89 jaar",
    "ouderen.intramuraal_per_1000_90_plus": "intramurale plaatsen per 1.000 inwoners van 90 jaar en ouder",
    "ouderen.intramuraal_per_1000_85_plus": "intramurale plaatsen per 1.000 inwoners van 85 jaar en ouder",
    "ouderen.beperkt_aandeel_65_74": "deel van de 65–74-jarigen met een lichamelijke beperking",
    "ouderen.beperkt_aandeel_75_plus": "deel van de 75-plussers met een lichamelijke beperking",
    "ouderen.huishoudens_per_beperkte_persoon": "huishoudens per oudere met een beperking",
    "ouderen.geschikt_aandeel": "deel van de ouderen met een beperking dat al geschikt woont",
    "ouderen.aandeel_nultreden": "deel van de behoefte dat een nultredenwoning is",
    "ouderen.aandeel_geclusterd": "deel van de behoefte dat een geclusterde woning is",
    "ouderen.aandeel_zorggeschikt": "deel van de behoefte dat een zorggeschikte woning is",
    "arbeidsmigranten.tekort_aandeel": "deel zonder passende woonplek",
    "studenten.tekort_aandeel": "deel van de uitwonende studenten zonder studenteneenheid",
    "woonwagenbewoners.wachtlijst_aandeel": "wachtlijst als deel van de standplaatsen",
    "algemeen.mc_trekkingen": "aantal trekkingen voor de bandbreedte",
    "algemeen.mc_seed": "startgetal van de trekkingen (voor herhaalbaarheid)",
    "ouderen.nultreden_per_1000_75_plus": "nultredenwoningen per 1.000 inwoners van 75 jaar en ouder",
    "ouderen.zorggeschikt_per_1000_75_plus": "zorggeschikte woningen per 1.000 inwoners van 75 jaar en ouder",
    "overlap.ex_gedetineerden_in_mo_dakloos": "deel van de ex-gedetineerden dat al bij dak- en thuislozen telt",
    "overlap.intramuraal_overig_in_ggz_bw": "deel van overig intramuraal dat al bij beschermd wonen telt",
    "overlap.jeugdzorg_in_mo_dakloos": "deel van de jongeren uit jeugdzorg dat al bij dak- en thuislozen telt",
    "overlap.mantelzorg_in_ouderen": "deel van de mantelzorgwoningen dat al bij ouderen telt",
    "statushouders.personen_per_woning": "personen per woning",
    "statushouders.taakstelling_per_halfjaar": "taakstelling per half jaar",
    "studenten.studenten_per_eenheid": "studenten per eenheid",
    "urgenten.urgentieverklaringen_per_1000_huishoudens": "urgentieverklaringen per 1.000 huishoudens",
    "verhuur.aandeel_aandachtsgroepen": "aandeel van de verhuringen aan aandachtsgroepen",
    "verhuur.mutatiegraad": "mutatiegraad (verhuringen per jaar ÷ voorraad)",
    "woonwagenbewoners.nieuwe_vraag_aandeel_per_jaar": "nieuwe vraag als aandeel per jaar",
    "woonwagenbewoners.standplaatsen_per_1000_woningen": "standplaatsen per 1.000 woningen",
}

LISTS = {"groep": GROEP, "groep_kort": GROEP_KORT, "woningtype": WONINGTYPE, "woningtype_mv": WONINGTYPE_MEERVOUD,
         "maat": MAAT, "soort": SOORT, "eenheid": EENHEID, "variant": VARIANT, "basis": BASIS, "geslacht": GESLACHT,
         "status": STATUS, "sleutel": SLEUTEL, "indicator": INDICATOR, "richting": RICHTING,
         "parameter_richting": PARAMETER_RICHTING, "methode": METHODE, "parameter_eenheid": PARAMETER_EENHEID,
         "runparameter": RUNPARAMETER}

# words that stand for something longer when a code is turned into words
_ABBREV = {"bw": "beschermd wonen", "ggz": "ggz", "ghz": "gehandicaptenzorg", "mo": "maatschappelijke opvang",
           "g4": "vier grote steden", "pct": "%", "nl": "Nederland", "wlz": "Wlz", "wmo": "Wmo", "vv": "verpleging en verzorging"}
_CODE_RE = re.compile(r"\b[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+\b")


def humanize(code: str) -> str:
    """Words for a code that is not in a list: ``'per_1000_inwoners_75_84'`` → ``'per 1.000 inwoners 75–84 jaar'``.
    Never returns an underscore."""
    s = str(code).strip()
    s = re.sub(r"(\d+)_(\d+)$", r"\1–\2 jaar", s)
    s = re.sub(r"(\d+)_plus\b", r"\1 jaar en ouder", s)
    s = re.sub(r"(\d+)pct", r"\1%", s)
    words = [w for w in re.split(r"[_\s]+", s) if w]
    out = []
    for w in words:
        if w.isdigit() and len(w) > 3 and not (len(w) == 4 and 1900 <= int(w) <= 2100):  # a year stays 2021
            w = f"{int(w):,}".replace(",", ".")
        out.append(_ABBREV.get(w.lower(), w))
    return " ".join(out)


def label(kind: str, code, *, default: str | None = None) -> str:
    """The Dutch label of ``code`` in list ``kind`` (``'groep'``, ``'woningtype'``, ``'eenheid'``, …);
    an unknown code → ``default`` or :func:`humanize`."""
    if code is None or (isinstance(code, float) and code != code):
        return ""
    table = LISTS[kind]
    key = str(code)
    if key in table:
        return table[key]
    return default if default is not None else humanize(key)


def labels(kind: str, codes) -> list[str]:
    return [label(kind, c) for c in codes]


def parameter(key: str, *, with_group: bool = True) -> str:
    """A parameter key ``'ouderen.intramuraal_per_1000_75_84'`` → ``'Ouderen: intramurale plaatsen per
    1.000 inwoners van 75–84 jaar'``."""
    grp, _, name = str(key).partition(".")
    text = PARAMETER.get(str(key)) or humanize(name or grp)
    if not with_group or not name:
        return text
    return f"{PARAMETER_GROEP.get(grp) or humanize(grp).capitalize()}: {text}"


_INTERNAL_REF = re.compile(r"[;,]?\s*\(?\b[\w/.-]+\.(?:md|ya?ml|csv|py|json|ipynb)\b[^;)]*\)?")


def plain_source(text: str) -> str:
    """A ``bron`` text as a reader sees it: internal references to project files (``rates.md §1
    [S3]``, ``config/…yaml``) removed; URLs and CBS table ids stay."""
    s = str(text or "")
    urls = re.findall(r"https?://\S+", s)
    masked = re.sub(r"https?://\S+", "\x00", s)
    masked = _INTERNAL_REF.sub("", masked)
    for u in urls:
        masked = masked.replace("\x00", u, 1)
    return re.sub(r"\s{2,}", " ", masked).strip(" ;,")


def codes_in(text: str) -> list[str]:
    """The snake_case identifiers in a text (URLs excluded)."""
    return _CODE_RE.findall(re.sub(r"https?://\S+", " ", str(text)))


_PARAM_KEY_RE = re.compile(r"\b([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)\b")
_EN_NL = {"assumption": "aanname", "assumptions": "aannames", "interpolated": "geïnterpoleerd",
          "interpolation": "interpolatie", "estimate": "schatting", "see": "zie"}


def plain_text(text: str) -> str:
    """Free text from a parameter or data file as a reader sees it: internal file references
    dropped (:func:`plain_source`), parameter keys and codes replaced by their Dutch labels, and the
    few English words such files use translated."""
    s = plain_source(text)

    def key(m):
        k = f"{m.group(1)}.{m.group(2)}"
        return f"‘{parameter(k)}’" if m.group(1) in PARAMETER_GROEP or k in PARAMETER else m.group(0)

    s = _PARAM_KEY_RE.sub(key, s)

    def code(m):
        c = m.group(0)
        for kind in ("groep_kort", "woningtype", "sleutel", "indicator", "richting", "parameter_eenheid", "eenheid"):
            if c in LISTS[kind]:
                return LISTS[kind][c]
        return humanize(c)

    s = _CODE_RE.sub(code, s)
    return re.sub(r"\b(" + "|".join(_EN_NL) + r")\b", lambda m: _EN_NL[m.group(1)], s)
