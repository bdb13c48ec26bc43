"""woonzorg: open, reproducible woonzorganalyse for Dutch regions."""

__version__ = "0.1.0"
