"""The grid every group's need lives on: gemeente (sorted) × jaar (basisjaar … tot_jaar),
gemeente-major, with the inputs that do not depend on parameter values (:class:`_Prepared`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Collection, Mapping, Sequence

import numpy as np
import pandas as pd

from . import fingerprint as _fast
from .bands import (BASISJAAR, _OPEN, _BandPop, _band_pop, _check_projection_values, _plain_int, _plain_number,
                    _rate_matrix_of, _rate_sexes, _rate_vector, _rate_vector_of, _with_open, age_rates,
                    check_projection)
from .catalogue import ARBEIDSMIGRANTEN_REGIOTYPEN, CATALOGUE, GESLACHTEN, GROUP_CODES, VARIANTEN
from .data_coverage import input_gaps
from .estimators import _trend_rows
from .ouderen import METHODES, STANDAARD_METHODE
from .params import ParameterSet
from .projection_arrays import ProjectionArrays

# ---- the demand table --------------------------------------------------------------------------
# Internally every group's need is a numpy array over a fixed grid of cells: gemeente (sorted) ×
# jaar (basisjaar … tot_jaar), gemeente-major. This keeps a full run at a few milliseconds, so the
# sensitivity analysis can re-run the whole table once per parameter end.

Series = dict  # {(groep, woningtype): np.ndarray over the grid}

# ---- Monte-Carlo draws at once -----------------------------------------------------------------
# The Monte Carlo evaluates all its draws in one run: a drawn parameter value is an array of shape
# (draws, 1) instead of a number, and every cell array then has shape (draws, cells). Elementwise
# arithmetic broadcasts and gives each draw's numbers exactly; what could round differently when
# done on a whole matrix (a matrix product, ``**``, a fitted trend) is done draw by draw.


def is_drawn(x) -> bool:
    """Is ``x`` a drawn parameter value (an array of shape (draws, 1))?"""
    return isinstance(x, np.ndarray) and x.ndim == 2


def n_draws(v: Mapping) -> int | None:
    """The number of draws when ``v`` holds drawn values, else None (one ordinary run)."""
    for x in v.values():
        if is_drawn(x):
            return x.shape[0]
    return None


def draw_rows(v: Mapping) -> list[dict]:
    """The ordinary parameter dict of each draw (numbers, as one run per draw would get them)."""
    n = n_draws(v)
    drawn = [k for k, x in v.items() if is_drawn(x)]
    return [{**v, **{k: float(v[k][i, 0]) for k in drawn}} for i in range(n)]


def per_draw(v: Mapping, fn) -> np.ndarray:
    """``fn(values)`` for each draw's parameter dict, stacked (draws × ...)."""
    return np.stack([np.asarray(fn(row), float) for row in draw_rows(v)])


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
    arrays: ProjectionArrays | None = None  # the validated projection as arrays (or None)
    methode: Mapping[str, str] = field(default_factory=dict)  # e.g. {"ouderen": "rijksopgave"}
    ouderen_sleutel: pd.DataFrame | None = None  # rijksopgave key (gemeentecode, aandeel; attrs)
    local_supply: pd.DataFrame | None = None     # local figures with maat aanbod
    realisaties: pd.DataFrame | None = None      # rijksopgave: homes realised since 1-1-2022
    g4: frozenset[str] | None = None             # gemeenten with the G4 rate of mo_dakloos (None: catalogue)
    uitgezet: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # groep → gemeenten without its input

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
        """Broadcast one value per gemeente over its years (per draw: draws × gemeenten → draws × cells)."""
        return np.repeat(np.asarray(values, float), len(self.years), axis=-1)

    def cells(self, arr: np.ndarray) -> np.ndarray:
        """A grid array as gemeenten × jaren (per draw: draws × gemeenten × jaren)."""
        return arr.reshape(arr.shape[:-1] + self.shape)

    @property
    def base_inw(self) -> np.ndarray:
        return self.inw.reshape(self.shape)[:, 0]

    @property
    def jaar(self) -> np.ndarray:
        return np.tile(np.asarray(self.years, float), len(self.gemeenten))

    @property
    def codes(self) -> np.ndarray:
        return np.repeat(np.asarray(self.gemeenten, dtype=object), len(self.years))

    def in_set(self, name: str, members: Collection[str]) -> np.ndarray:
        """Per cell: is the cell's gemeente in ``members`` (once per preparation and ``name``)."""
        key = ("in_set", name)
        if key not in self.cache:
            self.cache[key] = np.isin(self.codes, list(members))
        return self.cache[key]

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
                     and (e.leeftijd_tot is None or _plain_int(e.leeftijd_tot)) and (_plain_number(w) or is_drawn(w)))
        drawn = any(is_drawn(r[3]) for r in rows)
        if not plain:
            if drawn:
                return per_draw(v, lambda row: self.prevalence(age_rates(self.params, row, keys), per))
            return self.prevalence(age_rates(self.params, v, keys), per)
        sexes = sorted({r[0] for r in rows})
        if "totaal" in sexes and len(sexes) > 1:
            raise ValueError("kentallen mengen 'totaal' met 'man'/'vrouw'")
        triples_of = {}
        for sex in sexes:
            triples = sorted(((int(van), _OPEN if tot is None else int(tot), w if is_drawn(w) else float(w))
                              for g, van, tot, w in rows if g == sex), key=lambda t: t[0])
            if len({t[0] for t in triples}) < len(triples):
                if drawn:
                    return per_draw(v, lambda row: self.prevalence(age_rates(self.params, row, keys), per))
                return self.prevalence(age_rates(self.params, v, keys), per)
            triples_of[sex] = triples
        return self.prevalence_triples(triples_of, per)

    def prevalence_triples(self, triples_of: Mapping[str, Sequence[tuple[int, int, float]]],
                           per: float = 1000.0) -> np.ndarray:
        """Prevalence from ``{geslacht: [(van, tot, waarde), ...]}`` (sorted on ``van``, ``tot`` of an
        open band = ``_OPEN``): the arithmetic of :meth:`prevalence`, without building DataFrames.
        A ``waarde`` may be drawn values (draws × 1): the result is then draws × cells, with one
        matrix-vector product per draw (the product of one run, so each draw's numbers are its own)."""
        n = next((w.shape[0] for t in triples_of.values() for _, _, w in t if is_drawn(w)), None)
        total = np.zeros(len(self.inw)) if n is None else np.zeros((n, len(self.inw)))
        for sex in sorted(triples_of):
            bp = self.bandpop(sex)
            if n is None:
                total += bp.matrix @ _rate_vector_of(triples_of[sex], bp.bands) / per
            else:
                rates = _rate_matrix_of(triples_of[sex], bp.bands, n)
                total += np.stack([bp.matrix @ rates[i].copy() for i in range(n)]) / per
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


