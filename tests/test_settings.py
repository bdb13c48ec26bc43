"""One place per concept (woonzorg_lib.settings): variants, base year, region filter, the as-of rule.

Small frames below are synthetic (made up for the rule), named so."""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd

from woonzorg_lib import settings
from woonzorg_lib.demography import asof

PKG = Path(__file__).resolve().parents[1] / "woonzorg_lib"


def test_the_as_of_rule_is_the_demography_one():
    assert settings.visible is asof.visible


def test_synthetic_rows_become_visible_when_known():
    groepen = pd.DataFrame({  # synthetic
        "gemeentecode": ["GM0001"] * 4, "jaar": [2023, 2024, 2024, 2025],
        "peildatum": ["uitkeringsjaar 2023", "uitkeringsjaar 2024", "KWB 2024 (gemengd)", "2025-01-01"],
        "variabele": ["a", "a", "b", "c"], "waarde": [1.0, 2.0, 3.0, 4.0]})
    seen = settings.visible("groepen", groepen, 2024)
    # a maatstaf for uitkeringsjaar 2024 is set before 1-1-2024; a mixed KWB date is conservative (2025)
    assert list(seen["waarde"]) == [1.0, 2.0]
    zorg = pd.DataFrame({"regiocode": ["CR01"] * 2, "jaar": [2024, 2025], "waarde": [5.0, 6.0]})  # synthetic
    assert list(settings.visible("zorgwoonruimten", zorg, 2024)["jaar"]) == [2024]


def test_region_filter_and_codes():
    df = pd.DataFrame({"gemeentecode": ["GM2", "GM1", "GM3"], "regiocode": ["a", "b", "c"]})  # synthetic
    assert list(settings.in_region(df, ("GM1", "GM3"))["gemeentecode"]) == ["GM1", "GM3"]
    assert list(settings.in_region(df, {"b"}, column="regiocode")["gemeentecode"]) == ["GM1"]
    assert settings.region_codes(["GM3", "GM1"]) == ("GM1", "GM3")


def test_indicators_and_demand_inputs_use_no_plain_year_filter():
    """No `jaar <= as_of`-style filter in the facade or the indicators: the as-of rule decides."""
    for name in ("pipeline.py", "indicators.py"):
        tree = ast.parse((PKG / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Compare) and any(isinstance(op, (ast.LtE, ast.Lt)) for op in node.ops):
                text = ast.unparse(node)
                assert "jaar" not in text, f"{name}: {text} — use settings.visible"


def test_one_definition_of_variants_and_base_year():
    """VARIANTS and BASE_YEAR are defined in settings; the facade re-exports, nobody redefines."""
    from woonzorg_lib import pipeline

    assert pipeline.VARIANTS is settings.VARIANTS and pipeline.BASE_YEAR == settings.BASE_YEAR
    for path in [PKG / "pipeline.py", PKG / "indicators.py", *(PKG / "chapters").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assign):
                names = {getattr(t, "id", None) for t in node.targets}
                assert not names & {"VARIANTS", "BASE_YEAR"}, f"{path.name} definieert {names} opnieuw"
