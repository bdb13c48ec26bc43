"""Workbook sheets for the chapter tables that the core sheets (:mod:`.workbook`) do not already hold.

Each chapter table of the report (notebooks 00–06) has a sheet: the national frame of the
Kernboodschap, the fourteen groups, the lettings per gemeente (a flow, kept apart from the extra
homes), the other units per gemeente, the verdeelsleutel with its formulas, the shares per key and
the backtest per gemeente. Same rules as every sheet: headers in row 1, one Excel table with
filters, Dutch labels with the code in its own column, numbers numeric (an unknown value is an
empty cell).
"""

from __future__ import annotations

import functools

import pandas as pd

from . import terms
from .xlsx import Sheet, _values

CODE = " (code)"


def _get(ctx, name: str, *args, default=None):
    """``ctx.name`` (called with ``args`` when it is a function); ``default`` when absent. The one
    accessor of the workbook modules (:mod:`.workbook` uses it too)."""
    try:
        v = getattr(ctx, name)
    except AttributeError:
        return default
    if callable(v) and not isinstance(v, (pd.DataFrame, pd.Series)):
        return v(*args)
    return v


class Reading:
    """The run as one workbook reads it: each attribute of ``ctx`` is read once, and each function of
    it (``ctx.need_wide``, a chapter function) is called once per argument list; later reads get the
    same value. The sheet makers only read these values (they copy a frame before changing it)."""

    def __init__(self, ctx):
        self._ctx = ctx
        self._calls: dict = {}

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        v = getattr(self._ctx, name)
        if callable(v) and not isinstance(v, (pd.DataFrame, pd.Series)):
            v = functools.partial(self._call, name, v)
        self.__dict__[name] = v
        return v

    def _call(self, name: str, fn, *args):
        key = (name, args)
        if key not in self._calls:
            self._calls[key] = fn(*args)
        return self._calls[key]


def labels(kind: str, codes) -> list[str]:
    """:func:`terms.labels` of a column: each distinct text code is looked up once."""
    vals = _values(codes) if isinstance(codes, pd.Series) else list(codes)
    try:
        known = {v: terms.label(kind, v) for v in set(vals) if v.__class__ is str}
    except TypeError:  # an unhashable value: label each one
        return terms.labels(kind, vals)
    return [known[v] if v.__class__ is str else terms.label(kind, v) for v in vals]


def _periode(ctx) -> str:
    return str(getattr(ctx.run, "periode", "")).replace("-", "–") if hasattr(ctx, "run") else ""


def national_frame_sheet(ctx) -> Sheet | None:
    """Kernboodschap, 'Tegen het landelijke kader': the region's share of the national targets."""
    nf = _get(ctx, "national_frame")
    if nf is None or not len(nf):
        return None
    nf = nf.copy()
    nf["eenheid_label"] = labels("eenheid", nf["eenheid"])
    nf["toelichting"] = [terms.plain_text(x) for x in nf["toelichting"].fillna("")]
    return Sheet("Landelijk kader", nf, {
        "onderdeel": ("Onderdeel", "text"), "eenheid_label": ("Eenheid", "text"),
        "landelijk_doel": ("Landelijk doel", "int"), "aandeel_regio": ("Aandeel van de regio", "pct"),
        "regionaal_deel": ("Deel van de regio", "model"), "model_regio": ("Model, variant midden", "model"),
        "toelichting": ("Toelichting", "text"), "eenheid": ("Eenheid" + CODE, "code")},
        description="De cijfers van de regio naast haar deel van de landelijke doelen (ouderenhuisvesting, "
                    "taakstelling statushouders), zoals in de Kernboodschap. Statushouders: woningen per jaar, "
                    "een stroom die niet bij de voorraad opgeteld wordt.",
        suppress=False, widths={"onderdeel": 44, "toelichting": 90})


