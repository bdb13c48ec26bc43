"""Validation of the notebook parameters.

papermill injects parameters as Python literals and does not coerce them to the declared types
(papermill#55): ``-p horizon 2030.0`` arrives as a float, ``-p as_of 2024`` from a YAML file may
arrive as a string. Every notebook therefore has exactly one cell tagged ``parameters`` with the
fields of :class:`RunParams` as annotated defaults, and the next cell builds ``RunParams(...)``,
which coerces each value to its type and refuses anything ambiguous with a message in Dutch that
names the parameter.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, fields
from pathlib import Path

from ..errors import InputError

VARIANTS = ("laag", "midden", "hoog")
MIN_AS_OF, MAX_AS_OF = 2015, 2025
MAX_HORIZON = 2050
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# Human-readable explanation of every parameter (used in the report's "Bronnen en aannames" and
# in `woonzorg run --help`).
DESCRIPTIONS = {
    "region": "regio: slug van een meegeleverde regio (regions/<slug>.yaml) of pad naar een regiobestand",
    "variant": "variant van de prognose en de parameters: laag, midden of hoog",
    "until": "laatste prognosejaar (standen op 1 januari van dit jaar)",
    "as_of": "peiljaar: de modellen zien alleen waarnemingen tot en met 1 januari van dit jaar",
    "threshold": "aantallen kleiner dan deze drempel worden in gepubliceerde tabellen afgeschermd (0 = niet afschermen)",
    "scenario": "pad naar een scenariobestand met parameterwijzigingen (leeg = standaardparameters)",
    "rundatum": "datum die als rapportdatum wordt vermeld (JJJJ-MM-DD; leeg = geen datum)",
}


# Earlier names of the same concepts, still accepted (one name per concept: until, rundatum).
ALIASES = {"horizon": "until", "run_date": "rundatum"}


def _err(name: str, message: str) -> InputError:
    return InputError(f"parameter '{name}': {message}", column=name)


def _as_int(name: str, value) -> int:
    if isinstance(value, bool):
        raise _err(name, f"verwacht een geheel getal, kreeg {value!r}")
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise _err(name, f"verwacht een geheel getal, kreeg {value!r}")
    if isinstance(value, str):
        s = value.strip()
        if re.fullmatch(r"[+-]?\d+", s):
            return int(s)
        if re.fullmatch(r"[+-]?\d+[.,]0+", s):
            return int(re.split(r"[.,]", s)[0])
        raise _err(name, f"verwacht een geheel getal, kreeg '{value}'")
    raise _err(name, f"verwacht een geheel getal, kreeg {type(value).__name__}")


def _as_str(name: str, value) -> str:
    if value is None:
        return ""
    if isinstance(value, (str, Path)):
        return str(value).strip()
    raise _err(name, f"verwacht tekst, kreeg {type(value).__name__} {value!r}")


@dataclass(frozen=True)
class RunParams:
    """The validated parameters of one report run. Field names = the notebooks' parameter names."""

    region: str
    variant: str = "midden"
    until: int = 2030
    as_of: int = 2024
    threshold: int = 5
    scenario: str = ""
    rundatum: str = ""

    def __post_init__(self):
        set_ = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731 (frozen dataclass)
        region = _as_str("region", self.region)
        if not region:
            raise _err("region", "geef een regio (slug of pad naar een regiobestand)")
        set_("region", region)
        variant = _as_str("variant", self.variant).lower()
        if variant not in VARIANTS:
            raise _err("variant", f"'{self.variant}' is geen variant; kies uit {', '.join(VARIANTS)}")
        set_("variant", variant)
        as_of = _as_int("as_of", self.as_of)
        if not MIN_AS_OF <= as_of <= MAX_AS_OF:
            raise _err("as_of", f"{as_of} valt buiten {MIN_AS_OF}–{MAX_AS_OF}")
        set_("as_of", as_of)
        until = _as_int("until", self.until)
        if not as_of < until <= MAX_HORIZON:
            raise _err("until", f"{until} moet na het peiljaar {as_of} liggen en uiterlijk {MAX_HORIZON} zijn")
        set_("until", until)
        threshold = _as_int("threshold", self.threshold)
        if threshold < 0:
            raise _err("threshold", f"de drempel kan niet negatief zijn ({threshold})")
        set_("threshold", threshold)
        scenario = _as_str("scenario", self.scenario)
        if scenario and not Path(scenario).is_file():
            raise _err("scenario", f"scenariobestand '{scenario}' bestaat niet")
        set_("scenario", scenario)
        rundatum = _as_str("rundatum", self.rundatum)
        if rundatum and not _DATE_RE.match(rundatum):
            raise _err("rundatum", f"'{rundatum}' is geen datum in de vorm JJJJ-MM-DD")
        set_("rundatum", rundatum)

    # -- helpers -----------------------------------------------------------------------------
    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    @classmethod
    def defaults(cls) -> dict:
        return {f.name: f.default for f in fields(cls) if f.default is not dataclasses.MISSING}

    @classmethod
    def from_mapping(cls, values: dict) -> "RunParams":
        values = {ALIASES.get(k, k): v for k, v in values.items()}
        unknown = sorted(set(values) - set(cls.names()))
        if unknown:
            raise _err(unknown[0], f"onbekende parameter; bekend: {', '.join(cls.names())}")
        return cls(**values)

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)

    @property
    def base_year(self) -> int:
        """The base year of the forecast: the latest 1 January with data, capped by as_of."""
        return min(self.as_of, 2024)

    def region_obj(self):
        from ..regions import load_region

        return load_region(self.region)


def parse_cli_value(text: str):
    """A ``-p key=value`` value as typed on the command line: int if it looks like one, else str."""
    s = text.strip()
    if re.fullmatch(r"[+-]?\d+", s):
        return int(s)
    return s


def parse_cli_params(pairs: list[str] | None) -> dict:
    out: dict = {}
    for pair in pairs or []:
        if "=" not in pair:
            raise InputError(f"'-p {pair}': schrijf -p sleutel=waarde", column="-p")
        key, value = pair.split("=", 1)
        key = key.strip().replace("-", "_")
        key = ALIASES.get(key, key)
        if key not in RunParams.names():
            raise InputError(f"'-p {pair}': onbekende parameter '{key}'; bekend: {', '.join(RunParams.names())}",
                             column="-p")
        if key == "region":
            raise InputError("geef de regio met --region, niet met -p", column="-p")
        out[key] = parse_cli_value(value)
    return out


def report_title(naam: str, p: RunParams, scenario_name: str = "") -> str:
    """The report's title (also the HTML ``<title>``)."""
    t = f"Woonzorganalyse {naam} {p.base_year}–{p.until}"
    if p.variant != "midden":
        t += f", variant {p.variant}"
    if scenario_name:
        t += f" – scenario {scenario_name}"
    return t
