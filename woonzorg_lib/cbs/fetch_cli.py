"""`woonzorg data fetch`: the CLI wrapper around :func:`woonzorg_lib.cbs.fetch.fetch`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Callable

from .tables import GROUPS


def _run(args) -> int:
    from .fetch import Settings, fetch

    settings = Settings.from_env(replay=args.replay, retries=args.retries, timeout=args.timeout)
    groups = [g.strip() for g in args.tables.split(",") if g.strip()] if args.tables else None
    rep = fetch(args.region, years=args.years, groups=groups, population_table=args.population_table,
                settings=settings, check=args.fetch_check)
    from .fetch import _rel

    print(f"{_rel(rep.fetched_dir)}/ bijgewerkt:")
    for name, n in sorted(rep.files.items()):
        print(f"  {name:<28} {n:>7} rijen (met provenance {name}.meta.yml)")
    print("Volgende stap: `woonzorg data build` (daarna `woonzorg run --region …`).")
    return 0


def register(sub: argparse._SubParsersAction, check: Callable[[Path], None] | None = None) -> None:
    """Add `fetch` to the `data` subcommands; ``check(raw_dir)`` is the data build that must accept the
    staged files before they are swapped in (passed by woonzorg_lib/commands/data.py)."""
    p = sub.add_parser(
        "fetch", help="haal CBS-tabellen op voor de gemeenten van een regio (internet nodig; of --replay)",
        description="Download via CBS OData v3 (cbsodata) alle tabellen die de pijplijn gebruikt voor de gemeenten "
                    "van een regio, gefilterd op regio en periode. Pas als alles is opgehaald en gecontroleerd, "
                    "worden de bestanden in data/raw/fetched/ in één keer vervangen (elk met provenance). "
                    "Zie docs/downloader.md.")
    p.add_argument("--region", required=True, help="slug van een regio of pad naar een regiobestand")
    p.add_argument("--years", default=None, metavar="FROM-TO",
                   help="jaren, bijv. 2014-2024, 2019- (t/m het laatste jaar bij CBS) of 2024; standaard 2014-")
    p.add_argument("--tables", default=None, metavar="GROEP[,GROEP]",
                   help=f"alleen deze tabelgroepen (standaard alle): {', '.join(GROUPS)}")
    p.add_argument("--population-table", default="03759ned", choices=["03759ned", "85644NED"],
                   help="CBS-tabel voor bevolking naar leeftijd en geslacht (standaard 03759ned)")
    p.add_argument("--replay", default=None, metavar="MAP",
                   help="speel opgenomen antwoorden af uit MAP in plaats van CBS te bevragen "
                        "(ook via WOONZORG_CBS_REPLAY); voor tests en demo's zonder internet")
    p.add_argument("--retries", type=int, default=None, help="pogingen extra per verzoek (standaard 4)")
    p.add_argument("--timeout", type=float, default=None, help="time-out per verzoek in seconden (standaard 120)")
    p.set_defaults(func=_run, fetch_check=check)
