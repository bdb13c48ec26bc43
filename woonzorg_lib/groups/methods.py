"""Estimation methods per aandachtsgroep and the demand table (CONTRACTS ``woonzorg demand``).

Every function here is pure: DataFrames and numbers in, a new DataFrame out; no I/O, no clock,
no randomness; outputs are sorted by their key columns.

Methods (catalogue ``methode``):
- prevalence: age(-and-sex)-specific rates × a population projection (:func:`prevalence`);
  broad rate bands (e.g. 75+) are mapped onto the projection's 5-year bands
  (:func:`map_rates_to_bands`), assuming ages are spread evenly within a 5-year band;
- flow: a yearly inflow/outflow × the share that needs a home ÷ persons per unit (:func:`flow`);
- policy: the national half-year statushouder task pro rata inhabitants (:func:`policy_task`);
- trend: OLS on year of a group's own history with a prediction interval (:func:`trend_forecast`);
- local: a researcher's figure per gemeente replaces the default (:func:`apply_local_figures`).

:func:`demand_table` combines them into the CONTRACTS columns ``gemeentecode, groep, jaar,
variant, soort, eenheid, maat, woningtype, waarde``; :func:`sensitivity` gives tornado data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Collection, Mapping, Sequence

import numpy as np
import pandas as pd

from . import _fast
from .catalogue import (ARBEIDSMIGRANTEN_REGIOTYPEN, ARBEIDSMIGRANTEN_STANDAARD_REGIOTYPE, CATALOGUE,
                        DEMAND_COLUMNS, DEMAND_KEYS, G4_GEMEENTEN, GESLACHTEN, GROUP_CODES, VARIANTEN,
                        WONINGTYPEN)
from .overlap import overlap_core
from .params import ParamEntry, ParameterSet

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


def flow_units(persons_per_year, share: float = 1.0, persons_per_unit: float = 1.0):
    """Units needed per year: persons in/out per year × share needing a home ÷ persons per unit
    (numbers or numpy arrays)."""
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"aandeel {share} ligt niet tussen 0 en 1")
    if persons_per_unit <= 0:
        raise ValueError("personen per eenheid moet groter dan 0 zijn")
    return persons_per_year * share / persons_per_unit


def flow(yearly: pd.DataFrame, share: float = 1.0, *, persons_per_unit: float = 1.0) -> pd.DataFrame:
    """:func:`flow_units` on the ``waarde`` column of a DataFrame (e.g. releases per gemeente × jaar)."""
    return yearly.assign(waarde=flow_units(yearly["waarde"], share, persons_per_unit))


def policy_task(inwoners: pd.DataFrame, nl_inwoners: float, task_per_halfyear: float,
                persons_per_dwelling: float, *, halfyears: int = 2) -> pd.DataFrame:
    """The statushouder task per gemeente per year: (inwoners / NL inwoners) × half-year task ×
    ``halfyears``, and in dwellings (÷ persons per dwelling). Unrounded: whole persons by largest
    remainder are done where the task is distributed.

    ``inwoners``: ``gemeentecode, waarde`` (the reference inhabitants). Returns ``gemeentecode,
    aandeel, personen, woningen``.
    """
    if not nl_inwoners or nl_inwoners <= 0 or not math.isfinite(nl_inwoners):
        raise ValueError("nl_inwoners moet een positief getal zijn")
    if inwoners["waarde"].sum() > nl_inwoners:
        raise ValueError("de inwoners van de gemeenten zijn samen meer dan nl_inwoners")
    if persons_per_dwelling <= 0:
        raise ValueError("personen per woning moet groter dan 0 zijn")
    out = inwoners[["gemeentecode", "waarde"]].copy()
    out["aandeel"] = out["waarde"] / nl_inwoners
    out["personen"] = out["aandeel"] * task_per_halfyear * halfyears
    out["woningen"] = out["personen"] / persons_per_dwelling
    return (out.drop(columns="waarde").sort_values("gemeentecode", kind="mergesort").reset_index(drop=True))


def _policy_woningen(base_inw: np.ndarray, nl_inwoners: float, task_per_halfyear: float,
                     persons_per_dwelling: float, *, halfyears: int = 2) -> np.ndarray:
    """``policy_task(...)["woningen"]`` for inhabitants already in sorted gemeente order: the same
    checks and the same arithmetic, without the DataFrame."""
    if not nl_inwoners or nl_inwoners <= 0 or not math.isfinite(nl_inwoners):
        raise ValueError("nl_inwoners moet een positief getal zijn")
    if pd.Series(base_inw).sum() > nl_inwoners:
        raise ValueError("de inwoners van de gemeenten zijn samen meer dan nl_inwoners")
    if persons_per_dwelling <= 0:
        raise ValueError("personen per woning moet groter dan 0 zijn")
    aandeel = np.asarray(base_inw, float) / nl_inwoners
    personen = aandeel * task_per_halfyear * halfyears
    return personen / persons_per_dwelling


def trend_forecast(history: pd.DataFrame, years: Sequence[int], *, level: float = 0.67,
                   min_points: int = 3) -> pd.DataFrame:
    """Linear trend (statsmodels OLS on year) per gemeente with a prediction interval.

    ``history``: ``gemeentecode, jaar, waarde``. For each requested year: an observed value is
    used as is (all variants); later years follow the fitted slope from the last observation
    (jump-off at the last observed value), with ``laag``/``hoog`` = the ``level`` prediction
    interval of an OLS forecast (``obs_ci``) shifted the same way; values are clipped at 0.
    With fewer than ``min_points`` observations the last value is held constant (no interval).
    Returns ``gemeentecode, jaar, variant, waarde, methode`` (waarneming / trend / constant).
    """
    rows = _trend_rows(history, years, level, min_points)
    out = pd.DataFrame(rows, columns=["gemeentecode", "jaar", "variant", "waarde", "methode"])
    out["jaar"] = out["jaar"].astype("int64")
    return out.sort_values(["gemeentecode", "jaar", "variant"], kind="mergesort").reset_index(drop=True)


def _history_groups(hist: pd.DataFrame):
    """``(code, jaar, waarde)`` per gemeente in code order, jaar ascending, as numpy arrays (what
    ``groupby("gemeentecode", sort=True)`` + ``sort_values("jaar")`` give), or None when the columns
    are not plain (text codes, integer years, numeric values): then the pandas way is used."""
    gem, jaar, waarde = hist["gemeentecode"], hist["jaar"], hist["waarde"]
    if not (isinstance(jaar.dtype, np.dtype) and jaar.dtype.kind in "iu"
            and isinstance(waarde.dtype, np.dtype) and waarde.dtype.kind in "iuf"):
        return None
    g = gem.to_numpy(dtype=object)
    if len(g) and pd.api.types.infer_dtype(g, skipna=False) != "string":
        return None
    codes, uniques = pd.factorize(g, sort=True)
    j = jaar.to_numpy()
    order = np.lexsort((j, codes))
    codes, j, w = codes[order], j[order], waarde.to_numpy()[order]
    bounds = np.flatnonzero(np.diff(codes)) + 1
    starts = np.concatenate(([0], bounds)).tolist()
    ends = np.concatenate((bounds, [len(codes)])).tolist()
    return [(uniques[codes[a]], j[a:b], w[a:b]) for a, b in zip(starts, ends) if b > a]


def _trend_rows(history: pd.DataFrame, years: Sequence[int], level: float, min_points: int) -> list[tuple]:
    """The rows of :func:`trend_forecast` (unsorted), one statsmodels OLS fit per gemeente."""
    if not 0 < level < 1:
        raise ValueError("level moet tussen 0 en 1 liggen")
    hist = history.dropna(subset=["waarde"])
    groups = _history_groups(hist)
    if groups is None:  # columns that are not plain (e.g. fractional years): group with pandas
        groups = []
        for code, h in hist.groupby("gemeentecode", sort=True):
            h = h.sort_values("jaar")
            if h["jaar"].duplicated().any():
                raise ValueError(f"historie van {code} heeft dubbele jaren")
            groups.append((code, h["jaar"].to_numpy(float), h["waarde"].to_numpy(float)))
    rows: list[tuple] = []
    for code, jaar, waarde in groups:
        if (jaar[1:] == jaar[:-1]).any():
            raise ValueError(f"historie van {code} heeft dubbele jaren")
        rows.extend(_trend_rows_one(code, jaar, waarde, years, level, min_points))
    return rows


def _trend_rows_one(code: str, jaar: np.ndarray, waarde: np.ndarray, years: Sequence[int], level: float,
                    min_points: int) -> list[tuple]:
    """Trend rows of one gemeente: OLS on years since its last observation, prediction interval
    (obs_ci of statsmodels' summary_frame) for laag/hoog, anchored on the last observation."""
    from statsmodels.regression.linear_model import OLS
    from statsmodels.tools.tools import add_constant

    rows = []
    obs = dict(zip(jaar.astype(int).tolist(), waarde.astype(float).tolist()))
    last_year = int(jaar.max())
    last = obs[last_year]
    future = [y for y in years if y not in obs]
    if len(jaar) >= min_points and future:
        x = (jaar.astype(float) - last_year)
        model = OLS(waarde.astype(float), add_constant(x)).fit()
        xn = np.asarray(future, float) - last_year
        pred = model.get_prediction(add_constant(xn, has_constant="add"))
        ci = pred.conf_int(obs=True, alpha=1 - level)
        fit_last = float(model.params[0])
        for y, mean, lo, hi in zip(future, pred.predicted_mean, ci[:, 0], ci[:, 1]):
            point = last + (mean - fit_last)
            vals = {"laag": point - (mean - lo), "midden": point, "hoog": point + (hi - mean)}
            for v, w in vals.items():
                rows.append((code, y, v, max(0.0, float(w)), "trend"))
    else:
        for y in future:
            for v in VARIANTEN:
                rows.append((code, y, v, last, "constant"))
    for y in years:
        if y in obs:
            for v in VARIANTEN:
                rows.append((code, y, v, obs[y], "waarneming"))
    return rows


def _local_series(model: np.ndarray, years: Sequence[int], given: Mapping[int, float]) -> np.ndarray:
    """One key's values over ``years``: local where given, else nearest given year's local value
    plus the model's change since then (ties: earlier year), clipped at 0."""
    pos = {y: i for i, y in enumerate(years)}
    gy = sorted(y for y in given if y in pos)
    out = np.asarray(model, float).copy()
    if not gy:
        return out
    for i, y in enumerate(years):
        if y in given:
            out[i] = given[y]
        else:
            y0 = min(gy, key=lambda g: (abs(g - y), g))
            out[i] = max(0.0, given[y0] + model[i] - model[pos[y0]])
    return out


def _local_for_variant(local: pd.DataFrame, variant: str) -> pd.DataFrame:
    loc = local[local["variant"].isna() | (local["variant"] == variant)]
    # A variant-specific row wins over an all-variants row for the same key and year.
    key = ["gemeentecode", "groep", "woningtype", "jaar"]
    return (loc.assign(_spec=loc["variant"].notna()).sort_values(key + ["_spec"], kind="mergesort")
            .drop_duplicates(key, keep="last").drop(columns="_spec"))


def apply_local_figures(vraag: pd.DataFrame, local: pd.DataFrame, variant: str) -> pd.DataFrame:
    """Replace model need by a researcher's local figures for one variant.

    ``vraag``: ``gemeentecode, groep, woningtype, jaar, waarde``; ``local``: as returned by
    :func:`~woonzorg_lib.groups.usercsv.read_local_figures` (``variant`` missing = all variants;
    a variant-specific row wins). For each (gemeente, groep, woningtype) with a local figure,
    given years take the local value; other years take the nearest given year's local value plus
    the model's change since that year (ties: the earlier year), clipped at 0: the model's trend
    is kept, the level is the researcher's. Local years outside the model's years and rows for
    gemeenten/groups not in ``vraag`` are ignored. Adds a bool column ``lokaal``.
    """
    out = vraag.sort_values(["gemeentecode", "groep", "woningtype", "jaar"], kind="mergesort").copy()
    out["lokaal"] = False
    if local is None or local.empty:
        return out
    key = ["gemeentecode", "groep", "woningtype"]
    loc = _local_for_variant(local, variant)
    for k, grp in loc.groupby(key, sort=True):
        mask = (out[key] == pd.Series(k, index=key)).all(axis=1).to_numpy()
        if not mask.any():
            continue
        years = out.loc[mask, "jaar"].astype(int).tolist()
        given = dict(zip(grp["jaar"].astype(int), grp["waarde"].astype(float)))
        if not any(y in given for y in years):
            continue
        out.loc[mask, "waarde"] = _local_series(out.loc[mask, "waarde"].to_numpy(float), years, given)
        out.loc[mask, "lokaal"] = True
    return out


def lettings_capacity(sociale_voorraad: pd.DataFrame, values: Mapping[str, float]) -> pd.DataFrame:
    """Yearly lettings and the capacity for aandachtsgroepen (rates.md (e)).

    ``sociale_voorraad``: ``gemeentecode, waarde`` (corporation stock). Returns ``gemeentecode,
    verhuringen`` (= stock × verhuur.mutatiegraad) and ``capaciteit_aandachtsgroepen``
    (× verhuur.aandeel_aandachtsgroepen), per year.
    """
    out = sociale_voorraad[["gemeentecode", "waarde"]].copy()
    out["verhuringen"] = out["waarde"] * values["verhuur.mutatiegraad"]
    out["capaciteit_aandachtsgroepen"] = out["verhuringen"] * values["verhuur.aandeel_aandachtsgroepen"]
    return out.drop(columns="waarde").sort_values("gemeentecode", kind="mergesort").reset_index(drop=True)


# ---- the demand table --------------------------------------------------------------------------
# Internally every group's need is a numpy array over a fixed grid of cells: gemeente (sorted) ×
# jaar (basisjaar … tot_jaar), gemeente-major. This keeps a full run at a few milliseconds, so the
# sensitivity analysis can re-run the whole table once per parameter end.

Series = dict  # {(groep, woningtype): np.ndarray over the grid}


@dataclass
class _Prepared:
    """Everything that does not depend on parameter values (computed once per call/sensitivity)."""

    params: ParameterSet
    variant: str
    pop: pd.DataFrame | None       # projection rows of the demographic variant, years in range
                                   # (None: derived from ``projection`` when needed, see ``_pop``)
    years: list[int]
    basisjaar: int
    gemeenten: list[str]
    groepen: tuple[str, ...]
    inw: np.ndarray                # inhabitants per cell
    nl_inwoners: float | None
    huishoudens: pd.DataFrame | None
    woningvoorraad: pd.DataFrame | None
    studenten_historie: pd.DataFrame | None
    aanbod: pd.DataFrame | None
    gebieden: pd.DataFrame | None
    local: pd.DataFrame | None
    regiotype: Mapping[str, str]
    landelijk: frozenset[str]
    cache: dict = field(default_factory=dict)
    projection: pd.DataFrame | None = None
    dv: str = ""                   # the demographic variant
    arrays: _fast.ProjectionArrays | None = None  # the validated projection as arrays (or None)

    def _pop(self) -> pd.DataFrame:
        if self.pop is None:
            pop = self.projection[self.projection["variant"] == self.dv]
            self.pop = pop[pop["jaar"].isin(self.years)]
        return self.pop

    # grid helpers
    @property
    def shape(self) -> tuple[int, int]:
        return len(self.gemeenten), len(self.years)

    def per_gemeente(self, values: np.ndarray) -> np.ndarray:
        """Broadcast one value per gemeente over its years."""
        return np.repeat(np.asarray(values, float), len(self.years))

    @property
    def base_inw(self) -> np.ndarray:
        return self.inw.reshape(self.shape)[:, 0]

    @property
    def jaar(self) -> np.ndarray:
        return np.tile(np.asarray(self.years, float), len(self.gemeenten))

    @property
    def codes(self) -> np.ndarray:
        return np.repeat(np.asarray(self.gemeenten, dtype=object), len(self.years))

    def bandpop(self, geslacht: str) -> _BandPop:
        key = ("band", geslacht)
        if key not in self.cache and self.arrays is not None:
            # The array form (computed once per projection content and variant); None where the
            # pandas code below must decide (it raises for incomplete projections).
            res = self.arrays.band_matrix(self.dv, self.years, geslacht)
            if res is not None:
                self.cache[key] = _BandPop(keys=None, bands=res[0], matrix=res[1])
        if key not in self.cache:
            bp = _band_pop(self._pop(), geslacht)
            idx = pd.MultiIndex.from_product([self.gemeenten, self.years], names=["gemeentecode", "jaar"])
            frame = pd.DataFrame(bp.matrix, index=pd.MultiIndex.from_frame(bp.keys[["gemeentecode", "jaar"]]))
            matrix = frame.reindex(idx).to_numpy(float)
            if np.isnan(matrix).any():
                raise ValueError("projectie is niet compleet: niet elke gemeente heeft elk jaar")
            self.cache[key] = _BandPop(keys=idx.to_frame(index=False), bands=bp.bands, matrix=matrix)
        return self.cache[key]

    def prevalence(self, rates: pd.DataFrame, per: float = 1000.0) -> np.ndarray:
        """:func:`prevalence` on the grid (all bandpops share the grid's row order)."""
        r = _with_open(rates)
        total = np.zeros(len(self.inw))
        for sex in _rate_sexes(rates):
            bp = self.bandpop(sex)
            total += bp.matrix @ _rate_vector(r[r["geslacht"] == sex], bp.bands) / per
        return total

    def prevalence_of(self, v: Mapping[str, float], keys: Sequence[str], per: float = 1000.0) -> np.ndarray:
        """``self.prevalence(age_rates(self.params, v, keys), per)`` without the DataFrames: the same
        checks and the same arithmetic in the same order. Rates outside what this reproduces
        (missing or non-integer band limits, non-text geslacht, equal band starts) go the pandas way."""
        entries = self.params.entries
        rows = []
        plain = True
        for k in keys:
            e = entries[k]
            if e.eenheid != "per_1000_leeftijdsgroep":
                raise ValueError(f"{k}: eenheid {e.eenheid} is geen leeftijdskental")
            w = v[k]
            rows.append((e.geslacht, e.leeftijd_van, e.leeftijd_tot, w))
            plain = (plain and isinstance(e.geslacht, str) and _plain_int(e.leeftijd_van)
                     and (e.leeftijd_tot is None or _plain_int(e.leeftijd_tot)) and _plain_number(w))
        if not plain:
            return self.prevalence(age_rates(self.params, v, keys), per)
        sexes = sorted({r[0] for r in rows})
        if "totaal" in sexes and len(sexes) > 1:
            raise ValueError("kentallen mengen 'totaal' met 'man'/'vrouw'")
        triples_of = {}
        for sex in sexes:
            triples = sorted(((int(van), _OPEN if tot is None else int(tot), float(w))
                              for g, van, tot, w in rows if g == sex), key=lambda t: t[0])
            if len({t[0] for t in triples}) < len(triples):
                return self.prevalence(age_rates(self.params, v, keys), per)
            triples_of[sex] = triples
        total = np.zeros(len(self.inw))
        for sex in sexes:
            bp = self.bandpop(sex)
            total += bp.matrix @ _rate_vector_of(triples_of[sex], bp.bands) / per
        return total

    def lookup(self, df: pd.DataFrame) -> np.ndarray:
        """``gemeentecode, waarde`` → one value per gemeente (grid order)."""
        return df.set_index("gemeentecode")["waarde"].reindex(self.gemeenten).to_numpy(float)

    def lookup_input(self, name: str) -> np.ndarray:
        """:meth:`lookup` of the input ``name`` (huishoudens, woningvoorraad), once per preparation."""
        key = ("lookup", name)
        if key not in self.cache:
            self.cache[key] = self.lookup(getattr(self, name))
        return self.cache[key]

    def huishoudens_cells(self) -> np.ndarray:
        """Households per cell: base-year households moving with the gemeente's population."""
        if "hh" not in self.cache:
            hh0 = self.lookup_input("huishoudens")
            growth = self.inw.reshape(self.shape) / self.base_inw[:, None]
            self.cache["hh"] = (hh0[:, None] * growth).ravel()
        return self.cache["hh"]

    def trend_cells(self, level: float) -> np.ndarray:
        """This variant's trend of the studenten history on the grid. The trend (all variants at
        once) is fitted once per history content, years, level and gemeenten, and shared by the
        variant runs and the sensitivity runs."""
        key = ("trend_cells", level)
        if key not in self.cache:
            hkey = _fast.frame_key(self.studenten_historie)
            ckey = None if hkey is None else ("trend", hkey, tuple(self.years), level, tuple(self.gemeenten))

            def make() -> dict:
                # = trend(level) per variant, indexed on (gemeentecode, jaar) and reindexed to the
                # grid (NaN where absent); the rows are unique per key as the years are unique.
                found = {(code, y, v): w for code, y, v, w, _ in _trend_rows(self.studenten_historie, self.years,
                                                                              level, 3)}
                return {v: _fast.readonly(np.array([found.get((code, y, v), np.nan) for code in self.gemeenten
                                                    for y in self.years], dtype=float)) for v in VARIANTEN}

            self.cache[key] = _CACHE.get_or_make(ckey, make)[self.variant]
        return self.cache[key]


def _model_vraag(prep: _Prepared, v: Mapping[str, float]) -> Series:
    """Model need per (groep, woningtype) as grid arrays (before local figures and overlap)."""
    inw = prep.inw
    out: Series = {}

    for g in prep.groepen:
        if g == "ouderen":
            intra = [f"ouderen.{k}" for k in CATALOGUE[g].parameters if k.startswith("intramuraal_")]
            for wt in ("nultreden", "geclusterd", "zorggeschikt"):
                out[(g, wt)] = prep.prevalence_of(v, [f"ouderen.{wt}_per_1000_75_plus"])
            out[(g, "intramuraal")] = prep.prevalence_of(v, intra)
        elif g == "beperking":
            out[(g, "intramuraal")] = prep.prevalence_of(v, ["beperking.ghz_verblijf_per_1000_18_plus"])
        elif g == "ggz_bw":
            out[(g, "zelfstandig_begeleid")] = flow_units(inw * v["ggz_bw.bw_per_1000_inwoners"] / 1000,
                                                          v["ggz_bw.uitstroom_aandeel_per_jaar"],
                                                          v["ggz_bw.personen_per_woning"])
        elif g == "mo_dakloos":
            g4 = np.isin(prep.codes, list(G4_GEMEENTEN))
            rate = np.where(g4, v["mo_dakloos.woningen_per_1000_inwoners_g4"], v["mo_dakloos.woningen_per_1000_inwoners"])
            out[(g, "zelfstandig_begeleid")] = inw * rate / 1000
        elif g == "jeugdzorg":
            out[(g, "zelfstandig_begeleid")] = flow_units(
                inw * v["jeugdzorg.uitstroom_18_per_100000_inwoners"] / 100_000,
                v["jeugdzorg.aandeel_eigen_eenheid"], v["jeugdzorg.personen_per_eenheid"])
        elif g == "huiselijk_geweld":
            out[(g, "sociale_huur")] = flow_units(inw * v["huiselijk_geweld.uitstroom_per_100000_inwoners"]
                                                  / 100_000, v["huiselijk_geweld.aandeel_nieuwe_woning"])
        elif g == "ex_gedetineerden":
            out[(g, "sociale_huur")] = flow_units(inw * v["ex_gedetineerden.uitstroom_per_1000_inwoners"] / 1000,
                                                  v["ex_gedetineerden.aandeel_woningbehoefte"],
                                                  v["ex_gedetineerden.personen_per_woning"])
        elif g == "statushouders":
            woningen = _policy_woningen(prep.base_inw, prep.nl_inwoners, v["statushouders.taakstelling_per_halfjaar"],
                                        v["statushouders.personen_per_woning"])
            out[(g, "sociale_huur")] = prep.per_gemeente(woningen)
        elif g == "arbeidsmigranten":
            rate = np.array([v["arbeidsmigranten." + ARBEIDSMIGRANTEN_REGIOTYPEN[
                prep.regiotype.get(c, ARBEIDSMIGRANTEN_STANDAARD_REGIOTYPE)]] for c in prep.gemeenten])
            growth = (1 + v["arbeidsmigranten.groei_per_jaar"]) ** (prep.jaar - prep.basisjaar)
            out[(g, "flex")] = prep.per_gemeente(prep.base_inw * rate / 1000) * growth
        elif g == "studenten":
            cells = prep.trend_cells(v["algemeen.trend_interval"])
            out[(g, "studenteneenheid")] = cells / v["studenten.studenten_per_eenheid"]
        elif g == "woonwagenbewoners":
            stock = (prep.lookup_input("woningvoorraad") * v["woonwagenbewoners.standplaatsen_per_1000_woningen"]
                     / 1000)
            out[(g, "standplaats")] = prep.per_gemeente(stock * v["woonwagenbewoners.nieuwe_vraag_aandeel_per_jaar"])
        elif g == "urgenten":
            # The mantelzorg urgencies are counted under mantelzorg (when that group is computed).
            mz = v["mantelzorg.aandeel_urgenties"] if "mantelzorg" in prep.groepen else 0.0
            out[(g, "sociale_huur")] = (prep.huishoudens_cells()
                                        * v["urgenten.urgentieverklaringen_per_1000_huishoudens"] / 1000 * (1 - mz))
        elif g == "mantelzorg":
            hh = prep.huishoudens_cells()
            out[(g, "sociale_huur")] = (hh * v["urgenten.urgentieverklaringen_per_1000_huishoudens"] / 1000
                                        * v["mantelzorg.aandeel_urgenties"])
            rural = np.isin(prep.codes, list(prep.landelijk))
            out[(g, "flex")] = np.where(rural, hh * v["mantelzorg.mantelzorgwoningen_per_1000_huishoudens"] / 1000,
                                        0.0)
        elif g == "intramuraal_overig":
            out[(g, "zelfstandig_begeleid")] = inw * v["intramuraal_overig.uitstroom_woningen_per_1000_inwoners"] / 1000
    return out


def _apply_local(prep: _Prepared, vraag: Series) -> dict[tuple[str, str], np.ndarray]:
    """Put local figures into ``vraag`` (replacing its arrays); returns the lock masks per (groep,
    woningtype): cells whose value is the researcher's and is not reduced by the overlap rule."""
    locks = {k: np.zeros(len(prep.inw), bool) for k in vraag}
    if prep.local is None or prep.local.empty:
        return locks
    if ("local", prep.variant) not in prep.cache:
        prep.cache[("local", prep.variant)] = _local_for_variant(prep.local, prep.variant)
    loc = prep.cache[("local", prep.variant)]
    n_years = len(prep.years)
    gpos = {c: i for i, c in enumerate(prep.gemeenten)}
    for (code, groep, wt), grp in loc.groupby(["gemeentecode", "groep", "woningtype"], sort=True):
        if (groep, wt) not in vraag or code not in gpos:
            continue
        given = dict(zip(grp["jaar"].astype(int), grp["waarde"].astype(float)))
        if not any(y in given for y in prep.years):
            continue
        sl = slice(gpos[code] * n_years, (gpos[code] + 1) * n_years)
        arr = vraag[(groep, wt)].copy()
        arr[sl] = _local_series(arr[sl], prep.years, given)
        vraag[(groep, wt)] = arr
        locks[(groep, wt)][sl] = True
    return locks


def _net_vraag(prep: _Prepared, v: Mapping[str, float]) -> tuple[Series, dict]:
    vraag = _model_vraag(prep, v)
    locks = _apply_local(prep, vraag)
    shares = {pair: v[key] for pair, key in prep.params.overlap_pairs().items()
              if pair[0] in prep.groepen and pair[1] in prep.groepen}
    totals: dict[str, np.ndarray] = {}
    unlocked: dict[str, np.ndarray] = {}
    for (g, wt), arr in vraag.items():
        totals[g] = totals.get(g, 0.0) + arr
        unlocked[g] = unlocked.get(g, 0.0) + np.where(locks[(g, wt)], 0.0, arr)
    factors, removed = overlap_core(totals, unlocked, shares, prep.params.prioriteit)
    for (g, wt), arr in vraag.items():
        if g in factors:
            vraag[(g, wt)] = np.where(locks[(g, wt)], arr, arr * factors[g])
    return vraag, removed


def _apportion_supply(prep: _Prepared, weights: Series) -> Series:
    """Known supply per (groep, woningtype) as grid arrays (NaN where unknown), from gemeente or
    area (e.g. COROP) totals, split in proportion to ``weights`` (the midden need of that year)."""
    out: Series = {}
    for wt, waarde, cells in _supply_plan(prep):
        w = np.array([weights[(g, wt)][i] for g, i in cells])
        share = w / w.sum() if w.sum() > 0 else np.full(len(w), 1.0 / len(w))
        for (g, i), sh in zip(cells, share):
            arr = out.setdefault((g, wt), np.full(len(prep.inw), np.nan))
            arr[i] = (0.0 if np.isnan(arr[i]) else arr[i]) + waarde * sh
    return out


def _supply_plan(prep: _Prepared) -> list[tuple[str, float, list[tuple[str, int]]]]:
    """The checked supply records that fall in the grid, each as ``(woningtype, waarde, cells)``
    with the (groep, cell) pairs it is split over; once per content of aanbod and gebieden,
    gemeenten, years and groups (it does not depend on the weights)."""
    akey = _fast.frame_key(prep.aanbod)
    gkey = b"-" if prep.gebieden is None else _fast.frame_key(prep.gebieden)
    key = (None if akey is None or gkey is None else
           ("supply_plan", akey, gkey, tuple(prep.gemeenten), tuple(prep.years), prep.groepen))
    return _CACHE.get_or_make(key, lambda: _make_supply_plan(prep))


def _make_supply_plan(prep: _Prepared) -> list[tuple[str, float, list[tuple[str, int]]]]:
    s = prep.aanbod
    need = {"gebiedscode", "jaar", "woningtype", "waarde"}
    if not need <= set(s.columns):
        raise ValueError(f"aanbod heeft kolommen {', '.join(sorted(need))} (en optioneel groep) nodig")
    if s["waarde"].isna().any() or (s["waarde"] < 0).any():
        raise ValueError("aanbod: lege of negatieve waarde")
    bad = sorted(set(s["woningtype"]) - set(WONINGTYPEN))
    if bad:
        raise ValueError(f"aanbod: onbekend woningtype {bad} ({', '.join(WONINGTYPEN)})")
    s = s[s["jaar"].isin(prep.years)]
    # Where each gebiedscode lies: a gemeente of the projection, or an area of ``gebieden``. Areas
    # and gemeenten wholly outside the projection are ignored (not this region's supply); an area
    # only partly inside cannot be split and is refused.
    members = {c: [c] for c in prep.gemeenten}
    if prep.gebieden is not None:
        for area, grp in prep.gebieden.groupby("gebiedscode"):
            codes = sorted(grp["gemeentecode"])
            inside = [c for c in codes if c in prep.gemeenten]
            if inside and len(inside) < len(codes) and area in set(s["gebiedscode"]):
                outside = [c for c in codes if c not in prep.gemeenten]
                raise ValueError(f"aanbod voor gebied {area}: gemeenten {', '.join(outside)} zitten niet in de "
                                 "projectie; het aanbod kan dan niet over de gemeenten verdeeld worden")
            members[area] = inside
    unplaced = sorted(c for c in set(s["gebiedscode"]) if c not in members and not str(c).startswith("GM"))
    if unplaced:
        raise ValueError(f"aanbod: gebied {', '.join(unplaced)} is geen gemeente en staat niet in gebieden")
    s = s[s["gebiedscode"].map(lambda c: bool(members.get(c)))]
    stand_groups = [g for g in prep.groepen if CATALOGUE[g].soort == "stand"]
    gpos = {c: i for i, c in enumerate(prep.gemeenten)}
    ypos = {y: i for i, y in enumerate(prep.years)}
    n_years = len(prep.years)
    plan = []
    for rec in s.to_dict("records"):
        area, wt, jaar = rec["gebiedscode"], rec["woningtype"], int(rec["jaar"])
        groups = [g for g in stand_groups if wt in CATALOGUE[g].woningtypen]
        if isinstance(rec.get("groep"), str):
            groups = [g for g in groups if g == rec["groep"]]
        cells = [(g, gpos[c] * n_years + ypos[jaar]) for g in groups for c in members[area]]
        if not cells:
            continue
        plan.append((wt, rec["waarde"], cells))
    return plan


def _opgave(prep: _Prepared, vraag: Series, aanbod: Series) -> Series:
    """CONTRACTS opgave per (groep, woningtype) as grid arrays."""
    G, Y = prep.shape
    out: Series = {}
    for (g, wt), arr in vraag.items():
        m = arr.reshape(G, Y)
        if CATALOGUE[g].soort == "stand":
            # vraag(jaar) − aanbod(basisjaar), or − vraag(basisjaar) where supply is unknown (bruto).
            ref = m[:, 0].copy()
            if (g, wt) in aanbod:
                known = aanbod[(g, wt)].reshape(G, Y)[:, 0]
                ref = np.where(np.isnan(known), ref, known)
            opg = m - ref[:, None]
        else:
            # Σ vraag from basisjaar to jaar − 1.
            opg = np.cumsum(m, axis=1) - m
        out[(g, wt)] = opg.ravel()
    return out


def _assemble(prep: _Prepared, vraag: Series, aanbod: Series) -> pd.DataFrame:
    opgave = _opgave(prep, vraag, aanbod)
    blocks = []
    for key, arr in vraag.items():
        blocks.append((key, "vraag", arr))
        blocks.append((key, "opgave", opgave[key]))
        if key in aanbod:
            blocks.append((key, "aanbod", aanbod[key]))
    keeps = [~np.isnan(arr) for _, _, arr in blocks]
    if blocks and all(k.any() for k in keeps):
        return _assemble_arrays(prep, blocks, keeps)
    return _assemble_frames(prep, blocks)


def _assemble_arrays(prep: _Prepared, blocks: list, keeps: list) -> pd.DataFrame:
    """:func:`_assemble_frames` in one go: the rows of every block (non-NaN cells) are put in the
    order of the sort on ``DEMAND_KEYS`` with one ``np.lexsort`` on small integer codes, and the
    table is built once. The keys are unique, so the order is the stable sort's order."""
    G, Y = prep.shape
    variant = prep.variant
    groep = [g for (g, _), _, _ in blocks]
    soort = [CATALOGUE[g].soort for g in groep]
    eenheid = [CATALOGUE[g].eenheid_voor(wt) for (g, wt), _, _ in blocks]
    maat = [m for _, m, _ in blocks]
    woningtype = [wt for (_, wt), _, _ in blocks]

    def rank(names: list) -> np.ndarray:
        order = {n: i for i, n in enumerate(sorted(set(names)))}
        return np.array([order[n] for n in names], dtype=np.int64)

    cells = [np.flatnonzero(k) for k in keeps]
    cell = np.concatenate(cells)
    block = np.repeat(np.arange(len(blocks)), [len(c) for c in cells])
    waarde = np.concatenate([arr[k] for (_, _, arr), k in zip(blocks, keeps)]).astype("float64")
    gi, yi = cell // Y, cell % Y
    # DEMAND_KEYS: gemeentecode, groep, jaar, variant (one), soort (follows groep), eenheid, maat, woningtype
    order = np.lexsort((rank(woningtype)[block], rank(maat)[block], rank(eenheid)[block], rank(soort)[block],
                        yi, rank(groep)[block], gi))
    b = block[order]

    def text(names: list, codes: np.ndarray):
        # the text array pandas infers from these (object) values, built from the distinct ones
        return pd.Series(np.asarray(names, dtype=object)).array.take(codes)

    out = pd.DataFrame({
        "gemeentecode": text(prep.gemeenten, gi[order]), "groep": text(groep, b),
        "jaar": np.asarray(prep.years, dtype="int64")[yi[order]],
        "variant": text([variant], np.zeros(len(order), dtype=np.intp)),
        "soort": text(soort, b), "eenheid": text(eenheid, b), "maat": text(maat, b),
        "woningtype": text(woningtype, b), "waarde": waarde[order]})
    return out[list(DEMAND_COLUMNS)]


def _assemble_frames(prep: _Prepared, blocks: list) -> pd.DataFrame:
    codes, jaar = prep.codes, prep.jaar.astype("int64")
    frames = []
    for (g, wt), maat, arr in blocks:
        keep = ~np.isnan(arr)
        n = int(keep.sum())
        frames.append(pd.DataFrame({
            "gemeentecode": codes[keep], "groep": [g] * n, "jaar": jaar[keep], "variant": [prep.variant] * n,
            "soort": [CATALOGUE[g].soort] * n, "eenheid": [CATALOGUE[g].eenheid_voor(wt)] * n,
            "maat": [maat] * n, "woningtype": [wt] * n, "waarde": arr[keep].astype("float64")}))
    out = pd.concat(frames, ignore_index=True)
    return out[list(DEMAND_COLUMNS)].sort_values(list(DEMAND_KEYS), kind="mergesort").reset_index(drop=True)


def _removed_frame(prep: _Prepared, removed: Mapping[tuple[str, str], np.ndarray]) -> pd.DataFrame:
    cols = ["gemeentecode", "jaar", "groep", "bij_groep", "waarde"]
    parts = [pd.DataFrame({"gemeentecode": prep.codes, "jaar": prep.jaar.astype("int64"), "groep": lo,
                           "bij_groep": hi, "waarde": arr}) for (lo, hi), arr in removed.items()]
    out = pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)
    return out[out["waarde"] > 0].sort_values(cols[:4], kind="mergesort").reset_index(drop=True)


