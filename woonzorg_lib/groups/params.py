"""Load, validate and resolve the parameter file (``config/parameters.yaml``) and scenario overrides.

Safety: YAML is composed with ``yaml.SafeLoader``; any non-standard tag (``!!python/...``, custom
``!tags``), aliases, merge keys and duplicate keys are refused before anything is
constructed. Every error is an :class:`~woonzorg_lib.errors.InputError` that names the file, the
key path (e.g. ``parameters.ouderen.intramuraal_per_1000_75_84.laag``) and the YAML line.

Variants (CONTRACTS): ``midden`` = ``waarde``; ``laag`` = each parameter at the low-need end of its
range, ``hoog`` = at the high-need end. For most parameters that is ``laag``/``hoog`` literally;
for the few with ``richting: meer_is_minder`` (persons per dwelling, overlap shares: a higher value
means less need) the ends are swapped so the ``laag`` variant really is the low-need variant.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import math
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, Mapping

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from .. import yamlio
from ..errors import InputError
from .catalogue import (CATALOGUE, EXTRA_SECTIONS, GESLACHTEN, GROUP_CODES, OVERLAP_PRIORITEIT,
                        VARIANTEN, all_parameter_keys)

#: Units a parameter may carry.
PARAM_UNITS: tuple[str, ...] = (
    "per_1000_leeftijdsgroep", "per_1000_inwoners", "per_100000_inwoners", "per_1000_huishoudens",
    "per_1000_woningen", "aandeel", "aandeel_per_jaar", "groei_per_jaar", "personen_per_woning",
    "personen_per_eenheid", "personen", "aantal",
)
#: Units whose values are fractions in [0, 1].
SHARE_UNITS = frozenset({"aandeel", "aandeel_per_jaar", "groei_per_jaar"})
#: Units whose values must be strictly positive (they divide).
DIVISOR_UNITS = frozenset({"personen_per_woning", "personen_per_eenheid"})

SCENARIO_META_KEYS = frozenset({"naam", "beschrijving"})
ENTRY_FIELDS = ("waarde", "laag", "hoog", "eenheid", "bron", "datum", "aanname", "toelichting",
                "richting", "leeftijd_van", "leeftijd_tot", "geslacht")


# The unit each parameter must have: the model code assumes it (a rate per 1000 is divided by
# 1000, a share must lie in 0-1). A file that gives another unit is refused, never silently used.
EXPECTED_UNITS: dict[str, str] = {
    "ouderen.intramuraal_per_1000_65_74": "per_1000_leeftijdsgroep",
    "ouderen.intramuraal_per_1000_75_84": "per_1000_leeftijdsgroep",
    "ouderen.intramuraal_per_1000_85_plus": "per_1000_leeftijdsgroep",
    "ouderen.beperkt_aandeel_65_74": "aandeel",
    "ouderen.beperkt_aandeel_75_plus": "aandeel",
    "ouderen.huishoudens_per_beperkte_persoon": "aandeel",
    "ouderen.geschikt_aandeel": "aandeel",
    "ouderen.aandeel_nultreden": "aandeel",
    "ouderen.aandeel_geclusterd": "aandeel",
    "ouderen.aandeel_zorggeschikt": "aandeel",
    "beperking.ghz_verblijf_per_1000_18_plus": "per_1000_leeftijdsgroep",
    "ggz_bw.bw_per_1000_inwoners": "per_1000_inwoners",
    "ggz_bw.uitstroom_aandeel_per_jaar": "aandeel_per_jaar",
    "ggz_bw.personen_per_woning": "personen_per_woning",
    "mo_dakloos.woningen_per_1000_inwoners": "per_1000_inwoners",
    "mo_dakloos.woningen_per_1000_inwoners_g4": "per_1000_inwoners",
    "jeugdzorg.uitstroom_18_per_100000_inwoners": "per_100000_inwoners",
    "jeugdzorg.aandeel_eigen_eenheid": "aandeel",
    "jeugdzorg.personen_per_eenheid": "personen_per_eenheid",
    "huiselijk_geweld.uitstroom_per_100000_inwoners": "per_100000_inwoners",
    "huiselijk_geweld.aandeel_nieuwe_woning": "aandeel",
    "ex_gedetineerden.uitstroom_per_1000_inwoners": "per_1000_inwoners",
    "ex_gedetineerden.aandeel_woningbehoefte": "aandeel",
    "ex_gedetineerden.personen_per_woning": "personen_per_woning",
    "statushouders.taakstelling_per_halfjaar": "personen",
    "statushouders.personen_per_woning": "personen_per_woning",
    "arbeidsmigranten.per_1000_inwoners_agrarisch_logistiek": "per_1000_inwoners",
    "arbeidsmigranten.per_1000_inwoners_gemengd": "per_1000_inwoners",
    "arbeidsmigranten.per_1000_inwoners_stedelijk": "per_1000_inwoners",
    "arbeidsmigranten.groei_per_jaar": "groei_per_jaar",
    "arbeidsmigranten.tekort_aandeel": "aandeel",
    "studenten.studenten_per_eenheid": "personen_per_eenheid",
    "studenten.tekort_aandeel": "aandeel",
    "woonwagenbewoners.standplaatsen_per_1000_woningen": "per_1000_woningen",
    "woonwagenbewoners.nieuwe_vraag_aandeel_per_jaar": "groei_per_jaar",
    "woonwagenbewoners.wachtlijst_aandeel": "aandeel",
    "urgenten.urgentieverklaringen_per_1000_huishoudens": "per_1000_huishoudens",
    "mantelzorg.aandeel_urgenties": "aandeel",
    "mantelzorg.mantelzorgwoningen_per_1000_huishoudens": "per_1000_huishoudens",
    "intramuraal_overig.uitstroom_woningen_per_1000_inwoners": "per_1000_inwoners",
    "overlap.ex_gedetineerden_in_mo_dakloos": "aandeel",
    "overlap.jeugdzorg_in_mo_dakloos": "aandeel",
    "overlap.intramuraal_overig_in_ggz_bw": "aandeel",
    "overlap.mantelzorg_in_ouderen": "aandeel",
    "verhuur.mutatiegraad": "aandeel_per_jaar",
    "verhuur.aandeel_aandachtsgroepen": "aandeel",
    "algemeen.onderdrukkingsdrempel": "aantal",
    "algemeen.trend_interval": "aandeel",
    "algemeen.mc_trekkingen": "aantal",
    "algemeen.mc_seed": "aantal",
}


def default_parameter_path() -> Path:
    from ..paths import config_dir
    return config_dir() / "parameters.yaml"


# ---- the entry model ---------------------------------------------------------------------------
class ParamEntry(BaseModel):
    """One parameter: a central value with its range, unit, source and date."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    waarde: float
    laag: float
    hoog: float
    eenheid: Literal[PARAM_UNITS]  # type: ignore[valid-type]
    bron: str
    datum: str
    aanname: bool
    toelichting: str | None = None
    richting: Literal["meer_is_meer", "meer_is_minder"] = "meer_is_meer"
    leeftijd_van: int | None = None
    leeftijd_tot: int | None = None
    geslacht: Literal[GESLACHTEN] = "totaal"  # type: ignore[valid-type]

    @field_validator("datum", mode="before")
    @classmethod
    def _datum(cls, v: Any) -> Any:
        # YAML turns 2024 into an int and 2024-01-01 into a date; accept both, store text.
        if isinstance(v, bool):
            return v
        if isinstance(v, int) and 1900 <= v <= 2100:
            return str(v)
        if isinstance(v, _dt.date):
            return v.isoformat()
        return v

    @field_validator("bron", "datum")
    @classmethod
    def _not_empty(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("mag niet leeg zijn")
        return v

    @field_validator("waarde", "laag", "hoog")
    @classmethod
    def _finite(cls, v: float) -> float:
        if not math.isfinite(v):
            raise ValueError("moet een eindig getal zijn (geen .nan of .inf)")
        if v < 0:
            raise ValueError("mag niet negatief zijn")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> "ParamEntry":
        if not (self.laag <= self.waarde <= self.hoog):
            raise ValueError(f"laag ≤ waarde ≤ hoog geldt niet ({self.laag} ≤ {self.waarde} ≤ {self.hoog})")
        if self.eenheid in SHARE_UNITS and self.hoog > 1:
            raise ValueError(f"eenheid {self.eenheid} is een aandeel tussen 0 en 1; hoog is {self.hoog}")
        if self.eenheid in DIVISOR_UNITS and self.laag <= 0:
            raise ValueError(f"eenheid {self.eenheid} moet groter dan 0 zijn")
        banded = self.eenheid == "per_1000_leeftijdsgroep"
        if banded and self.leeftijd_van is None:
            raise ValueError("eenheid per_1000_leeftijdsgroep vraagt leeftijd_van (en leeftijd_tot, null = open)")
        if not banded and (self.leeftijd_van is not None or self.leeftijd_tot is not None
                           or self.geslacht != "totaal"):
            raise ValueError("leeftijd_van/leeftijd_tot/geslacht alleen bij eenheid per_1000_leeftijdsgroep")
        if self.leeftijd_van is not None and self.leeftijd_van < 0:
            raise ValueError("leeftijd_van mag niet negatief zijn")
        if (self.leeftijd_van is not None and self.leeftijd_tot is not None
                and self.leeftijd_tot < self.leeftijd_van):
            raise ValueError("leeftijd_tot is kleiner dan leeftijd_van")
        return self

    def value(self, variant: str) -> float:
        """The value for a variant (see module docstring for ``richting``)."""
        if variant == "midden":
            return self.waarde
        if variant not in ("laag", "hoog"):
            raise ValueError(f"onbekende variant '{variant}' (laag, midden, hoog)")
        low_need = self.laag if self.richting == "meer_is_meer" else self.hoog
        high_need = self.hoog if self.richting == "meer_is_meer" else self.laag
        return low_need if variant == "laag" else high_need


@dataclass(frozen=True)
class ParameterSet:
    """All parameters (keys ``section.name``), the overlap priority order and where they came from."""

    entries: Mapping[str, ParamEntry]
    prioriteit: tuple[str, ...] = OVERLAP_PRIORITEIT
    source: str = "<memory>"
    lines: Mapping[str, int] = field(default_factory=dict)
    scenario: str | None = None

    def __getitem__(self, key: str) -> ParamEntry:
        try:
            return self.entries[key]
        except KeyError:
            close = difflib.get_close_matches(key, list(self.entries), n=1)
            hint = f" Bedoelt u '{close[0]}'?" if close else ""
            raise KeyError(f"onbekende parameter '{key}'.{hint}") from None

    def keys(self) -> tuple[str, ...]:
        return tuple(self.entries)

    def value(self, key: str, variant: str = "midden") -> float:
        return self[key].value(variant)

    def resolve(self, variant: str) -> dict[str, float]:
        """``{key: value}`` for one variant; what the methods use."""
        if variant not in VARIANTEN:
            raise ValueError(f"onbekende variant '{variant}' (laag, midden, hoog)")
        return {k: e.value(variant) for k, e in self.entries.items()}

    def section(self, name: str) -> dict[str, ParamEntry]:
        prefix = name + "."
        return {k[len(prefix):]: e for k, e in self.entries.items() if k.startswith(prefix)}

    def overlap_pairs(self) -> dict[tuple[str, str], str]:
        """``{(lower, higher): key}`` for every ``overlap.<lower>_in_<higher>`` entry."""
        out = {}
        for name in self.section("overlap"):
            lower, higher = name.split("_in_")
            out[(lower, higher)] = f"overlap.{name}"
        return out

    def table(self):
        """All entries as a DataFrame (for the report's parameter annex)."""
        import pandas as pd
        rows = [{"parameter": k, **e.model_dump()} for k, e in self.entries.items()]
        return pd.DataFrame(rows)


# ---- safe YAML with line numbers ---------------------------------------------------------------

def _dotted(path: tuple) -> str:
    return ".".join(str(p) for p in path) if path else "<bestand>"


def load_yaml(path: str | Path) -> tuple[Any, dict[tuple, int]]:
    """Safely and strictly load a YAML file with the shared loader :func:`woonzorg_lib.yamlio.load`
    (tags, aliases, duplicate keys, encoding refused with their line); return the data and
    ``{key path: 1-based line of the key}``. Errors without a key name ``<bestand>``."""
    path = Path(path)
    try:
        located = yamlio.load(path)
    except InputError as exc:
        if exc.column is not None:
            raise
        raise InputError(exc.detail, file=path, column="<bestand>", row=exc.row or 1) from None
    return located.data, located.lines


def _line(lines: Mapping[tuple, int], path: tuple) -> int | None:
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get(())


def _suggest(name: str, options) -> str:
    close = difflib.get_close_matches(str(name), list(options), n=1, cutoff=0.6)
    return f" Bedoelt u '{close[0]}'?" if close else ""


def _validate_entry(raw: Any, file: Path, path: tuple, lines: Mapping[tuple, int]) -> ParamEntry:
    if not isinstance(raw, dict):
        raise InputError("verwacht een blok met waarde, laag, hoog, eenheid, bron, datum, aanname",
                         file=file, column=_dotted(path), row=_line(lines, path))
    for k in raw:
        if k not in ENTRY_FIELDS:
            raise InputError(f"onbekend veld '{k}'.{_suggest(k, ENTRY_FIELDS)}", file=file,
                             column=_dotted(path + (k,)), row=_line(lines, path + (k,)))
    try:
        return ParamEntry.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(str(p) for p in err["loc"] if isinstance(p, str))
        # 'literal_error' etc. carry the field; model-level errors have an empty loc.
        field_path = path + loc[:1]
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            msg = f"veld '{loc[0]}' ontbreekt"
            field_path = path
        elif err["type"] in ("float_type", "int_type", "bool_type", "string_type"):
            got = raw.get(loc[0]) if loc else None
            want = {"float_type": "een getal", "int_type": "een geheel getal",
                    "bool_type": "true of false", "string_type": "tekst"}[err["type"]]
            msg = f"verwacht {want}, gevonden {got!r}"
        elif err["type"] == "literal_error" and loc and loc[0] == "eenheid":
            got = raw.get("eenheid")
            msg = f"onbekende eenheid {got!r}.{_suggest(got, PARAM_UNITS)} Toegestaan: {', '.join(PARAM_UNITS)}"
        raise InputError(msg, file=file, column=_dotted(field_path), row=_line(lines, field_path)) from None


def _check_prioriteit(value: Any, file: Path, path: tuple, lines) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError("verwacht een lijst met groepscodes", file=file, column=_dotted(path),
                         row=_line(lines, path))
    for i, code in enumerate(value):
        if code not in CATALOGUE:
            raise InputError(f"onbekende groep '{code}'.{_suggest(code, GROUP_CODES)}", file=file,
                             column=_dotted(path + (i,)), row=_line(lines, path + (i,)))
    missing = [c for c in GROUP_CODES if c not in value]
    if missing or len(set(value)) != len(value):
        raise InputError(f"elke groep precies één keer; ontbreekt: {', '.join(missing) or '-'}",
                         file=file, column=_dotted(path), row=_line(lines, path))
    return tuple(value)


def _check_overlap_order(entries: Mapping[str, ParamEntry], prioriteit: tuple[str, ...], file: Path,
                         lines) -> None:
    rank = {g: i for i, g in enumerate(prioriteit)}
    for key in entries:
        if not key.startswith("overlap."):
            continue
        name = key.split(".", 1)[1]
        lower, higher = name.split("_in_")
        if rank[higher] >= rank[lower]:
            path = ("parameters", "overlap", name)
            raise InputError(f"'{higher}' moet in overlap_prioriteit vóór '{lower}' staan (de hogere groep "
                             "houdt de persoon)", file=file, column=_dotted(path), row=_line(lines, path))


def _check_unit(key: str, entry: "ParamEntry", file: Path, path: tuple, lines) -> None:
    want = EXPECTED_UNITS.get(key)
    if want is not None and entry.eenheid != want:
        upath = path + ("eenheid",)
        raise InputError(f"eenheid '{entry.eenheid}' past niet bij deze parameter: het model rekent in '{want}'",
                         file=file, column=_dotted(upath), row=_line(lines, upath) or _line(lines, path))


def parse_parameters(data: Any, lines: Mapping[tuple, int], file: Path) -> ParameterSet:
    """Validate already-loaded YAML data (see :func:`load_parameters`)."""
    if not isinstance(data, dict):
        raise InputError("verwacht een blok met 'versie' en 'parameters'", file=file, column="<bestand>", row=1)
    allowed_top = ("versie", "overlap_prioriteit", "parameters")
    for k in data:
        if k not in allowed_top:
            raise InputError(f"onbekende sleutel '{k}'.{_suggest(k, allowed_top)}", file=file, column=k,
                             row=_line(lines, (k,)))
    if data.get("versie") != 1:
        raise InputError("versie moet 1 zijn", file=file, column="versie", row=_line(lines, ("versie",)))
    prioriteit = OVERLAP_PRIORITEIT
    if "overlap_prioriteit" in data:
        prioriteit = _check_prioriteit(data["overlap_prioriteit"], file, ("overlap_prioriteit",), lines)
    params = data.get("parameters")
    if not isinstance(params, dict):
        raise InputError("blok 'parameters' ontbreekt of is geen blok", file=file, column="parameters",
                         row=_line(lines, ("parameters",)))
    expected = {code: CATALOGUE[code].parameters for code in GROUP_CODES} | dict(EXTRA_SECTIONS)
    entries: dict[str, ParamEntry] = {}
    for section, block in params.items():
        path = ("parameters", section)
        if section not in expected:
            raise InputError(f"onbekende groep of sectie '{section}'.{_suggest(section, expected)}",
                             file=file, column=_dotted(path), row=_line(lines, path))
        if not isinstance(block, dict):
            raise InputError("verwacht een blok met parameters", file=file, column=_dotted(path),
                             row=_line(lines, path))
        for name, raw in block.items():
            ppath = path + (name,)
            if name not in expected[section]:
                raise InputError(f"onbekende parameter '{name}' in '{section}'.{_suggest(name, expected[section])}",
                                 file=file, column=_dotted(ppath), row=_line(lines, ppath))
            entry = _validate_entry(raw, file, ppath, lines)
            _check_unit(f"{section}.{name}", entry, file, ppath, lines)
            entries[f"{section}.{name}"] = entry
    for key in all_parameter_keys():
        if key not in entries:
            section, name = key.split(".", 1)
            path = ("parameters", section)
            raise InputError(f"parameter '{name}' ontbreekt", file=file, column=f"parameters.{key}",
                             row=_line(lines, path))
    _check_overlap_order(entries, prioriteit, file, lines)
    ordered = {k: entries[k] for k in all_parameter_keys()}
    flat_lines = {f"{p[1]}.{p[2]}": ln for p, ln in lines.items()
                  if len(p) == 3 and p[0] == "parameters"}
    return ParameterSet(entries=MappingProxyType(ordered), prioriteit=prioriteit, source=str(file),
                        lines=MappingProxyType(flat_lines))


def load_parameters(path: str | Path | None = None, *, scenario: str | Path | None = None) -> ParameterSet:
    """Load and validate the parameter file (default ``config/parameters.yaml``), then apply an
    optional scenario overrides file on top."""
    file = Path(path) if path is not None else default_parameter_path()
    data, lines = load_yaml(file)
    params = parse_parameters(data, lines, file)
    if scenario is not None:
        params = apply_scenario(params, scenario)
    return params


# ---- scenario overrides ------------------------------------------------------------------------
def apply_scenario(params: ParameterSet, scenario: str | Path) -> ParameterSet:
    """Apply a scenario file: a YAML mapping ``{key.path: value}`` on top of ``params``.

    Keys: ``<groep>.<parameter>`` with a number (sets ``waarde``) or with a block of fields
    (``{waarde: .., laag: .., hoog: .., bron: ..}``); ``<groep>.<parameter>.<veld>`` with a value
    for one field; ``overlap_prioriteit`` with a list. ``naam`` and ``beschrijving`` are free text.
    The result is validated exactly like the parameter file (ranges, shares, units).
    """
    file = Path(scenario)
    data, lines = load_yaml(file)
    if not isinstance(data, dict):
        raise InputError("verwacht een blok 'sleutel: waarde'", file=file, column="<bestand>", row=1)
    return apply_overrides(params, data, file=file, lines=lines)


def apply_overrides(params: ParameterSet, overrides: Mapping[str, Any], *, file: str | Path = "<scenario>",
                    lines: Mapping[tuple, int] | None = None) -> ParameterSet:
    """Apply ``{key.path: value}`` overrides (see :func:`apply_scenario`) and re-validate."""
    file = Path(file)
    lines = lines or {}
    raw = {k: e.model_dump(exclude_defaults=False) for k, e in params.entries.items()}
    prioriteit = params.prioriteit
    for key, value in overrides.items():
        kpath = (key,)
        row = _line(lines, kpath)
        if key in SCENARIO_META_KEYS:
            if not isinstance(value, str):
                raise InputError("verwacht tekst", file=file, column=key, row=row)
            continue
        if key == "overlap_prioriteit":
            prioriteit = _check_prioriteit(value, file, kpath, lines)
            continue
        parts = str(key).split(".")
        if len(parts) not in (2, 3):
            raise InputError("verwacht '<groep>.<parameter>' of '<groep>.<parameter>.<veld>'", file=file,
                             column=key, row=row)
        pkey = ".".join(parts[:2])
        if pkey not in raw:
            raise InputError(f"onbekende parameter '{pkey}'.{_suggest(pkey, raw)}", file=file, column=key, row=row)
        if len(parts) == 3:
            fld = parts[2]
            if fld not in ENTRY_FIELDS:
                raise InputError(f"onbekend veld '{fld}'.{_suggest(fld, ENTRY_FIELDS)}", file=file,
                                 column=key, row=row)
            raw[pkey] = {**raw[pkey], fld: value}
        elif isinstance(value, dict):
            for fld in value:
                if fld not in ENTRY_FIELDS:
                    raise InputError(f"onbekend veld '{fld}'.{_suggest(fld, ENTRY_FIELDS)}", file=file,
                                     column=f"{key}.{fld}", row=_line(lines, (key, fld)))
            raw[pkey] = {**raw[pkey], **value}
        else:
            raw[pkey] = {**raw[pkey], "waarde": value}
        try:
            entry = ParamEntry.model_validate(raw[pkey])
        except ValidationError as exc:
            err = exc.errors()[0]
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] in ("float_type", "int_type", "bool_type", "string_type"):
                msg = f"ongeldige waarde {value!r}: {msg}"
            raise InputError(f"{msg} (na toepassen van de scenario-waarde; pas zo nodig ook laag/hoog aan)",
                             file=file, column=key, row=row) from None
        want = EXPECTED_UNITS.get(pkey)
        if want is not None and entry.eenheid != want:
            raise InputError(f"eenheid '{entry.eenheid}' past niet bij deze parameter: het model rekent in '{want}'",
                             file=file, column=key, row=row)
        raw[pkey] = entry.model_dump()
    entries = {k: ParamEntry.model_validate(v) for k, v in raw.items()}
    try:
        _check_overlap_order(entries, prioriteit, file, {})
    except InputError as exc:  # in a scenario it is the new priority list that is wrong
        raise InputError(exc.detail, file=file, column="overlap_prioriteit",
                         row=_line(lines, ("overlap_prioriteit",)) or 1) from None
    return ParameterSet(entries=MappingProxyType(entries), prioriteit=prioriteit, source=params.source,
                        lines=params.lines, scenario=str(file))
