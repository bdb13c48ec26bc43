"""Provenance sidecars for raw files (owid/etl style).

Every file ``data/raw/X`` has a sidecar ``data/raw/X.meta.yml`` with the source (CBS table ids and
titles), reference dates, licence and attribution, how the file was obtained, its size and its
sha256. ``verify`` re-hashes every raw file and names each mismatch; ``rehash`` re-seals a file a
user deliberately edited and records the note (with the old and new hash) in the sidecar.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml

from . import atomic, paths
from .errors import InputError, ProvenanceError

SIDECAR_SUFFIX = ".meta.yml"
REQUIRED_KEYS = ("bestand", "titel", "bron", "cbs_tabellen", "peildata", "licentie", "attributie",
                 "verkregen", "sha256", "bytes")


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def raw_files(raw: Path | None = None) -> list[Path]:
    raw = raw or paths.raw_dir()
    return sorted(p for p in raw.rglob("*")
                  if p.is_file() and not p.name.endswith(SIDECAR_SUFFIX) and not p.name.startswith(".")
                  and p.name != "README.md")


def load_sidecar(path: Path) -> dict:
    sc = sidecar_path(path)
    if not sc.exists():
        raise ProvenanceError(f"{path}: provenance-bestand {sc.name} ontbreekt")
    try:
        meta = yaml.load(sc.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise InputError(f"geen geldige YAML: {exc}", file=sc) from exc
    if not isinstance(meta, dict):
        raise InputError("provenance moet een mapping zijn", file=sc, row=1)
    missing = [k for k in REQUIRED_KEYS if k not in meta]
    if missing:
        raise InputError(f"sleutels ontbreken: {', '.join(missing)}", file=sc, column=missing[0])
    return meta


def dump_sidecar(path: Path, meta: dict) -> None:
    text = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=100)
    atomic.write_text(sidecar_path(path), text)


def verify(raw: Path | None = None) -> list[str]:
    """Return a list of problems (empty = all good)."""
    raw = raw or paths.raw_dir()
    problems = []
    files = raw_files(raw)
    if not files:
        problems.append(f"{raw}: geen ruwe bestanden gevonden")
    for f in files:
        try:
            meta = load_sidecar(f)
        except (ProvenanceError, InputError) as exc:
            problems.append(str(exc))
            continue
        actual = sha256_of(f)
        if actual != meta["sha256"]:
            problems.append(f"{f.relative_to(raw)}: sha256 klopt niet (verwacht {meta['sha256'][:12]}…, "
                            f"gevonden {actual[:12]}…); bewust aangepast? zegel opnieuw met "
                            f"`woonzorg data rehash {f.relative_to(paths.root()) if f.is_relative_to(paths.root()) else f} --note \"…\"`")
    for sc in sorted(raw.rglob(f"*{SIDECAR_SUFFIX}")):
        target = sc.with_name(sc.name[: -len(SIDECAR_SUFFIX)])
        if not target.exists():
            problems.append(f"{sc.relative_to(raw)}: provenance zonder bestand")
    return problems


def rehash(path: Path, note: str, date: str | None = None) -> dict:
    """Re-seal a deliberately edited raw file; the note (and old/new hash) is kept in the sidecar."""
    path = Path(path)
    if not path.exists():
        raise InputError("bestand bestaat niet", file=path)
    if not note or not note.strip():
        raise InputError("--note is verplicht: zeg waarom het bestand is aangepast", file=path, column="--note")
    meta = load_sidecar(path)
    old = meta["sha256"]
    new = sha256_of(path)
    entry = {"notitie": note.strip(), "sha256_oud": old, "sha256_nieuw": new}
    if date:
        entry["datum"] = date
    meta.setdefault("wijzigingen", []).append(entry)
    meta["sha256"] = new
    meta["bytes"] = path.stat().st_size
    dump_sidecar(path, meta)
    return meta


_MANIFEST_CACHE: dict = {}


def snapshot_manifest(raw: Path | None = None) -> list[dict]:
    """Provenance of every raw file, for the report's 'Bronnen en aannames'. The sidecars are read
    again only when a file's name, size or mtime changed; each caller gets its own copy."""
    import copy

    raw = raw or paths.raw_dir()
    sig = paths.tree_signature(raw)
    hit = _MANIFEST_CACHE.get(str(raw))
    if hit is None or hit[0] != sig:
        out = []
        for f in raw_files(raw):
            meta = load_sidecar(f)
            out.append({**meta, "pad": str(f.relative_to(raw))})
        hit = _MANIFEST_CACHE[str(raw)] = (sig, out)
    return copy.deepcopy(hit[1])


_FP_CACHE: dict = {}


def data_fingerprint(raw: Path | None = None) -> str:
    """One hash over every raw file's recorded sha256 (the data part of cache keys). Memoised on the
    files' names, sizes and mtimes, so repeated calls in one process do not re-read the sidecars."""
    raw = raw or paths.raw_dir()
    sig = paths.tree_signature(raw)
    if _FP_CACHE.get(str(raw), (None,))[0] == sig:
        return _FP_CACHE[str(raw)][1]
    h = hashlib.sha256()
    for f in raw_files(raw):
        h.update(f.relative_to(raw).as_posix().encode())
        h.update(load_sidecar(f)["sha256"].encode())
    _FP_CACHE[str(raw)] = (sig, h.hexdigest())
    return h.hexdigest()
