"""Method settings of the demography engine (``config/demografie.yaml``).

The file holds the settings frozen after tuning (see docs/demografie.md, docs/backtest.md).
Every key has a default here; the file may override any of them. Unknown keys are refused with
an :class:`InputError` that names the file, the key and the line.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import paths, yamlio

DEFAULTS: dict[str, Any] = {
    "totalen": {
        # independent totals: lin | geo | share | gemiddeld (mean of `gemiddeld_van`) | cc
        "methode": "gemiddeld",
        "gemiddeld_van": ["lin", "share"],
        "venster": 5,            # years of totals before the as-of year used by the trend
        "demping": 1.0,          # 1 = no damping of the trend increment per year
    },
    "migratie": {
        "intervallen": 2,        # most recent banded intervals (>= 5 years) averaged into the schedule
        "glad": 2,               # half-width (years of age) of the triangular age smoother
        "toewijzing": "pad",     # cohort residual over the ages passed (pad) or at the end band (eind)
        "sleutel": "rogers_castro",   # how a gap to the total is spread: rogers_castro | proportioneel
        "intercensaal": True,    # spread the closure error at a new banded year back along cohorts
    },
    "sterfte": {
        "verbetering": "vast",   # yearly decline of qx after the last visible table: vast | trend | geen
        "verbetering_jaarlijks": 0.015,  # the fixed rate (vast; and trend with too few years)
        "min_jaren_trend": 5,    # fewer visible life-table years: no improvement
        "max_verbetering": 0.03,  # cap on the yearly decline of qx
        "basisjaren": 1,         # mean of log qx over the last N visible years as the base
    },
    "vruchtbaarheid": {
        "tfr_jaren": 3,          # mean TFR of the last N visible years, held constant
        "patroon_jaren": 3,      # age pattern: mean of the last N visible years
        "lokale_factor": True,   # child-woman-ratio factor per gemeente
        "krimp_lokaal": 0.5,     # elasticity of births to the child-woman ratio (0..1)
    },
    "lokaal": {
        "gebruik": True,         # own visible births/deaths set local fertility/mortality levels
        "geloofwaardigheid": 200.0,   # k in (observed + k) / (model + k): shrinkage toward national
        "jaren": 5,              # last N visible years
    },
    "basis": {
        "banden_2021": True,     # use the 2021 postcode approximation (benadering) as a margin
        "ipf_iteraties": 200,
        "ipf_tolerantie": 1.0e-9,
    },
    "varianten": {
        # laag/hoog = midden x (1 -/+ a(h)), a(h) = c * h^b: the 67% quantile of the absolute
        # percentage error of the total at horizon h in the tuning runs (see docs/backtest.md)
        "c": 0.006,
        "b": 1.0,
        "niveau": 0.67,
        # size dependence: a(h, N) = c * h^b * (N / n_ref)^-gamma, N = population on the as-of date
        # (small gemeenten have larger relative errors); gamma 0 = one band for every gemeente
        "gamma": 0.0,
        "n_ref": 25000.0,
    },
    "huishoudens": {
        "trendjaren": 8,         # years of persons per private household used for the trend
        "demping": 0.85,         # yearly damping of the trend of the household size
    },
}


@dataclass(frozen=True)
class Settings:
    data: dict

    def __getitem__(self, key: str) -> dict:
        return self.data[key]

    def with_overrides(self, overrides: dict | None) -> "Settings":
        if not overrides:
            return self
        d = copy.deepcopy(self.data)
        for sect, vals in overrides.items():
            if sect not in d:
                raise KeyError(f"onbekende sectie '{sect}'")
            for k, v in vals.items():
                if k not in d[sect]:
                    raise KeyError(f"onbekende sleutel '{sect}.{k}'")
                d[sect][k] = v
        return Settings(d)

    def key(self) -> str:
        import json

        return json.dumps(self.data, sort_keys=True)


def config_path() -> Path:
    return paths.config_dir() / "demografie.yaml"


def load_settings(path: str | Path | None = None) -> Settings:
    d = copy.deepcopy(DEFAULTS)
    p = Path(path) if path is not None else config_path()
    if not p.exists():
        return Settings(d)
    y = yamlio.load(p)
    data = y.data or {}
    if not isinstance(data, dict):
        raise y.error("config/demografie.yaml is een mapping van secties")
    for sect, vals in data.items():
        if sect not in d:
            raise y.error(f"onbekende sectie '{sect}'; bekend: {', '.join(d)}", sect)
        if not isinstance(vals, dict):
            raise y.error("een sectie is een mapping sleutel: waarde", sect)
        for k, v in vals.items():
            if k not in d[sect]:
                raise y.error(f"onbekende sleutel '{k}'; bekend: {', '.join(d[sect])}", sect, k)
            want = type(d[sect][k])
            if want is float and isinstance(v, int) and not isinstance(v, bool):
                v = float(v)
            if want is not type(v) and not (want is list and isinstance(v, list)):
                raise y.error(f"waarde van '{k}' moet {want.__name__} zijn, niet {type(v).__name__}", sect, k)
            d[sect][k] = v
    return Settings(d)
