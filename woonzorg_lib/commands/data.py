"""`woonzorg data build|verify|rehash|dictionary` (and `fetch`, see woonzorg_lib/cbs)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import paths, provenance
from ..errors import ProvenanceError


def _build(args) -> int:
    from ..dataset.build import build_all

    m = build_all()
    for name, info in m["tables"].items():
        print(f"  {name:<18} {info['rows']:>7} rijen")
    print(f"data/processed gebouwd uit data/raw (vingerafdruk {m['raw_fingerprint'][:12]})")
    return 0


def _verify(args) -> int:
    problems = provenance.verify()
    if problems:
        for p in problems:
            print(f"FOUT: {p}", file=sys.stderr)
        raise ProvenanceError(f"{len(problems)} ruw(e) bestand(en) wijken af van hun provenance")
    n = len(provenance.raw_files())
    print(f"OK: {n} ruwe bestanden komen overeen met hun sha256")
    return 0


def _rehash(args) -> int:
    p = Path(args.file)
    meta = provenance.rehash(p, args.note, date=args.date)
    print(f"{p}: opnieuw verzegeld (sha256 {meta['sha256'][:12]}…); notitie vastgelegd in {p.name}.meta.yml")
    return 0


def _dictionary(args) -> int:
    from ..dataset.dictionary import render

    text = render()
    if args.write:
        from .. import atomic

        atomic.write_text(paths.root() / "docs" / "data_dictionary.md", text)
        print("docs/data_dictionary.md geschreven")
    else:
        print(text)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("data", help="ruwe snapshot controleren, verwerken, bijwerken",
                       description="Beheer van data/raw (snapshot met provenance) en data/processed.")
    s = p.add_subparsers(dest="data_command", metavar="SUBCOMMAND")
    s.required = True
    b = s.add_parser("build", help="bouw data/processed uit data/raw (gevalideerd; alles of niets)")
    b.set_defaults(func=_build)
    v = s.add_parser("verify", help="controleer de sha256 van elk ruw bestand tegen zijn provenance")
    v.set_defaults(func=_verify)
    r = s.add_parser("rehash", help="verzegel een bewust aangepast ruw bestand opnieuw, met notitie")
    r.add_argument("file", help="pad naar het ruwe bestand (data/raw/…)")
    r.add_argument("--note", required=True, help="waarom het bestand is aangepast (komt in de provenance)")
    r.add_argument("--date", default=None, help="datum van de wijziging (YYYY-MM-DD), optioneel")
    r.set_defaults(func=_rehash)
    d = s.add_parser("dictionary", help="toon (of schrijf met --write) het datawoordenboek van data/processed")
    d.add_argument("--write", action="store_true", help="schrijf docs/data_dictionary.md")
    d.set_defaults(func=_dictionary)
    try:
        from ..cbs import fetch_cli
    except ImportError:
        return
    fetch_cli.register(s, check=_fetch_check)


def _fetch_check(raw: Path) -> None:
    """The data build on a raw folder (writes nothing): `data fetch` runs it on data/raw with the staged
    fetched files before swapping them in. Wired here so that woonzorg_lib.cbs never imports the data layer."""
    from ..dataset.build import build_tables

    build_tables(raw)
