"""Small, pure helpers for CBS OData v3 (no network): keys, titles, periods, filters.

Facts used here (see docs/cbs_odata.md, the project's copy of CBS_ODATA.md):

* ``TypedDataSet`` rows carry dimension **keys**; keys are space-padded (``'GM0957  '``; the width
  differs per dimension and table, so nothing here depends on it: keys are compared stripped and
  filters use the exact padded key read from the dimension endpoint).
* Each dimension has its own endpoint (``RegioS``, ``Perioden``, ``Leeftijd`` …) whose rows are
  ``Key, Title, Description, CategoryGroupID``.
* ``cbsodata.get_data()`` replaces keys by titles (``'Utrecht (gemeente)'``, ``'Hengelo (O.)'``);
  :class:`Dimension` maps either back to the key.
* Period keys: ``2024JJ00`` (year), ``2024MM01`` (month), ``2024KW01`` (quarter).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from urllib.parse import quote

PERIOD_RE = re.compile(r"^(\d{4})(JJ|MM|KW|X0|G\d)(\d{2})$")
MONTHS = {"januari": 1, "februari": 2, "maart": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7, "augustus": 8,
          "september": 9, "oktober": 10, "november": 11, "december": 12}


class DimensionError(ValueError):
    """A value that is neither a key nor an unambiguous title of a dimension."""


@dataclass
class Dimension:
    """Categories of one dimension: padded key ↔ stripped key ↔ title."""

    name: str
    rows: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.by_key: dict[str, dict] = {}
        self.padded: dict[str, str] = {}
        self._by_title: dict[str, list[str]] = {}
        for r in self.rows:
            k = str(r.get("Key", ""))
            s = k.strip()
            self.by_key[s] = r
            self.padded[s] = k
            self._by_title.setdefault(str(r.get("Title", "")).strip(), []).append(s)

    def title(self, key: str) -> str:
        r = self.by_key.get(str(key).strip())
        return str(r.get("Title", "")).strip() if r else ""

    def has(self, key: str) -> bool:
        return str(key).strip() in self.by_key

    def key_of(self, value: str) -> str:
        """Stripped key for ``value``, which may be a (padded) key or a title as ``get_data()`` returns it.

        Titles are looked up exactly; a bare municipal name (``'Utrecht'``, ``'Hengelo'``) is matched to
        the one title that adds a CBS qualifier (``'Utrecht (gemeente)'``, ``'Hengelo (O.)'``) only when
        that is unambiguous among municipalities (keys ``GM…``).
        """
        v = str(value).strip()
        if v in self.by_key:
            return v
        keys = self._by_title.get(v, [])
        if len(keys) == 1:
            return keys[0]
        if len(keys) > 1:
            raise DimensionError(f"'{value}' is de titel van meer dan één categorie in {self.name}: "
                                 f"{', '.join(keys)}")
        # bare name -> 'Name (gemeente)' / 'Name (O.)' etc.
        cands = [k for t, ks in self._by_title.items() for k in ks
                 if t.startswith(v + " (") and k.startswith("GM")]
        if len(cands) == 1:
            return cands[0]
        close = difflib.get_close_matches(v, list(self._by_title), n=3)
        hint = f"; bedoelt u {', '.join(repr(c) for c in close)}?" if close else ""
        raise DimensionError(f"'{value}' is geen sleutel of titel in dimensie {self.name}{hint}")


def period(key: str, title: str = "") -> tuple[int, str, str] | None:
    """(year, kind, peildatum) for a period key: JJ00 -> (Y, 'jaar', ''); MM01 -> 1 Jan; MM12 -> 31 Dec.

    Falls back to titles such as ``'2018 januari'`` / ``'2018 december'``. None if not a period we use.
    """
    k = str(key).strip()
    m = PERIOD_RE.match(k)
    if m:
        y, kind, n = int(m.group(1)), m.group(2), int(m.group(3))
        if kind == "JJ" and n == 0:
            return y, "jaar", ""
        if kind == "MM" and n == 1:
            return y, "januari", f"{y}-01-01"
        if kind == "MM" and n == 12:
            return y, "december", f"{y}-12-31"
        return None
    m = re.match(r"^(\d{4})\s+(\w+)$", str(title).strip().lower())
    if m and m.group(2) in ("januari", "december"):
        y = int(m.group(1))
        return y, m.group(2), f"{y}-01-01" if m.group(2) == "januari" else f"{y}-12-31"
    return None


def age_band(title: str) -> tuple[int, int | None] | str | None:
    """Parse a CBS age title: '0 tot 5 jaar' -> (0, 4); '0 jaar' -> (0, 0); '95 jaar of ouder' -> (95, None);
    'Totaal' / 'Totaal leeftijd' -> 'totaal'; else None."""
    t = str(title).strip().lower()
    if t.startswith("totaal"):
        return "totaal"
    m = re.match(r"^(\d+) tot (\d+) jaar$", t)
    if m:
        return int(m.group(1)), int(m.group(2)) - 1
    m = re.match(r"^(\d+) jaar of ouder$", t)
    if m:
        return int(m.group(1)), None
    m = re.match(r"^(\d+) jaar$", t)
    if m:
        return int(m.group(1)), int(m.group(1))
    return None


def band_label(lo: int, hi: int | None) -> str:
    if hi is None:
        return f"{lo}+"
    if lo == hi:
        return str(lo)
    return f"{lo}-{hi}"


def quote_key(padded_key: str) -> str:
    return "'" + str(padded_key).replace("'", "''") + "'"


def or_clause(dim: str, padded_keys: list[str]) -> str:
    parts = [f"{dim} eq {quote_key(k)}" for k in padded_keys]
    return "(" + " or ".join(parts) + ")"


def build_filter(selections: dict[str, list[str]]) -> str:
    """``(A eq 'x' or A eq 'y') and (B eq 'z')`` for every dimension with a selection (order kept)."""
    return " and ".join(or_clause(d, ks) for d, ks in selections.items() if ks)


def encoded_len(s: str) -> int:
    return len(quote(s, safe=""))


def chunk_filters(fixed: dict[str, list[str]], split_dim: str, split_keys: list[str],
                  max_len: int = 1800) -> list[str]:
    """Filters that together cover ``split_keys`` of ``split_dim``, each (URL-encoded) at most ``max_len``
    long where possible: CBS (IIS) refuses very long query strings, so a long region list is split."""
    out: list[str] = []
    cur: list[str] = []
    for k in split_keys:
        trial = cur + [k]
        f = build_filter({split_dim: trial, **fixed})
        if cur and encoded_len(f) > max_len:
            out.append(build_filter({split_dim: cur, **fixed}))
            cur = [k]
        else:
            cur = trial
    if cur:
        out.append(build_filter({split_dim: cur, **fixed}))
    return out


def slug(text: str) -> str:
    t = str(text).lower()
    for a, b in (("ë", "e"), ("é", "e"), ("ï", "i"), ("ö", "o"), ("ü", "u"), ("+", "plus"), ("%", "pct")):
        t = t.replace(a, b)
    t = re.sub(r"[^a-z0-9]+", "_", t).strip("_")
    return t
