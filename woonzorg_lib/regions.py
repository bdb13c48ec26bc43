"""Regions as config: one small YAML file per region (``regions/<slug>.yaml``).

Schema (see ``regions/README.md``)::

    slug: midden-limburg          # lower-case, digits and '-'
    naam: Midden-Limburg          # display name
    omschrijving: ...             # optional
    gemeenten: [GM1711, ...]      # CBS gemeentecodes on 2024 boundaries, and/or
    indeling:                     # a classification of the gemeente list (CBS 85755NED), e.g.
      provincie: Gelderland       # one name or a list of names per classification
    subregios:                    # optional; each gemeente in at most one subregio
      Midden-Limburg Oost: [GM1711, ...]

A region is given by slug (a file in ``regions/`` or one of its subfolders, e.g.
``regions/provincies/``) or by a path to a file anywhere.
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
ALLOWED_KEYS = {"slug", "naam", "omschrijving", "gemeenten", "indeling", "subregios", "centrumgemeenten"}
# classification name in a region file -> column of data/raw/gemeenten_nl_2024_2025.csv
CLASSIFICATIONS = {"provincie": "provincie", "corop": "corop", "ggd": "ggd_regio", "ggd_regio": "ggd_regio",
                   "zorgkantoorregio": "zorgkantoorregio", "jeugdzorgregio": "jeugdzorgregio",
                   "arbeidsmarktregio": "arbeidsmarktregio", "centrumgemeente_bw_mo": "centrumgemeente_bw_mo_2024"}


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
    """The client regions (top level of regions/); `woonzorg run --all` builds these."""
    return sorted(paths.regions_dir().glob("*.yaml"))


def all_region_files() -> list[Path]:
    """Every shipped region file, including subfolders (e.g. regions/provincies/)."""
    return sorted(paths.regions_dir().rglob("*.yaml"))


def list_regions() -> list[Region]:
    return [load_region(p) for p in region_files()]


def resolve_region_path(arg: str | Path) -> Path:
    p = Path(arg)
    if p.suffix in (".yaml", ".yml") or p.exists() or "/" in str(arg):
        return p
    cand = paths.regions_dir() / f"{arg}.yaml"
    if not cand.exists():
        nested = sorted(paths.regions_dir().glob(f"*/{arg}.yaml"))
        if nested:
            return nested[0]
        slugs = ", ".join(f.stem for f in all_region_files())
        raise InputError(f"onbekende regio '{arg}'; bekend: {slugs} (of geef een pad naar een regiobestand)",
                         column="--region")
    return cand


def classified_codes(spec, y=None) -> list[str]:
    """Gemeentecodes named by a classification mapping, e.g. ``{"provincie": "Gelderland"}`` or
    ``{"corop": ["Twente", "Zuidwest-Overijssel"]}``; several classifications are combined (union)."""
    def err(msg, *kp):
        return y.error(msg, "indeling", *kp) if y is not None else InputError(msg, column="indeling")

    if not isinstance(spec, dict) or not spec:
        raise err("indeling moet een mapping zijn, bijv. 'provincie: Gelderland' of 'corop: [Twente]'")
    g = known_gemeenten()
    out: list[str] = []
    for key, names in spec.items():
        if key not in CLASSIFICATIONS:
            raise err(f"onbekende indeling '{key}'; bekend: {', '.join(sorted(CLASSIFICATIONS))}", key)
        col = CLASSIFICATIONS[key]
        names = [names] if isinstance(names, str) else names
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            raise err(f"{key}: geef een naam of een lijst van namen", key)
        values = sorted(set(g[col].dropna().astype(str)))
        for i, n in enumerate(names):
            hit = g[g[col].astype(str) == n]
            if hit.empty:
                import difflib
                close = difflib.get_close_matches(n, values, n=3)
                hint = f" (bedoelt u {', '.join(repr(c) for c in close)}?)" if close else ""
                raise err(f"{key} '{n}' bestaat niet in de gemeentelijst (indeling 2024){hint}", key,
                          *( (i,) if len(names) > 1 else ()))
            out += [c for c in hit["gemeentecode"] if c not in out]
    return sorted(out)


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
    for key in ("slug", "naam"):
        if key not in d:
            raise y.error(f"verplichte sleutel '{key}' ontbreekt", key)
    if "gemeenten" not in d and "indeling" not in d:
        raise y.error("verplichte sleutel 'gemeenten' (lijst van codes) of 'indeling' (bijv. provincie: Utrecht) "
                      "ontbreekt", "gemeenten")
    slug = d["slug"]
    if not isinstance(slug, str) or not SLUG_RE.match(slug):
        raise y.error(f"slug '{slug}' mag alleen kleine letters, cijfers en '-' bevatten", "slug")
    if not isinstance(d["naam"], str) or not d["naam"].strip():
        raise y.error("naam moet een niet-lege tekst zijn", "naam")
    codes = d.get("gemeenten", [])
    if not isinstance(codes, list) or ("gemeenten" in d and not codes):
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
    if "indeling" in d:
        for c in classified_codes(d["indeling"], y):
            if c not in seen:
                seen.add(c)
                codes = [*codes, c]
        codes = sorted(codes)
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
