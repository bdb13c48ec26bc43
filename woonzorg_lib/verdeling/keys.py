"""Verdeelsleutels: which indicators decide a gemeente's share of a regional task, and how.

A key file (YAML, read with ``yaml.safe_load`` rules only) looks like ``config/verdeelsleutels/
voorbeeld.yaml``; the schema is in ``docs/verdeling.md``. In short::

    naam: mix                       # the key's name, used in the `sleutel` column
    beschrijving: ...               # optional
    indicatoren:                    # for every groep without its own list
      - naam: inwoners              # one of INDICATOREN
        richting: meer_is_meer      # optional; default per indicator (DEFAULT_RICHTING)
        gewicht: 0.4                # >= 0; the weights of one list sum to 1 (tolerance 1e-9)
        transformatie: standaard    # standaard | rang
        clip_min: null              # optional clipping of the raw value before transforming
        clip_max: null
        schaal: null                # optional column to multiply the transformed score by
        nul_regel: inwoners         # when every score is 0: inwoners | gelijk | fout
    groepen:                        # optional per-groep lists, same form
      statushouders:
        indicatoren:
          - {naam: inwoners, gewicht: 1.0}

Transformation of one indicator ``x`` (one value per gemeente) to shares that sum to 1:

1. **clip**: ``x = min(max(x, clip_min), clip_max)`` (``afstand_30pct_norm`` and ``vraag`` clip at
   0 unless the file says otherwise).
2. **score** (``standaard``, the CONTRACTS rule): ``x`` for meer_is_meer (``x`` must then be ≥ 0),
   ``max(x) − x`` for meer_is_minder (the gemeente with the highest value scores 0).
   ``rang``: the rank of ``x`` in its direction (1 = worst, ties share the average rank).
3. **scale** (optional ``schaal``): score × another column, e.g. ``afstand_30pct_norm`` ×
   ``woningvoorraad`` = homes short of the norm; ``huidige_inspanning`` (an intensity) ×
   ``inwoners``.
4. **normalise**: ``share_i = score_i / Σ score``. A gemeente with score 0 (e.g. no
   corporatiebezit under ``sociale_huur``) gets share 0 from this indicator; it can still get a
   share from the key's other indicators. If **every** score is 0, ``nul_regel`` decides:
   ``inwoners`` (shares of inwoners; the default), ``gelijk`` (equal shares) or ``fout`` (error).

The key's share is ``Σ_k gewicht_k · share_k`` (sums to 1). Indicators with weight 0 are skipped
(their column need not exist).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (BaseModel, ConfigDict, Field, PrivateAttr, StringConstraints,
                      ValidationError, field_validator, model_validator)

from woonzorg_lib import yamlio
from woonzorg_lib.errors import InputError
from woonzorg_lib.paths import config_dir

from .effort import Inspanning
from .shares import _check_table, _normalise, _numeric_column, derive_indicators, indicator_shares, \
    key_shares

__all__ = [
    "DEFAULT_RICHTING",
    "INDICATOREN",
    "STANDAARD_SLEUTELS",
    "Indicator",
    "GroepSleutel",
    "Verdeelsleutel",
    "default_key_path",
    "derive_indicators",
    "indicator_shares",
    "key_shares",
    "load_key",
    "parse_key",
    "single_indicator_key",
    "standard_keys",
]

IndicatorNaam = Literal["inwoners", "sociale_huur", "vraag", "afstand_30pct_norm",
                        "huidige_inspanning", "verhuurcapaciteit", "draagkracht"]
Richting = Literal["meer_is_meer", "meer_is_minder"]

#: The indicators a key may use, each with one plain Dutch sentence for the report: what a higher value
#: means for a gemeente's share under the indicator's default direction and without ``schaal``. How each
#: is computed (the formula) is in the methods chapter (:func:`woonzorg_lib.chapters.methoden.indicator_formulas`).
INDICATOREN: dict[str, str] = {
    "inwoners": "Hoe meer inwoners een gemeente heeft, hoe groter haar aandeel.",
    "sociale_huur": "Hoe meer sociale huurwoningen van corporaties een gemeente heeft, hoe groter haar aandeel.",
    "vraag": "Hoe groter de verwachte vraag van de groep in de gemeente zelf, hoe groter haar aandeel.",
    "afstand_30pct_norm": "Hoe verder een gemeente onder de 30% sociale huur zit, hoe groter haar aandeel; een "
                          "gemeente die de norm al haalt, krijgt via deze indicator niets.",
    "huidige_inspanning": "Hoe meer een gemeente nu al doet voor aandachtsgroepen, hoe kleiner haar aandeel.",
    "verhuurcapaciteit": "Hoe meer sociale huurwoningen er per jaar vrijkomen voor aandachtsgroepen, hoe groter "
                         "het aandeel van de gemeente.",
    "draagkracht": "Hoe groter de draagkracht van de buurten (een eigen cijfer, bijvoorbeeld de Leefbaarometer), "
                   "hoe groter het aandeel van de gemeente.",
}

#: Direction used when a key file does not state one.
DEFAULT_RICHTING: dict[str, str] = {
    "inwoners": "meer_is_meer",
    "sociale_huur": "meer_is_meer",
    "vraag": "meer_is_meer",
    "afstand_30pct_norm": "meer_is_meer",
    "huidige_inspanning": "meer_is_minder",
    "verhuurcapaciteit": "meer_is_meer",
    "draagkracht": "meer_is_meer",
}

#: Indicators whose direction is part of their definition; declaring the other one is an error.
FIXED_RICHTING = {"afstand_30pct_norm": "meer_is_meer", "huidige_inspanning": "meer_is_minder"}

#: Raw values are clipped at this minimum unless the key file sets ``clip_min`` itself.
DEFAULT_CLIP_MIN: dict[str, float] = {"afstand_30pct_norm": 0.0, "vraag": 0.0}

#: The standard keys for the sensitivity analysis, in report order (the last is the configured mix).
STANDAARD_SLEUTELS: tuple[str, ...] = ("inwoners", "sociale_huur", "vraag", "mix")

WEIGHT_TOLERANCE = 1e-9


class Indicator(BaseModel):
    """One indicator of a key and how its values become shares."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    naam: IndicatorNaam
    gewicht: float = Field(ge=0, allow_inf_nan=False)
    richting: Richting | None = None
    transformatie: Literal["standaard", "rang"] = "standaard"
    clip_min: float | None = Field(default=None, allow_inf_nan=False)
    clip_max: float | None = Field(default=None, allow_inf_nan=False)
    schaal: str | None = None
    nul_regel: Literal["inwoners", "gelijk", "fout"] = "inwoners"
    beschrijving: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = dict(data)
            naam = data.get("naam")
            if naam in DEFAULT_RICHTING and data.get("richting") is None:
                data["richting"] = DEFAULT_RICHTING[naam]
            if naam in DEFAULT_CLIP_MIN and "clip_min" not in data:
                data["clip_min"] = DEFAULT_CLIP_MIN[naam]
        return data

    @field_validator("richting")
    @classmethod
    def _richting_fits(cls, v: str | None, info) -> str | None:
        naam = info.data.get("naam")
        if naam in FIXED_RICHTING and v != FIXED_RICHTING[naam]:
            raise ValueError(f"'{naam}' heeft per definitie richting {FIXED_RICHTING[naam]}, "
                             f"niet {v}")
        return v

    @model_validator(mode="after")
    def _clip_order(self) -> "Indicator":
        lo, hi = self.clip_min, self.clip_max
        if lo is not None and hi is not None and lo > hi:
            raise ValueError(f"clip_min ({self.clip_min}) is groter dan clip_max ({self.clip_max})")
        return self


