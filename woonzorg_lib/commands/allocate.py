"""`woonzorg allocate`: the regional opgave shared over the gemeenten under every verdeelsleutel."""

from __future__ import annotations

import argparse
import re

from .. import pipeline, regions
from ..errors import InputError
from ..groups import load_parameters
from ._common import add_params, add_region, out_path


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
    from ..verdeling import standard_keys

    standard_keys(args.key)  # read and validate the key file before any computation
    taken = None
    if args.taak is not None:
        from ..groups.catalogue import CATALOGUE
        from ..verdeling import task_table

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
    from .. import verdeling
    from ..verdeling import read_bounds_csv, write_allocation_csv

    # floors / caps / carry-over: read and check every user file before any computation
    bounds: dict = {}
    bronnen: dict = {}
    for soort, opt in (("floors", "floors"), ("caps", "caps"), ("carry_over", "carry_over")):
        path = getattr(args, opt)
        if path is not None:
            bounds[soort] = read_bounds_csv(path, soort=soort, known_gemeenten=region.gemeenten)
            bronnen[soort] = str(path)
    cap_out = out_path(args.capaciteit) if args.capaciteit else None
    extra = (verdeling.read_effort_csv(args.inspanning, known_gemeenten=region.gemeenten)
             if args.inspanning else None)
    demand = pipeline.region_demand(region, until=end, params=params, variants=(args.variant,))
    keys = standard_keys(args.key)
    inputs = verdeling.region_allocation_inputs(region, params=params, key=next(reversed(keys.values())),
                                                extra_effort=extra)
    df = verdeling.region_allocation(region, demand, key=args.key, periode=args.periode, method=args.methode,
                                     params=params, variant=args.variant, taken=taken,
                                     floors=bounds.get("floors"), caps=bounds.get("caps"),
                                     carry_over=bounds.get("carry_over"),
                                     cap_verhuurcapaciteit=args.cap_verhuurcapaciteit, bronnen=bronnen,
                                     inputs=inputs)
    cap = verdeling.region_capacity(region, demand, periode=args.periode, variant=args.variant, params=params,
                                    inputs=inputs)
    write_allocation_csv(df, out)
    if cap_out is not None:
        from .. import atomic

        atomic.write_csv(cap_out, cap)
    print(f"{len(df)} rijen geschreven naar {out} ({region.naam}, periode {args.periode}, "
          f"sleutels {', '.join(sorted(df['sleutel'].unique()))}; taken: "
          + ", ".join(f"{k} {int((df['taak'] == k).sum())} rijen" for k in verdeling.TAKEN) + ")")
    print("Eerst de capaciteit (regio, per jaar; vóór elke verdeling):")
    for line in cap["toelichting"]:
        print("  " + line)
    effort = inputs[1]
    print("Huidige inspanning gemeten met: " + (", ".join(effort.attrs["componenten"]) or "geen component")
          + "; regionale functie (centrumgemeente BW/MO) apart: "
          + (", ".join(effort.attrs["regionale_componenten"]) or "geen in deze regio"))
    for naam, reden in effort.attrs["overgeslagen"].items():
        print(f"  niet meegeteld: {naam} ({reden})")
    if "carry_over" in bounds:
        print("let op: toewijzing = aandeel in de taak + carry-over (achterstand/overschot); per groep × "
              "woningtype × sleutel telt de toewijzing op tot taak + som van de carry-over")
    rest = df.attrs.get("rest_carry_over") or []
    if rest:
        seen = sorted({(r["gemeentecode"], r["groep"], r["woningtype"], r["periode"]) for r in rest})
        print(f"let op: bij {len(seen)} gemeente(n)/taak(en) is het overschot groter dan het aandeel; de rest "
              "schuift door naar de volgende periode (toewijzing 0): "
              + "; ".join(f"{g} {gr}/{wt}/{p}" for g, gr, wt, p in seen[:10]) + (" …" if len(seen) > 10 else ""))
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
    add_params(p)
    p.add_argument("--carry-over", dest="carry_over", default=None, metavar="FILE.csv",
                   help="achterstand (+) of overschot (−) per gemeente uit een eerdere periode, hele eenheden "
                        "(kolommen gemeentecode, waarde[, groep, woningtype, periode]); toewijzing = "
                        "max(aandeel + carry-over, 0). Voorbeeld: config/examples/carry_over_voorbeeld.csv")
    p.add_argument("--floors", default=None, metavar="FILE.csv",
                   help="ondergrens per gemeente (hele eenheden ≥ 0; zelfde kolommen). "
                        "Voorbeeld: config/examples/ondergrenzen_voorbeeld.csv")
    p.add_argument("--caps", default=None, metavar="FILE.csv",
                   help="bovengrens per gemeente (hele eenheden ≥ 0; zelfde kolommen). "
                        "Voorbeeld: config/examples/bovengrenzen_voorbeeld.csv")
    p.add_argument("--cap-verhuurcapaciteit", dest="cap_verhuurcapaciteit", action="store_true",
                   help="begrens elke gemeente per taak op haar verhuurcapaciteit over de periode "
                        "(⌊verhuurcapaciteit per jaar × jaren⌋); samen met --caps telt de laagste grens")
    p.add_argument("--variant", default="midden", choices=["laag", "midden", "hoog"],
                   help="variant van de vraag voor de taken én de vraag-sleutel (standaard midden)")
    p.add_argument("--capaciteit", default=None, metavar="FILE.csv",
                   help="schrijf ook de capaciteitstabel: per jaar de toewijzingsbehoefte tegenover de "
                        "sociale huur die vrijkomt (30%%-norm), vóór elke verdeling")
    p.add_argument("--inspanning", default=None, metavar="FILE.csv",
                   help="eigen cijfers voor de huidige inspanning per gemeente (kolommen gemeentecode, component, "
                        "waarde[, jaar, bron]), bijv. gehuisveste statushouders. "
                        "Voorbeeld: config/examples/inspanning_voorbeeld.csv")
    p.add_argument("--out", required=True, help="uitvoerbestand (.csv)")
    p.set_defaults(func=_run)
