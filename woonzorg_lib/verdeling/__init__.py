"""Evenwichtige verdeling: share a regional task over gemeenten in whole units.

* :mod:`.tasks` – the two tasks (``opgave``: stock; ``toewijzing``: lettings) and the columns;
* :mod:`.allocation` – :func:`allocate`, the ``woonzorg allocate`` table;
* :mod:`.bounds` – floors, caps (incl. the lettings capacity) and carry-over;
* :mod:`.apportion` – whole-unit apportionment (Hamilton, Webster/Sainte-Laguë, D'Hondt);
* :mod:`.keys` / :mod:`.shares` – verdeelsleutels (YAML) and indicator → share rules;
* :mod:`.effort` – the current effort (huidige inspanning, regionale functie) from the data;
* :mod:`.capacity` – lettings need against the sociale huur that comes free, before any split;
* :mod:`.summaries` – fair share vs today, pressure, sensitivity to the key, keys side by side;
* :mod:`.region` – one region end to end (used by ``woonzorg allocate``).

Everything the rest of the package uses is importable from here, e.g.
``from woonzorg_lib.verdeling import allocate``. Method and pitfalls: ``docs/verdeling.md``.
"""

import sys as _sys

from . import allocation as _allocation
from . import keys
from .allocation import allocate, write_allocation_csv
from .apportion import (METHODS, InfeasibleTaskError, apportion_table, dhondt, hamilton,
                        pro_rata_whole, quota, webster)
from .bounds import BOUND_COLUMNS, caps_from_lettings_capacity, read_bounds_csv
from .capacity import lettings_capacity, lettings_capacity_by_gemeente
from .effort import EFFORT_COMPONENTS, Inspanning, current_effort, effort_components, read_effort_csv
from .keys import (INDICATOREN, STANDAARD_SLEUTELS, Indicator, Verdeelsleutel, default_key_path,
                   load_key, parse_key, single_indicator_key, standard_keys)
from .region import region_allocation, region_allocation_inputs, region_capacity
from .shares import derive_indicators, indicator_shares, key_shares
from .summaries import (KEY_MEANINGS, fair_share_summary, key_options, key_sensitivity,
                        pressure_signal, sensitivity_summary)
from .tasks import (ALLOCATION_COLUMNS, GROUP_COLUMNS, KEY_COLUMNS, TAKEN, TASK_COLUMNS,
                    WONINGTYPES, periode_jaren, taak_of_groep, task_table, tasks_from_demand)

__all__ = [
    "ALLOCATION_COLUMNS", "BOUND_COLUMNS", "EFFORT_COMPONENTS", "GROUP_COLUMNS", "INDICATOREN",
    "KEY_COLUMNS", "KEY_MEANINGS", "METHODS", "STANDAARD_SLEUTELS", "TAKEN", "TASK_COLUMNS",
    "WONINGTYPES", "Indicator", "InfeasibleTaskError", "Inspanning", "Verdeelsleutel",
    "allocate", "apportion_table", "caps_from_lettings_capacity", "current_effort",
    "default_key_path", "derive_indicators", "dhondt", "effort_components",
    "fair_share_summary", "hamilton", "indicator_shares", "key_options", "key_sensitivity",
    "key_shares", "keys", "lettings_capacity", "lettings_capacity_by_gemeente", "load_key",
    "parse_key", "periode_jaren", "pressure_signal", "pro_rata_whole", "quota",
    "read_bounds_csv", "read_effort_csv", "region_allocation", "region_allocation_inputs", "region_capacity", "sensitivity_summary",
    "single_indicator_key", "standard_keys", "taak_of_groep", "task_table", "tasks_from_demand",
    "webster", "write_allocation_csv",
]

# Transitional alias: ``woonzorg_lib.verdeling.allocate`` was the module that is now
# ``allocation`` (+ ``bounds``/``summaries``/``tasks``). ``pipeline.py`` still imports
# ``from .verdeling.allocate import allocate, caps_from_lettings_capacity``; the alias serves that
# import without a submodule named ``allocate`` (which would shadow the function ``allocate``
# exported here). Remove once every caller imports from ``woonzorg_lib.verdeling``.
_sys.modules.setdefault(__name__ + ".allocate", _allocation)
