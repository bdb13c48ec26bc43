"""Bad notebook/run parameters and as-of/horizon options: one clear message naming the parameter,
a non-zero exit, and the previously published report left byte-identical."""

from __future__ import annotations

import pytest

from ..conftest import run_cli, tree_hashes
from ..report_build import REGION, build_once


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_once(tmp_path_factory.mktemp("report_build"))


@pytest.mark.parametrize("param,needle", [
    ("until=2020", "until"),            # a horizon before the base year
    ("horizon=twintig", "until"),       # not a number (papermill does not coerce: we validate)
    ("variant=middel", "variant"),        # not in the value list
    ("as_of=2031", "as_of"),              # an as-of later than the latest data year
    ("onbekend=1", "onbekend"),           # a parameter no notebook has
])
def test_bad_run_parameter(built, param, needle):
    assert built["rc"] == 0
    out = built["out"]
    before = tree_hashes(out)
    res = run_cli("run", "--region", REGION, "--out", out, "-p", param)
    assert res.returncode != 0
    text = res.stdout + res.stderr
    assert needle in text and "Traceback" not in text, text
    assert tree_hashes(out) == before


def test_forecast_as_of_after_latest_data_year(tmp_path):
    out = tmp_path / "f.csv"
    out.write_text("vorige goede uitvoer\n")
    res = run_cli("forecast", "--region", REGION, "--as-of", "2031", "--until", "2035", "--out", out)
    assert res.returncode == 2 and "--as-of" in res.stderr and "2031" in res.stderr
    assert out.read_text() == "vorige goede uitvoer\n"


def test_forecast_horizon_before_base_year(tmp_path):
    out = tmp_path / "f.csv"
    res = run_cli("forecast", "--region", REGION, "--until", "2020", "--out", out)
    assert res.returncode == 2 and "--until" in res.stderr and "2020" in res.stderr
    assert not out.exists()
