"""Staging of a fetch: merge new rows with earlier fetches, provenance sidecars, the data-build check on
the staged files, and the all-at-once swap into ``data/raw/fetched/``."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable

import pandas as pd

from .. import paths
from ..errors import WoonzorgError
from .selectors import FetchError
from .tables import FILE_TITLES

FETCHED = "fetched"
LICENCE = "CC BY 4.0 (CBS open data)"
ATTRIBUTION = "Bron: CBS (Centraal Bureau voor de Statistiek), StatLine; bewerking woonzorg"
HISTORY_KEEP = 20


def _read_fetched(path: Path) -> pd.DataFrame | None:
    if not path.exists():
        return None
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _as_text(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for c in out.columns:
        s = out[c]
        if pd.api.types.is_float_dtype(s):
            out[c] = s.map(lambda v: "" if pd.isna(v) else (str(int(v)) if float(v).is_integer() else repr(float(v))))
        else:
            out[c] = s.map(lambda v: "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v))
    return out


def merge_rows(old: pd.DataFrame | None, new: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    new = _as_text(new)
    if old is not None and len(old):
        missing = [c for c in new.columns if c not in old.columns]
        for c in missing:
            old[c] = ""
        old = old[new.columns]
        k_new = set(map(tuple, new[key].to_numpy()))
        keep = [tuple(r) not in k_new for r in old[key].to_numpy()]
        merged = pd.concat([old[keep], new], ignore_index=True)
    else:
        merged = new
    dup = merged.duplicated(subset=key, keep="last")
    merged = merged[~dup]
    return merged.sort_values(key, kind="mergesort").reset_index(drop=True)


def _sidecar(fname: str, df: pd.DataFrame, results: list, ctx, region, settings, when: str,
             old_meta: dict | None) -> dict:
    """The provenance of one fetched file (``results``: fetch.TableResult; ``ctx``: fetch.Context;
    ``settings``: fetch.Settings)."""
    src = [r for r in results if fname in r.files]
    replay = bool(settings.replay)
    synthetic = any(ctx.synthetic(r.spec.id) for r in src)
    if replay:
        how = (f"replay of recorded fixture {ctx.replay_label} — geen download van CBS; waarden: "
               + "; ".join(f"{r.spec.id}: {ctx.replay.values_note(r.spec.id)}" for r in src))
    else:
        import cbsodata

        how = (f"woonzorg data fetch via cbsodata {getattr(cbsodata, '__version__', '?')} "
               f"(CBS OData v3, opendata.cbs.nl/ODataFeed) op {when}")
    queries = [q for r in src for q in r.requests]
    codes = sorted(set(df["gemeentecode"]) if "gemeentecode" in df else set(df.get("gebied", [])))
    years = sorted(set(df["jaar"].astype(str)))
    action = {"opgehaald": when, "regio": region.slug, "gemeenten": list(ctx.codes),
              "tabellen": [r.spec.id for r in src], "verkregen": how}
    history = list((old_meta or {}).get("ophaalacties", []))[-(HISTORY_KEEP - 1):] + [action]
    notes = sorted({n for r in src for n in r.notes} | {w for w in ctx.warnings
                                                       if any(w.startswith(r.spec.id + ":") for r in src)})
    meta = {
        "bestand": f"{FETCHED}/{fname}",
        "titel": FILE_TITLES.get(fname, fname) + (" — SYNTHETISCHE TESTWAARDEN (replay)" if synthetic else ""),
        "bron": ("replay van opgenomen OData-antwoorden (geen CBS-download)" if replay
                 else "CBS StatLine, OData v3 (opendata.cbs.nl)"),
        "cbs_tabellen": [{"id": r.spec.id, "titel": r.title, **({"gewijzigd_bij_cbs": r.modified} if r.modified else {})}
                         for r in src],
        "peildata": [f"{r.spec.id}: {', '.join(r.periods)}" for r in src],
        "licentie": "n.v.t.: synthetische testwaarden, geen CBS-cijfers" if synthetic else LICENCE,
        "attributie": "n.v.t. (synthetische testwaarden)" if synthetic else ATTRIBUTION,
        "verkregen": how,
        "opmerking": "; ".join(notes + [s for r in src for s in r.spec.notes]),
        "opgehaald": when,
        "url": next((q["verzoek"] for q in queries if "verzoek" in q), queries[0]["url"] if queries else ""),
        "query": queries,
        "gemeenten": codes,
        "jaren": years,
        "ophaalacties": history,
    }
    return meta


def _rel(p: str | Path) -> str:
    p = Path(p).resolve()
    try:
        return str(p.relative_to(paths.root()))
    except ValueError:
        return str(p)


def _overlay_check(raw: Path, stage: Path, check: Callable[[Path], None]) -> None:
    """Run ``check`` (the data layer's build, injected by the caller so that this package does not import
    the data layer) on data/raw with the staged fetched/ folder; it must write nothing."""
    tmp = Path(tempfile.mkdtemp(prefix=".fetch-check-", dir=raw.parent))
    try:
        for p in raw.iterdir():
            if p.name == FETCHED:
                continue
            try:
                os.symlink(p, tmp / p.name)
            except OSError:
                (shutil.copytree if p.is_dir() else shutil.copy2)(p, tmp / p.name)
        try:
            os.symlink(stage, tmp / FETCHED, target_is_directory=True)
        except OSError:
            shutil.copytree(stage, tmp / FETCHED)
        try:
            check(tmp)
        except WoonzorgError as exc:
            msg = str(exc).replace(str(tmp), "data/raw")
            raise FetchError("(alle)", "", f"de opgehaalde bestanden passen niet in de dataset: {msg}") from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _swap(raw: Path, stage: Path) -> None:
    target = raw / FETCHED
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=".fetched-old-", dir=raw.parent))
        os.rmdir(old)
        os.rename(target, old)
    try:
        os.rename(stage, target)
    except OSError:
        if old is not None:
            os.rename(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
