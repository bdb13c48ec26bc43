"""Options and checks shared by the export commands."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError


def add_region(p) -> None:
    p.add_argument("--region", required=True, help="slug van een meegeleverde regio of pad naar een regiobestand")


def add_params(p) -> None:
    """--params and --scenario: the parameter file and a scenario of overrides on top of it."""
    p.add_argument("--params", default=None, help="parameterbestand (standaard config/parameters.yaml)")
    p.add_argument("--scenario", default=None, help="scenariobestand met parameter-overschrijvingen")


def out_path(value: str, *, suffix: str = ".csv", base: Path | None = None) -> Path:
    """Validate an output path: right suffix, and (when ``base`` is given) inside ``base``."""
    p = Path(value)
    if p.suffix.lower() != suffix:
        raise InputError(f"uitvoerbestand moet op {suffix} eindigen", file=value, column="--out")
    if base is not None:
        resolved = (base / p).resolve() if not p.is_absolute() else p.resolve()
        if not resolved.is_relative_to(base.resolve()):
            raise InputError(f"uitvoer valt buiten de uitvoermap {base}", file=value, column="--out")
        return resolved
    if ".." in p.parts:
        raise InputError("uitvoerpad mag geen '..' bevatten (valt buiten de uitvoermap)", file=value, column="--out")
    if p.exists() and p.is_dir():
        raise InputError("uitvoer is een map, geen bestand", file=value, column="--out")
    return p