def _prepare(projection: pd.DataFrame, params: ParameterSet, variant: str, *, demografie_variant: str | None = None,
             basisjaar: int = BASISJAAR, tot_jaar: int | None = None, groepen: Sequence[str] | None = None,
             nl_inwoners: float | None = None, huishoudens: pd.DataFrame | None = None,
             woningvoorraad: pd.DataFrame | None = None, studenten_historie: pd.DataFrame | None = None,
             aanbod: pd.DataFrame | None = None, gebieden: pd.DataFrame | None = None,
             local_figures: pd.DataFrame | None = None,
             arbeidsmigranten_regiotype: Mapping[str, str] | None = None,
             landelijke_gemeenten: Collection[str] | None = None, methode: Mapping[str, str] | None = None,
             ouderen_sleutel: pd.DataFrame | None = None, realisaties: pd.DataFrame | None = None,
             g4_gemeenten: Collection[str] | None = None) -> _Prepared:
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
    # Data coverage: a group whose input lacks some gemeenten is switched off for those (no rows,
    # see .data_coverage); lacking all of them, it is left out.
    uitgezet = input_gaps(gemeenten, groepen, {"huishoudens": huishoudens, "woningvoorraad": woningvoorraad,
                                               "studenten_historie": studenten_historie}, basisjaar=basisjaar)
    groepen = tuple(g for g in groepen if len(uitgezet.get(g, ())) < len(gemeenten))
    regiotype = dict(arbeidsmigranten_regiotype or {})
    for code, t in regiotype.items():
        if t not in ARBEIDSMIGRANTEN_REGIOTYPEN:
            raise ValueError(f"arbeidsmigranten_regiotype {code}: onbekend type '{t}' "
                             f"({', '.join(ARBEIDSMIGRANTEN_REGIOTYPEN)})")
    landelijk = frozenset(gemeenten if landelijke_gemeenten is None else landelijke_gemeenten)
    local = local_supply = None
    if local_figures is not None and len(local_figures):
        local = local_figures[local_figures["gemeentecode"].isin(gemeenten) & local_figures["groep"].isin(groepen)]
        if "maat" in local.columns:
            local_supply = local[local["maat"] == "aanbod"]
            local = local[local["maat"] != "aanbod"]
    methode = dict(methode or {})
    for g, m in methode.items():
        if g != "ouderen" or m not in METHODES:
            raise ValueError(f"onbekende methode {g}={m} (mogelijk: ouderen={'|'.join(METHODES)})")
    if methode.get("ouderen", STANDAARD_METHODE) == "rijksopgave" and "ouderen" in groepen:
        if ouderen_sleutel is None or not {"gemeentecode", "aandeel"} <= set(ouderen_sleutel.columns):
            raise ValueError("methode ouderen=rijksopgave heeft ouderen_sleutel nodig (gemeentecode, aandeel)")
        missing = sorted(set(gemeenten) - set(ouderen_sleutel["gemeentecode"]))
        if missing:
            raise ValueError(f"ouderen_sleutel: geen aandeel voor {', '.join(missing)}")
    prep = _Prepared(params=params, variant=variant, pop=pop, years=years, basisjaar=basisjaar,
                     gemeenten=gemeenten, groepen=groepen, inw=np.zeros(len(gemeenten) * len(years)),
                     nl_inwoners=nl_inwoners, huishoudens=huishoudens, woningvoorraad=woningvoorraad,
                     studenten_historie=studenten_historie, aanbod=aanbod, gebieden=gebieden, local=local,
                     regiotype=regiotype, landelijk=landelijk, projection=projection, dv=dv, arrays=arrays,
                     methode=methode, ouderen_sleutel=ouderen_sleutel, local_supply=local_supply,
                     realisaties=realisaties, g4=None if g4_gemeenten is None else frozenset(g4_gemeenten),
                     uitgezet=uitgezet)
    for name, values in lookups.items():
        prep.cache[("lookup", name)] = values
    prep.inw = prep.bandpop("totaal").matrix.sum(axis=1)
    if (prep.base_inw <= 0).any():
        raise ValueError("een gemeente heeft 0 inwoners in het basisjaar")
    return prep


_CACHE = _fast.LRU(64)  # content-keyed: validated projections as arrays, fitted trends


def _projection_arrays(projection: pd.DataFrame) -> ProjectionArrays | None:
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
        arrays = ProjectionArrays(projection, GESLACHTEN, VARIANTEN, _OPEN)
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
    if (d["waarde"] < 0).any():
        raise ValueError(f"{name}: negatieve waarde")
    d = d.dropna(subset=["waarde"])  # a gemeente without a value: its group is off there (.data_coverage)
    return d[["gemeentecode", "waarde"]]
