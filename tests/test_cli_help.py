"""Every command and subcommand prints its help (argparse formats help text lazily: a stray '%' in
one option's help only fails when someone asks for --help)."""

import argparse

from woonzorg_lib import cli


def _parsers(parser: argparse.ArgumentParser, path=()):
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _parsers(sub, path + (name,))


def test_every_help_text_formats():
    seen = []
    for path, parser in _parsers(cli.build_parser()):
        text = parser.format_help()
        assert text.startswith("usage: woonzorg"), path
        seen.append(" ".join(path))
    assert {"allocate", "demand", "run", "data"} <= set(seen)
    assert any(p.startswith("data ") for p in seen)
