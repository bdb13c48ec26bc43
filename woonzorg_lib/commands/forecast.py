"""`woonzorg forecast`: population by gemeente, year, sex, 5-year band and variant (CONTRACTS.md)."""

from __future__ import annotations

import argparse
from pathlib import Path

from .. import atomic
from ..settings import BASE_YEAR, DEFAULT_UNTIL, VARIANTS
from ._common import add_region, out_path


def _year(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is geen jaartal") from None


def _run(args) -> int:
    from .. import demography as demo
    from .. import regions as reg

    region = reg.load_region(args.region)
    variants = tuple(v for v in VARIANTS if v in args.variant) if args.variant else VARIANTS
    kw = dict(as_of=args.as_of, until=args.until, variants=variants, housing_programme=args.housing_programme)
    out = out_path(args.out)
    pop_out, comp_out = out, None
    if args.components is True:
        pop_out, comp_out = None, out
    elif args.components:
        comp_out = Path(args.components)
    frames = []
    if pop_out is not None:
        df = demo.forecast(region, **kw)
        if args.level != "gemeente":
            df = demo.aggregate(df, region, args.level)
        frames.append((pop_out, df))
    if comp_out is not None:
        c = demo.components(region, **kw)
        if args.level != "gemeente":
            c = demo.aggregate(c, region, args.level)
        frames.append((comp_out, c))
    for path, df in frames:
        atomic.write_csv(path, df)
        print(f"{path}: {len(df)} rijen ({region.slug}, as-of {args.as_of}, {args.as_of}-{args.until}, "
              f"varianten {', '.join(variants)})")
    r = demo.run(args.as_of, args.until, variants=variants, housing_programme=args.housing_programme)
    for n in r.notes:
        print(f"  let op: {n}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "forecast", help="bevolkingsprognose per gemeente naar 5-jaarsklasse, geslacht en variant",
        description="Bevolking op 1 januari per gemeente, jaar, geslacht, 5-jaarsklasse en variant "
                    "(laag/midden/hoog); kolommen volgens CONTRACTS.md. Methode: docs/demografie.md.")
    add_region(p)
    p.add_argument("--as-of", type=_year, default=BASE_YEAR, dest="as_of",
                   help=f"modellen zien alleen gegevens bekend op 1 januari van dit jaar (standaard {BASE_YEAR})")
    p.add_argument("--until", type=_year, default=DEFAULT_UNTIL,
                   help=f"laatste prognosejaar (standaard {DEFAULT_UNTIL}; tot ten minste 2040)")
    p.add_argument("--out", required=True, help="uitvoerbestand (.csv)")
    p.add_argument("--components", nargs="?", const=True, default=None, metavar="FILE",
                   help="componenten (geboorten, sterfte, migratiesaldo per kalenderjaar): zonder FILE in --out "
                        "in plaats van de bevolking; met FILE daarnaast in FILE")
    p.add_argument("--variant", action="append", choices=list(VARIANTS),
                   help="alleen deze variant(en) (herhaalbaar; standaard alle drie)")
    p.add_argument("--housing-programme", dest="housing_programme", default=None, metavar="CSV",
                   help="woninggestuurde variant: CSV met gemeentecode, jaar, woningen (netto toevoeging per jaar)")
    p.add_argument("--level", choices=["gemeente", "subregio", "regio"], default="gemeente",
                   help="gemeenten (standaard) of sommen per subregio of voor de hele regio")
    p.set_defaults(func=_run)
