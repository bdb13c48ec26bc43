"""Source lines for charts and tables, taken from the data itself (its ``bron`` column) or from the
provenance sidecars of the processed tables used. Always "Bron: CBS, tabel …; bewerking woonzorg"."""

from __future__ import annotations

import re
from functools import lru_cache

from . import fmt

_ID_RE = re.compile(r"[0-9]{5}[A-Za-z]{0,3}")


def _ids_from_values(values) -> list[str]:
    """Ids from ``bron`` values such as 'CBS 85644NED', '85644NED; 86059NED', 'CBS gebiedsindelingen'."""
    ids: set[str] = set()
    for v in values:
        if v is None:
            continue
        for part in re.split(r"[;,+/]+", str(v)):
            part = part.strip()
            if part.startswith("CBS "):
                part = part[4:].strip()
            found = [w for w in part.split() if _ID_RE.fullmatch(w)]
            if found:
                ids.update(found)
            elif part and part != "CBS":
                ids.add(part)
    return sorted(ids, key=lambda s: s.lower())


@lru_cache(maxsize=None)
def _table_ids(table_name: str) -> tuple[str, ...]:
    """CBS table ids behind a processed table, read from the raw files' provenance sidecars."""
    from ..dataset.schema import TABLES
    from .. import paths, provenance

    ids: set[str] = set()
    for raw in TABLES[table_name].sources:
        meta = provenance.load_sidecar(paths.raw_dir() / raw)
        for t in meta.get("cbs_tabellen") or []:
            ids.add(str(t["id"]))
    return tuple(sorted(ids, key=lambda s: s.lower()))


MAX_IDS = 6


def bron(*, tables: list[str] | tuple[str, ...] = (), ids=(), extra: str = "", max_ids: int = MAX_IDS) -> str:
    """``bron(tables=["bevolking_totaal"])`` → ``'Bron: CBS, tabel 85644NED en 86059NED; bewerking woonzorg'``.

    ``tables``: processed table names (ids looked up in the provenance); ``ids``: CBS table ids or a
    ``bron`` column (values may hold several ids); ``extra``: appended after "bewerking woonzorg"
    (e.g. "prognose woonzorg").
    """
    all_ids: set[str] = set(_ids_from_values(ids))
    for t in tables:
        all_ids.update(_ids_from_values(_table_ids(t)))
    ordered = sorted((i for i in all_ids if _ID_RE.fullmatch(i)), key=lambda s: s.lower())
    other = sorted((i for i in all_ids if not _ID_RE.fullmatch(i)), key=lambda s: s.lower())
    word = "tabel" if len(ordered) == 1 else "tabellen"
    if len(ordered) > max_ids:
        shown = ordered[:max_ids - 1]
        rest = len(ordered) - len(shown)
        listed = ", ".join(shown) + f" en {rest} andere (zie Bronnen en aannames)"
    else:
        listed = fmt.join(ordered)
    parts = [f"{word} {listed}"] if ordered else []
    parts += ["gebiedsindeling (gemeentegrenzen)" if o == "gebiedsindelingen" else o for o in other]
    head = "Bron: CBS, " + ", ".join(parts) if parts else "Bron: CBS"
    tail = "; bewerking woonzorg"
    if extra:
        tail += f" ({extra})"
    return head + tail