def groups_sheet(ctx) -> Sheet | None:
    """Aandachtsgroepen: the fourteen groups, how each is computed and in which unit."""
    c = _get(ctx, "catalogue")
    if c is None or not len(c):
        return None
    c = c.copy()
    c["soort_label"] = labels("soort", c["soort"])
    c["eenheid_label"] = labels("eenheid", c["eenheid"])
    for col in ("definitie", "toelichting", "bronnen"):
        c[col] = [terms.plain_text(x) for x in c[col].fillna("")]
    return Sheet("Aandachtsgroepen", c, {
        "naam": ("Groep", "text"), "soort_label": ("Stand of stroom", "text"), "methode": ("Methode", "text"),
        "woningtypen": ("Woonvorm", "text"), "eenheid_label": ("Eenheid", "text"), "definitie": ("Definitie", "text"),
        "toelichting": ("Toelichting", "text"), "bronnen": ("Bronnen", "text"), "groep": ("Groep" + CODE, "code"),
        "soort": ("Stand of stroom" + CODE, "code")},
        description="De veertien aandachtsgroepen: wie erbij hoort, hoe de vraag geschat is en in welke eenheid.",
        suppress=False, widths={"naam": 36, "definitie": 80, "toelichting": 80, "bronnen": 60})


def lettings_sheet(ctx) -> Sheet | None:
    """Woonbehoefte: the lettings from the existing stock per gemeente (a flow; never added to extra homes)."""
    lw = _get(ctx, "lettings_by_gemeente")
    if lw is None or not len(lw):
        return None
    lw = lw.copy()
    lw["basis"] = ["bruto" if b else "netto" for b in lw["bruto"]]
    lw["basis_label"] = labels("basis", lw["basis"])
    periode = _periode(ctx)
    return Sheet("Verhuringen per gemeente", lw, {
        "gemeentenaam": ("Gemeente", "text"),
        "toewijzing": (f"Verhuringen {periode}".strip(), "model"), "per_jaar": ("Verhuringen per jaar", "model"),
        "basis_label": ("Netto of bruto", "text"), "gemeentecode": ("Gemeentecode", "code")},
        description="Vrijkomende woningen uit de bestaande voorraad voor de groepen die elk jaar opnieuw instromen, "
                    "per gemeente (woningen). Dit zijn verhuringen, geen extra woningen: niet optellen bij het blad "
                    "‘Per gemeente’.", suppress=False)


def other_units_sheet(ctx) -> Sheet | None:
    """Woonbehoefte: the opgave in units other than woningen per gemeente, one row per woonvorm."""
    no = _get(ctx, "need_other_units")
    if no is None or not len(no) or not no.attrs.get("columns"):
        return None
    rows, records = [], no.to_dict("records")
    for col, (label, unit) in no.attrs["columns"].items():
        woningtype = col.split("__")[0]
        for r in records:
            rows.append({"gemeentenaam": r["gemeentenaam"], "woonvorm": label, "eenheid_label": terms.label("eenheid", unit),
                         "opgave": r[col], "basis_label": terms.label("basis", "bruto" if r.get(f"{col}__bruto") else "netto"),
                         "gemeentecode": r["gemeentecode"], "woningtype": woningtype, "eenheid": unit})
    df = pd.DataFrame(rows)
    periode = _periode(ctx)
    return Sheet("Andere eenheden per gemeente", df, {
        "gemeentenaam": ("Gemeente", "text"), "woonvorm": ("Woonvorm", "text"), "eenheid_label": ("Eenheid", "text"),
        "opgave": (f"Opgave {periode}".strip(), "model"), "basis_label": ("Netto of bruto", "text"),
        "gemeentecode": ("Gemeentecode", "code"), "woningtype": ("Woonvorm" + CODE, "code"),
        "eenheid": ("Eenheid" + CODE, "code")},
        description="De opgave in plaatsen, bedden, eenheden en standplaatsen per gemeente, elk in zijn eigen eenheid "
                    "(niet bij elkaar of bij woningen optellen).", suppress=False, widths={"woonvorm": 28})


