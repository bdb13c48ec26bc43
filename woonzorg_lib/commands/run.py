"""`woonzorg run`: build the HTML report (+ Excel) of one region, several, or all configured regions."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..errors import InputError


def _run(args) -> int:
    from .. import regions as reg
    from ..report import runner
    from ..report.validate import parse_cli_params

    overrides = parse_cli_params(args.param)
    if args.all:
        targets = [p.stem for p in reg.region_files()]
        if args.region:
            targets += [r for r in args.region if r not in targets]
    elif args.region:
        targets = list(args.region)
    else:
        raise InputError("geef --region <slug|bestand> (mag vaker) of --all", column="--region")
    if not targets:
        raise InputError("geen regio's gevonden in regions/", column="--all")
    jobs = args.jobs if args.jobs else min(2, os.cpu_count() or 1)
    if jobs < 1:
        raise InputError("--jobs moet minstens 1 zijn", column="--jobs")
    scenario = None
    if args.scenario:
        scenario = Path(args.scenario)
        if not scenario.is_file():
            raise InputError("scenariobestand bestaat niet", file=scenario, column="--scenario")
    if args.bench:
        if args.repeat < 1:
            raise InputError("--repeat moet minstens 1 zijn", column="--repeat")
        res = runner.bench(targets, jobs_n=jobs, repeat=args.repeat)
        return 0 if res["ok"] else 1
    return runner.run(targets, jobs_n=jobs, overrides=overrides, out=Path(args.out) if args.out else None,
                      scenario=scenario, force=args.force, status=args.status, rundatum=args.rundatum)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "run", help="maak het rapport (HTML + Excel) per regio in reports/<regio>/",
        description="Voer de hoofdstukken (notebooks/) uit per regio (één proces en één kernel per regio) en "
                    "maak reports/<regio>/index.html (één zelfstandig bestand), reports/<regio>/<regio>.xlsx en "
                    "reports/index.html. Alleen wat veranderd is wordt opnieuw gebouwd. Gaat door als een regio "
                    "mislukt en eindigt dan met een overzicht (regio, notebook, cel, fout) en exitcode 1.")
    p.add_argument("--region", action="append", metavar="SLUG|BESTAND",
                   help="regio: slug (regions/<slug>.yaml) of pad naar een regiobestand; mag vaker")
    p.add_argument("--all", action="store_true", help="alle regio's in regions/")
    p.add_argument("--jobs", "-j", type=int, default=0, help="aantal regio's tegelijk (standaard: min(2, CPU's))")
    p.add_argument("-p", dest="param", action="append", metavar="SLEUTEL=WAARDE",
                   help="parameter van de notebooks: variant, until (horizonjaar), as_of, threshold, rundatum")
    p.add_argument("--out", metavar="MAP", help="uitvoermap in plaats van reports/")
    p.add_argument("--scenario", metavar="BESTAND",
                   help="scenariobestand met parameterwijzigingen; schrijft reports/<regio>/<scenario>/")
    p.add_argument("--status", choices=("concept", "definitief"), default="concept",
                   help="status die op het rapport staat (standaard: concept)")
    p.add_argument("--rundatum", metavar="JJJJ-MM-DD",
                   help="rapportdatum op het rapport (standaard: de datum van de huidige commit; nooit de klok)")
    p.add_argument("--force", action="store_true", help="bouw opnieuw, ook als niets veranderd is")
    p.add_argument("--bench", action="store_true",
                   help="meet de ondergrens (hoofdstukken die alleen de stack importeren) en de echte build, "
                        "beide vanaf nul in tijdelijke mappen, en toon de verhouding")
    p.add_argument("--repeat", type=int, default=1, metavar="N",
                   help="met --bench: meet N keer, ondergrens en build om en om, en toon de medianen (standaard 1)")
    p.set_defaults(func=_run)