def _prepare(projection: pd.DataFrame, params: ParameterSet, variant: str, *, demografie_variant: str | None = None,
             basisjaar: int = BASISJAAR, tot_jaar: int | None = None, groepen: Sequence[str] | None = None,
             nl_inwoners: float | None = None, huishoudens: pd.DataFrame | None = None,
             woningvoorraad: pd.DataFrame | None = None, studenten_historie: pd.DataFrame | None = None,
             aanbod: pd.DataFrame | None = None, gebieden: pd.DataFrame | None = None,
             local_figures: pd.DataFrame | None = None,
             arbeidsmigranten_regiotype: Mapping[str, str] | None = None,
             landelijke_gemeenten: Collection[str] | None = None) -> _Prepared:
    if not isinstance(params, ParameterSet):
        raise TypeError("params moet een ParameterSet zijn (woonzorg_lib.groups.params.load_parameters)")
    if variant not in VARIANTEN:
        raise ValueError(f"onbekende variant '{variant}' (laag, midden, hoog)")
    arrays = _projection_arrays(projection)  # validates (check_projection), once per content
    dv = demografie_variant or variant
    if arrays is not None and dv in arrays.varianten:
        # The same steps as below on the cached arrays.
        have_years = arrays.variant_years(dv)
        if not len(have_years):
            raise ValueError(f"projectie heeft geen rijen voor variant '{dv}' (geef demografie_variant op)")
        last = int(have_years.max()) if tot_jaar is None else int(tot_jaar)
        years = list(range(basisjaar, last + 1))
        have = set(have_years.tolist())
        missing = [y for y in years if y not in have]
        if missing:
            raise ValueError(f"projectie mist de jaren {missing} (nodig: {basisjaar}–{last})")
    if arrays is not None and dv in arrays.varianten and years:
        pop = None
        gemeenten = arrays.selection(dv, years)[1]
    else:
        arrays = None
        pop = projection[projection["variant"] == dv]
        if pop.empty:
            raise ValueError(f"projectie heeft geen rijen voor variant '{dv}' (geef demografie_variant op)")
        last = int(pop["jaar"].max()) if tot_jaar is None else int(tot_jaar)
        years = list(range(basisjaar, last + 1))
        have = set(pop["jaar"].astype(int))
        missing = [y for y in years if y not in have]
        if missing:
            raise ValueError(f"projectie mist de jaren {missing} (nodig: {basisjaar}–{last})")
        pop = pop[pop["jaar"].isin(years)]
        gemeenten = sorted(pop["gemeentecode"].unique())
    groepen = tuple(GROUP_CODES if groepen is None else groepen)
    for g in groepen:
        if g not in CATALOGUE:
            raise ValueError(f"onbekende groep '{g}'")
    groepen = tuple(g for g in GROUP_CODES if g in groepen)  # catalogue order
    needs = {"statushouders": ("nl_inwoners", nl_inwoners), "studenten": ("studenten_historie", studenten_historie),
             "woonwagenbewoners": ("woningvoorraad", woningvoorraad), "urgenten": ("huishoudens", huishoudens),
             "mantelzorg": ("huishoudens", huishoudens)}
    lacking = [f"{g} (invoer {name})" for g, (name, val) in needs.items() if g in groepen and val is None]
    if lacking:
        raise ValueError("invoer ontbreekt voor: " + "; ".join(lacking) + ". Geef die invoer mee of laat de "
                         "groep weg met groepen=[...]")
    lookups = {}
    if "urgenten" in groepen or "mantelzorg" in groepen:
        huishoudens, lookups["huishoudens"] = _per_gemeente_values(huishoudens, "huishoudens", gemeenten)
    if "woonwagenbewoners" in groepen:
        woningvoorraad, lookups["woningvoorraad"] = _per_gemeente_values(woningvoorraad, "woningvoorraad", gemeenten)
    if "studenten" in groepen:
        if not {"gemeentecode", "jaar", "waarde"} <= set(studenten_historie.columns):
            raise ValueError("studenten_historie heeft kolommen gemeentecode, jaar, waarde nodig")
        studenten_historie = studenten_historie[(studenten_historie["jaar"] <= basisjaar)
                                                & studenten_historie["gemeentecode"].isin(gemeenten)]
        if (studenten_historie["waarde"] < 0).any():
            raise ValueError("studenten_historie: negatieve waarde")
        gaps = sorted(set(gemeenten) - set(studenten_historie.dropna(subset=["waarde"])["gemeentecode"]))
        if gaps:
            raise ValueError(f"studenten_historie: geen waarnemingen voor {', '.join(gaps)}")
    regiotype = dict(arbeidsmigranten_regiotype or {})
    for code, t in regiotype.items():
        if t not in ARBEIDSMIGRANTEN_REGIOTYPEN:
            raise ValueError(f"arbeidsmigranten_regiotype {code}: onbekend type '{t}' "
                             f"({', '.join(ARBEIDSMIGRANTEN_REGIOTYPEN)})")
    landelijk = frozenset(gemeenten if landelijke_gemeenten is None else landelijke_gemeenten)
    local = None
    if local_figures is not None and len(local_figures):
        local = local_figures[local_figures["gemeentecode"].isin(gemeenten) & local_figures["groep"].isin(groepen)]
    prep = _Prepared(params=params, variant=variant, pop=pop, years=years, basisjaar=basisjaar,
                     gemeenten=gemeenten, groepen=groepen, inw=np.zeros(len(gemeenten) * len(years)),
                     nl_inwoners=nl_inwoners, huishoudens=huishoudens, woningvoorraad=woningvoorraad,
                     studenten_historie=studenten_historie, aanbod=aanbod, gebieden=gebieden, local=local,
                     regiotype=regiotype, landelijk=landelijk, projection=projection, dv=dv, arrays=arrays)
    for name, values in lookups.items():
        prep.cache[("lookup", name)] = values
    prep.inw = prep.bandpop("totaal").matrix.sum(axis=1)
    if (prep.base_inw <= 0).any():
        raise ValueError("een gemeente heeft 0 inwoners in het basisjaar")
    return prep


