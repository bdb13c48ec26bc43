"""Subcommands of the `woonzorg` CLI: one module per command, each with ``register(subparsers)``."""
