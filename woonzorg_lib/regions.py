"""Regions as config: one small YAML file per region (``regions/<slug>.yaml``).

Schema (see ``regions/README.md``)::

    slug: midden-limburg          # lower-case, digits and '-'
    naam: Midden-Limburg          # display name
    omschrijving: ...             # optional
    gemeenten: [GM1711, ...]      # CBS gemeentecodes on 2024 boundaries
    subregios:                    # optional; each gemeente in at most one subregio
      Midden-Limburg Oost: [GM1711, ...]

A region is given by slug (a file in ``regions/``) or by a path to a file anywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from . import paths, yamlio
from .errors import DataMissingError, InputError

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
CODE_RE = re.compile(r"^GM\d{4}$")
ALLOWED_KEYS = {"slug", "naam", "omschrijving", "gemeenten", "subregios", "centrumgemeenten"}


@dataclass(frozen=True)
class Region:
    slug: str
    naam: str
    gemeenten: tuple[str, ...]
    subregios: dict[str, tuple[str, ...]] = field(default_factory=dict)
    omschrijving: str = ""
    source: Path | None = None

    def subregio_of(self, code: str) -> str | None:
        for name, codes in self.subregios.items():
            if code in codes:
                return name
        return None


@lru_cache(maxsize=4)
def _gemeenten_table(raw: str) -> pd.DataFrame:
    f = Path(raw) / "gemeenten_nl_2024_2025.csv"
    return pd.read_csv(f, dtype={"gemeentecode": str})


def known_gemeenten() -> pd.DataFrame:
    """All Dutch gemeenten on 2024 boundaries (from the snapshot, CBS 85755NED)."""
    return _gemeenten_table(str(paths.raw_dir()))


@lru_cache(maxsize=4)
def _snapshot_codes(raw: str) -> frozenset[str]:
    # the national snapshot (data/raw/cbs) carries population series for every gemeente of 2024:
    # the build fails unless all 342 are harmonised (woonzorg_lib/dataset/national.py)
    codes: set[str] = set()
    if (Path(raw) / "cbs" / "85644NED.csv.gz").exists():
        codes = set(_gemeenten_table(raw)["gemeentecode"])
    # Gemeenten brought in by `woonzorg data fetch` register themselves in fetched/ files.
    fetched = Path(raw) / "fetched"
    if fetched.exists():
        for f in fetched.glob("*population_totals*.csv"):
            codes |= set(pd.read_csv(f, usecols=["gemeentecode"], dtype=str)["gemeentecode"])
    return frozenset(c for c in codes if c.startswith("GM"))


def snapshot_codes() -> frozenset[str]:
    return _snapshot_codes(str(paths.raw_dir()))


def region_files() -> list[Path]:
    return sorted(paths.regions_dir().glob("*.yaml"))


def list_regions() -> list[Region]:
    return [load_region(p) for p in region_files()]


def resolve_region_path(arg: str | Path) -> Path:
    p = Path(arg)
    if p.suffix in (".yaml", ".yml") or p.exists() or "/" in str(arg):
        return p
    cand = paths.regions_dir() / f"{arg}.yaml"
    if not cand.exists():
        slugs = ", ".join(f.stem for f in region_files())
        raise InputError(f"onbekende regio '{arg}'; bekend: {slugs} (of geef een pad naar een regiobestand)",
                         column="--region")
    return cand


def load_region(arg: str | Path, *, require_data: bool = True) -> Region:
    """Load and validate a region file; ``arg`` is a slug or a path."""
    path = resolve_region_path(arg)
    y = yamlio.load(path)
    d = y.data
    if not isinstance(d, dict):
        raise y.error("een regiobestand is een mapping met slug, naam en gemeenten")
    unknown_keys = sorted(set(d) - ALLOWED_KEYS)
    if unknown_keys:
        raise y.error(f"onbekende sleutel '{unknown_keys[0]}'; toegestaan: {', '.join(sorted(ALLOWED_KEYS))}",
                      unknown_keys[0])
    for key in ("slug", "naam", "gemeenten"):
        if key not in d:
            raise y.error(f"verplichte sleutel '{key}' ontbreekt", key)
    slug = d["slug"]
    if not isinstance(slug, str) or not SLUG_RE.match(slug):
        raise y.error(f"slug '{slug}' mag alleen kleine letters, cijfers en '-' bevatten", "slug")
    if not isinstance(d["naam"], str) or not d["naam"].strip():
        raise y.error("naam moet een niet-lege tekst zijn", "naam")
    codes = d["gemeenten"]
    if not isinstance(codes, list) or not codes:
        raise y.error("gemeenten moet een niet-lege lijst van gemeentecodes zijn", "gemeenten")
    bad_form = [(i, c) for i, c in enumerate(codes) if not isinstance(c, str) or not CODE_RE.match(c)]
    if bad_form:
        i, c = bad_form[0]
        raise y.error(f"'{c}' is geen gemeentecode (vorm GM0000); ongeldig: "
                      f"{', '.join(str(c) for _, c in bad_form)}", "gemeenten", i)
    seen: set[str] = set()
    for i, c in enumerate(codes):
        if c in seen:
            raise y.error(f"gemeente {c} staat twee keer in de lijst", "gemeenten", i)
        seen.add(c)
    known = set(known_gemeenten()["gemeentecode"])
    unknown = [c for c in codes if c not in known]
    if unknown:
        first = codes.index(unknown[0])
        raise y.error(f"geen Nederlandse gemeente (indeling 2024): {', '.join(unknown)}", "gemeenten", first)
    subregios: dict[str, tuple[str, ...]] = {}
    owner: dict[str, str] = {}
    raw_sub = d.get("subregios") or {}
    if not isinstance(raw_sub, dict):
        raise y.error("subregios moet een mapping naam → lijst van gemeentecodes zijn", "subregios")
    for name, members in raw_sub.items():
        if not isinstance(members, list):
            raise y.error("een subregio is een lijst van gemeentecodes", "subregios", name)
        for i, c in enumerate(members):
            if c not in seen:
                raise y.error(f"{c} staat in subregio '{name}' maar niet in gemeenten", "subregios", name, i)
            if c in owner:
                raise y.error(f"{c} staat in twee subregio's: '{owner[c]}' en '{name}'", "subregios", name, i)
            owner[c] = name
        subregios[str(name)] = tuple(members)
    if require_data:
        missing = [c for c in codes if c not in snapshot_codes()]
        if missing:
            names = known_gemeenten().set_index("gemeentecode").loc[missing, "gemeentenaam"]
            listed = ", ".join(f"{c} ({n})" for c, n in names.items())
            raise DataMissingError(
                f"bestand {path}: geen gegevens in de snapshot voor {listed}. Haal ze op met "
                f"`woonzorg data fetch --region {path}` (internet nodig) en daarna `woonzorg data build`.")
    return Region(slug=slug, naam=d["naam"].strip(), gemeenten=tuple(codes), subregios=subregios,
                  omschrijving=str(d.get("omschrijving", "") or ""), source=path)
