"""Evenwichtige verdeling: share a regional task over gemeenten in whole units.

* :mod:`.apportion` – whole-unit apportionment (Hamilton, Webster/Sainte-Laguë, D'Hondt) with
  floors, caps and carry-over, and the statushouder pro-rata rule.
* :mod:`.keys` – verdeelsleutels (YAML, validated with line numbers) and indicator → share rules.
* :mod:`.allocate` – the ``woonzorg allocate`` table and its summaries.

The functions ``allocate`` and ``apportion`` share their names with their modules, so they are
not re-exported here (``woonzorg_lib.verdeling.allocate`` stays the module); import them from
the modules: ``from woonzorg_lib.verdeling.allocate import allocate``. Method and pitfalls:
``docs/verdeling.md``.
"""

from .allocate import (ALLOCATION_COLUMNS, KEY_COLUMNS, TASK_COLUMNS, fair_share_summary,
                       periode_jaren, pressure_signal, sensitivity_summary, task_table,
                       write_allocation_csv)
from .apportion import (METHODS, InfeasibleTaskError, apportion_table, dhondt, hamilton,
                        pro_rata_whole, quota, webster)
from .keys import (INDICATOREN, STANDAARD_SLEUTELS, Indicator, Verdeelsleutel, default_key_path,
                   derive_indicators, indicator_shares, key_shares, load_key, parse_key,
                   single_indicator_key, standard_keys)

__all__ = [
    "ALLOCATION_COLUMNS", "KEY_COLUMNS", "TASK_COLUMNS", "METHODS", "INDICATOREN",
    "STANDAARD_SLEUTELS", "InfeasibleTaskError", "Indicator", "Verdeelsleutel",
    "apportion_table", "default_key_path", "derive_indicators", "dhondt", "fair_share_summary",
    "hamilton", "indicator_shares", "key_shares", "load_key", "parse_key", "periode_jaren",
    "pressure_signal", "pro_rata_whole", "quota", "sensitivity_summary", "single_indicator_key",
    "standard_keys", "task_table", "webster", "write_allocation_csv",
]
