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


class PeriodError(ValueError):
    """A period code that is neither a known CBS period key nor has a title we can read."""


USED_KINDS = ("jaar", "januari", "december")


def period(key: str, title: str = "") -> tuple[int, str, str]:
    """(year, kind, peildatum) of a CBS period category; raises :class:`PeriodError` for an unknown code.

    Keys: ``JJ00`` -> (Y, 'jaar', ''); ``MM01`` -> (Y, 'januari', 'Y-01-01'); ``MM12`` -> (Y, 'december',
    'Y-12-31'); other months -> 'maand'; ``KW`` -> 'kwartaal'; ``X0``/``G<n>`` -> 'meerjarig'. When the key
    is not of that form (85980NED's keys are unverified) the title decides: ``'2024'``, ``'2018 januari'``,
    ``'2018 december'``, another month, ``'1861 tot 1866'`` (37360ned's five-year periods). Only the kinds
    in ``USED_KINDS`` are ever fetched; the caller skips the other known kinds on purpose and must never
    skip an unknown code silently.
    """
    k = str(key).strip()
    m = PERIOD_RE.match(k)
    if m:
        y, kind, n = int(m.group(1)), m.group(2), int(m.group(3))
        if kind == "JJ" and n == 0:
            return y, "jaar", ""
        if kind == "MM" and 1 <= n <= 12:
            if n == 1:
                return y, "januari", f"{y}-01-01"
            if n == 12:
                return y, "december", f"{y}-12-31"
            return y, "maand", ""
        if kind == "KW" and 1 <= n <= 4:
            return y, "kwartaal", ""
        if kind == "X0" or kind.startswith("G"):
            return y, "meerjarig", ""
        raise PeriodError(f"onbekende periodecode {key!r} (titel {title!r})")
    t = str(title).strip().lower()
    if re.fullmatch(r"\d{4}", t):
        return int(t), "jaar", ""
    m = re.fullmatch(r"(\d{4})\s+(\w+)", t)
    if m and m.group(2) in MONTHS:
        y, mo = int(m.group(1)), MONTHS[m.group(2)]
        if mo == 1:
            return y, "januari", f"{y}-01-01"
        if mo == 12:
            return y, "december", f"{y}-12-31"
        return y, "maand", ""
    m = re.fullmatch(r"(\d{4})\s*(?:tot|-|/)\s*(\d{4})", t)
    if m:
        return int(m.group(1)), "meerjarig", ""
    raise PeriodError(f"onbekende periodecode {key!r} (titel {title!r})")


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


def clause_count(selections: dict[str, list[str]]) -> int:
    """Number of ``eq`` clauses a filter over ``selections`` has."""
    return sum(len(v) for v in selections.values() if v)


def _chunks(keys: list[str], size: int) -> list[list[str]]:
    size = max(1, size)
    return [keys[i: i + size] for i in range(0, len(keys), size)]


def plan_filters(fixed: dict[str, list[str]], splits: list[tuple[str, list[str]]], *, max_clauses: int = 20,
                 max_len: int = 1800) -> list[str]:
    """Filters that together cover every combination of the ``splits`` keys (e.g. periods × regions), each
    with at most ``max_clauses`` ``eq`` clauses (``fixed`` included) and, where possible, at most ``max_len``
    characters URL-encoded. Long OR-filters are what the CBS service is known to refuse (about 24 clauses
    have been seen to work, 45 not), and IIS refuses long query strings.

    The last split dimension (the regions) gets what the others leave of the budget; a split dimension
    is given at most half the budget when a later one needs room.
    """
    budget = max_clauses - clause_count(fixed)
    splits = [(d, ks) for d, ks in splits if ks]
    if budget < max(1, len(splits)):
        raise ValueError(f"filter: {clause_count(fixed)} vaste clausules laten geen ruimte binnen {max_clauses}")
    sizes: list[int] = []
    left = budget
    for i, (_, ks) in enumerate(splits):
        later = len(splits) - i - 1
        if later:
            room_later = min(len(splits[-1][1]), max(1, left // 2)) if later == 1 else later
            size = min(len(ks), max(1, left - room_later))
        else:
            size = min(len(ks), left)
        sizes.append(size)
        left -= size
    combos: list[dict[str, list[str]]] = [{}]
    for (d, ks), size in zip(splits, sizes):
        combos = [{**c, d: ch} for c in combos for ch in _chunks(ks, size)]
    out: list[str] = []
    last = splits[-1][0] if splits else None
    for c in combos:
        sel = {**c, **fixed}
        if last is None or encoded_len(build_filter(sel)) <= max_len or len(c[last]) == 1:
            out.append(build_filter(sel))
            continue
        rest = {d: v for d, v in sel.items() if d != last}
        out += chunk_filters(rest, last, c[last], max_len)
    return out


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