def key_sheet(ctx) -> Sheet | None:
    """Verdeling: the configured key — per indicator what it means for the share, how it is computed, its weight."""
    from ..chapters import methoden, verdeling

    meaning = verdeling.key_description()[0]["df"]
    formulas = methoden.indicator_formulas()[0]["df"]
    if not len(meaning):
        return None
    df = meaning[["naam", "indicator", "code"]].copy()
    df["waarde"] = formulas["waarde"].to_numpy()
    df["score"] = formulas["score"].to_numpy()
    from ..verdeling import keys as vk

    key = vk.load_key(vk.default_key_path())
    inds = key.indicatoren_voor(None)
    df["gewicht"] = [float(i.gewicht) for i in inds]
    df["richting"] = [i.richting or vk.DEFAULT_RICHTING.get(i.naam, "meer_is_meer") for i in inds]
    df["richting_label"] = labels("richting", df["richting"])
    return Sheet("Verdeelsleutel", df, {
        "naam": ("Indicator", "text"), "indicator": ("Wat betekent het voor het aandeel?", "text"),
        "gewicht": ("Gewicht", "pct0"), "richting_label": ("Richting", "text"),
        "waarde": ("Waarde per gemeente", "text"), "score": ("Score", "text"),
        "code": ("Indicator" + CODE, "code"), "richting": ("Richting" + CODE, "code")},
        description="De standaardsleutel (mix): per indicator wat een hogere waarde betekent voor het aandeel van een "
                    "gemeente, het gewicht en hoe de waarde berekend is. Statushouders: naar rato van het aantal "
                    "inwoners (landelijke regel).", suppress=False,
        widths={"naam": 36, "indicator": 80, "waarde": 70, "score": 40})


def key_shares_sheet(ctx) -> Sheet | None:
    """Verdeling: each gemeente's share of the extra homes under each standard key, and the spread."""
    kw = _get(ctx, "key_sensitivity_wide")
    if kw is None or not len(kw):
        return None
    cols = {"gemeentenaam": ("Gemeente", "text")}
    for k in kw.attrs.get("keys", []):
        cols[k] = (f"Aandeel {terms.label('sleutel', k)}", "pct")
    cols["spreiding"] = ("Spreiding over de sleutels (procentpunt)", "pp")
    cols["gemeentecode"] = ("Gemeentecode", "code")
    return Sheet("Aandeel per sleutel", kw, cols,
                 description="Aandeel van elke gemeente in de extra woningen onder de vier verdeelsleutels, met de "
                             "spreiding (hoogste min laagste aandeel).", suppress=False)


def backtest_region_sheet(ctx) -> Sheet | None:
    """Prognose: the backtest for the region's own gemeenten."""
    br = _get(ctx, "backtest_region")
    if br is None or not len(br):
        return None
    return Sheet("Terugtoets per gemeente", br, {
        "run": ("Peiljaar → doeljaar", "text"), "gemeentenaam": ("Gemeente", "text"), "groep": ("Leeftijd", "text"),
        "werkelijk": ("Werkelijk (personen)", "count"), "model": ("Prognose (personen)", "model"),
        "laag": ("Prognose laag (personen)", "model"), "hoog": ("Prognose hoog (personen)", "model"),
        "fout": ("Afwijking", "pct"), "binnen": ("Binnen laag–hoog?", "text"),
        "gemeentecode": ("Gemeentecode", "code")},
        description="De bevolkingsprognose vanuit een eerder peiljaar naast het werkelijke aantal inwoners, per "
                    "gemeente van de regio.", suppress=False)


def chapter_sheets(ctx) -> list[Sheet]:
    """The extra chapter sheets after the core ones, in report order (Aandachtsgroepen → Verdeling); the
    national frame goes beside the Kernboodschap (:func:`national_frame_sheet`)."""
    makers = (groups_sheet, backtest_region_sheet, lettings_sheet, other_units_sheet,
              key_sheet, key_shares_sheet)
    return [sh for sh in (m(ctx) for m in makers) if sh is not None]
