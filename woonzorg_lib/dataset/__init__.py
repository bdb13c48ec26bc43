"""The data layer: raw snapshot (data/raw) -> validated, tidy tables (data/processed).

``build.build_all()`` reads data/raw only, validates every input and output, and writes
data/processed only when everything passed. ``load.table(name)`` reads a processed table.
The schema of every processed table lives in ``schema.py`` (and docs/data_dictionary.md is
generated from it).
"""
