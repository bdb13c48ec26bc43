"""`woonzorg regions`: every configured region with its gemeenten and population on 1 January 2024."""

from __future__ import annotations

import argparse

from .. import regions as reg
from ..dataset import load


def _fmt(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def population_2024(region: reg.Region) -> int:
    t = load.table("bevolking_totaal")
    sel = t[(t["jaar"] == 2024) & t["gemeentecode"].isin(region.gemeenten)]
    return int(sel["waarde"].sum())


def _run(args) -> int:
    regions = [reg.load_region(args.region)] if args.region else reg.list_regions()
    print(f"{'regio':<16} {'naam':<32} {'gemeenten':>9} {'inwoners 1-1-2024':>18}")
    for r in regions:
        print(f"{r.slug:<16} {r.naam:<32} {len(r.gemeenten):>9} {_fmt(population_2024(r)):>18}")
        if args.verbose:
            for sub, codes in r.subregios.items():
                print(f"{'':<16}   {sub}: {len(codes)} gemeenten")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("regions", help="toon de regio's met aantal gemeenten en inwoners op 1-1-2024",
                       description="Toon elke geconfigureerde regio (regions/*.yaml) of één regiobestand.")
    p.add_argument("--region", default=None, help="slug of pad naar een regiobestand (standaard: alle)")
    p.add_argument("-v", "--verbose", action="store_true", help="toon ook de subregio's")
    p.set_defaults(func=_run)
