"""`woonzorg demand`: vraag, aanbod and opgave per gemeente × aandachtsgroep × jaar × variant."""

from __future__ import annotations

import argparse

from .. import atomic, pipeline, regions
from ..groups import load_parameters, read_local_figures
from ._common import add_params, add_region, out_path


def _run(args) -> int:
    out = out_path(args.out)
    region = regions.load_region(args.region)
    params = load_parameters(args.params, scenario=args.scenario)
    local = None
    if args.local:
        local = read_local_figures(args.local, known_gemeenten=set(region.gemeenten), tot_jaar=args.until)
    variants = tuple(v for v in pipeline.VARIANTS if v in args.variant) if args.variant else pipeline.VARIANTS
    df = pipeline.region_demand(region, until=args.until, params=params, local_figures=local, variants=variants)
    atomic.write_csv(out, df, float_format="%.6f")
    print(f"{len(df)} rijen geschreven naar {out} ({region.naam}, tot {args.until}, varianten {', '.join(variants)})")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demand", help="vraag, aanbod en opgave per aandachtsgroep (CSV)",
                       description="Vraag, aanbod en opgave per gemeente, aandachtsgroep, woningtype, jaar en "
                                   "variant (kolommen: zie docs/contracts.md). Opgave is cumulatief vanaf 1-1-2024; "
                                   "bruto waar het aanbod onbekend is.")
    add_region(p)
    p.add_argument("--until", type=int, default=2030, help="laatste jaar (standaard 2030; tot ten minste 2040)")
    p.add_argument("--variant", action="append", choices=pipeline.VARIANTS, help="alleen deze variant(en)")
    add_params(p)
    p.add_argument("--local", default=None, help="CSV met lokale cijfers die de standaard vervangen")
    p.add_argument("--out", required=True, help="uitvoerbestand (.csv)")
    p.set_defaults(func=_run)
