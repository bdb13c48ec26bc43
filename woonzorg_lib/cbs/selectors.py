"""Building blocks of the table specs: errors, category selectors, measures and :class:`TableSpec`.

Categories are picked at run time from the dimension endpoint, by verified key or by title
(docs/cbs_odata.md §1.4). Measure keys are matched exactly as CBS publishes them (read from real
TypedDataSets, see docs/cbs_odata.md "Verification per table"); when only the position suffix changed
(``Inwoners75Plus_7`` → ``Inwoners75Plus_8``) and the stem is unique, the stem still matches. Anything
else is a changed table, reported as :class:`SchemaChanged` naming the table and the column. Measures
without a verified key can be matched by their DataProperties ``Title`` (``title_re``), optionally inside
a topic group (``group_re``).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Callable

from ..errors import WoonzorgError
from .odata import Dimension, age_band, band_label

class FetchError(WoonzorgError):
    """A CBS table could not be fetched or did not validate; the message names the table."""

    def __init__(self, table: str, title: str, detail: str):
        self.table = table
        self.title = title
        self.detail = detail
        name = f"CBS-tabel {table}" + (f" ({title})" if title else "")
        super().__init__(f"{name}: {detail}. Niets gewijzigd in data/raw.")


class SchemaChanged(FetchError):
    """CBS renamed or dropped a column, dimension or category the pipeline relies on."""


# ------------------------------------------------------------------------------------------------
# selection rules for dimensions


Selector = Callable[[Dimension, "TableSpec"], dict[str, str]]   # stripped key -> label


def _changed(spec: "TableSpec", dim: Dimension, what: str) -> SchemaChanged:
    titles = [dim.title(k) for k in list(dim.by_key)[:12]]
    return SchemaChanged(spec.id, spec.title, f"dimensie {dim.name}: {what} niet gevonden — heeft CBS de tabel "
                         f"gewijzigd? Categorieën (eerste 12): {', '.join(repr(t) for t in titles)}")


def total(keys: tuple[str, ...] = (), title_re: str = r"^totaal") -> Selector:
    """Exactly one category: the verified key if present, else the one title matching ``title_re``."""

    def sel(dim: Dimension, spec: "TableSpec") -> dict[str, str]:
        for k in keys:
            if dim.has(k):
                return {k: "totaal"}
        hits = [k for k in dim.by_key if re.search(title_re, dim.title(k), re.I)]
        if len(hits) >= 1:
            # several 'Totaal …' titles: take the first in CBS order (the overall total comes first)
            return {hits[0]: "totaal"}
        raise _changed(spec, dim, f"totaal (titel /{title_re}/)")

    return sel


def titles(mapping: dict[str, str], *, with_total: tuple[str, ...] | None = None) -> Selector:
    """Categories by exact title (case-insensitive) -> label; all must be present."""

    def sel(dim: Dimension, spec: "TableSpec") -> dict[str, str]:
        out: dict[str, str] = {}
        if with_total is not None:
            out.update(total(with_total)(dim, spec))
        by_title = {dim.title(k).lower(): k for k in dim.by_key}
        for t, label in mapping.items():
            if t.lower() not in by_title:
                raise _changed(spec, dim, f"categorie '{t}'")
            out[by_title[t.lower()]] = label
        return out

    return sel


def title_patterns(patterns: dict[str, str], *, required: bool = True) -> Selector:
    """Categories whose title matches a regex -> label (first match per pattern)."""

    def sel(dim: Dimension, spec: "TableSpec") -> dict[str, str]:
        out: dict[str, str] = {}
        for pat, label in patterns.items():
            hits = [k for k in dim.by_key if re.search(pat, dim.title(k), re.I)]
            if hits:
                out[hits[0]] = label
            elif required:
                raise _changed(spec, dim, f"categorie /{pat}/")
        if not out:
            raise _changed(spec, dim, "geen enkele gevraagde categorie")
        return out

    return sel


def all_categories() -> Selector:
    def sel(dim: Dimension, spec: "TableSpec") -> dict[str, str]:
        if not dim.by_key:
            raise _changed(spec, dim, "categorieën")
        return {k: dim.title(k) for k in dim.by_key}

    return sel


def ages(bands: list[tuple[int, int | None]], *, with_total: bool = True,
         total_keys: tuple[str, ...] = ("10000",)) -> Selector:
    """Age categories by parsed title ('0 tot 5 jaar' -> 0-4 …); every band in ``bands`` must exist."""

    def sel(dim: Dimension, spec: "TableSpec") -> dict[str, str]:
        found: dict[tuple, str] = {}
        tot = None
        for k in dim.by_key:
            b = age_band(dim.title(k))
            if b == "totaal":
                if tot is None:
                    tot = k
            elif b is not None and b not in found:
                found[b] = k
        for k in total_keys:
            if dim.has(k):
                tot = k
        out = {}
        missing = [band_label(*b) for b in bands if b not in found]
        if missing:
            raise _changed(spec, dim, f"leeftijdsklasse(n) {', '.join(missing)}")
        for b in bands:
            out[found[b]] = band_label(*b)
        if with_total:
            if tot is None:
                raise _changed(spec, dim, "totaal over alle leeftijden")
            out[tot] = "totaal"
        return out

    return sel


def single_ages(lo: int = 0, min_hi: int = 90) -> Selector:
    def sel(dim: Dimension, spec: "TableSpec") -> dict[str, str]:
        out = {}
        for k in dim.by_key:
            b = age_band(dim.title(k))
            if isinstance(b, tuple) and b[1] is not None and b[0] == b[1] and b[0] >= lo:
                out[k] = str(b[0])
        got = sorted(int(v) for v in out.values())
        if not got or got[0] != lo or got[-1] < min_hi or got != list(range(lo, got[-1] + 1)):
            raise _changed(spec, dim, f"losse leeftijden {lo}..{min_hi}")
        return out

    return sel


BANDS_5Y = [(lo, lo + 4) for lo in range(0, 95, 5)] + [(95, None)]
BANDS_DEATHS = [(0, 0), (1, 4)] + [(lo, lo + 4) for lo in range(5, 95, 5)] + [(95, None)]
SEXES = titles({"Mannen": "man", "Vrouwen": "vrouw"}, with_total=("T001038",))


# ------------------------------------------------------------------------------------------------
# measures


@dataclass(frozen=True)
class Measure:
    var: str
    key: str | None = None          # verified CBS key (exact, else same stem)
    title_re: str | None = None     # for unverified keys: regex on the DataProperties title
    group_re: str | None = None     # ... inside a topic group whose title matches this
    required: bool = True


def _stem(key: str) -> str:
    return re.sub(r"_\d+$", "", key)


def resolve_measures(spec: "TableSpec", props: list[dict]) -> tuple[dict[str, str], list[str]]:
    """Map each measure's ``var`` to the table's actual column key; raise SchemaChanged when missing."""
    topics = [p for p in props if str(p.get("Type", "")) == "Topic"]
    by_id = {p.get("ID"): p for p in props}
    keys = [str(p["Key"]) for p in topics]
    out: dict[str, str] = {}
    notes: list[str] = []

    def ancestors(p: dict) -> list[str]:
        titles_, seen = [], set()
        pid = p.get("ParentID")
        while pid is not None and pid in by_id and pid not in seen:
            seen.add(pid)
            q = by_id[pid]
            titles_.append(str(q.get("Title", "")))
            pid = q.get("ParentID")
        return titles_

    for m in spec.measures:
        hit = None
        if m.key:
            if m.key in keys:
                hit = m.key
            else:
                same = [k for k in keys if _stem(k) == _stem(m.key)]
                if len(same) == 1:
                    hit = same[0]
                    notes.append(f"{spec.id}: kolom {m.key} heet nu {hit} (zelfde naam, andere positie)")
        if hit is None and m.title_re:
            cands = [p for p in topics if re.search(m.title_re, str(p.get("Title", "")), re.I)]
            if m.group_re:
                cands = [p for p in cands if any(re.search(m.group_re, t, re.I) for t in ancestors(p))]
            if cands:
                hit = str(cands[0]["Key"])
        if hit is None:
            if not m.required:
                notes.append(f"{spec.id}: kolom voor '{m.var}' ontbreekt; overgeslagen")
                continue
            want = m.key or f"titel /{m.title_re}/"
            close = difflib.get_close_matches(m.key or "", keys, n=3, cutoff=0.5) if m.key else []
            hint = f" Lijkt op: {', '.join(repr(c) for c in close)}." if close else ""
            raise SchemaChanged(spec.id, spec.title, f"kolom '{want}' ontbreekt in DataProperties — heeft CBS de "
                                f"tabel gewijzigd?{hint} Kolommen: {', '.join(keys[:15])}"
                                f"{' …' if len(keys) > 15 else ''}")
        out[m.var] = hit
    return out, notes


# ------------------------------------------------------------------------------------------------
# table specs


@dataclass(frozen=True)
class TableSpec:
    group: str                    # --tables name
    id: str
    title: str                    # title as documented (TableInfos gives the current one)
    dims: dict[str, Selector]
    measures: tuple[Measure, ...]
    build: Callable
    region_dim: str | None = "RegioS"
    period_dim: str = "Perioden"
    gemeenten: bool = True        # fetch the region's gemeenten
    national: bool = False        # fetch Nederland (NL01) too
    periods: str = "years"        # years | jan_dec | all
    required: bool = True         # every gemeente must be in the table (else: warning)
    files: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)


# builders get (df, ctx, spec) where df has columns: regio, jaar, peildatum, <dim names>, <measure vars>
