"""Read processed tables. Rebuilds data/processed first when it is missing or stale (its manifest's
raw fingerprint differs from data/raw), so models never run on outdated tables."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .. import paths, provenance
from .schema import TABLES

_DTYPES = {"str": "string", "int": "Int64", "float": "float64", "bool": "boolean"}


def _manifest(out: Path) -> dict | None:
    f = out / "_manifest.json"
    if not f.exists():
        return None
    return json.loads(f.read_text(encoding="utf-8"))


def ensure_built() -> Path:
    out = paths.processed_dir()
    m = _manifest(out)
    if m is None or m.get("raw_fingerprint") != provenance.data_fingerprint():
        from .build import build_all
        build_all()
        _read.cache_clear()
    return out


@lru_cache(maxsize=64)
def _read(path: str, mtime: float, name: str) -> pd.DataFrame:
    spec = TABLES[name]
    dtypes = {c.name: _DTYPES[c.dtype] for c in spec.columns if c.dtype != "bool"}
    df = pd.read_csv(path, dtype=dtypes, keep_default_na=False, na_values=[""])
    for c in spec.columns:
        if c.dtype == "str":
            df[c.name] = df[c.name].astype(object).where(df[c.name].notna(), None)
        elif c.dtype == "int" and not c.nullable:
            df[c.name] = df[c.name].astype("int64")
        elif c.dtype == "bool":
            df[c.name] = df[c.name].astype(str).str.lower().eq("true")
    return df


def table(name: str) -> pd.DataFrame:
    """A processed table as a DataFrame (a copy: callers may modify it)."""
    if name not in TABLES:
        raise KeyError(f"unknown processed table '{name}'; known: {', '.join(TABLES)}")
    out = ensure_built()
    f = out / f"{name}.csv"
    return _read(str(f), f.stat().st_mtime, name).copy()
