"""`woonzorg demand`: vraag, aanbod, opgave and toewijzing per gemeente × aandachtsgroep × jaar × variant."""

from __future__ import annotations

import argparse

from .. import atomic, pipeline, regions
from ..errors import InputError
from ..groups import load_parameters, read_local_figures
from ..groups.inputs import demand_inputs, intramural_supply
from ..groups.ouderen import METHODES
from ..groups.tables import VARIANTS, demand_all, intramural_comparison
from ._common import add_params, add_region, out_path


def parse_methode(values: list[str] | None) -> dict[str, str]:
    """``["ouderen=rijksopgave"]`` → ``{"ouderen": "rijksopgave"}`` (one clear error otherwise)."""
    out: dict[str, str] = {}
    for item in values or []:
        groep, _, naam = item.partition("=")
        groep, naam = groep.strip().lower(), naam.strip().lower()
        if groep != "ouderen" or naam not in METHODES:
            raise InputError(f"onbekende methode '{item}' (mogelijk: ouderen={'|'.join(METHODES)})",
                             file="<opdrachtregel>", column="--methode")
        out[groep] = naam
    return out


def _run(args) -> int:
    out = out_path(args.out)
    gebied_out = out_path(args.aanbod_gebied) if args.aanbod_gebied else None
    region = regions.load_region(args.region)
    methode = parse_methode(args.methode)
    if args.until < pipeline.BASE_YEAR:
        raise InputError(f"horizon {args.until} ligt vóór het basisjaar {pipeline.BASE_YEAR}", file="<opdrachtregel>",
                         column="--until")
    params = load_parameters(args.params, scenario=args.scenario)
    local = None
    if args.local:
        local = read_local_figures(args.local, known_gemeenten=set(region.gemeenten), tot_jaar=args.until)
    realisaties = None
    if args.realisaties:
        from ..groups.usercsv import read_realisations
        realisaties = read_realisations(args.realisaties, known_gemeenten=set(region.gemeenten))
    variants = tuple(v for v in VARIANTS if v in args.variant) if args.variant else VARIANTS
    codes = sorted(region.gemeenten)
    proj = pipeline.region_forecast(region, as_of=pipeline.BASE_YEAR, until=args.until)
    inputs = demand_inputs(codes, as_of=pipeline.BASE_YEAR)
    df = demand_all(proj, params, variants=variants, local_figures=local, methode=methode, realisaties=realisaties,
                    basisjaar=pipeline.BASE_YEAR, tot_jaar=args.until, **inputs)
    if gebied_out is not None:
        from ..groups.inputs import corop_all
        supply = intramural_supply(codes)
        cmp = intramural_comparison(df, corop_all(), supply, variant="midden")
        atomic.write_csv(gebied_out, cmp, float_format="%.6f")
    atomic.write_csv(out, df, float_format="%.6f")
    m = methode.get("ouderen", "behoefte")
    print(f"{len(df)} rijen geschreven naar {out} ({region.naam}, tot {args.until}, varianten {', '.join(variants)}, "
          f"ouderen={m})")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demand", help="vraag, aanbod, opgave en toewijzing per aandachtsgroep (CSV)",
                       description="Vraag, aanbod, opgave (standgroepen) en toewijzing (stroomgroepen) per gemeente, "
                                   "aandachtsgroep, woningtype, jaar en variant (kolommen: zie docs/contracts.md). "
                                   "Opgave = vraag(jaar) − aanbod(2024), cumulatief vanaf 1-1-2024; toewijzing = "
                                   "cumulatieve verhuringen uit de bestaande voorraad. Die twee worden nooit opgeteld. "
                                   "laag/hoog = 10e/90e percentiel van een Monte Carlo (vaste seed).")
    add_region(p)
    p.add_argument("--until", type=int, default=2030, help="laatste jaar (standaard 2030; tot ten minste 2040)")
    p.add_argument("--variant", action="append", choices=VARIANTS, help="alleen deze variant(en)")
    add_params(p)
    p.add_argument("--local", default=None, help="CSV met lokale cijfers (vraag of aanbod) die de standaard vervangen")
    p.add_argument("--methode", action="append", default=None, metavar="GROEP=NAAM",
                   help=f"methode per groep, bv. ouderen=rijksopgave (ouderen: {'|'.join(METHODES)}; standaard behoefte)")
    p.add_argument("--realisaties", default=None, metavar="FILE.csv",
                   help="CSV met sinds 1-1-2022 gerealiseerde ouderenwoningen per gemeente en woningtype "
                        "(methode rijksopgave: afgetrokken van het aandeel)")
    p.add_argument("--aanbod-gebied", default=None, metavar="FILE.csv",
                   help="schrijf ook de vergelijking intramurale vraag × aanbod per COROP (waar het aanbod bekend is)")
    p.add_argument("--out", required=True, help="uitvoerbestand (.csv)")
    p.set_defaults(func=_run)
