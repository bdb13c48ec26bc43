"""`woonzorg backtest`: the demographic back-test table (printed) and docs/backtest.md."""

from __future__ import annotations

import argparse


def _run(args) -> int:
    from ..demography import report

    text, table = report.build(tuning=args.tuning, write=not args.no_write, out_csv=args.out)
    print(table)
    if not args.no_write:
        print(f"\n{report.doc_path()} geschreven")
    if args.out:
        print(f"{args.out} geschreven (één rij per run, groep en gemeente)")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backtest", help="back-test van de bevolkingsprognose (tabel; schrijft docs/backtest.md)",
                       description="Draait de tuning- en held-out-runs met de bevroren instellingen uit "
                                   "config/demografie.yaml, drukt de tabel af en schrijft docs/backtest.md.")
    p.add_argument("--tuning", action="store_true",
                   help="herbereken ook het tuningraster (alleen tuning-runs; duurt ongeveer een minuut)")
    p.add_argument("--no-write", action="store_true", help="docs/backtest.md niet schrijven, alleen afdrukken")
    p.add_argument("--out", metavar="FILE.csv", default=None,
                   help="schrijf de uitkomst per gemeente: fase, as_of, doeljaar, groep, gemeentecode, prognose, "
                        "werkelijk, fout_pct, laag, hoog")
    p.set_defaults(func=_run)
