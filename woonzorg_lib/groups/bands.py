"""Population by age band and age-specific rates: projection checks, mapping broad rate bands onto
5-year bands (ages spread evenly within a band) and prevalence = Σ population × rate."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from . import fingerprint as _fast
from .params import ParamEntry, ParameterSet
from .catalogue import VARIANTEN

PROJECTION_COLUMNS = ("gemeentecode", "jaar", "geslacht", "leeftijd_van", "leeftijd_tot", "variant", "waarde")
BASISJAAR = 2024
_OPEN = 10_000  # internal stand-in for an open top band (empty leeftijd_tot)


# ---- population helpers ------------------------------------------------------------------------
def check_projection(projection: pd.DataFrame) -> None:
    """Raise ``ValueError`` unless ``projection`` has the CONTRACTS forecast columns and values."""
    _check_projection_values(projection)
    if not _bands_surely_disjoint(projection):
        _check_band_overlap(projection)


def _check_projection_values(projection: pd.DataFrame) -> None:
    """:func:`check_projection` up to (not including) the age-band overlap check."""
    missing = [c for c in PROJECTION_COLUMNS if c not in projection.columns]
    if missing:
        raise ValueError(f"projectie mist kolommen: {', '.join(missing)} (verwacht {', '.join(PROJECTION_COLUMNS)})")
    bad = set(projection["geslacht"].unique()) - {"totaal", "man", "vrouw"}
    if bad:
        raise ValueError(f"projectie: onbekende geslacht-waarden {sorted(bad)}")
    bad = set(projection["variant"].unique()) - set(VARIANTEN)
    if bad:
        raise ValueError(f"projectie: onbekende varianten {sorted(bad)}")
    if projection["waarde"].isna().any() or (projection["waarde"] < 0).any():
        raise ValueError("projectie: waarde bevat lege of negatieve getallen")
    if projection["leeftijd_van"].isna().any():
        raise ValueError("projectie: leeftijd_van mag niet leeg zijn")


def _bands_surely_disjoint(projection: pd.DataFrame) -> bool:
    """Array form of :func:`_check_band_overlap`: True when no age bands overlap within a gemeente ×
    jaar × geslacht × variant (same stable sort on the same keys); False when they do or when the
    keys have missing values (then the pandas check decides and words the error)."""
    keys = [projection[c] for c in ("gemeentecode", "jaar", "geslacht", "variant")]
    if any(k.isna().any() for k in keys):
        return False
    codes = [pd.factorize(k.to_numpy())[0] for k in keys]
    van = projection["leeftijd_van"].astype("int64").to_numpy()
    tot = projection["leeftijd_tot"].fillna(_OPEN).astype("int64").to_numpy()
    order = np.lexsort([van] + codes[::-1])
    same = np.ones(max(len(order) - 1, 0), bool)
    for c in codes:
        cs = c[order]
        same &= cs[1:] == cs[:-1]
    return not (same & (van[order][1:] <= tot[order][:-1])).any()


def _check_band_overlap(projection: pd.DataFrame) -> None:
    b = _with_open(projection).sort_values(["gemeentecode", "jaar", "geslacht", "variant", "leeftijd_van"])
    grp = ["gemeentecode", "jaar", "geslacht", "variant"]
    prev_tot = b.groupby(grp, sort=False)["leeftijd_tot"].shift()
    clash = b[prev_tot.notna() & (b["leeftijd_van"] <= prev_tot)]
    if len(clash):
        r = clash.iloc[0]
        raise ValueError(f"projectie: leeftijdsbanden overlappen ({r['gemeentecode']} {r['jaar']} {r['geslacht']}, "
                         f"band vanaf {r['leeftijd_van']}); een totaalrij over alle leeftijden hoort er niet in")


def _with_open(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out["leeftijd_van"] = out["leeftijd_van"].astype("int64")
    out["leeftijd_tot"] = out["leeftijd_tot"].fillna(_OPEN).astype("int64")
    return out


def population_by_band(projection: pd.DataFrame, geslacht: str = "totaal") -> pd.DataFrame:
    """Persons per ``gemeentecode, jaar, variant, leeftijd_van, leeftijd_tot`` for one sex.

    For ``totaal`` the projection's totaal rows are used where present, otherwise man + vrouw.
    ``leeftijd_tot`` of the open band is returned as the internal stand-in ``_OPEN``.
    """
    keys = ["gemeentecode", "jaar", "variant", "leeftijd_van", "leeftijd_tot"]
    p = _with_open(projection)
    if geslacht != "totaal":
        sub = p[p["geslacht"] == geslacht]
        if sub.empty:
            raise ValueError(f"projectie heeft geen rijen voor geslacht '{geslacht}' (nodig voor geslachtsspecifieke kentallen)")
        return sub.groupby(keys, as_index=False)["waarde"].sum()
    key3 = keys[:3]
    tot = p[p["geslacht"] == "totaal"]
    has_tot = tot[key3].drop_duplicates().assign(_tot=True)
    sexes = p[p["geslacht"] != "totaal"].merge(has_tot, on=key3, how="left")
    sexes = sexes[sexes["_tot"].isna()].drop(columns="_tot")
    out = pd.concat([tot, sexes]).groupby(keys, as_index=False)["waarde"].sum()
    return out.sort_values(keys, kind="mergesort").reset_index(drop=True)


def _overlap_fraction(van: int, tot: int, rvan: int, rtot: int) -> float:
    """Share of population band [van, tot] inside rate band [rvan, rtot] (``_OPEN`` = open)."""
    if tot == _OPEN:
        if rtot < van:
            return 0.0
        if rtot == _OPEN and rvan <= van:
            return 1.0
        raise ValueError(f"de open bevolkingsband {van}+ valt deels in kentalband {rvan}–"
                         f"{'' if rtot == _OPEN else rtot}; lever fijnere leeftijdsbanden aan")
    lo, hi = max(van, rvan), min(tot, rtot)
    return max(0, hi - lo + 1) / (tot - van + 1)


def _rate_vector(rates: pd.DataFrame, bands: Sequence[tuple[int, int]]) -> np.ndarray:
    """Rate per population band (internal band form) from rates of one sex (internal form)."""
    g = rates.sort_values("leeftijd_van")
    if (g["leeftijd_van"].to_numpy()[1:] <= g["leeftijd_tot"].to_numpy()[:-1]).any():
        raise ValueError("kentalbanden van één geslacht overlappen")
    triples = list(g[["leeftijd_van", "leeftijd_tot", "waarde"]].itertuples(index=False, name=None))
    return np.array([sum(_overlap_fraction(van, tot, rv, rt) * w for rv, rt, w in triples)
                     for van, tot in bands], dtype=float)


def _rate_vector_of(triples: Sequence[tuple[int, int, float]], bands: Sequence[tuple[int, int]]) -> np.ndarray:
    """:func:`_rate_vector` from ``(van, tot, waarde)`` triples already sorted on ``van``."""
    if any(triples[i + 1][0] <= triples[i][1] for i in range(len(triples) - 1)):
        raise ValueError("kentalbanden van één geslacht overlappen")
    # Pure in (triples, bands); the weights are keyed by their bits (0.0 and -0.0 differ).
    key = (tuple((rv, rt, w.hex()) for rv, rt, w in triples), tuple(bands))
    hit = _RATE_VECTORS.get(key)
    if hit is None:
        hit = _fast.readonly(np.array([sum(_overlap_fraction(van, tot, rv, rt) * w for rv, rt, w in triples)
                                       for van, tot in bands], dtype=float))
        _RATE_VECTORS.put(key, hit)
    return hit


_RATE_VECTORS = _fast.LRU(512)


def _rate_matrix_of(triples: Sequence[tuple[int, int, object]], bands: Sequence[tuple[int, int]],
                    n: int) -> np.ndarray:
    """:func:`_rate_vector_of` for ``n`` draws at once (a ``waarde`` is a number or drawn values of
    shape (n, 1)): draws × bands, each row the rate vector of that draw (the same sums in the same
    order)."""
    if any(triples[i + 1][0] <= triples[i][1] for i in range(len(triples) - 1)):
        raise ValueError("kentalbanden van één geslacht overlappen")
    out = np.empty((n, len(bands)))
    for j, (van, tot) in enumerate(bands):
        out[:, j] = np.broadcast_to(sum(_overlap_fraction(van, tot, rv, rt) * w for rv, rt, w in triples),
                                    (n, 1))[:, 0]
    return out


def _plain_int(x) -> bool:
    return isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))


def _plain_number(x) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, (bool, np.bool_))


def map_rates_to_bands(rates: pd.DataFrame, bands: pd.DataFrame) -> pd.DataFrame:
    """Map rates given for (possibly broader) age bands onto population bands.

    ``rates``: ``geslacht, leeftijd_van, leeftijd_tot, waarde`` (open band: empty ``leeftijd_tot``).
    ``bands``: the population bands (``leeftijd_van, leeftijd_tot``). A population band that lies
    partly inside a rate band gets the rate × the share of its whole years inside it (ages spread
    evenly within a band). Rate bands of one sex must not overlap. Returns ``geslacht,
    leeftijd_van, leeftijd_tot, rate`` (open band: empty ``leeftijd_tot``).
    """
    r = _with_open(rates)
    b = _with_open(bands)[["leeftijd_van", "leeftijd_tot"]].drop_duplicates()
    band_list = list(b.itertuples(index=False, name=None))
    rows = []
    for sex, grp in r.groupby("geslacht", sort=True):
        for (van, tot), rate in zip(band_list, _rate_vector(grp, band_list)):
            rows.append({"geslacht": sex, "leeftijd_van": van,
                         "leeftijd_tot": np.nan if tot == _OPEN else tot, "rate": rate})
    return pd.DataFrame(rows, columns=["geslacht", "leeftijd_van", "leeftijd_tot", "rate"])


@dataclass(frozen=True)
class _BandPop:
    """Population of one sex as a matrix: rows ``keys`` (gemeentecode, jaar, variant) × bands."""

    keys: pd.DataFrame
    bands: tuple[tuple[int, int], ...]
    matrix: np.ndarray


def _band_pop(projection: pd.DataFrame, geslacht: str) -> _BandPop:
    pop = population_by_band(projection, geslacht)
    wide = pop.pivot_table(index=["gemeentecode", "jaar", "variant"], columns=["leeftijd_van", "leeftijd_tot"],
                           values="waarde", aggfunc="sum", fill_value=0.0)
    return _BandPop(keys=wide.index.to_frame(index=False), bands=tuple(wide.columns),
                    matrix=wide.to_numpy(dtype=float))


def _rate_sexes(rates: pd.DataFrame) -> list[str]:
    sexes = sorted(set(rates["geslacht"]))
    if "totaal" in sexes and len(sexes) > 1:
        raise ValueError("kentallen mengen 'totaal' met 'man'/'vrouw'")
    return sexes


def _prevalence(bandpop, rates: pd.DataFrame, per: float) -> pd.DataFrame:
    sexes = _rate_sexes(rates)
    r = _with_open(rates)
    parts = []
    for sex in sexes:
        bp = bandpop(sex)
        vals = bp.matrix @ _rate_vector(r[r["geslacht"] == sex], bp.bands) / per
        parts.append(bp.keys.assign(waarde=vals))
    out = parts[0] if len(parts) == 1 else (
        pd.concat(parts).groupby(["gemeentecode", "jaar", "variant"], as_index=False)["waarde"].sum())
    return out.sort_values(["gemeentecode", "jaar", "variant"], kind="mergesort").reset_index(drop=True)


def prevalence(projection: pd.DataFrame, rates: pd.DataFrame, *, per: float = 1000.0) -> pd.DataFrame:
    """Expected number with the characteristic: Σ bands population × rate / ``per``.

    ``rates`` as in :func:`map_rates_to_bands`; all rates must share one kind of ``geslacht``:
    all ``totaal`` (applied to the total population) or ``man``/``vrouw`` (applied per sex).
    Returns ``gemeentecode, jaar, variant, waarde``.
    """
    return _prevalence(lambda sex: _band_pop(projection, sex), rates, per)


def age_rates(params: ParameterSet | Mapping[str, ParamEntry], values: Mapping[str, float],
              keys: Sequence[str]) -> pd.DataFrame:
    """The rate schedule for :func:`prevalence` from parameter entries (bands) and resolved values."""
    entries = params.entries if isinstance(params, ParameterSet) else params
    rows = []
    for k in keys:
        e = entries[k]
        if e.eenheid != "per_1000_leeftijdsgroep":
            raise ValueError(f"{k}: eenheid {e.eenheid} is geen leeftijdskental")
        rows.append({"geslacht": e.geslacht, "leeftijd_van": e.leeftijd_van,
                     "leeftijd_tot": np.nan if e.leeftijd_tot is None else e.leeftijd_tot,
                     "waarde": values[k]})
    return pd.DataFrame(rows, columns=["geslacht", "leeftijd_van", "leeftijd_tot", "waarde"])
