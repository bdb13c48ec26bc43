"""Public functions of the demography engine (re-exported by ``woonzorg_lib.demography``)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from .. import cache
from ..errors import DataMissingError, InputError
from . import ages as A
from . import asof as asof_mod
from . import engine, housing
from . import households as hh
from .config import Settings, load_settings
from .engine import VARIANTS

MAX_HORIZON = 60
# in-process stores of the one cache layer (woonzorg_lib.cache); the snapshot run is also shared on disk
_RAW_CACHE = cache.memory("demography-snapshot-tables", 4)
_RECON_CACHE = cache.memory("demography-reconstruction", 8)
_RUN_CACHE = cache.memory("demography-run", 8)


@dataclass
class Run:
    as_of: int
    until: int
    codes: list[str]
    hist: engine.History
    proj: engine.Projection
    settings: Settings
    size: np.ndarray          # (G, H+1) persons per private household (NaN = unknown)
    notes: list[str]


# ------------------------------------------------------------------------------------------------
# inputs, caching
# ------------------------------------------------------------------------------------------------

def _stat_key() -> tuple:
    """Cheap change detector: name, size and mtime of every file under data/raw and of the
    processed manifest (the data layer's signature). Any edit (and every rehash/build) changes it."""
    from .. import paths
    from ..dataset import load

    return load._stat_signature(paths.raw_dir(), paths.processed_dir())


def _snapshot_tables() -> tuple[str, dict]:
    """The snapshot tables (rebuilt by the data layer when stale), cached while no file changes."""
    from .. import provenance
    from ..dataset import load

    sk = _stat_key()
    if _RAW_CACHE.get("stat") != sk:
        load.ensure_built()
        fp = provenance.data_fingerprint()
        _RAW_CACHE.clear()
        _RAW_CACHE["fp"] = fp
        _RAW_CACHE["tables"] = asof_mod.raw_tables()
        _RAW_CACHE["stat"] = _stat_key()
    return _RAW_CACHE["fp"], _RAW_CACHE["tables"]


def _source(tables: dict | None) -> tuple[str, dict]:
    if tables is None:
        return _snapshot_tables()
    return f"id{id(tables)}", tables


def _remember(store: cache.Memory, key, value):
    return store.remember(key, value)


def latest_year(tables: dict | None = None) -> int:
    _, src = _source(tables)
    t = src["bevolking_totaal"]
    return int(t[t["gemeentecode"] != "NL01"]["jaar"].max())


def _check_years(as_of: int, until: int, src: dict) -> None:
    if isinstance(as_of, bool) or not isinstance(as_of, (int, np.integer)):
        raise InputError(f"as-of moet een jaartal zijn, niet '{as_of}'", column="--as-of")
    if isinstance(until, bool) or not isinstance(until, (int, np.integer)):
        raise InputError(f"until moet een jaartal zijn, niet '{until}'", column="--until")
    t = src["bevolking_totaal"]
    years = t[t["gemeentecode"] != "NL01"]["jaar"].astype(int)
    lo, hi = int(years.min()) + 1, int(years.max())
    if not lo <= as_of <= hi:
        raise InputError(f"as-of {as_of} valt buiten {lo}-{hi} (het laatste datajaar van de snapshot is {hi}; "
                         f"'toekomst' betekent later dan dat jaar)", column="--as-of")
    if until < as_of:
        raise InputError(f"until {until} ligt voor het as-of-jaar {as_of}", column="--until")
    if until > as_of + MAX_HORIZON:
        raise InputError(f"until {until} ligt meer dan {MAX_HORIZON} jaar na {as_of}", column="--until")


def _fallback(src: dict) -> dict:
    """Stand-ins for origins before the first life table / births year (documented leak)."""
    from .lifetable import table_q

    lt = src["levenstafel"]
    return {"levenstafel_q": table_q(lt[lt["jaar"] == lt["jaar"].min()]) if len(lt) else None,
            "geboorten": src["geboorten"]}


def reconstruction(as_of: int, *, settings: Settings | None = None, tables: dict | None = None):
    """(History, Mortality, Fertility) for ``as_of`` (cached; for the snapshot also on disk)."""
    settings = settings or load_settings()
    key_src, src = _source(tables)
    key = (key_src, int(as_of), settings.key())
    if key in _RECON_CACHE:
        _RECON_CACHE.move_to_end(key)
        return _RECON_CACHE[key][:3]

    def compute():
        inp = asof_mod.load_inputs(int(as_of), src)
        from .reconstruct import reconstruct  # split from engine (module size)

        return (*reconstruct(inp, int(as_of), settings, fallback=_fallback(src)), inp)

    from ..settings import BASE_YEAR  # (settings imports this package: not at module level)

    if tables is None and int(as_of) == BASE_YEAR:
        # the snapshot's base-year reconstruction is shared on disk like the run: in a build, the
        # kernel of the back-test (whose last run starts at the base year) and its regions' household
        # inputs read the one the other kernel computed for the national forecast instead of
        # computing it again (earlier as-of years are only used by the back-test, in one process)
        value = cache.cached("demography-reconstruction", (int(as_of), settings.key()), compute, persist=True)
    else:
        value = compute()
    return _remember(_RECON_CACHE, key, value)[:3]


def _inputs(as_of: int, settings: Settings, tables: dict | None):
    key_src, src = _source(tables)
    reconstruction(as_of, settings=settings, tables=tables)
    return _RECON_CACHE[(key_src, int(as_of), settings.key())][3]


def _programme_key(prog: pd.DataFrame | None) -> str:
    if prog is None:
        return "-"
    return hashlib.sha256(pd.util.hash_pandas_object(prog, index=False).to_numpy().tobytes()).hexdigest()


def run(as_of: int = 2024, until: int = 2030, *, variants: Iterable[str] = VARIANTS, housing_programme=None,
        settings: Settings | None = None, tables: dict | None = None, persist: bool = False) -> Run:
    """The engine for every gemeente in the data: reconstruction, projection, household size.

    ``persist``: also share the run itself on disk. Off by default: what is costly is the
    reconstruction, and the base year's is shared on disk (:func:`reconstruction`); from it the
    projection to 2030 takes about 0,06 s, less than writing and reading the run's 60 MB pickle."""
    settings = settings or load_settings()
    key_src, src = _source(tables)
    as_of, until = int(as_of) if isinstance(as_of, (int, np.integer)) else as_of, \
        int(until) if isinstance(until, (int, np.integer)) else until
    _check_years(as_of, until, src)
    variants = tuple(variants)
    bad = [v for v in variants if v not in VARIANTS]
    if bad or not variants:
        raise InputError(f"onbekende variant '{bad[0] if bad else ''}'; kies uit {', '.join(VARIANTS)}",
                         column="variant")
    variants = tuple(v for v in VARIANTS if v in variants)
    if housing_programme is None and tables is None:
        # the snapshot run (every gemeente) is the same for every region of a build: computed once per
        # process through the one cache layer (content-keyed on library, config and data)
        key = (key_src, as_of, until, variants, settings.key(), _programme_key(None))
        if key in _RUN_CACHE:
            _RUN_CACHE.move_to_end(key)
            return _RUN_CACHE[key]
        r = cache.cached("demography-run", key[1:], lambda: _run(as_of, until, variants, None, settings, None),
                         persist=persist)
        return _remember(_RUN_CACHE, key, r)
    return _run(as_of, until, variants, housing_programme, settings, tables)


def _run(as_of: int, until: int, variants: tuple, housing_programme, settings: Settings, tables: dict | None) -> Run:
    key_src, src = _source(tables)
    hist, mort, fert = reconstruction(as_of, settings=settings, tables=tables)
    prog = None
    if housing_programme is not None:
        prog = housing.read_programme(housing_programme, known_codes=set(hist.codes))
    key = (key_src, as_of, until, variants, settings.key(), _programme_key(prog))
    if key in _RUN_CACHE:
        _RUN_CACHE.move_to_end(key)
        return _RUN_CACHE[key]
    inp = _inputs(as_of, settings, tables)
    years = np.arange(as_of, until + 1)
    obs = hh.observed(inp["huishoudens"], hist.codes)
    pop_hist = pd.DataFrame(hist.P.sum(axis=(2, 3)).T, index=hist.codes, columns=[int(y) for y in hist.years])
    size = hh.size_path(obs, pop_hist, hist.codes, years, settings["huishoudens"])
    override = None
    if prog is not None:
        trend = engine.project(hist, mort, fert, as_of, until, settings, variants=("midden",))
        override = housing.targets(prog, hist.codes, inp["woningvoorraad"], as_of, until,
                                   hist.P[-1].sum(axis=(1, 2)), trend.targets[0], size)
    proj = engine.project(hist, mort, fert, as_of, until, settings, variants=variants, target_override=override)
    notes = list(proj.notes)
    if prog is not None:
        notes.append(f"woninggestuurde variant voor {len(override)} gemeente(n)")
    r = Run(as_of=as_of, until=until, codes=hist.codes, hist=hist, proj=proj, settings=settings, size=size,
            notes=notes)
    return _remember(_RUN_CACHE, key, r)


# ------------------------------------------------------------------------------------------------
# selection of gemeenten
# ------------------------------------------------------------------------------------------------

def resolve_codes(region_or_codes, available: list[str]) -> list[str]:
    """Codes from a Region, a region slug/path, one code or a list of codes; checked against the data."""
    from .. import regions as reg

    if isinstance(region_or_codes, reg.Region):
        codes = list(region_or_codes.gemeenten)
    elif isinstance(region_or_codes, (str, Path)):
        s = str(region_or_codes)
        if len(s) == 6 and s.startswith("GM") and s[2:].isdigit():
            codes = [s]
        else:
            codes = list(reg.load_region(s).gemeenten)
    elif region_or_codes is None:
        codes = list(available)
    else:
        codes = [str(c) for c in region_or_codes]
    if not codes:
        raise InputError("geen gemeenten opgegeven", column="--region")
    missing = [c for c in codes if c not in set(available)]
    if missing:
        raise DataMissingError(f"geen bevolkingsreeks in de snapshot voor {', '.join(missing[:10])}"
                               f"{' …' if len(missing) > 10 else ''}. Haal ze op met `woonzorg data fetch` "
                               f"en daarna `woonzorg data build`.")
    return sorted(dict.fromkeys(codes))


# ------------------------------------------------------------------------------------------------
# integer output
# ------------------------------------------------------------------------------------------------

def integerize(X: np.ndarray) -> np.ndarray:
    """Round non-negative cells (..., n) to integers that sum to the rounded row total
    (largest remainders; ties broken by position, so deterministic)."""
    X = np.maximum(np.asarray(X, float), 0.0)
    total = np.rint(X.sum(axis=-1))
    fl = np.floor(X)
    rem = X - fl
    short = (total - fl.sum(axis=-1)).astype(int)
    order = np.argsort(-rem, axis=-1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.broadcast_to(np.arange(X.shape[-1]), X.shape), axis=-1)
    return (fl + (rank < short[..., None])).astype(np.int64)


def _bands_int(P: np.ndarray) -> np.ndarray:
    """(..., 2, NA) -> integer (..., 2, 20) bands whose cells sum to the rounded total."""
    b = A.to_bands(P)                                        # (..., 2, 20)
    lead = b.shape[:-2]
    flat = b.reshape(*lead, 2 * A.NB)
    return integerize(flat).reshape(*lead, 2, A.NB)


def _strings(values, index: np.ndarray) -> pd.Series:
    """A str column from a small array of labels and integer positions (fast for large frames)."""
    return pd.Series(pd.Categorical.from_codes(index, categories=list(values))).astype(str)


def _population_frame(codes_sel: list[str], all_codes: list[str], years: np.ndarray, variants, P) -> pd.DataFrame:
    """P (V, Y, G, 2, NA) -> CONTRACTS long frame, built directly in key order
    (gemeentecode, jaar, geslacht, leeftijd_van, variant)."""
    gi = np.array([all_codes.index(c) for c in codes_sel])
    B = _bands_int(P[:, :, gi])                              # (V, Y, g, 2, 20)
    vals = np.stack([B[:, :, :, 0], B.sum(axis=3), B[:, :, :, 1]], axis=3)   # man, totaal, vrouw
    vorder = np.argsort(np.array(variants))                  # variants alphabetically
    vals = vals[vorder]                                      # (V, Y, g, 3, 20)
    arr = np.transpose(vals, (2, 1, 3, 4, 0))                # (g, Y, 3, 20, V)
    g, Y, S3, NBx, V = arr.shape
    gg, yy, ss, bb, vv = (a.ravel() for a in np.meshgrid(np.arange(g), np.arange(Y), np.arange(S3), np.arange(NBx),
                                                         np.arange(V), indexing="ij"))
    hi = A.BAND_HI[bb]
    df = pd.DataFrame({
        "gemeentecode": _strings(codes_sel, gg),
        "jaar": years[yy].astype(np.int64),
        "geslacht": _strings(["man", "totaal", "vrouw"], ss),
        "leeftijd_van": A.BAND_LO[bb].astype(np.int64),
        "leeftijd_tot": pd.arrays.IntegerArray(np.where(hi < 0, 0, hi).astype(np.int64), hi < 0),
        "variant": _strings(np.array(variants)[vorder], vv),
        "waarde": arr.ravel(),
    })
    return df


# ------------------------------------------------------------------------------------------------
# public API
# ------------------------------------------------------------------------------------------------

def forecast(region_or_codes, *, as_of: int = 2024, until: int = 2030, variants=VARIANTS,
             housing_programme=None, settings: Settings | None = None, tables: dict | None = None) -> pd.DataFrame:
    """Population on 1 January by gemeente, year (as_of .. until), sex, 5-year band and variant.

    Columns (CONTRACTS.md): gemeentecode, jaar, geslacht, leeftijd_van, leeftijd_tot, variant,
    waarde. Whole persons; per gemeente, year and variant the bands of man and vrouw sum to the
    total and totaal = man + vrouw in every band. The as-of year itself is the estimated base.
    ``region_or_codes``: a Region, a region slug or file, a gemeentecode or a list of codes.
    ``housing_programme``: path or DataFrame (gemeentecode, jaar, woningen) for the housing-led
    variant. ``tables``: replace the snapshot (synthetic tests).
    """
    r = run(as_of, until, variants=variants, housing_programme=housing_programme, settings=settings, tables=tables)
    codes = resolve_codes(region_or_codes, r.codes)
    return _population_frame(codes, r.codes, r.proj.years, r.proj.variants, r.proj.P)


def components(region_or_codes, *, as_of: int = 2024, until: int = 2030, variants=VARIANTS,
               housing_programme=None, settings: Settings | None = None, tables: dict | None = None) -> pd.DataFrame:
    """Births, deaths and net migration during the calendar year that starts on 1 January of
    ``jaar`` (as_of .. until-1), consistent with :func:`forecast`:
    total(jaar+1) = total(jaar) + geboorten - sterfte + migratiesaldo, in whole persons."""
    r = run(as_of, until, variants=variants, housing_programme=housing_programme, settings=settings, tables=tables)
    codes = resolve_codes(region_or_codes, r.codes)
    gi = np.array([r.codes.index(c) for c in codes])
    tot = _bands_int(r.proj.P[:, :, gi]).sum(axis=(-2, -1))          # (V, Y, g) rounded totals as published
    B = np.rint(r.proj.births[:, :, gi]).astype(np.int64)            # (V, H, g)
    D = np.rint(r.proj.deaths[:, :, gi]).astype(np.int64)
    M = tot[:, 1:] - tot[:, :-1] - B + D
    V, H, g = B.shape
    vv, hh_, gg = np.meshgrid(np.arange(V), np.arange(H), np.arange(g), indexing="ij")
    df = pd.DataFrame({
        "gemeentecode": np.array(codes)[gg.ravel()],
        "jaar": r.proj.years[:-1][hh_.ravel()].astype(np.int64),
        "variant": np.array(r.proj.variants)[vv.ravel()],
        "geboorten": B.ravel(), "sterfte": D.ravel(), "migratiesaldo": M.ravel(),
    })
    return df.sort_values(["gemeentecode", "jaar", "variant"], kind="stable").reset_index(drop=True)


def households(region_or_codes, *, as_of: int = 2024, until: int = 2030, variants=VARIANTS,
               housing_programme=None, settings: Settings | None = None, tables: dict | None = None) -> pd.DataFrame:
    """Private households on 1 January: population / projected persons per private household.
    Columns: gemeentecode, jaar, variant, huishoudens (whole households). Gemeenten without any
    visible household count are left out."""
    r = run(as_of, until, variants=variants, housing_programme=housing_programme, settings=settings, tables=tables)
    codes = resolve_codes(region_or_codes, r.codes)
    gi = np.array([r.codes.index(c) for c in codes])
    tot = _bands_int(r.proj.P[:, :, gi]).sum(axis=(-2, -1)).astype(float)    # (V, Y, g)
    size = r.size[gi].T                                                       # (Y, g)
    H = np.rint(tot / size[None])
    V, Y, g = H.shape
    vv, yy, gg = np.meshgrid(np.arange(V), np.arange(Y), np.arange(g), indexing="ij")
    df = pd.DataFrame({"gemeentecode": np.array(codes)[gg.ravel()], "jaar": r.proj.years[yy.ravel()].astype(np.int64),
                       "variant": np.array(r.proj.variants)[vv.ravel()], "huishoudens": H.ravel()})
    df = df[df["huishoudens"].notna()].copy()
    df["huishoudens"] = df["huishoudens"].astype(np.int64)
    return df.sort_values(["gemeentecode", "jaar", "variant"], kind="stable").reset_index(drop=True)


def base_population(codes, year: int = 2024, as_of: int | None = None, *, settings: Settings | None = None,
                    tables: dict | None = None) -> pd.DataFrame:
    """Population on 1 January ``year`` by 5-year band and sex as estimated with the data known
    on 1 January ``as_of`` (default: ``year``). Columns: gemeentecode, jaar, geslacht,
    leeftijd_van, leeftijd_tot, waarde, kwaliteit (exact | benadering | geschat: exact = the CBS
    bands, benadering = the 2021 postcode approximation raked to the official total, geschat =
    estimated by the engine)."""
    as_of = year if as_of is None else as_of
    if year > as_of:
        raise InputError(f"jaar {year} ligt na as-of {as_of}: gebruik forecast()", column="year")
    hist, _, _ = reconstruction(as_of, settings=settings, tables=tables)
    years = [int(y) for y in hist.years]
    if year not in years:
        raise InputError(f"geen basisbevolking voor {year} (reconstructie {years[0]}-{years[-1]})", column="year")
    sel = resolve_codes(codes, hist.codes)
    i = years.index(year)
    df = _population_frame(sel, hist.codes, np.array([year]), ("midden",), hist.P[i][None, None])
    df = df.drop(columns="variant")
    q = dict(zip(hist.codes, hist.quality[i]))
    df["kwaliteit"] = df["gemeentecode"].map(q)
    return df


def base_fit(codes=None, year: int = 2024, as_of: int | None = None, *, settings: Settings | None = None,
             tables: dict | None = None) -> pd.DataFrame:
    """The fit report of the base: every margin of ``year`` used for a gemeente, the published
    value, the value after scaling to the official total (``doel``), the estimate, and the
    relative deviation of the estimate from the published margin."""
    as_of = year if as_of is None else as_of
    hist, _, _ = reconstruction(as_of, settings=settings, tables=tables)
    sel = resolve_codes(codes, hist.codes) if codes is not None else hist.codes
    years = [int(y) for y in hist.years]
    i = years.index(year)
    rows = hist.rows[hist.rows["jaar"] == year]
    P = hist.P[i]
    out = []
    for r in rows.itertuples(index=False):
        code = hist.codes[r.g]
        if code not in sel:
            continue
        m = np.zeros((2, A.NA), bool)
        am = A.age_mask(r.lo, None if r.hi < 0 else r.hi)
        if r.sex == 2:
            m[:, am] = True
        else:
            m[r.sex, am] = True
        est = float(P[r.g][m].sum())
        out.append({"gemeentecode": code, "jaar": year, "geslacht": ["man", "vrouw", "totaal"][r.sex],
                    "leeftijd_van": r.lo, "leeftijd_tot": None if r.hi < 0 else r.hi, "bron": r.bron,
                    "soort": r.kind, "gepubliceerd": r.value, "schaal": r.scale, "doel": r.target,
                    "schatting": est, "afwijking": (est - r.value) / r.value if r.value else np.nan})
    df = pd.DataFrame(out)
    if len(df):
        df["leeftijd_tot"] = pd.array(df["leeftijd_tot"], dtype="Int64")
        df = df.sort_values(["gemeentecode", "soort", "bron", "geslacht", "leeftijd_van", "leeftijd_tot"],
                            kind="stable").reset_index(drop=True)
    return df


def aggregate(df: pd.DataFrame, region, level: str = "regio") -> pd.DataFrame:
    """Sum a gemeente-level frame (forecast/components/households) to subregions or the region:
    ``gemeentecode`` becomes the subregion name or the region slug (sums of gemeenten)."""
    from .. import regions as reg

    r = region if isinstance(region, reg.Region) else reg.load_region(region)
    if level not in ("subregio", "regio"):
        raise InputError(f"onbekend niveau '{level}'; kies gemeente, subregio of regio", column="--level")
    if level == "regio":
        mapping = {c: r.slug for c in r.gemeenten}
    else:
        mapping = {c: name for name, cs in r.subregios.items() for c in cs}
    d = df[df["gemeentecode"].isin(mapping)].copy()
    d["gemeentecode"] = d["gemeentecode"].map(mapping)
    keys = [c for c in d.columns if c not in ("waarde", "geboorten", "sterfte", "migratiesaldo", "huishoudens")]
    vals = [c for c in d.columns if c not in keys]
    out = d.groupby(keys, dropna=False, sort=True)[vals].sum().reset_index()
    if "leeftijd_tot" in out:
        out["leeftijd_tot"] = pd.array(out["leeftijd_tot"], dtype="Int64")
    return out
