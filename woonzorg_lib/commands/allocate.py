"""`woonzorg allocate`: the regional opgave shared over the gemeenten under every verdeelsleutel."""

from __future__ import annotations

import argparse
import re

from .. import pipeline, regions
from ..errors import InputError
from ..groups import load_parameters
from ._common import add_region, out_path


def _run(args) -> int:
    out = out_path(args.out)
    if not re.fullmatch(r"\d{4}-\d{4}", args.periode):
        raise InputError("periode moet de vorm YYYY-YYYY hebben (bijv. 2024-2030)", column="--periode",
                         file="<opdrachtregel>")
    start, end = (int(x) for x in args.periode.split("-"))
    if start != pipeline.BASE_YEAR or end <= start:
        raise InputError(f"periode moet beginnen in het basisjaar {pipeline.BASE_YEAR} en daarna eindigen",
                         column="--periode", file="<opdrachtregel>")
    region = regions.load_region(args.region)
    params = load_parameters(args.params, scenario=args.scenario)
    from ..verdeling.keys import standard_keys

    standard_keys(args.key)  # read and validate the key file before any computation
    taken = None
    if args.taak is not None:
        from ..groups.catalogue import CATALOGUE
        from ..verdeling.allocate import task_table

        if not (args.groep and args.woningtype):
            raise InputError("--taak vraagt ook --groep en --woningtype", column="--taak", file="<opdrachtregel>")
        if args.taak < 0:
            raise InputError(f"--taak moet 0 of meer zijn, niet {args.taak}", column="--taak", file="<opdrachtregel>")
        if args.groep not in CATALOGUE:
            import difflib

            close = difflib.get_close_matches(args.groep, list(CATALOGUE), n=1)
            hint = f" (bedoelt u '{close[0]}'?)" if close else ""
            raise InputError(f"onbekende groep '{args.groep}'{hint}; bekend: {', '.join(CATALOGUE)}",
                             column="--groep", file="<opdrachtregel>")
        wt = CATALOGUE[args.groep].woningtypen
        if args.woningtype not in wt:
            raise InputError(f"groep {args.groep} kent woningtype '{args.woningtype}' niet; wel: {', '.join(wt)}",
                             column="--woningtype", file="<opdrachtregel>")
        taken = task_table(args.taak, groep=args.groep, woningtype=args.woningtype, periode=args.periode)
    df = pipeline.region_allocation(region, key=args.key, periode=args.periode, method=args.methode,
                                    params=params, taken=taken)
    from ..verdeling.allocate import write_allocation_csv

    write_allocation_csv(df, out)
    print(f"{len(df)} rijen geschreven naar {out} ({region.naam}, periode {args.periode}, "
          f"sleutels {', '.join(sorted(df['sleutel'].unique()))})")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("allocate", help="verdeel de regionale opgave over de gemeenten (CSV)",
                       description="Verdeel de opgave per groep × woningtype over de gemeenten onder elke "
                                   "verdeelsleutel (inwoners, sociale_huur, vraag en de geconfigureerde mix), "
                                   "in hele eenheden; met huidige inspanning en verschil.")
    add_region(p)
    p.add_argument("--key", default=None, help="verdeelsleutelbestand (standaard config/verdeelsleutels/default.yaml)")
    p.add_argument("--periode", default="2024-2030", help="periode YYYY-YYYY (standaard 2024-2030)")
    p.add_argument("--methode", default="hamilton", choices=["hamilton", "webster", "dhondt"],
                   help="afrondingsmethode voor hele eenheden (standaard hamilton = grootste overschot)")
    p.add_argument("--taak", type=int, default=None, help="verdeel dit aantal in plaats van de berekende opgave")
    p.add_argument("--groep", default=None, help="groep bij --taak")
    p.add_argument("--woningtype", default=None, help="woningtype bij --taak")
    p.add_argument("--params", default=None, help="parameterbestand (standaard config/parameters.yaml)")
    p.add_argument("--scenario", default=None, help="scenariobestand met parameter-overschrijvingen")
    p.add_argument("--out", required=True, help="uitvoerbestand (.csv)")
    p.set_defaults(func=_run)