_CACHE = _fast.LRU(64)  # content-keyed: validated projections as arrays, fitted trends


def _projection_arrays(projection: pd.DataFrame) -> _fast.ProjectionArrays | None:
    """:func:`check_projection` (raises as it does), then the projection as arrays: computed once
    per projection *content* and shared by the variant runs of :func:`demand_table`. None where
    the array form does not apply (the pandas code is used then)."""
    key = _fast.frame_key(projection) if isinstance(projection, pd.DataFrame) else None
    if key is not None:
        hit = _CACHE.get(("projection", key))
        if hit is not None:
            return hit if hit.usable else None
    _check_projection_values(projection)
    try:
        arrays = _fast.ProjectionArrays(projection, GESLACHTEN, VARIANTEN, _OPEN)
    except (TypeError, ValueError):
        arrays = None
    if arrays is None or not arrays.usable or not arrays.bands_disjoint():
        check_projection(projection)  # the full check decides (and words any error)
    if arrays is None:
        return None
    if key is not None:
        _CACHE.put(("projection", key), arrays)
    return arrays if arrays.usable else None


def _per_gemeente_values(df: pd.DataFrame | None, name: str,
                         gemeenten: Sequence[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """:func:`_per_gemeente` and its values in ``gemeenten`` order (``_Prepared.lookup``), once per
    content of ``df`` and gemeenten."""
    fkey = _fast.frame_key(df)
    key = None if fkey is None else ("per_gemeente", name, fkey, tuple(gemeenten))

    def make():
        d = _per_gemeente(df, name, gemeenten)
        return d, _fast.readonly(d.set_index("gemeentecode")["waarde"].reindex(gemeenten).to_numpy(float))

    return _CACHE.get_or_make(key, make)


def _per_gemeente(df: pd.DataFrame | None, name: str, gemeenten: Sequence[str]) -> pd.DataFrame:
    if not {"gemeentecode", "waarde"} <= set(df.columns):
        raise ValueError(f"{name} heeft kolommen gemeentecode, waarde nodig")
    d = df[df["gemeentecode"].isin(gemeenten)]
    if d["gemeentecode"].duplicated().any():
        raise ValueError(f"{name}: meer dan één rij per gemeente")
    missing = sorted(set(gemeenten) - set(d["gemeentecode"]))
    if missing:
        raise ValueError(f"{name}: geen waarde voor {', '.join(missing)}")
    if d["waarde"].isna().any() or (d["waarde"] < 0).any():
        raise ValueError(f"{name}: lege of negatieve waarde")
    return d[["gemeentecode", "waarde"]]


def _supply(prep: _Prepared, values: Mapping[str, float], vraag: Series,
            weight_values: Mapping[str, float]) -> Series:
    if prep.aanbod is None or not len(prep.aanbod):
        return {}
    # Supply is split by the need under central parameter values, so its split does not change
    # between variants or sensitivity runs (the area total never does).
    wkey = ("aanbod", tuple(sorted(weight_values.items())))
    if wkey not in prep.cache:
        weights = vraag if dict(weight_values) == dict(values) else _net_vraag(prep, weight_values)[0]
        prep.cache[wkey] = _apportion_supply(prep, weights)
    return prep.cache[wkey]


def _run(prep: _Prepared, values: Mapping[str, float],
         weight_values: Mapping[str, float]) -> tuple[pd.DataFrame, dict]:
    vraag, removed = _net_vraag(prep, values)
    return _assemble(prep, vraag, _supply(prep, values, vraag, weight_values)), removed


def demand_table(projection: pd.DataFrame, params: ParameterSet, variant: str, *,
                 nl_inwoners: float | None = None,
                 huishoudens: pd.DataFrame | None = None,
                 woningvoorraad: pd.DataFrame | None = None,
                 studenten_historie: pd.DataFrame | None = None,
                 aanbod: pd.DataFrame | None = None,
                 gebieden: pd.DataFrame | None = None,
                 local_figures: pd.DataFrame | None = None,
                 arbeidsmigranten_regiotype: Mapping[str, str] | None = None,
                 landelijke_gemeenten: Collection[str] | None = None,
                 groepen: Sequence[str] | None = None,
                 basisjaar: int = BASISJAAR,
                 tot_jaar: int | None = None,
                 demografie_variant: str | None = None,
                 return_overlap: bool = False) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    """Need, supply and task per gemeente × groep × woningtype × jaar for one variant.

    Inputs (docs/aandachtsgroepen.md, section "Invoer van demand_table"):

    - ``projection``: CONTRACTS forecast rows ``gemeentecode, jaar, geslacht, leeftijd_van,
      leeftijd_tot, variant, waarde``; the rows of ``demografie_variant`` (default: ``variant``)
      for every year ``basisjaar`` … ``tot_jaar`` (default: its last year) are used.
    - ``params``: a :class:`ParameterSet`; ``variant`` picks laag / waarde / hoog per parameter.
    - ``nl_inwoners``: inhabitants of the Netherlands on 1 January of ``basisjaar`` (statushouders).
    - ``huishoudens``: ``gemeentecode, waarde`` private households at ``basisjaar`` (urgenten,
      mantelzorg); later years move with the gemeente's population.
    - ``woningvoorraad``: ``gemeentecode, waarde`` dwellings at ``basisjaar`` (woonwagenbewoners).
    - ``studenten_historie``: ``gemeentecode, jaar, waarde`` uitwonende studenten, years ≤ basisjaar.
    - ``aanbod`` (optional): ``gebiedscode, jaar, woningtype, waarde`` (+ optional ``groep``),
      known supply on 1 January; ``gebiedscode`` is a gemeentecode or an area listed in
      ``gebieden`` (``gemeentecode, gebiedscode``, e.g. COROP CR38), whose supply is split over its
      gemeenten and the stand groups with that woningtype in proportion to their midden need.
    - ``local_figures``: from :func:`~woonzorg_lib.groups.usercsv.read_local_figures`.
    - ``arbeidsmigranten_regiotype``: ``{gemeentecode: agrarisch_logistiek|gemengd|stedelijk}``
      (default gemengd); ``landelijke_gemeenten``: where mantelzorgwoningen on the erf apply
      (default: all gemeenten).
    - ``groepen``: subset of group codes (default all 14; a group whose input is missing raises).

    Order: model need → local figures → overlap rule → supply → opgave (CONTRACTS: stand =
    vraag(jaar) − aanbod(basisjaar), or − vraag(basisjaar) where supply is unknown (bruto);
    stroom = Σ vraag basisjaar … jaar − 1). Values are unrounded; sorted by the key columns.
    With ``return_overlap=True`` also returns the amounts moved between groups by the overlap rule
    (``gemeentecode, jaar, groep, bij_groep, waarde``, see :mod:`.overlap`).
    """
    prep = _prepare(projection, params, variant, demografie_variant=demografie_variant, basisjaar=basisjaar,
                    tot_jaar=tot_jaar, groepen=groepen, nl_inwoners=nl_inwoners, huishoudens=huishoudens,
                    woningvoorraad=woningvoorraad, studenten_historie=studenten_historie, aanbod=aanbod,
                    gebieden=gebieden, local_figures=local_figures,
                    arbeidsmigranten_regiotype=arbeidsmigranten_regiotype,
                    landelijke_gemeenten=landelijke_gemeenten)
    table, removed = _run(prep, params.resolve(variant), params.resolve("midden"))
    return (table, _removed_frame(prep, removed)) if return_overlap else table


def opgave_basis(demand: pd.DataFrame, basisjaar: int = BASISJAAR) -> pd.DataFrame:
    """Which opgave is netto (known supply at ``basisjaar``) and which bruto: ``gemeentecode, groep,
    woningtype, soort, basis`` (stroom groups are always bruto: no supply is subtracted)."""
    key = ["gemeentecode", "groep", "woningtype", "soort"]
    allk = demand[demand["maat"] == "vraag"][key].drop_duplicates()
    has = demand[(demand["maat"] == "aanbod") & (demand["jaar"] == basisjaar)][key].drop_duplicates()
    out = allk.merge(has.assign(basis="netto"), on=key, how="left")
    out["basis"] = out["basis"].fillna("bruto")
    return out.sort_values(key, kind="mergesort").reset_index(drop=True)


def sensitivity(projection: pd.DataFrame, params: ParameterSet, *, jaar: int = 2030,
                regio: Mapping[str, str] | None = None, per_groep: bool = False,
                parameters: Sequence[str] | None = None, **inputs) -> pd.DataFrame:
    """Tornado data: the opgave in ``jaar`` per region with each parameter at the low and at the high
    end of its range (its ``laag``/``hoog`` fields, literally), all others at ``waarde``, on the
    midden demography. ``inputs`` are the keyword inputs of :func:`demand_table`. ``regio`` maps
    gemeentecode → region name (default: all gemeenten form one region ``regio``); ``parameters``
    limits the keys (default: all whose laag ≠ hoog).

    Returns ``regio, [groep,] eenheid, parameter, opgave_midden, opgave_laag, opgave_hoog, bereik``
    (bereik = |opgave_hoog − opgave_laag|) for every parameter that changes that total, sorted by
    regio, (groep,) eenheid, bereik descending, parameter.
    """
    inputs.setdefault("tot_jaar", jaar)
    prep = _prepare(projection, params, "midden", **inputs)
    if jaar not in prep.years:
        raise ValueError(f"jaar {jaar} valt buiten de projectie ({prep.years[0]}–{prep.years[-1]})")
    mid = params.resolve("midden")
    regio = dict(regio) if regio is not None else {c: "regio" for c in prep.gemeenten}
    by = ["regio"] + (["groep"] if per_groep else []) + ["eenheid"]

    yi = prep.years.index(jaar)
    G, Y = prep.shape
    of_region = np.array([regio.get(c, "") for c in prep.gemeenten], dtype=object)
    names = sorted({r for r in of_region if r})  # gemeenten without a region are left out

    def total(values: Mapping[str, float]) -> pd.Series:
        vraag, _ = _net_vraag(prep, values)
        opgave = _opgave(prep, vraag, _supply(prep, values, vraag, mid))
        acc: dict[tuple, float] = {}
        for (g, wt), arr in opgave.items():
            col = arr.reshape(G, Y)[:, yi]
            for r in names:
                k = (r,) + ((g,) if per_groep else ()) + (CATALOGUE[g].eenheid_voor(wt),)
                acc[k] = acc.get(k, 0.0) + float(col[of_region == r].sum())
        return pd.Series(acc).sort_index()

    base = total(mid)
    keys = list(parameters) if parameters is not None else [k for k, e in params.entries.items() if e.laag != e.hoog]
    rows = []
    for key in keys:
        entry = params[key]
        lo = total({**mid, key: entry.laag}).reindex(base.index, fill_value=0.0)
        hi = total({**mid, key: entry.hoog}).reindex(base.index, fill_value=0.0)
        changed = ((lo - base).abs() > 1e-9) | ((hi - base).abs() > 1e-9)
        for idx in base.index[changed.to_numpy()]:
            rec = dict(zip(by, idx if isinstance(idx, tuple) else (idx,)))
            rec.update(parameter=key, opgave_midden=base[idx], opgave_laag=lo[idx], opgave_hoog=hi[idx],
                       bereik=abs(hi[idx] - lo[idx]))
            rows.append(rec)
    cols = by + ["parameter", "opgave_midden", "opgave_laag", "opgave_hoog", "bereik"]
    out = pd.DataFrame(rows, columns=cols)
    out["_neg"] = -out["bereik"]
    return (out.sort_values(by + ["_neg", "parameter"], kind="mergesort").drop(columns="_neg")
            .reset_index(drop=True))
