"""The notebook parameters are validated and coerced (papermill does not coerce types)."""

from __future__ import annotations

import pytest

from woonzorg_lib.errors import InputError
from woonzorg_lib.report.validate import RunParams, parse_cli_params, report_title


def test_defaults_and_coercion():
    p = RunParams(region="twente", until=2030.0, as_of="2024", threshold="5", variant="MIDDEN")
    assert (p.until, p.as_of, p.threshold, p.variant) == (2030, 2024, 5, "midden")
    assert isinstance(p.until, int)


@pytest.mark.parametrize("kwargs, name", [
    ({"until": 2030.5}, "until"), ({"horizon": True}, "until"), ({"until": 2020}, "until"),
    ({"variant": "extreem"}, "variant"), ({"as_of": 1990}, "as_of"), ({"threshold": -1}, "threshold"),
    ({"run_date": "22-11-2026"}, "rundatum"), ({"scenario": "/bestaat/niet.yaml"}, "scenario"),
    ({"region": ""}, "region"),
])
def test_bad_values_name_the_parameter(kwargs, name):
    values = {"region": "twente", **kwargs}
    with pytest.raises(InputError) as e:
        RunParams.from_mapping(values)          # earlier names (horizon, run_date) map to until, rundatum
    assert e.value.column == name
    assert f"parameter '{name}'" in str(e.value)


def test_unknown_parameter_is_refused():
    with pytest.raises(InputError):
        RunParams.from_mapping({"region": "twente", "horizonn": 2030})


def test_cli_pairs():
    assert parse_cli_params(["variant=hoog", "until=2035", "run-date=2026-01-31"]) == {
        "variant": "hoog", "until": 2035, "rundatum": "2026-01-31"}
    with pytest.raises(InputError):
        parse_cli_params(["kleur=rood"])
    with pytest.raises(InputError):
        parse_cli_params(["variant"])


def test_title():
    assert report_title("Twente", RunParams(region="twente")) == "Woonzorganalyse Twente 2024–2030"
    assert report_title("Twente", RunParams(region="twente", variant="hoog"), "krap") == \
        "Woonzorganalyse Twente 2024–2030, variant hoog – scenario krap"
