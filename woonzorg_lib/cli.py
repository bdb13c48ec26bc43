"""The `woonzorg` console script.

Each subcommand lives in its own module under ``woonzorg_lib/commands/`` and exposes
``register(subparsers)``; this file only wires them together and turns known errors into one clear
line on stderr with a non-zero exit code (2 = bad input, 1 = a run failed).
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from . import __version__
from .errors import WoonzorgError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="woonzorg",
        description="Woonzorganalyse: demografie, aandachtsgroepen, woonbehoefte en verdeling per regio.",
    )
    parser.add_argument("--version", action="version", version=f"woonzorg {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    from . import commands

    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        rc = args.func(args)
    except WoonzorgError as exc:
        print(f"woonzorg: fout: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("woonzorg: afgebroken; niets half geschreven", file=sys.stderr)
        return 130
    return int(rc or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