class GroepSleutel(BaseModel):
    """The indicator list for one groep (overrides the key's default list)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    indicatoren: list[Indicator] = Field(min_length=1)
    beschrijving: str | None = None


class Verdeelsleutel(BaseModel):
    """A verdeelsleutel: a default indicator list plus optional per-groep lists."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    naam: str = Field(pattern=r"^[a-z][a-z0-9_\-]*$")
    beschrijving: str | None = None
    indicatoren: list[Indicator] = Field(min_length=1)
    groepen: dict[Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")], GroepSleutel] = \
        Field(default_factory=dict)
    #: which components measure the current effort, each with a switch (:mod:`.effort`)
    huidige_inspanning: Inspanning | None = None
    #: where the key came from (file path), for error messages; not part of the schema
    _bestand: str | None = PrivateAttr(default=None)

    @property
    def bestand(self) -> str | None:
        """The file the key was read from (None for keys built in code)."""
        return self._bestand

    @model_validator(mode="after")
    def _weights_sum_to_one(self, info) -> "Verdeelsleutel":
        # parse_key checks this itself so that it can name the line; keys built in code land here
        if not (info.context or {}).get("weights_checked_by_caller"):
            _check_weights(self, None, "<sleutel>")
        return self

    def indicatoren_voor(self, groep: str | None = None) -> list[Indicator]:
        """The indicator list that applies to ``groep`` (its own list, else the default)."""
        if groep is not None and groep in self.groepen:
            return list(self.groepen[groep].indicatoren)
        return list(self.indicatoren)

    def uses(self, naam: str, groep: str | None = None) -> bool:
        """Does the list for ``groep`` use indicator ``naam`` with a positive weight?"""
        return any(i.naam == naam and i.gewicht > 0 for i in self.indicatoren_voor(groep))


# ----------------------------------------------------------------------------------------------
# Loading with line numbers
# ----------------------------------------------------------------------------------------------

def _check_weights(key: Verdeelsleutel, located: yamlio.LocatedYaml | None, source: str) -> None:
    def line(loc: tuple) -> int | None:
        return located.line(*loc) if located is not None else None

    scopes: list[tuple[tuple, list[Indicator]]] = [(("indicatoren",), key.indicatoren)]
    for g, gs in key.groepen.items():
        scopes.append((("groepen", g, "indicatoren"), gs.indicatoren))
    for loc, inds in scopes:
        names = [i.naam for i in inds]
        for j, nm in enumerate(names):
            if nm in names[:j]:
                raise InputError(f"indicator '{nm}' staat twee keer in dezelfde lijst", file=source,
                                 column=".".join(map(str, loc + (j, "naam"))),
                                 row=line(loc + (j, "naam")))
        total = math.fsum(i.gewicht for i in inds)
        if abs(total - 1.0) > WEIGHT_TOLERANCE:
            detail = " + ".join(f"{i.naam} {i.gewicht:g}" for i in inds)
            raise InputError(f"de gewichten tellen op tot {total:.12g} in plaats van 1 ({detail})",
                             file=source, column=".".join(map(str, loc)), row=line(loc))


def parse_key(text: str, *, source: str = "<verdeelsleutel>") -> Verdeelsleutel:
    """Parse and validate a key file's text. Every error names ``source``, the key and the line."""
    located = yamlio.load(source, text=text)  # safe loader; syntax errors name the line
    data = located.data
    if data is None:
        raise InputError("het bestand is leeg; verwacht o.a. 'naam' en 'indicatoren'", file=source,
                         column="(bestand)", row=1)
    if not isinstance(data, dict):
        raise InputError("verwacht een blok met sleutels ('naam', 'indicatoren', ...), geen "
                         f"{type(data).__name__}", file=source, column="(bestand)",
                         row=located.line())
    try:
        key = Verdeelsleutel.model_validate(data, context={"weights_checked_by_caller": True})
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "onbekende sleutel (typfout?)"
        elif err["type"] == "literal_error" and loc and loc[-1] == "naam":
            msg = f"onbekende indicator {err.get('input')!r}; kies uit {', '.join(INDICATOREN)}"
        elif err["type"] == "literal_error":
            msg = (f"ongeldige waarde {err.get('input')!r}; toegestaan: "
                   f"{err.get('ctx', {}).get('expected', '')}")
        elif err["type"] in ("float_parsing", "float_type", "finite_number"):
            msg = f"geen (eindig) getal: {err.get('input')!r}"
        elif err["type"] in ("list_type", "too_short"):
            msg = "verwacht een lijst met minstens één indicator"
        elif err["type"] in ("dict_type", "model_type"):
            msg = f"verwacht een blok met sleutels, niet {err.get('input')!r}"
        elif err["type"] == "string_pattern_mismatch" and loc and loc[-1] == "[key]":
            loc = loc[:-1]
            msg = (f"groep {err.get('input')!r} is geen catalogus-code (kleine letters, cijfers "
                   "en _)")
        elif err["type"] == "string_pattern_mismatch":
            msg = (f"ongeldige naam {err.get('input')!r}: kleine letters, cijfers, _ of -, "
                   "beginnend met een letter")
        elif err["type"] == "missing":
            msg = "verplichte sleutel ontbreekt"
        elif err["type"].startswith("greater_than_equal") and loc and loc[-1] == "gewicht":
            msg = f"gewicht mag niet negatief zijn ({err.get('input')!r})"
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        raise InputError(msg, file=source, column=".".join(map(str, loc)) or "(bestand)",
                         row=located.line(*loc)) from None
    _check_weights(key, located, source)
    key._bestand = source
    return key


def load_key(path: str | Path) -> Verdeelsleutel:
    """Read a key file (UTF-8 YAML). Errors name the file, the key and the line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("verdeelsleutelbestand niet gevonden", file=path, column="(bestand)",
                         row=1) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"bestand is geen UTF-8 ({exc.reason})", file=path, column="(bestand)",
                         row=1) from None
    return parse_key(text, source=str(path))


def default_key_path() -> Path:
    """``config/verdeelsleutels/default.yaml``: the configured mix."""
    return config_dir() / "verdeelsleutels" / "default.yaml"


def single_indicator_key(naam: str, *, sleutel: str | None = None,
                         richting: str | None = None) -> Verdeelsleutel:
    """A key with one indicator at weight 1, named ``sleutel`` (default: the indicator's name)."""
    ind: dict[str, Any] = {"naam": naam, "gewicht": 1.0}
    if richting is not None:
        ind["richting"] = richting
    return Verdeelsleutel(naam=sleutel or naam, indicatoren=[Indicator(**ind)],
                          beschrijving=f"standaardsleutel: alleen {naam}")


def standard_keys(mix: Verdeelsleutel | str | Path | None = None) -> dict[str, Verdeelsleutel]:
    """The four keys of the sensitivity analysis: ``inwoners``, ``sociale_huur``, ``vraag`` and the
    configured mix (``mix``: a key, a key file, or None for
    ``config/verdeelsleutels/default.yaml``).

    The mix keeps its own ``naam`` (``mix`` in the default file); it may not reuse the name of one
    of the three single-indicator keys.
    """
    if mix is None:
        mix = load_key(default_key_path())
    elif not isinstance(mix, Verdeelsleutel):
        mix = load_key(mix)
    keys = {n: single_indicator_key(n) for n in ("inwoners", "sociale_huur", "vraag")}
    if mix.naam in keys:
        raise InputError(f"de naam '{mix.naam}' is gereserveerd voor een standaardsleutel; geef de "
                         "eigen sleutel een andere naam (bv. 'mix')",
                         file=mix.bestand or "<sleutel>", column="naam", row=1)
    keys[mix.naam] = mix
    return keys


def _as_key_dict(keys: Verdeelsleutel | Mapping[str, Verdeelsleutel] | Iterable[Verdeelsleutel]
                 ) -> dict[str, Verdeelsleutel]:
    """Normalise the ways a caller can pass keys to ``{sleutel: key}``."""
    if isinstance(keys, Verdeelsleutel):
        return {keys.naam: keys}
    if isinstance(keys, Mapping):
        out = dict(keys)
    else:
        out = {}
        for k in keys:
            if k.naam in out:
                raise InputError(f"twee sleutels heten '{k.naam}'", file=k.bestand or "<sleutels>",
                                 column="naam", row=1)
            out[k.naam] = k
    for name, k in out.items():
        if not isinstance(k, Verdeelsleutel):
            raise InputError(f"sleutel '{name}' is geen Verdeelsleutel", file="<sleutels>",
                             column="naam", row=name)
    if not out:
        raise InputError("geen enkele verdeelsleutel gegeven", file="<sleutels>", column="sleutel")
    return out
