"""Dutch labels for codes (woningtype, groep, methode, sleutel, parameter) used by every chapter."""

from __future__ import annotations

from ..report import fmt
from ..report import terms as _terms

WONINGTYPE_LABELS = _terms.WONINGTYPE            # one term list (report/terms.py)
WONINGTYPE_PLURAL = _terms.WONINGTYPE_MEERVOUD
SHORT_GROUP_NAMES = _terms.GROEP_KORT  # one term list (report/terms.py)
SHORT_TYPE_NAMES = {
    "nultreden": "nultreden", "geclusterd": "geclusterd", "zorggeschikt": "zorggeschikt", "intramuraal": "intramuraal",
    "zelfstandig_begeleid": "begeleid zelfstandig", "sociale_huur": "sociale huur", "standplaats": "standplaats",
    "studenteneenheid": "studenteneenheid", "flex": "flexwoning",
}
METHOD_LABELS = {"prevalence": "kental × bevolking", "flow": "stroom", "policy": "taakstelling", "trend": "trend",
                 "local": "lokale cijfers"}
KEY_LABELS = {"inwoners": "inwoners", "sociale_huur": "sociale huur", "vraag": "vraag", "mix": "mix (standaard)"}


def parameter_label(key: str, group_names: dict | None = None) -> str:
    """A parameter's name for readers: the report's Dutch term list when it has one
    (``report.terms.parameter``), else 'ouderen.intramuraal_per_1000_75_84' → 'ouderen: intramuraal
    per 1000 75 84'."""
    try:
        from ..report import terms

        return terms.parameter(key)
    except (ImportError, AttributeError):
        pass
    grp, _, name = key.partition(".")
    return f"{grp.replace('_', ' ')}: {name.replace('_', ' ')}"


def plain(v) -> str:
    """A parameter value as plain Dutch text (ja/nee, decimal comma, lists joined)."""
    if isinstance(v, bool):
        return "ja" if v else "nee"
    if isinstance(v, float):
        return fmt.dec(v, 3).rstrip("0").rstrip(",") if v != int(v) else fmt.n(v)
    if isinstance(v, (list, tuple)):
        return ", ".join(plain(x) for x in v)
    return str(v)


def woningtype_label(w: str) -> str:
    """Dutch name of a woningtype code."""
    return WONINGTYPE_LABELS.get(w, w)


def key_label(k: str) -> str:
    """Dutch name of a verdeelsleutel code."""
    return KEY_LABELS.get(k, k)


#: The first word of a region name that is a common noun ('Provincie Utrecht'): lower case after 'de' in a sentence.
_REGION_NOUNS = ("provincie", "centrumgemeenteregio", "regio", "woningmarktregio", "zorgkantoorregio", "subregio",
                 "arbeidsmarktregio", "gemeente")


def region_in_sentence(naam: str) -> str:
    """A region's name as it reads inside a sentence: 'Provincie Utrecht' → 'de provincie Utrecht',
    'Centrumgemeenteregio Enschede' → 'de centrumgemeenteregio Enschede'; 'Twente' stays 'Twente'."""
    first, _, rest = str(naam).partition(" ")
    if rest and first.lower() in _REGION_NOUNS:
        return f"de {first.lower()} {rest}"
    return str(naam)


def names_in_sentence(names: list[str], among: list[str], *, most: int = 8) -> str:
    """A list of gemeente names for a sentence; when it is long and holds most of ``among``, the few
    that are not in it: 'alle behalve Utrecht en Zeist'."""
    names = list(names)
    others = [n for n in among if n not in names]
    if len(names) > most and others and len(others) < len(names):
        return f"alle behalve {fmt.join(others)}"
    return fmt.join(names)
